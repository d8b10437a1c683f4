from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from .conftest import link_in_mail

pytestmark = pytest.mark.django_db


def test_change_email_add_verify_make_primary(client, verified_member):
    member = verified_member(email="ada@example.com")
    client.force_login(member)
    url = reverse("account_email")

    response = client.post(url, {"action_add": "", "email": "ada@new.example"})
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox[-1].to == ["ada@new.example"]

    confirm_path = link_in_mail("/accounts/confirm-email/")
    client.post(confirm_path)
    assert EmailAddress.objects.get(email="ada@new.example").verified

    response = client.post(url, {"action_primary": "", "email": "ada@new.example"})
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.email == "ada@new.example"


def test_unverified_address_cannot_become_primary(client, verified_member):
    member = verified_member(email="ada@example.com")
    client.force_login(member)
    url = reverse("account_email")
    client.post(url, {"action_add": "", "email": "ada@new.example"})

    client.post(url, {"action_primary": "", "email": "ada@new.example"})

    member.refresh_from_db()
    assert member.email == "ada@example.com"


def test_email_page_lists_addresses_with_their_state(client, verified_member):
    client.force_login(verified_member(email="ada@example.com"))

    html = client.get(reverse("account_email")).content.decode()

    assert "ada@example.com" in html
    assert "badge--verified" in html
    assert "badge--primary" in html


def test_email_page_needs_sign_in(client, db):
    response = client.get(reverse("account_email"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
