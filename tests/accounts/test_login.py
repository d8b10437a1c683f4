from http import HTTPStatus

import pytest
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKOUT_AFTER = 5  # settings.ACCOUNT_RATE_LIMITS["login_failed"]: 5 per address per 5 minutes


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def test_sign_in_returns_to_next(client, verified_member):
    verified_member(email="ada@example.com")

    response = sign_in(client, "ada@example.com", next="/articles/a-debate/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/articles/a-debate/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        " //evil.example",
        "\t//evil.example",
    ],
)
def test_sign_in_ignores_next_pointing_to_another_site(client, verified_member, next_url):
    verified_member(email="ada@example.com")

    response = sign_in(client, "ada@example.com", next=next_url)

    assert response["Location"] == "/"


def test_member_only_page_sends_visitor_to_sign_in_and_back(client, verified_member):
    verified_member(email="ada@example.com")
    settings_url = reverse("accounts:settings")

    response = client.get(settings_url)
    assert response.status_code == HTTPStatus.FOUND
    login_url = response["Location"]
    assert login_url == f"{reverse('account_login')}?next={settings_url}"

    page = client.get(login_url)
    assert f'value="{settings_url}"' in page.content.decode()
    response = sign_in(client, "ada@example.com", next=settings_url)
    assert response["Location"] == settings_url


def test_wrong_password_keeps_the_email_and_says_why(client, verified_member):
    verified_member(email="ada@example.com")

    response = sign_in(client, "ada@example.com", password="not-the-password")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "not correct" in html
    assert 'value="ada@example.com"' in html
    assert 'role="alert"' in html


def test_repeated_wrong_passwords_lock_the_address_with_429(client, verified_member):
    verified_member(email="ada@example.com")
    for _ in range(LOCKOUT_AFTER):
        assert sign_in(client, "ada@example.com", "wrong").status_code == HTTPStatus.OK

    response = sign_in(client, "ada@example.com", "wrong")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"] == "300"


def test_locked_address_refuses_even_the_right_password(client, verified_member):
    verified_member(email="ada@example.com")
    for _ in range(LOCKOUT_AFTER):
        sign_in(client, "ada@example.com", "wrong")

    response = sign_in(client, "ada@example.com")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_lockout_page_says_why_and_when_to_retry_in_the_site_layout(client, verified_member):
    verified_member(email="ada@example.com")
    for _ in range(LOCKOUT_AFTER):
        sign_in(client, "ada@example.com", "wrong")

    html = sign_in(client, "ada@example.com", "wrong").content.decode()

    assert "Too many attempts" in html
    assert "wait 5 minutes" in html
    assert 'class="site-header"' in html
    assert html.count("<main") == 1
    assert '<html lang="en">' in html


def test_lockout_is_per_address_so_other_members_can_still_sign_in(client, verified_member):
    verified_member(email="ada@example.com")
    verified_member(email="grace@example.com")
    for _ in range(LOCKOUT_AFTER):
        sign_in(client, "ada@example.com", "wrong")

    response = sign_in(client, "grace@example.com")

    assert response.status_code == HTTPStatus.FOUND


def test_lockout_cleared_between_tests_so_first_attempt_is_not_limited(client, verified_member):
    # The autouse cache fixture empties the real (local-memory) cache between tests; the
    # lockout tests above would otherwise leak into this one.
    verified_member(email="ada@example.com")

    assert sign_in(client, "ada@example.com").status_code == HTTPStatus.FOUND


def test_too_many_sign_in_posts_from_one_ip_answer_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for n in range(3):
        assert sign_in(client, f"nobody{n}@example.com", "x").status_code == HTTPStatus.OK

    response = sign_in(client, "nobody9@example.com", "x")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_too_many_signups_from_one_ip_answer_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    client.post(reverse("account_signup"), {"email": "a@example.com"})

    response = client.post(reverse("account_signup"), {"email": "b@example.com"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_admin_rejects_signed_in_non_staff_member(client, verified_member):
    client.force_login(verified_member(email="ada@example.com"))

    response = client.get("/admin/login/")

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_staff_member_signs_in_to_the_admin_through_sign_in(client, verified_member):
    verified_member(email="mod@example.com", is_staff=True)

    response = sign_in(client, "mod@example.com", next="/admin/")

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_sign_out_needs_a_post(client, verified_member):
    client.force_login(verified_member(email="ada@example.com"))

    client.get(reverse("account_logout"))

    assert "_auth_user_id" in client.session


def test_header_shows_display_name_with_profile_settings_and_sign_out(client, verified_member):
    member = verified_member(email="ada@example.com", display_name="Ada")
    client.force_login(member)

    html = client.get("/").content.decode()

    assert f'href="{member.get_absolute_url()}"' in html
    assert f'href="{reverse("accounts:settings")}"' in html
    assert f'<form method="post" action="{reverse("account_logout")}"' in html
    assert "Sign up" not in html


def test_header_offers_sign_in_and_sign_up_to_visitors(client, db):
    html = client.get("/").content.decode()

    assert f'href="{reverse("account_login")}?next=/"' in html
    assert f'href="{reverse("account_signup")}?next=/"' in html
