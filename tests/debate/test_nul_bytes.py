"""A NUL byte from a visitor never reaches the database.

PostgreSQL refuses NUL in text ("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
which used to be a 500 with a long traceback. SQLite stores it, so these tests also watch
every query for a NUL (`nul_watch`): that shows the fault on either database.
"""

import re
from http import HTTPStatus

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from debate.models import Article

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Null characters are not allowed."
BAD_REQUEST_PAGE = "understand that request"


def holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(item) for item in (*value, *value.values()))
    return False


@pytest.fixture
def nul_watch():
    """Every query that ran with a NUL in its parameters (on PostgreSQL it would have failed)."""
    reached = []

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)  # raises if anything refuses the query
        if holds_nul(params):
            reached.append((sql, params))
        return result

    connection.execute_wrappers.insert(0, watch)
    yield reached
    connection.execute_wrappers.remove(watch)


@pytest.fixture
def nul_session_client():
    """A visitor whose session cookie is `sessionid="abcdefgh\\000"`."""
    visitor = Client(raise_request_exception=False)
    visitor.cookies["sessionid"] = "abcdefgh\x00"
    return visitor


# --- A malformed session cookie is no session -------------------------------------------------


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("article", HTTPStatus.OK),
        ("tally", HTTPStatus.OK),
        ("sign-in", HTTPStatus.OK),
        ("admin", HTTPStatus.FOUND),
    ],
)
def test_a_session_cookie_holding_a_nul_is_treated_as_no_session(
    nul_session_client, article, nul_watch, page, status
):
    url = {
        "article": article.get_absolute_url(),
        "tally": reverse("debate:tally", args=[article.slug]),
        "sign-in": reverse("account_login"),
        "admin": reverse("admin:index"),
    }[page]

    response = nul_session_client.get(url)

    assert response.status_code == status
    if page == "admin":
        assert response["Location"].startswith(reverse("admin:login"))
    assert nul_watch == []


def test_a_malformed_session_cookie_is_not_even_looked_up(
    nul_session_client, article, django_assert_num_queries
):
    tally_url = reverse("debate:tally", args=[article.slug])
    Client().get(tally_url)  # warm: the same page for a visitor with no cookie
    with django_assert_num_queries(0):
        Client().get(tally_url)

    with django_assert_num_queries(0):
        response = nul_session_client.get(tally_url)

    assert response.status_code == HTTPStatus.OK


def test_a_session_cookie_of_other_malformed_shape_is_no_session_either(article, nul_watch):
    visitor = Client(raise_request_exception=False)
    visitor.cookies["sessionid"] = "ABC'; DROP TABLE django_session; --"

    response = visitor.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "Sign in" in response.content.decode()


def test_a_real_session_still_signs_the_member_in(member_client, article):
    response = member_client.get(article.get_absolute_url())

    assert "Sign out" in response.content.decode()


# --- A NUL in the address is a 400 ---------------------------------------------------------------


def test_a_nul_in_an_admin_list_filter_is_a_bad_request(moderator_client, nul_watch):
    moderator_client.raise_request_exception = False

    response = moderator_client.get(reverse("admin:debate_post_changelist") + "?status__exact=%00")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert BAD_REQUEST_PAGE in response.content.decode()
    assert nul_watch == []


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00",
        "/articles/a-debate/?seen=%00",
        "/articles/a-debate/tally/?seen=1%00",
        "/accounts/login/?next=/%00",
        "/admin/debate/article/?q=%00",
        "/members/ada/?page=%00",
        "/members/a%00b/",
        "/accounts/confirm-email/a%00b/",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_bad_request(client, article, member, url, nul_watch):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert BAD_REQUEST_PAGE in response.content.decode()
    assert nul_watch == []


def test_an_htmx_request_with_a_nul_gets_the_plain_sentence(client, article):
    response = client.get(
        reverse("debate:tally", args=[article.slug]) + "?seen=%00", headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.content.decode() == "The request was malformed. Reload the page and try again."


# --- A NUL in a form field is that form's own error, with what was typed kept ------------------


def _errors(response) -> str:
    return " ".join(re.findall(r"(?s)<li>(.*?)</li>", response.content.decode()))


def test_a_nul_in_the_sign_in_form_is_the_forms_error(client, nul_watch):
    response = client.post(
        reverse("account_login"), {"login": "ada@example.com", "password": "pass\x00word"}
    )

    assert response.status_code == HTTPStatus.OK
    assert NUL_MESSAGE in _errors(response)
    assert 'value="ada@example.com"' in response.content.decode()
    assert nul_watch == []


def test_a_nul_in_the_sign_up_form_is_the_forms_error(client, nul_watch):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "grace@example.com",
            "display_name": "gra\x00ce",
            "password1": "a-long-enough-password",
            "password2": "a-long-enough-password",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert NUL_MESSAGE in _errors(response)
    assert 'value="grace@example.com"' in response.content.decode()
    assert 'value="gra\x00ce"' in response.content.decode()
    assert not User.objects.filter(email="grace@example.com").exists()
    assert nul_watch == []


def test_a_nul_in_the_settings_form_is_the_forms_error(member_client, member, nul_watch):
    response = member_client.post(
        reverse("accounts:settings"), {"display_name": "ada", "bio": "Counts\x00 things."}
    )

    assert response.status_code == HTTPStatus.OK
    assert NUL_MESSAGE in _errors(response)
    assert "Counts\x00 things." in response.content.decode()
    member.refresh_from_db()
    assert member.bio == ""
    assert nul_watch == []


class ArticleBySlugForm(forms.Form):
    """A plain Django form whose cleaning looks a value up: no NUL handling of its own."""

    article = forms.ModelChoiceField(queryset=Article.objects.all(), to_field_name="slug")


def test_a_plain_form_that_looks_a_nul_up_gets_the_error_on_its_field(rf, article, nul_watch):
    from debate.middleware import NulGuardMiddleware

    def view(request):
        form = ArticleBySlugForm(request.POST)
        form.is_valid()
        return form

    form = NulGuardMiddleware(view)(rf.post("/", {"article": "a-de\x00bate"}))

    assert form.errors == {"article": [NUL_MESSAGE]}
    assert nul_watch == []


@pytest.mark.urls("tests.debate.error_urls")
def test_a_nul_a_view_would_send_to_the_database_is_a_bad_request(client, nul_watch):
    client.raise_request_exception = False

    response = client.post("/looks-up/", {"slug": "a-de\x00bate"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert BAD_REQUEST_PAGE in response.content.decode()
    assert nul_watch == []


def test_a_refused_nul_is_logged_as_one_line_without_a_traceback(run_site):
    result = run_site(
        [{"path": "/looks-up/", "method": "POST", "form": {"slug": "a-de\x00bate"}}],
        urlconf="tests.debate.error_urls",
    )

    assert result["responses"][0]["status"] == HTTPStatus.BAD_REQUEST
    (line,) = [line for line in result["log"].splitlines() if "django.security" in line]
    assert "NulCharacterRefused" in line
    assert "Null characters are not allowed" in line
    assert "Traceback" not in result["log"]
