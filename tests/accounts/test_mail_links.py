"""Every link and site name in the mail allauth sends comes from SITE_URL, never from the
request: a Host header (with any port, since ALLOWED_HOSTS ignores ports) cannot steer a
reset token to another server."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from .conftest import NEW_PASSWORD, PASSWORD

pytestmark = pytest.mark.django_db

SITE_URL = "https://both-sides.example"
HOSTILE = {"HTTP_HOST": "localhost:1337"}


@pytest.fixture(autouse=True)
def _configured_origin(settings):
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["localhost", "both-sides.example", "testserver"]


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def assert_only_configured_origin(message):
    assert "localhost" not in message.body
    assert "1337" not in message.body
    assert "testserver" not in message.body
    assert "example.com" not in message.body.replace("@example.com", "")
    for link in links_in(message):
        assert link.startswith(f"{SITE_URL}/"), link


def test_a_reset_requested_through_a_hostile_host_mails_a_link_on_the_configured_origin(
    client, verified_member
):
    verified_member(email="ada@example.com")

    client.post(reverse("account_reset_password"), {"email": "ada@example.com"}, **HOSTILE)

    message = mail.outbox[-1]
    [link] = [link for link in links_in(message) if "/password/reset/key/" in link]
    assert link.startswith(f"{SITE_URL}/accounts/password/reset/key/")
    assert_only_configured_origin(message)


def test_mail_names_the_site_and_the_configured_domain(client, verified_member):
    verified_member(email="ada@example.com")

    client.post(reverse("account_reset_password"), {"email": "ada@example.com"}, **HOSTILE)

    body = mail.outbox[-1].body
    assert "Hello from Both Sides!" in body
    assert "Thank you for using Both Sides!\nboth-sides.example" in body


def test_the_sign_up_confirmation_link_is_on_the_configured_origin(client, mandatory_verification):
    client.post(
        reverse("account_signup"),
        {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD},
        **HOSTILE,
    )

    message = mail.outbox[-1]
    assert any(link.startswith(f"{SITE_URL}/accounts/confirm-email/") for link in links_in(message))
    assert "register an account on both-sides.example" in message.body
    assert_only_configured_origin(message)


def test_the_confirmation_link_for_an_added_address_is_on_the_configured_origin(
    client, verified_member
):
    client.force_login(verified_member(email="ada@example.com"))

    client.post(reverse("account_email"), {"action_add": "", "email": "ada@new.example"}, **HOSTILE)

    message = mail.outbox[-1]
    assert message.to == ["ada@new.example"]
    assert any(link.startswith(f"{SITE_URL}/accounts/confirm-email/") for link in links_in(message))
    assert_only_configured_origin(message)


def test_a_reset_for_an_unknown_address_links_to_sign_up_on_the_configured_origin(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, **HOSTILE)

    message = mail.outbox[-1]
    assert f"{SITE_URL}/accounts/signup/" in links_in(message)
    assert_only_configured_origin(message)


def test_signing_up_with_a_taken_address_mails_the_owner_links_on_the_configured_origin(
    client, verified_member, mandatory_verification
):
    verified_member(email="ada@example.com")

    client.post(
        reverse("account_signup"),
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
        **HOSTILE,
    )

    message = mail.outbox[-1]
    assert f"{SITE_URL}/accounts/password/reset/" in links_in(message)
    assert_only_configured_origin(message)


def test_notifications_name_the_configured_domain(client, verified_member):
    member = verified_member(email="ada@example.com")
    client.force_login(member)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        **HOSTILE,
    )

    message = mail.outbox[-1]
    assert "password" in message.subject.lower()
    assert "both-sides.example" in message.body
    assert_only_configured_origin(message)


def test_a_mail_with_a_link_off_the_configured_origin_is_refused(verified_member, settings):
    # The last wall: should allauth ever build a new link from the request, the mail is not
    # sent rather than sent with a link a Host header chose.
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ImproperlyConfigured

    member = verified_member(email="ada@example.com")
    context = {"user": member, "password_reset_url": "https://localhost:1337/accounts/x/"}

    with pytest.raises(ImproperlyConfigured, match="localhost:1337"):
        get_adapter().send_mail("account/email/password_reset_key", member.email, context)
    assert mail.outbox == []
