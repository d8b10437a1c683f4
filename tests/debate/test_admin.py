"""The moderators' admin: they can read what they judge, act on it and see that they did."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from debate.models import Post, PostStatus, Stance, SympathyVote, VoteChange
from debate.services import vote_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def rebuttal(make_member, article):
    return Post.objects.create(
        article=article,
        author=make_member(display_name="spammer"),
        position=article.positions.first(),
        body_md="Buy cheap pills at example.com, the best pills in town",
    )


def test_rebuttal_list_shows_what_was_written_where_and_by_whom(moderator_client, rebuttal):
    response = moderator_client.get(reverse("admin:debate_post_changelist"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Buy cheap pills at example.com" in html
    assert "spammer" in html
    assert rebuttal.position.label in html


def test_rebuttal_list_uses_a_fixed_number_of_queries(
    moderator_client, rebuttal, make_member, django_assert_max_num_queries
):
    for n in range(10):
        Post.objects.create(
            article=rebuttal.article,
            author=make_member(display_name=f"m{n}"),
            position=rebuttal.position,
            body_md="x",
        )

    with django_assert_max_num_queries(12):
        moderator_client.get(reverse("admin:debate_post_changelist"))


def test_hiding_rebuttals_from_the_list_says_how_many(moderator_client, rebuttal):
    response = moderator_client.post(
        reverse("admin:debate_post_changelist"),
        {
            "action": "hide",
            ACTION_CHECKBOX_NAME: [rebuttal.pk],
            "confirm": "yes",
            "reason": "Advertising.",
        },
        follow=True,
    )

    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.HIDDEN
    assert "Hid 1 post." in [str(m) for m in response.context["messages"]]


def test_deleting_a_vote_in_the_admin_records_a_withdrawal(moderator_client, make_member, article):
    vote_cast(member=make_member(display_name="ada"), article=article, position=None)
    vote = SympathyVote.objects.get()

    response = moderator_client.post(
        reverse("admin:debate_sympathyvote_delete", args=[vote.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not SympathyVote.objects.exists()
    withdrawal = VoteChange.objects.latest("id")
    assert (withdrawal.from_stance, withdrawal.to_stance) == (Stance.BOTH, "")


def test_bulk_deleting_votes_in_the_admin_records_withdrawals(
    moderator_client, make_member, article
):
    for name in ("ada", "grace"):
        vote_cast(member=make_member(display_name=name), article=article, position=None)

    moderator_client.post(
        reverse("admin:debate_sympathyvote_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: list(SympathyVote.objects.values_list("pk", flat=True)),
        },
    )

    assert not SympathyVote.objects.exists()
    assert VoteChange.objects.filter(to_stance="").count() == 2


def test_admin_names_the_site(moderator_client):
    response = moderator_client.get(reverse("admin:index"))

    assert "Both Sides moderation" in response.content.decode()


def test_admin_greets_the_moderator_by_display_name(moderator_client):
    response = moderator_client.get(reverse("admin:index"))

    assert "<strong>mod</strong>" in response.content.decode()
