from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .conftest import PASSWORD, link_in_mail

pytestmark = pytest.mark.django_db


def signup(client, email="grace@example.com", display_name="grace", **extra):
    data = {"email": email, "display_name": display_name, "password1": PASSWORD}
    data["password2"] = PASSWORD
    data.update(extra)
    return client.post(reverse("account_signup"), data)


def test_signup_page_asks_for_email_display_name_and_password(client):
    response = client.get(reverse("account_signup"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="email"' in html
    assert 'name="display_name"' in html
    assert 'name="password1"' in html


def test_signup_creates_member_with_chosen_display_name(client, optional_verification):
    response = signup(client, email="Grace@Example.com", display_name="Grace.Hopper")

    assert response.status_code == HTTPStatus.FOUND
    member = User.objects.get()
    assert member.display_name == "Grace.Hopper"
    assert member.email == "grace@example.com"
    assert member.check_password(PASSWORD)


def test_signup_without_display_name_derives_one_from_email(client, optional_verification):
    signup(client, email="ada.lovelace@example.com", display_name="")

    assert User.objects.get().display_name == "ada.lovelace"


def test_derived_display_name_avoids_a_taken_one(client, make_member, optional_verification):
    make_member(display_name="ada")

    signup(client, email="ada@example.org", display_name="")

    assert User.objects.filter(display_name="ada-2").exists()


def test_signup_rejects_display_name_taken_in_another_case(
    client, make_member, optional_verification
):
    make_member(display_name="Grace")

    response = signup(client, email="new@example.com", display_name="gRACE")

    assert response.status_code == HTTPStatus.OK
    assert "That display name is taken" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_rejected_signup_keeps_what_the_visitor_typed(client, make_member, optional_verification):
    make_member(display_name="grace")

    response = signup(client, email="keep@example.com", display_name="grace")

    html = response.content.decode()
    assert 'value="keep@example.com"' in html
    assert 'value="grace"' in html


@pytest.mark.parametrize("name", ["settings", "Admin", "moderator"])
def test_signup_rejects_reserved_display_names(client, name, optional_verification):
    response = signup(client, display_name=name)

    assert "That name is reserved" in response.content.decode()
    assert not User.objects.exists()


def test_signup_rejects_display_name_with_spaces(client, optional_verification):
    response = signup(client, display_name="grace hopper")

    assert "Use 3 to 30 letters" in response.content.decode()
    assert not User.objects.exists()


def test_full_flow_signup_verify_sign_in_sign_out(client, mandatory_verification):
    response = signup(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.com"]

    # Before verifying, signing in only resends the link.
    response = client.post(
        reverse("account_login"), {"login": "grace@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_path = link_in_mail("/accounts/confirm-email/", mail.outbox[0])
    page = client.get(confirm_path)
    assert page.status_code == HTTPStatus.OK
    assert "grace@example.com" in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == HTTPStatus.FOUND

    response = client.post(
        reverse("account_login"),
        {"login": "grace@example.com", "password": PASSWORD},
        follow=True,
    )
    assert response.context["user"].display_name == "grace"
    assert "Sign out" in response.content.decode()

    response = client.post(reverse("account_logout"), follow=True)
    assert not response.context["user"].is_authenticated
    assert "Sign in" in response.content.decode()


def test_confirmation_link_does_not_verify_on_get(client, mandatory_verification):
    from allauth.account.models import EmailAddress

    signup(client)
    client.get(link_in_mail("/accounts/confirm-email/"))

    assert not EmailAddress.objects.get(email="grace@example.com").verified


def test_optional_verification_signs_the_member_in_at_once(client, optional_verification):
    response = signup(client, next="/articles/a-debate/")

    assert response["Location"] == "/articles/a-debate/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)
    assert len(mail.outbox) == 1  # the verification link is still sent


def test_verification_mail_names_the_site_and_its_configured_domain(
    client, optional_verification, settings
):
    settings.SITE_URL = "https://both-sides.example"

    signup(client)

    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[Both Sides] ")
    assert "Hello from Both Sides!" in body
    assert "register an account on both-sides.example" in body
    assert "example.com" not in body


def test_name_taken_between_check_and_save_still_signs_up_with_the_next_free_name(
    client, make_member, optional_verification, monkeypatch
):
    # The other member commits "grace" just after the sign-up form checked that it was free.
    monkeypatch.setattr("accounts.forms.display_name_clean", lambda value, **kwargs: value)
    make_member(display_name="grace", email="first@example.com")

    response = signup(client, email="second@example.com", display_name="grace")

    assert response.status_code == HTTPStatus.FOUND
    member = User.objects.get(email="second@example.com")
    assert member.display_name == "grace-2"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Someone took “grace” a moment before you" in m for m in shown)
