"""Error pages: styled for browsers, a plain sentence for htmx, a 503 when the database is down."""

from http import HTTPStatus

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

from .conftest import CLOSED_POSTGRES

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_unknown_page_gets_the_styled_404_naming_the_path(client):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "find that page" in html
    assert "<code>/no/such/page/</code>" in html
    assert 'href="/static/css/site.css"' in html


def test_htmx_request_for_unknown_page_gets_one_plain_sentence(client):
    response = client.get("/no/such/page/", headers=HTMX)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "That is no longer here. Reload the page to see what is."


@pytest.mark.urls("tests.debate.error_urls")
def test_permission_denied_gets_the_styled_403(client):
    response = client.get("/forbidden/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "not allowed to do that" in response.content.decode()


@pytest.mark.urls("tests.debate.error_urls")
def test_unexpected_error_gets_the_500_page_without_traceback():
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html
    assert "a bug in a view" not in html


@pytest.mark.urls("tests.debate.error_urls")
def test_unexpected_error_page_gives_the_request_id_of_the_log_line():
    response = Client(raise_request_exception=False).get(
        "/broken/", headers={"X-Request-ID": "req-1234"}
    )

    assert response["X-Request-ID"] == "req-1234"
    assert "<code>req-1234</code>" in response.content.decode()


@pytest.mark.urls("tests.debate.error_urls")
def test_htmx_request_that_fails_gets_a_plain_500_sentence():
    response = Client(raise_request_exception=False).get("/broken/", headers=HTMX)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.content.decode() == "Something went wrong on our side. Please try again."


def test_500_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()

    assert "Something went wrong on our side" in html
    assert 'id="main"' in html


def test_503_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("503.html").render()

    assert "Both Sides is briefly unavailable" in html


def test_disallowed_host_gets_the_styled_400(client):
    response = client.get("/", headers={"Host": "attacker.example"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "understand that request" in response.content.decode()


def test_form_without_csrf_token_gets_a_403_that_says_to_reload():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "accept that form" in html
    assert "reload the page" in html
    assert "send our cookie" in html


def test_htmx_post_with_stale_csrf_token_gets_a_plain_sentence():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))  # sets the CSRF cookie

    response = client.post(
        reverse("account_login"), {}, headers={**HTMX, "X-CSRFToken": "stale" * 8}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("text/plain")
    assert "Reload the page and try again." in response.content.decode()


def test_pages_answer_a_friendly_503_within_5_seconds_when_database_is_down(run_site):
    result = run_site([{"path": "/"}], DATABASE_URL=CLOSED_POSTGRES)

    (response,) = result["responses"]
    assert response["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["seconds"] < 5
    assert "Both Sides is briefly unavailable" in response["body"]
    assert "Traceback" not in response["body"]
    assert response["headers"]["Retry-After"] == "10"


def test_htmx_request_during_database_outage_gets_a_plain_503_sentence(run_site):
    result = run_site([{"path": "/", "headers": HTMX}], DATABASE_URL=CLOSED_POSTGRES)

    (response,) = result["responses"]
    assert response["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["body"].startswith("The site is briefly unavailable.")


def test_database_outage_is_logged_as_one_line_naming_the_cause(run_site):
    result = run_site([{"path": "/"}], DATABASE_URL=CLOSED_POSTGRES)

    (error_line,) = [line for line in result["log"].splitlines() if " ERROR " in line]
    assert "django.request" in error_line
    assert "Service Unavailable: / (OperationalError: connection failed" in error_line
    assert "Traceback" not in result["log"]


def test_unexpected_error_is_logged_with_its_traceback_and_request_id(run_site):
    result = run_site(
        [{"path": "/broken/", "headers": {"X-Request-ID": "req-77"}}],
        urlconf="tests.debate.error_urls",
    )

    assert (
        "ERROR django.request request_id=req-77 Internal Server Error: /broken/" in (result["log"])
    )
    assert "Traceback (most recent call last)" in result["log"]
    assert "ValueError: a bug in a view" in result["log"]


@pytest.mark.parametrize("template_name", ["400.html", "500.html", "503.html"])
def test_page_rendered_without_request_does_not_ask_a_member_to_sign_in(template_name):
    html = loader.get_template(template_name).render()

    assert "Sign in" not in html
    assert 'aria-label="Account"' not in html


def test_page_with_request_offers_sign_in_to_visitors(client):
    response = client.get("/no-such-page/")

    assert "Sign in" in response.content.decode()
