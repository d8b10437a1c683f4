"""Every admin list a moderator uses stays within a fixed number of queries, with 1,000 rows."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from debate.models import (
    Article,
    ModerationAction,
    ModerationRecord,
    Post,
    PostKind,
    Report,
    ReportReason,
    Stance,
    SympathyVote,
    VoteChange,
)

pytestmark = pytest.mark.django_db

ROWS = 1000


@pytest.fixture
def members(db):
    User = get_user_model()
    return User.objects.bulk_create(
        User(email=f"bulk{n}@example.com", display_name=f"bulk{n}", password="!")
        for n in range(ROWS)
    )


@pytest.fixture
def posts(members, article, side_one):
    return Post.objects.bulk_create(
        Post(kind=PostKind.REBUTTAL, article=article, position=side_one, author=member,
             body_md=f"Rebuttal {n}, written in bulk.", body_html=f"<p>Rebuttal {n}</p>")
        for n, member in enumerate(members)
    )  # fmt: skip


@pytest.fixture
def reported(posts, members):
    Report.objects.bulk_create(
        Report(post=post, reporter=members[(n + 1) % ROWS], reason=ReportReason.SPAM,
               note="Looks like spam.")
        for n, post in enumerate(posts)
    )  # fmt: skip
    Post.objects.update(report_count=1)
    return posts


@pytest.fixture
def votes(members, article):
    SympathyVote.objects.bulk_create(
        SympathyVote(member=member, article=article, stance=Stance.BOTH) for member in members
    )
    VoteChange.objects.bulk_create(
        VoteChange(article=article, member=member, to_stance=Stance.BOTH) for member in members
    )


@pytest.fixture
def records(posts):
    now = timezone.now()
    ModerationRecord.objects.bulk_create(
        ModerationRecord(created_at=now, action=ModerationAction.HIDE, actor_name="hilda",
                         reason="Bulk.", post_id=post.pk, member_name="bulk",
                         before={"status": "published"}, after={"status": "hidden"})
        for post in posts
    )  # fmt: skip


@pytest.fixture
def articles(db):
    Article.objects.bulk_create(
        Article(slug=f"article-{n}", title=f"Article {n}", body_md="Text.", body_html="<p>T</p>")
        for n in range(ROWS)
    )


# (list, the rows it needs, the most queries it may take: the same with 3 rows as with 1,000)
LISTS = [
    ("admin:debate_post_changelist", "posts", 10),
    ("admin:debate_reportedpost_changelist", "reported", 13),
    ("admin:debate_report_changelist", "reported", 9),
    ("admin:accounts_user_changelist", "members", 9),
    ("admin:debate_sympathyvote_changelist", "votes", 10),
    ("admin:debate_votechange_changelist", "votes", 9),
    ("admin:debate_moderationrecord_changelist", "records", 11),
    ("admin:debate_article_changelist", "articles", 13),
]


@pytest.mark.parametrize(("list_name", "rows", "most"), LISTS)
def test_a_moderators_admin_list_takes_a_fixed_number_of_queries(
    request, moderating_client, django_assert_max_num_queries, list_name, rows, most
):
    request.getfixturevalue(rows)
    moderating_client.get(reverse("admin:index"))  # the session and permissions, warmed up

    with django_assert_max_num_queries(most):
        response = moderating_client.get(reverse(list_name))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= ROWS
