"""Judging services: endorsing, the camps' counters and bridging score, switches and credits."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import member_delete
from debate import judging, services
from debate.models import (
    ArticleJudging,
    Credit,
    Endorsement,
    EndorsementTally,
    Post,
    PostStatus,
    Switch,
    SwitchState,
    VoteCount,
)
from debate.moderation import MemberSuspended

from .conftest import recount_check_status
from .test_services import run_at_once

pytestmark = pytest.mark.django_db


def fresh(post) -> Post:
    return Post.objects.get(pk=post.pk)


def vote(member, position, article=None):
    services.vote_cast(member=member, article=article or position.article, position=position)


def test_endorsing_counts_one_on_the_post(veteran, make_post, side_one):
    post = make_post(position=side_one)

    assert judging.endorsement_add(member=veteran(), post=post)
    assert fresh(post).endorsement_count == 1


def test_endorsing_twice_leaves_one_endorsement(veteran, make_post, side_one):
    post, member = make_post(position=side_one), veteran()
    judging.endorsement_add(member=member, post=post)

    assert not judging.endorsement_add(member=member, post=post)
    assert Endorsement.objects.filter(post=post).count() == 1
    assert fresh(post).endorsement_count == 1


def test_endorsing_your_own_rebuttal_is_refused(veteran, make_post, side_one):
    author = veteran()
    post = make_post(author, position=side_one)

    with pytest.raises(judging.JudgingError, match="yourself"):
        judging.endorsement_add(member=author, post=post)


@pytest.mark.parametrize("status", [PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED])
def test_endorsing_an_unpublished_item_is_refused(veteran, make_post, side_one, status):
    post = make_post(position=side_one, status=status)

    with pytest.raises(judging.JudgingError, match="no longer shown"):
        judging.endorsement_add(member=veteran(), post=post)


def test_endorsing_a_comment_is_refused(veteran, make_post, article):
    post = make_post(article=article)

    with pytest.raises(judging.JudgingError, match="rebuttals and replies"):
        judging.endorsement_add(member=veteran(), post=post)


def test_a_reply_can_be_endorsed(veteran, make_post, side_one):
    reply = make_post(parent=make_post(position=side_one))

    assert judging.endorsement_add(member=veteran(), post=reply)


def test_a_suspended_member_cannot_endorse(veteran, make_post, side_one):
    member = veteran()
    member.suspended_at = timezone.now()
    member.suspended_until = timezone.now() + timedelta(days=1)
    member.save()

    with pytest.raises(MemberSuspended):
        judging.endorsement_add(member=member, post=make_post(position=side_one))


def test_withdrawing_takes_the_endorsement_back(veteran, make_post, side_one):
    post, member = make_post(position=side_one), veteran()
    vote(member, side_one)
    judging.endorsement_add(member=member, post=post)

    assert judging.endorsement_withdraw(member=member, post=post)
    assert fresh(post).endorsement_count == 0
    assert EndorsementTally.objects.get(post=post).endorsements == 0


def test_bridging_needs_endorsements_from_every_camp(veteran, make_post, side_one, side_two):
    post = make_post(position=side_one)
    for side in (side_one, side_one, side_two):
        member = veteran()
        vote(member, side)
        judging.endorsement_add(member=member, post=post)

    # Two from side one's camp, one from side two's: the smaller is 1, stored in halves.
    assert fresh(post).bridging == 2


def test_both_equally_counts_half_on_every_side(veteran, make_post, article, side_one):
    post = make_post(position=side_one)
    member = veteran()
    services.vote_cast(member=member, article=article, position=None)
    judging.endorsement_add(member=member, post=post)

    assert fresh(post).bridging == 1


def test_members_without_a_vote_count_in_the_total_only(veteran, make_post, side_one):
    post = make_post(position=side_one)
    judging.endorsement_add(member=veteran(), post=post)

    assert (fresh(post).endorsement_count, fresh(post).bridging) == (1, 0)


def test_new_or_unverified_members_do_not_count_towards_camps(
    make_member, make_post, article, side_one
):
    post = make_post(position=side_one)
    newcomer = make_member()
    services.vote_cast(member=newcomer, article=article, position=None)
    judging.endorsement_add(member=newcomer, post=post)

    assert (fresh(post).endorsement_count, fresh(post).bridging) == (1, 0)


def test_bridging_follows_an_endorser_who_changes_sides(veteran, make_post, side_one, side_two):
    post = make_post(position=side_one)
    members = [veteran(), veteran()]
    vote(members[0], side_one)
    vote(members[1], side_two)
    for member in members:
        judging.endorsement_add(member=member, post=post)
    assert fresh(post).bridging == 2

    vote(members[1], side_one)

    assert fresh(post).bridging == 0
    assert EndorsementTally.objects.get(post=post, position=side_one).endorsements == 2


def test_bridging_follows_an_endorser_who_withdraws_their_vote(
    veteran, make_post, article, side_one, side_two
):
    post = make_post(position=side_one)
    members = [veteran(), veteran()]
    vote(members[0], side_one)
    vote(members[1], side_two)
    for member in members:
        judging.endorsement_add(member=member, post=post)

    services.vote_withdraw(member=members[1], article=article)

    assert fresh(post).bridging == 0


def test_bridging_follows_an_endorser_who_deletes_their_account(
    veteran, make_post, side_one, side_two
):
    post = make_post(position=side_one)
    members = [veteran(), veteran()]
    vote(members[0], side_one)
    vote(members[1], side_two)
    for member in members:
        judging.endorsement_add(member=member, post=post)

    member_delete(members[1])

    assert (fresh(post).endorsement_count, fresh(post).bridging) == (1, 0)
    assert recount_check_status() == 0


def test_a_vote_change_of_a_member_with_50_endorsements_costs_few_queries(
    veteran, make_post, article, side_one, side_two
):
    member = veteran()
    vote(member, side_one)
    author = veteran()
    for _ in range(50):
        judging.endorsement_add(member=member, post=make_post(author, position=side_two))

    with CaptureQueriesContext(connection) as captured:
        vote(member, side_two)

    # The vote's own (about ten) and a handful for the endorsements, whatever their number.
    assert len(captured.captured_queries) <= 22
    assert EndorsementTally.objects.filter(position=side_two, endorsements=1).count() == 50


# Switches and credits ----------------------------------------------------------------------


def test_a_change_of_side_is_a_switch(veteran, article, side_one, side_two):
    member = veteran()
    vote(member, side_one)
    vote(member, side_two)

    switch = Switch.objects.get()
    assert (switch.from_position, switch.to_position) == (side_one, side_two)
    assert ArticleJudging.objects.get(article=article).members_switched == 1


def test_withdrawing_then_voting_again_is_not_a_switch(veteran, article, side_one, side_two):
    member = veteran()
    vote(member, side_one)
    services.vote_withdraw(member=member, article=article)
    vote(member, side_two)

    assert not Switch.objects.exists()


def test_members_switched_counts_each_member_once(veteran, article, side_one, side_two):
    member = veteran()
    for side in (side_one, side_two, side_one):
        vote(member, side)

    assert ArticleJudging.objects.get(article=article).members_switched == 1


def test_a_newer_switch_supersedes_the_open_one(veteran, article, side_one, side_two):
    member = veteran()
    for side in (side_one, side_two, side_one):
        vote(member, side)

    switches = list(Switch.objects.order_by("created_at", "id"))
    assert [(s.state, s.first_on_article) for s in switches] == [
        (SwitchState.SKIPPED, True),
        (SwitchState.OPEN, False),
    ]


def test_a_credited_switch_stays_credited_when_the_member_switches_again(
    veteran, make_post, side_one, side_two
):
    member = veteran()
    vote(member, side_one)
    vote(member, side_two)
    switch = Switch.objects.get()
    judging.credit_give(member=member, switch=switch, post=make_post(position=side_two))

    vote(member, side_one)

    assert Switch.objects.get(pk=switch.pk).state == SwitchState.CREDITED
    assert Switch.objects.latest("created_at", "id").state == SwitchState.OPEN


def test_endorsements_made_without_a_vote_join_the_camp_of_the_first_vote(
    veteran, make_post, article, side_one, side_two
):
    member, post = veteran(), make_post(position=side_two)
    judging.endorsement_add(member=member, post=post)

    vote(member, side_one)

    endorsement = Endorsement.objects.get(member=member)
    assert (endorsement.camp_stance, endorsement.camp_position) == ("position", side_one)
    assert EndorsementTally.objects.get(post=post, position=side_one).endorsements == 1


def test_a_vote_change_without_endorsements_reads_judging_only_in_the_votes_statement(
    veteran, article, side_one, side_two
):
    if connection.vendor != "postgresql":
        pytest.skip("the vote's one statement is PostgreSQL's; SQLite reads step by step")
    member = veteran()
    vote(member, side_one)
    vote(member, side_two)  # the member's first switch is past

    with CaptureQueriesContext(connection) as captured:
        vote(member, side_one)

    judging_reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().startswith("SELECT")
        and ("debate_endorsement" in query["sql"] or "debate_switch" in query["sql"])
    ]
    assert judging_reads == []
    assert Switch.objects.filter(member=member).count() == 2


@pytest.fixture
def switched(veteran, side_one, side_two):
    """A member who moved from side one to side two, and their open switch."""
    member = veteran()
    vote(member, side_one)
    vote(member, side_two)
    return member, Switch.objects.get(member=member)


def test_crediting_a_switch_counts_a_changed_mind(switched, make_post, side_one):
    member, switch = switched
    post = make_post(position=side_one)

    judging.credit_give(member=member, switch=switch, post=post, reason="The *numbers*.")

    assert fresh(post).minds_changed == 1
    assert Switch.objects.get(pk=switch.pk).state == SwitchState.CREDITED
    assert Credit.objects.get().reason_html.strip() == "<p>The <em>numbers</em>.</p>"


def test_a_credit_reason_is_sanitized(switched, make_post, side_one):
    member, switch = switched

    judging.credit_give(
        member=member, switch=switch, post=make_post(position=side_one),
        reason='<img src=x onerror="alert(1)"> fine',
    )  # fmt: skip

    assert "<img" not in Credit.objects.get().reason_html


def test_a_credit_reason_over_280_characters_is_refused(switched, make_post, side_one):
    member, switch = switched

    with pytest.raises(judging.JudgingError, match="280"):
        judging.credit_give(
            member=member, switch=switch, post=make_post(position=side_one), reason="x" * 281
        )


def test_a_switch_is_credited_once(switched, make_post, side_one):
    member, switch = switched
    judging.credit_give(member=member, switch=switch, post=make_post(position=side_one))

    with pytest.raises(judging.JudgingError, match="already answered"):
        judging.credit_give(member=member, switch=switch, post=make_post(position=side_one))


def test_a_credit_after_24_hours_is_refused(switched, make_post, side_one):
    member, switch = switched
    later = timezone.now() + timedelta(hours=24, minutes=1)

    with pytest.raises(judging.JudgingError, match="24 hours"):
        judging.credit_give(
            member=member, switch=switch, post=make_post(position=side_one), now=later
        )


def test_a_credit_without_a_switch_is_refused(veteran, make_post, side_one, side_two):
    member, other = veteran(), veteran()
    vote(other, side_one)
    vote(other, side_two)
    switch_of_another = Switch.objects.get(member=other)

    with pytest.raises(judging.JudgingError, match="no change of side"):
        judging.credit_give(
            member=member, switch=switch_of_another, post=make_post(position=side_one)
        )


def test_the_same_rebuttal_cannot_be_credited_twice(veteran, make_post, side_one, side_two):
    member = veteran()
    post = make_post(position=side_one)
    vote(member, side_one)
    vote(member, side_two)
    judging.credit_give(member=member, switch=Switch.objects.get(), post=post)
    vote(member, side_one)
    vote(member, side_two)
    latest = Switch.objects.filter(state=SwitchState.OPEN).get()

    with pytest.raises(judging.JudgingError, match="already credited"):
        judging.credit_give(member=member, switch=latest, post=post)
    assert fresh(post).minds_changed == 1


def test_crediting_your_own_rebuttal_is_refused(switched, make_post, side_one):
    member, switch = switched

    with pytest.raises(judging.JudgingError, match="yourself"):
        judging.credit_give(member=member, switch=switch, post=make_post(member, position=side_one))


def test_skipping_closes_the_prompt(switched):
    member, switch = switched

    judging.switch_skip(member=member, switch=switch)

    assert judging.switch_open(member, switch.article) is None


def test_a_members_profile_sum_counts_the_minds_their_rebuttals_changed(
    switched, veteran, make_post, side_one
):
    member, switch = switched
    author = veteran()
    judging.credit_give(member=member, switch=switch, post=make_post(author, position=side_one))

    assert judging.minds_changed_by(author) == 1


# A race on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_endorsements_by_one_member_count_once(veteran, make_post, side_one):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    post, member = make_post(position=side_one), veteran()
    vote(member, side_one)
    start = threading.Barrier(20)
    errors = []

    def endorse():
        try:
            start.wait()
            judging.endorsement_add(member=member, post=post)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=endorse) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Endorsement.objects.filter(post=post).count() == 1
    assert fresh(post).endorsement_count == 1
    assert EndorsementTally.objects.get(post=post, position=side_one).endorsements == 1


def vote_as_the_view_does(member, position):
    """The page query, then the vote written on top of the version it read (if it may be)."""
    article = position.article
    found = VoteCount.objects.page(article.slug, member.pk, ("id", "slug"), for_vote=True)
    seen = found.vote_seen(member.pk)
    services.vote_cast(member=member, article=article, position=position, seen=seen)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cast", [vote, vote_as_the_view_does], ids=["locked", "on-what-was-read"])
def test_endorsements_racing_a_members_vote_changes_all_end_in_their_camp(
    cast, veteran, make_post, side_one, side_two
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    author, member = veteran(), veteran()
    posts = [make_post(author, position=side_two) for _ in range(10)]
    vote(member, side_one)
    calls = []
    for n, post in enumerate(posts):
        calls.append(lambda post=post: judging.endorsement_add(member=member, post=post))
        calls.append(lambda n=n: cast(member, (side_two, side_one)[n % 2]))

    assert run_at_once(calls) == []
    camp = member.sympathy_votes.get().position_id
    assert set(
        Endorsement.objects.filter(member=member).values_list("camp_position", flat=True)
    ) == {camp}
    assert EndorsementTally.objects.get(post=posts[0], position_id=camp).endorsements == 1
    assert recount_check_status() == 0
