"""The anonymous page cache (debate/caching.py) applied to the article page."""

import random
import re
import string
from http import HTTPStatus

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory, override_settings
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


def test_anonymous_pages_are_shared_through_redis(url, redis_cache):
    Client().get(url)
    response = Client().get(url)

    assert response["X-Cache"] == "HIT"


# --- The key: the configured origin and the query parameters a route declares ----------------


@pytest.fixture
def renders():
    """How many times the article page has been rendered (not served from the cache)."""
    from django.test.signals import template_rendered

    seen = []

    def count(sender, template, **kwargs):
        if template.name == "debate/article_detail.html":
            seen.append(template)

    template_rendered.connect(count)
    yield seen
    template_rendered.disconnect(count)


def test_random_query_strings_render_the_article_page_once(url, renders):
    rng = random.Random(9)
    answers = []
    for _ in range(50):
        name = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 8)))
        query = f"{name}={rng.randint(0, 10**9)}"
        answers.append(Client().get(f"{url}?{query}", follow=True))

    assert len(renders) == 1
    assert all(answer.status_code == HTTPStatus.OK for answer in answers)
    assert all(answer.redirect_chain == [(url, HTTPStatus.FOUND)] for answer in answers)


def test_random_host_ports_render_the_article_page_once(url, renders):
    rng = random.Random(9)
    answers = [
        Client().get(url, HTTP_HOST=f"testserver:{rng.randint(1, 65535)}") for _ in range(50)
    ]

    assert len(renders) == 1
    assert [answer["X-Cache"] for answer in answers] == ["MISS"] + ["HIT"] * 49


def test_random_query_strings_and_ports_store_one_entry_in_redis(url, redis_cache, settings):
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for n in range(50):
        Client().get(f"{url}?x={n}", HTTP_HOST=f"testserver:{1000 + n}", follow=True)

    assert len(list(redis_cache.scan_iter(match=f"{prefix}:*anonymous-page*"))) == 1


def test_the_page_rendered_for_the_cache_carries_no_visitors_query(url):
    # The header's sign-in link returns to the page: it must not be the attacker's URL.
    page = Client().get(f"{url}?utm_source=%3Cmarker%3E", follow=True).content.decode()

    assert "marker" not in page
    assert "utm_source" not in page


def test_an_undeclared_parameter_is_redirected_to_the_canonical_url(url):
    response = Client().get(url, {"x": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url


def test_a_tally_version_seen_is_kept_and_answers_no_content(client, article):
    tally_url = reverse("debate:tally", args=[article.slug])

    # No vote has moved yet: the counters' version is 0.
    response = client.get(tally_url, {"seen": "0"}, headers={"HX-Request": "true"})

    assert response.status_code == HTTPStatus.NO_CONTENT


@pytest.mark.parametrize("seen", ["banana", "1-2-", "-1", "1" * 200, "1 2"])
def test_a_seen_that_is_not_a_tally_version_is_dropped(client, article, seen):
    tally_url = reverse("debate:tally", args=[article.slug])

    response = client.get(tally_url, {"seen": seen, "x": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == tally_url


def test_the_tally_validator_accepts_every_tally_version(article, cast_votes, side_one):
    from debate.sympathy import Tally, options_for
    from debate.urls import TALLY_VERSION

    options = options_for(list(article.positions.all()))
    for counts in ({}, {side_one.pk: 3, None: 12}, {side_one.pk: 10**6}):
        version = Tally.from_counts(options, counts).version
        assert TALLY_VERSION(version) == version


@override_settings(ROOT_URLCONF="tests.debate.cache_urls")
@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("order=top&page=2", "order=top&page=2"),
        ("page=2&order=top", "order=top&page=2"),
        ("order=top&utm_source=x", "order=top"),
        ("order=sideways&page=2", "page=2"),
        ("page=0", ""),
        ("page=51", ""),
        ("page=02", "page=2"),
        ("page=2&page=3", "page=3"),
    ],
)
def test_declared_parameters_are_validated_and_put_in_one_order(query, canonical):
    response = Client().get(f"/listing/?{query}")

    if query == canonical:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/listing/" + (f"?{canonical}" if canonical else "")


@override_settings(ROOT_URLCONF="tests.debate.cache_urls")
def test_the_view_sees_exactly_the_declared_parameters():
    response = Client().get("/listing/?page=2&order=new", follow=True)

    assert response.content.decode() == "order=new&page=2"


@override_settings(ROOT_URLCONF="tests.debate.cache_urls")
def test_a_response_that_sets_a_cookie_is_never_given_to_the_next_visitor():
    first = Client().get("/greets/")
    second = Client().get("/greets/")

    assert first.cookies["greeting"].value in first.content.decode()
    assert second["X-Cache"] == "MISS"
    assert second.cookies["greeting"].value != first.cookies["greeting"].value
    assert first.cookies["greeting"].value not in second.content.decode()


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
