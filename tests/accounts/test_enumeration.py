"""Sign-up, sign-in and password reset must not tell a visitor whether an address has an
account (ACCOUNT_PREVENT_ENUMERATION)."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, email, display_name):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": display_name,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_signup_with_taken_email_answers_like_a_new_one_when_verification_is_mandatory(
    client, verified_member, mandatory_verification
):
    verified_member(email="ada@example.com")

    taken = signup(client, "ada@example.com", "someone")
    fresh = signup(client, "fresh@example.com", "fresh")

    assert taken.status_code == fresh.status_code == HTTPStatus.FOUND
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")


def test_signup_with_taken_email_creates_nothing_and_tells_the_owner(
    client, verified_member, mandatory_verification
):
    verified_member(email="ada@example.com")

    signup(client, "ADA@example.com", "someone")

    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "already" in mail.outbox[0].body.lower()


def test_signup_with_taken_email_says_so_when_verification_is_optional(
    client, verified_member, optional_verification
):
    # allauth cannot hide it here without signing the visitor in to someone else's account;
    # this is why deployments (DEBUG off) use mandatory verification.
    verified_member(email="ada@example.com")

    response = signup(client, "ada@example.com", "someone")

    assert response.status_code == HTTPStatus.OK
    assert User.objects.count() == 1


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client, verified_member):
    verified_member(email="ada@example.com")
    url = reverse("account_reset_password")

    known = client.post(url, {"email": "ada@example.com"})
    unknown = client.post(url, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")


def test_sign_in_error_is_the_same_for_unknown_address_and_wrong_password(client, verified_member):
    verified_member(email="ada@example.com")
    url = reverse("account_login")

    wrong_password = client.post(url, {"login": "ada@example.com", "password": "nope"})
    unknown = client.post(url, {"login": "nobody@example.com", "password": "nope"})

    assert wrong_password.context["form"].errors == unknown.context["form"].errors


def test_lockout_happens_for_unknown_addresses_too(client, db):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": "nobody@example.com", "password": "nope"})

    response = client.post(url, {"login": "nobody@example.com", "password": "nope"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
