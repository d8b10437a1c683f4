"""The moderators' admin keeps the vote history whole."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from debate.models import SympathyVote, VoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client, make_member):
    client.force_login(make_member(display_name="mod", is_staff=True, is_superuser=True))
    return client


def test_deleting_a_vote_in_the_admin_records_its_withdrawal(
    moderator_client, article, cast_votes, side_one
):
    (voter,) = cast_votes(side_one)
    vote = SympathyVote.objects.get(member=voter)

    response = moderator_client.post(
        reverse("admin:debate_sympathyvote_delete", args=[vote.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not SympathyVote.objects.exists()
    withdrawal = VoteChange.objects.order_by("id").last()
    assert (withdrawal.from_position_id, withdrawal.to_stance) == (side_one.pk, "")


def test_bulk_deleting_votes_in_the_admin_records_every_withdrawal(
    moderator_client, article, cast_votes, side_one, side_two
):
    cast_votes(side_one, side_two, None)

    moderator_client.post(
        reverse("admin:debate_sympathyvote_changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: list(SympathyVote.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert not SympathyVote.objects.exists()
    assert VoteChange.objects.filter(to_stance="").count() == 3
