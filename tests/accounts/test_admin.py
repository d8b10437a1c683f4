from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import User
from debate.models import Stance, VoteChange
from debate.services import vote_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(make_member, article):
    member = make_member(display_name="ada")
    vote_cast(member=member, article=article, position=None)
    return member


def test_admin_delete_records_the_vote_withdrawal(moderator_client, voter):
    url = reverse("admin:accounts_user_delete", args=[voter.pk])

    response = moderator_client.post(url, {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=voter.pk).exists()
    assert VoteChange.objects.get(to_stance="").from_stance == Stance.BOTH


def test_admin_bulk_delete_records_the_vote_withdrawals(moderator_client, voter, make_member):
    other = make_member(display_name="grace")
    vote_cast(member=other, article=voter.sympathy_votes.get().article, position=None)

    moderator_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [voter.pk, other.pk], "post": "yes"},
    )

    assert not User.objects.filter(pk__in=[voter.pk, other.pk]).exists()
    assert VoteChange.objects.filter(to_stance="").count() == 2
