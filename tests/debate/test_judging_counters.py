"""The judging counters agree with `recount` after any mix of writes, and `recount` repairs
them; the article page reads them in a constant number of queries."""

import contextlib
import random
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.services import member_delete
from debate import judging, services
from debate.models import Endorsement, EndorsementTally, Post, Switch, SwitchState
from debate.recount import recount

pytestmark = pytest.mark.django_db


def corrections(article):
    from debate.models import Article

    return recount(Article.objects.filter(pk=article.pk), repair=False)


def test_counters_equal_recount_after_a_random_mix(
    veteran, make_member, make_post, article, side_one, side_two
):
    rng = random.Random(11)
    members = [veteran() for _ in range(6)] + [make_member(password=None) for _ in range(2)]
    posts = [make_post(position=rng.choice([side_one, side_two])) for _ in range(6)]
    posts.append(make_post(parent=posts[0]))
    choices = [side_one, side_two, None]
    for _ in range(120):
        member, post = rng.choice(members), rng.choice(posts)
        action = rng.random()
        if action < 0.35:
            with contextlib.suppress(judging.JudgingError):
                judging.endorsement_add(member=member, post=post)
        elif action < 0.5:
            judging.endorsement_withdraw(member=member, post=post)
        elif action < 0.8:
            services.vote_cast(member=member, article=article, position=rng.choice(choices))
        elif action < 0.9:
            services.vote_withdraw(member=member, article=article)
        else:
            switch = judging.switch_open(member, article)
            if switch is not None:
                with contextlib.suppress(judging.JudgingError):
                    judging.credit_give(member=member, switch=switch, post=rng.choice(posts))
    member_delete(members[0])

    assert Endorsement.objects.exists()
    assert Switch.objects.filter(state=SwitchState.CREDITED).exists()
    assert corrections(article) == []


def test_recount_repairs_a_wrong_camp_counter(veteran, make_post, article, side_one):
    post, member = make_post(position=side_one), veteran()
    services.vote_cast(member=member, article=article, position=side_one)
    judging.endorsement_add(member=member, post=post)
    EndorsementTally.objects.filter(post=post).update(endorsements=5)
    Post.objects.filter(pk=post.pk).update(bridging=9, endorsement_count=3)

    call_command("recount", stdout=StringIO(), verbosity=0)

    assert EndorsementTally.objects.get(post=post).endorsements == 1
    assert Post.objects.filter(pk=post.pk).values_list("endorsement_count", "bridging").get() == (
        1,
        0,
    )
    assert corrections(article) == []


def test_recount_check_reports_a_wrong_minds_changed(make_post, article, side_one):
    post = make_post(position=side_one)
    Post.objects.filter(pk=post.pk).update(minds_changed=2)

    found = corrections(article)

    assert [(c.counter, c.stored, c.actual) for c in found] == [
        (f"minds changed of #{post.pk}", 2, 0)
    ]


def test_article_page_queries_stay_constant_with_200_rebuttals_and_2000_endorsements(
    client, member, veteran, make_post, article, side_one, side_two, django_assert_max_num_queries
):
    from django.utils import timezone

    from debate.models import ArticleJudging, Credit, Switch, VoteChange

    authors = [veteran() for _ in range(10)]
    posts = Post.objects.bulk_create(
        Post(
            article=article, author=authors[n % 10], position=[side_one, side_two][n % 2],
            body_md="x", body_html="<p>An argument.</p>", endorsement_count=n % 17,
            bridging=n % 5, minds_changed=n % 3,
        )
        for n in range(200)
    )  # fmt: skip
    endorsers = [veteran() for _ in range(10)]
    now = timezone.now()
    Endorsement.objects.bulk_create(
        Endorsement(member=e, post=p, article=article, created_at=now, eligible=True)
        for e in endorsers
        for p in posts
    )
    changes = VoteChange.objects.bulk_create(
        VoteChange(article=article, member=endorsers[n % 10], from_stance="both",
                   to_stance="position", to_position=side_one)
        for n in range(200)
    )  # fmt: skip
    switches = Switch.objects.bulk_create(
        Switch(vote_change=c, article=article, member=c.member, to_position=side_one,
               created_at=now, state=SwitchState.CREDITED)
        for c in changes
    )  # fmt: skip
    Credit.objects.bulk_create(
        Credit(switch=s, post=posts[n], member=s.member, created_at=now)
        for n, s in enumerate(switches)
    )
    ArticleJudging.objects.create(article=article, members_switched=10)
    client.force_login(member)

    for order in ("bridging", "top", "new"):
        with django_assert_max_num_queries(12):
            response = client.get(f"{article.get_absolute_url()}?order={order}")
        assert response.status_code == 200
