"""The anonymous page cache (debate/caching.py) applied to the article page."""

import os
import re
import uuid
from http import HTTPStatus

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse

from debate import caching, services

from .conftest import CLOSED_REDIS

pytestmark = pytest.mark.django_db

TOKEN_IN_PAGE = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


def _token_in(response) -> str:
    return TOKEN_IN_PAGE.search(response.content.decode()).group(1)


@pytest.fixture
def url(article):
    return article.get_absolute_url()


@pytest.fixture
def later(monkeypatch):
    """Move the page cache's clock forward, as if that many seconds had passed."""

    def travel(seconds: float):
        now = caching._now()
        monkeypatch.setattr(caching, "_now", lambda: now + seconds)

    return travel


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(
    client, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(0):
        second = Client().get(url)

    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.status_code == HTTPStatus.OK
    assert "A debate" in second.content.decode()


def test_a_change_shows_to_anonymous_visitors_once_the_window_has_passed(
    client, url, article, settings, later
):
    settings.ANONYMOUS_CACHE_SECONDS = 10
    client.get(url)
    article.title = "A debate, retitled by a moderator"
    article.save()

    later(9.5)
    inside_window = Client().get(url)
    later(10.01)
    after_window = Client().get(url)

    assert "retitled" not in inside_window.content.decode()
    assert "A debate, retitled by a moderator" in after_window.content.decode()


def test_a_vote_cast_after_an_anonymous_visit_shows_on_the_article_page_within_10_seconds(
    client, url, article, member, settings, later
):
    settings.ANONYMOUS_CACHE_SECONDS = 10
    before = client.get(url)
    services.vote_cast(member=member, article=article, position=None)

    later(9.5)
    inside_window = Client().get(url)
    later(10.01)
    after_window = Client().get(url)

    assert "No votes yet." in before.content.decode()
    assert inside_window["X-Cache"] == "HIT"
    assert "No votes yet." in inside_window.content.decode()
    assert "1 member has voted." in after_window.content.decode()


def test_a_vote_shows_in_the_polled_tally_of_anonymous_visitors_within_10_seconds(
    client, article, member, settings, later
):
    settings.ANONYMOUS_CACHE_SECONDS = 10
    tally_url = reverse("debate:tally", args=[article.slug])
    before = client.get(tally_url, headers={"HX-Request": "true"})
    services.vote_cast(member=member, article=article, position=None)

    later(10.01)
    after = Client().get(tally_url, headers={"HX-Request": "true"})

    assert "No votes yet." in before.content.decode()
    assert after["X-Cache"] == "MISS"
    assert "1 member has voted." in after.content.decode()


def test_a_member_never_gets_the_anonymous_cached_page(client, url, member_client):
    client.get(url)
    client.get(url)

    response = member_client.get(url)

    assert "X-Cache" not in response
    assert "ada" in response.content.decode()
    assert "Sign out" in response.content.decode()


def test_a_members_page_is_never_stored_for_anyone_else(url, make_member):
    first, second = Client(), Client()
    first.force_login(make_member(display_name="first-member"))
    second.force_login(make_member(display_name="second-member"))

    first.get(url)
    seen_by_second = second.get(url).content.decode()
    seen_by_anonymous = Client().get(url)

    assert "first-member" not in seen_by_second
    assert "second-member" in seen_by_second
    assert "first-member" not in seen_by_anonymous.content.decode()
    assert seen_by_anonymous["X-Cache"] == "MISS"


def test_members_pages_are_marked_private(member_client, url):
    response = member_client.get(url)

    assert "private" in response["Cache-Control"]


def test_article_page_varies_on_cookie_and_hx_request(client, url):
    response = client.get(url)

    assert {"Cookie", "HX-Request"} <= {v.strip() for v in response["Vary"].split(",")}


def test_htmx_and_plain_requests_are_cached_apart(client, url):
    client.get(url)

    htmx = Client().get(url, headers={"HX-Request": "true"})

    assert htmx["X-Cache"] == "MISS"


def test_each_anonymous_visitor_gets_their_own_csrf_token_from_a_cached_page(url):
    first, second = Client(), Client()

    first_page = first.get(url)
    second_page = second.get(url)

    assert second_page["X-Cache"] == "HIT"
    first_secret = first.cookies["csrftoken"].value
    second_secret = second.cookies["csrftoken"].value
    assert first_secret != second_secret
    assert _unmask_cipher_token(_token_in(second_page)) == second_secret
    assert _token_in(first_page) not in second_page.content.decode()
    assert first_secret not in second_page.content.decode()


def test_a_visitor_served_from_the_cache_can_send_a_form(url):
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)

    response = visitor.post(
        reverse("account_login"),
        {"login": "nobody@example.com", "password": "wrong-password"},
        headers={"X-CSRFToken": _token_in(page)},
    )

    assert page["X-Cache"] == "HIT"
    assert response.status_code == HTTPStatus.OK  # the form's own error, not a CSRF 403


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_showing_it(client, url, member):
    Client().get(url)
    client.force_login(member)
    client.post(reverse("account_logout"))

    response = client.get(url)

    assert "You have signed out." in response.content.decode()
    assert "You have signed out." not in Client().get(url).content.decode()


def test_pages_are_rendered_fresh_when_the_cache_does_not_answer(client, url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert response["X-Cache"] == "MISS"


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def test_anonymous_pages_are_shared_through_redis(url, settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }

    Client().get(url)
    response = Client().get(url)

    assert response["X-Cache"] == "HIT"


def test_an_aged_out_page_is_rendered_anew_by_the_request_whose_turn_it_is(
    client, url, article, later
):
    client.get(url)
    article.title = "A debate, retitled"
    article.save()
    later(10.5)

    response = Client().get(url)

    assert response["X-Cache"] == "MISS"
    assert "A debate, retitled" in response.content.decode()


def test_while_one_request_renders_a_hot_page_the_others_get_the_previous_rendering(
    client, url, article, later, django_assert_num_queries
):
    from django.core.cache import cache

    client.get(url)
    article.title = "A debate, retitled"
    article.save()
    later(10.5)
    # Another request took the turn to render it and is still at it.
    assert cache.add(f"{caching._key(RequestFactory().get(url))}:rendering", 1)

    with django_assert_num_queries(0):
        response = Client().get(url)

    assert response["X-Cache"] == "STALE"
    assert "A debate, retitled" not in response.content.decode()


def test_the_previous_rendering_is_not_served_past_the_rerender_window(client, url, later):
    client.get(url)
    later(10 + caching.RERENDER_SECONDS + 0.5)

    assert Client().get(url)["X-Cache"] == "MISS"
