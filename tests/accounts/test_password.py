from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from .conftest import NEW_PASSWORD, PASSWORD, link_in_mail

pytestmark = pytest.mark.django_db


def test_password_reset_by_email_then_sign_in_with_new_password(client, verified_member):
    member = verified_member(email="ada@example.com")

    response = client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox[-1].to == ["ada@example.com"]

    # The emailed link redirects once to a key-less URL (the key moves into the session).
    response = client.get(link_in_mail("/accounts/password/reset/key/"), follow=True)
    assert response.status_code == HTTPStatus.OK
    form_path = response.redirect_chain[-1][0]
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    response = client.post(
        reverse("account_login"), {"login": "ada@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND


def test_reset_link_with_a_bad_key_says_it_is_invalid(client, verified_member):
    verified_member(email="ada@example.com")

    response = client.get("/accounts/password/reset/key/1-not-a-real-key/", follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "invalid" in response.content.decode().lower()


def test_change_password_needs_the_old_one(client, verified_member):
    member = verified_member(email="ada@example.com")
    client.force_login(member)
    url = reverse("account_change_password")

    wrong = client.post(
        url, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == HTTPStatus.OK
    member.refresh_from_db()
    assert member.check_password(PASSWORD)

    right = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert right.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_changing_the_password_emails_the_member(client, verified_member):
    client.force_login(verified_member(email="ada@example.com"))

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert mail.outbox[-1].to == ["ada@example.com"]
    assert "password" in mail.outbox[-1].subject.lower()
