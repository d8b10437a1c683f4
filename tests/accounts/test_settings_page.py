from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_settings_page_shows_the_members_name_and_bio(client, make_member):
    client.force_login(make_member(display_name="ada", bio="Counts things."))

    response = client.get(reverse("accounts:settings"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'value="ada"' in html
    assert "Counts things." in html


def test_settings_page_gives_the_profile_address_on_the_configured_domain(
    client, make_member, settings
):
    settings.SITE_URL = "https://both-sides.example"
    client.force_login(make_member(display_name="ada"))

    html = client.get(reverse("accounts:settings"), HTTP_HOST="localhost:1337").content.decode()

    assert "both-sides.example/members/ada/" in html
    assert "1337" not in html


def test_settings_saves_display_name_and_bio(client, make_member):
    member = make_member(display_name="ada")
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"), {"display_name": "Ada.L", "bio": "Writes notes."}
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Ada.L", "Writes notes.")


def test_settings_keeps_own_name_in_another_case(client, make_member):
    member = make_member(display_name="ada")
    client.force_login(member)

    client.post(reverse("accounts:settings"), {"display_name": "ADA", "bio": ""})

    member.refresh_from_db()
    assert member.display_name == "ADA"


def test_settings_rejects_a_taken_name_and_keeps_the_input(client, make_member):
    make_member(display_name="grace")
    member = make_member(display_name="ada")
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"), {"display_name": "Grace", "bio": "Kept bio."}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "That display name is taken" in html
    assert 'value="Grace"' in html
    assert "Kept bio." in html
    assert User.objects.get(pk=member.pk).display_name == "ada"


def test_rejected_name_does_not_leak_into_the_header(client, make_member):
    make_member(display_name="grace")
    client.force_login(make_member(display_name="ada"))

    response = client.post(reverse("accounts:settings"), {"display_name": "grace", "bio": ""})

    assert response.context["user"].display_name == "ada"


def test_settings_rejects_a_bio_over_500_characters(client, make_member):
    member = make_member(display_name="ada")
    client.force_login(member)

    response = client.post(reverse("accounts:settings"), {"display_name": "ada", "bio": "x" * 501})

    assert response.status_code == HTTPStatus.OK
    member.refresh_from_db()
    assert member.bio == ""


def test_settings_needs_sign_in(client, db):
    response = client.get(reverse("accounts:settings"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_settings_refuses_other_methods(client, make_member):
    client.force_login(make_member())

    response = client.delete(reverse("accounts:settings"))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("name", ["x", "xy"])
def test_display_name_shorter_than_three_characters_is_refused(client, make_member, name):
    client.force_login(make_member(display_name="ada"))

    response = client.post(reverse("accounts:settings"), {"display_name": name, "bio": ""})

    assert response.status_code == HTTPStatus.OK
    assert "Use 3 to 30 letters" in response.content.decode()
    assert User.objects.get(display_name="ada")


def test_name_taken_between_check_and_save_is_a_form_error(client, make_member, monkeypatch):
    member = make_member(display_name="ada")
    client.force_login(member)
    # The other member commits "grace" just after this form checked that it was free.
    monkeypatch.setattr("accounts.forms.display_name_clean", lambda value, **kwargs: value)
    monkeypatch.setattr("accounts.forms.MemberSettingsForm.validate_unique", lambda form: None)
    monkeypatch.setattr(User, "validate_constraints", lambda member, exclude=None: None)
    make_member(display_name="grace")

    response = client.post(
        reverse("accounts:settings"), {"display_name": "grace", "bio": "Kept bio."}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "That display name is taken" in html
    assert "Kept bio." in html
    assert User.objects.get(pk=member.pk).display_name == "ada"
