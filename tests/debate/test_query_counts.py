"""Pages cost the same number of queries with one vote in the history as with 10,000 spread
over 60 days: they read counters and the daily rollup, never the votes themselves."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate import services
from debate.fragments import recent_clear
from debate.models import VoteChange

from .conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


def grow_history_to_10_000(article):
    """Synthetic votes until the article's history holds 10,000 rows over 60 days."""
    missing = 10_000 - VoteChange.objects.filter(article=article).count()
    call_command(
        "make_fake_debate",
        "--article",
        article.slug,
        "--votes",
        str(missing),
        "--changes",
        "0",
        "--days",
        "60",
        "--force",
        "--seed",
        "2",
        verbosity=0,
    )
    assert VoteChange.objects.filter(article=article).count() == 10_000


def queries(request) -> list[str]:
    """The queries of one request, with every cached fragment rendered anew."""
    cache.clear()
    recent_clear()
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in {200, 303}
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def one_vote(make_member, article, side_one):
    services.vote_cast(member=make_member(), article=article, position=side_one)


def test_article_page_for_a_member(member_client, article, one_vote):
    url = article.get_absolute_url()
    few = queries(lambda: member_client.get(url))
    grow_history_to_10_000(article)

    assert len(queries(lambda: member_client.get(url))) == len(few)


def test_article_page_for_a_visitor(client, article, one_vote):
    url = article.get_absolute_url()
    few = queries(lambda: client.get(url))
    grow_history_to_10_000(article)

    assert len(queries(lambda: client.get(url))) == len(few)


def test_home_page(client, article, one_vote):
    few = queries(lambda: client.get(reverse("debate:article_list")))
    grow_history_to_10_000(article)

    assert len(queries(lambda: client.get(reverse("debate:article_list")))) == len(few) == 3


def test_tally_and_chart(client, article, one_vote):
    tally = reverse("debate:tally", args=[article.slug])
    history = reverse("debate:history", args=[article.slug])
    few = [queries(lambda: client.get(tally)), queries(lambda: client.get(history))]
    grow_history_to_10_000(article)

    assert (
        [len(queries(lambda: client.get(tally))), len(queries(lambda: client.get(history)))]
        == [
            len(few[0]),
            len(few[1]),
        ]
        == [1, 2]
    )


def test_htmx_vote(member_client, article, one_vote):
    url = reverse("debate:vote", args=[article.slug])
    member_client.post(url, {"choice": "side-two"})  # the rows of today exist from here on
    member_client.post(url, {"choice": "side-one"})  # and the member's first switch is past
    member_client.post(url, {"choice": "side-two"})
    few = queries(lambda: member_client.post(url, {"choice": "side-one"}, **HTMX))
    grow_history_to_10_000(article)

    assert len(queries(lambda: member_client.post(url, {"choice": "side-two"}, **HTMX))) == len(few)
