"""The vote, withdraw and tally endpoints: htmx partials, plain POST/redirect/GET, refusals."""

import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debate import services
from debate.models import Stance, SympathyVote, VoteChange

from .conftest import CLOSED_REDIS, HTMX

pytestmark = pytest.mark.django_db


def vote_url(article):
    return reverse("debate:vote", args=[article.slug])


def withdraw_url(article):
    return reverse("debate:vote_withdraw", args=[article.slug])


def tally_url(article):
    return reverse("debate:tally", args=[article.slug])


def history_url(article):
    return reverse("debate:history", args=[article.slug])


def login_url_back_to(article):
    return f"{reverse('account_login')}?{urlencode({'next': article.get_absolute_url()})}"


def test_plain_vote_is_counted_and_redirects_back_to_the_panel(member_client, member, article):
    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"{article.get_absolute_url()}#vote-panel"
    assert SympathyVote.objects.get(member=member).position.slug == "side-one"


def test_after_the_redirect_the_page_shows_the_choice_pressed(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "side-two"}, follow=True)

    html = response.content.decode()
    assert 'id="vote-side-two" name="choice" value="side-two"' in html
    pressed = html.split('id="vote-side-two"')[1].split(">")[0]
    assert 'aria-pressed="true"' in pressed
    assert "You find <strong>Side two</strong> more sympathetic." in html


def test_htmx_vote_returns_only_the_vote_panel_with_the_tally(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "both"}, **HTMX)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="vote-panel"')
    assert "<html" not in html
    assert 'id="tally"' in html
    assert "1 member has voted." in html
    assert 'id="vote-both" name="choice" value="both"' in html


def test_htmx_vote_tells_screen_readers_what_happened(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    assert (
        '<p id="vote-announcer" hx-swap-oob="innerHTML">'
        "Vote counted: I find Side one more sympathetic.</p>"
    ) in response.content.decode()


def test_voting_for_another_option_changes_the_vote(member_client, member, article):
    member_client.post(vote_url(article), {"choice": "side-one"})

    member_client.post(vote_url(article), {"choice": "both"})

    vote = SympathyVote.objects.get(member=member)
    assert (vote.stance, vote.position) == (Stance.BOTH, None)
    assert VoteChange.objects.count() == 2


def test_withdraw_removes_the_vote_and_redirects_back(member_client, member, article):
    member_client.post(vote_url(article), {"choice": "side-one"})

    response = member_client.post(withdraw_url(article))

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"{article.get_absolute_url()}#vote-panel"
    assert not SympathyVote.objects.filter(member=member).exists()


def test_htmx_withdraw_returns_the_panel_without_a_withdraw_button(member_client, article):
    member_client.post(vote_url(article), {"choice": "side-one"})

    response = member_client.post(withdraw_url(article), **HTMX)

    html = response.content.decode()
    assert "You have not voted yet." in html
    assert "Withdraw my vote" not in html
    assert 'aria-pressed="true"' not in html
    assert 'id="vote-status" class="vote-status" tabindex="-1" autofocus' in html


@pytest.mark.parametrize("choice", ["nonsense", "Side-One", "", "side-one "])
def test_anything_but_a_position_of_the_article_or_both_is_a_400_saying_why(
    member_client, article, choice
):
    response = member_client.post(vote_url(article), {"choice": choice})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "Your vote was not counted" in html
    assert ("is not a side of this debate" in html) or ("Choose a side" in html)
    assert not SympathyVote.objects.exists()


def test_the_400_names_the_valid_choices(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "nonsense"})

    assert (
        "“nonsense” is not a side of this debate: the vote must be "
        "“side-one”, “side-two” or “both”."
    ) in response.content.decode()


def test_a_position_of_another_article_is_refused(member_client, article, db):
    from debate.models import Article, Position

    other = Article.objects.create(slug="other", title="Other", body_md="Other.")
    Position.objects.create(article=other, slug="elsewhere", label="E", claim="E.")

    response = member_client.post(vote_url(article), {"choice": "elsewhere"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not SympathyVote.objects.exists()


def test_a_vote_on_an_article_without_sides_is_refused_saying_so(member_client, db):
    from debate.models import Article

    bare = Article.objects.create(slug="bare", title="Bare", body_md="No sides yet.")

    response = member_client.post(vote_url(bare), {"choice": "both"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This debate has no sides to vote on yet." in response.content.decode()
    assert not SympathyVote.objects.exists()


def test_htmx_400_returns_the_panel_with_the_reason(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "nonsense"}, **HTMX)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="vote-panel"')
    assert 'role="alert">“nonsense” is not a side of this debate' in html


def test_get_on_the_vote_url_is_not_allowed(member_client, article):
    response = member_client.get(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not SympathyVote.objects.exists()


def test_get_on_the_withdraw_url_is_not_allowed(member_client, article):
    assert member_client.get(withdraw_url(article)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_voting_on_an_unknown_article_is_not_found(member_client, db):
    response = member_client.post(reverse("debate:vote", args=["nope"]), {"choice": "both"})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_visitor_vote_redirects_to_sign_in_and_back(client, article):
    response = client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == login_url_back_to(article)
    assert not SympathyVote.objects.exists()


def test_visitor_htmx_vote_gets_a_client_redirect_not_the_sign_in_form(client, article):
    response = client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == login_url_back_to(article)
    assert response.content == b""


def test_visitor_withdraw_redirects_to_sign_in(client, article):
    response = client.post(withdraw_url(article))

    assert response["Location"] == login_url_back_to(article)


def test_vote_without_csrf_token_is_forbidden(member, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SympathyVote.objects.exists()


def test_vote_with_the_csrf_header_htmx_sends_is_accepted(member, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(article.get_absolute_url())  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value

    response = client.post(
        vote_url(article), {"choice": "side-one"}, HTTP_X_CSRFTOKEN=token, **HTMX
    )

    assert response.status_code == HTTPStatus.OK
    assert SympathyVote.objects.filter(member=member).exists()


def test_withdraw_without_csrf_token_is_forbidden(member, article, cast_votes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(withdraw_url(article)).status_code == HTTPStatus.FORBIDDEN


def test_tally_partial_shows_counts_shares_and_total(client, article, side_one, cast_votes):
    cast_votes(side_one, side_one, None)

    response = client.get(tally_url(article))

    assert response.status_code == HTTPStatus.OK
    html = " ".join(response.content.decode().split())
    assert html.startswith('<div id="tally" class="tally" aria-live="polite"')
    assert '<span class="tally__count">2 votes</span> <span class="tally__share">67%</span>' in html
    assert '<span class="tally__count">1 vote</span> <span class="tally__share">33%</span>' in html
    assert "3 members have voted." in html


def test_tally_bar_segments_are_svg_rects_without_style_attributes(
    client, article, side_one, side_two, cast_votes
):
    cast_votes(side_one, side_two, side_two, None)

    html = client.get(tally_url(article)).content.decode()

    assert '<rect class="fill--1" x="0.0" y="0" width="25.0" height="10"/>' in html
    assert '<rect class="fill--2" x="25.0" y="0" width="50.0" height="10"/>' in html
    assert '<rect class="fill--both" x="75.0" y="0" width="25.0" height="10"/>' in html
    assert "style=" not in html


def test_tally_answers_no_content_when_nothing_changed_since_seen(client, article, cast_votes):
    cast_votes(None)
    seen = client.get(tally_url(article)).content.decode()
    version = re.search(r'name="seen" value="([^"]+)"', seen).group(1)

    response = client.get(tally_url(article), {"seen": version})

    assert response.status_code == HTTPStatus.NO_CONTENT


def test_tally_answers_the_partial_when_votes_moved_since_seen(client, article, cast_votes):
    cast_votes(None)
    before = client.get(tally_url(article)).content.decode()
    version = re.search(r'name="seen" value="([^"]+)"', before).group(1)
    cast_votes(None)

    response = client.get(tally_url(article), {"seen": version})

    assert response.status_code == HTTPStatus.OK
    assert "2 members have voted." in response.content.decode()


def test_tally_that_moved_tells_the_page_so_the_chart_follows(client, article, cast_votes):
    cast_votes(None)

    response = client.get(tally_url(article), {"seen": "0"})

    assert response["HX-Trigger"] == "sympathy-moved"


def test_tally_moves_on_a_change_that_leaves_the_counts_as_they_were(
    client, article, side_one, side_two, cast_votes
):
    # A→B then B→A leaves the same numbers, but the day's history (the chart) has changed.
    (voter,) = cast_votes(side_one)
    before = client.get(tally_url(article)).content.decode()
    version = re.search(r'name="seen" value="([^"]+)"', before).group(1)
    services.vote_cast(member=voter, article=article, position=side_two)
    services.vote_cast(member=voter, article=article, position=side_one)

    response = client.get(tally_url(article), {"seen": version})

    assert response.status_code == HTTPStatus.OK


def test_tally_does_not_accept_posts(client, article):
    assert client.post(tally_url(article)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_htmx_vote_uses_a_constant_number_of_queries(
    member_client, article, side_one, cast_votes, django_assert_max_num_queries
):
    cast_votes(*[side_one] * 20)

    # Savepoints count here: the test runs inside a transaction, which also keeps the
    # counters from remembering their rows (that happens on commit), so the
    # INSERT ... ON CONFLICT DO NOTHING that make sure of them run on every vote here. On
    # PostgreSQL the history row, the counters, the day's rollup and the reads for the
    # member's endorsements and switches are the vote's one statement; SQLite takes them
    # step by step, with one more read for the member's endorsements on the article.
    most = 11 if connection.vendor == "postgresql" else 15
    with django_assert_max_num_queries(most):
        response = member_client.post(vote_url(article), {"choice": "side-two"}, **HTMX)

    assert response.status_code == HTTPStatus.OK


def test_htmx_vote_answers_the_tally_its_own_update_returned_without_reading_it_again(
    member_client, article, side_one, cast_votes
):
    from django.test.utils import CaptureQueriesContext

    cast_votes(side_one, side_one)
    with CaptureQueriesContext(connection) as captured:
        response = member_client.post(vote_url(article), {"choice": "side-two"}, **HTMX)

    counters = [q["sql"].split()[0] for q in captured.captured_queries]
    counters = [
        verb
        for verb, query in zip(counters, captured.captured_queries, strict=True)
        if "debate_votecount" in query["sql"] and verb != "INSERT"
    ]
    # The page's one query, then the move (on PostgreSQL part of the vote's one statement):
    # nothing reads the counters after the write.
    assert counters == ["SELECT", "WITH" if connection.vendor == "postgresql" else "UPDATE"]
    assert "3 members have voted." in response.content.decode()


def test_a_change_of_vote_on_postgresql_is_the_page_query_and_one_statement(
    member_client, article, side_one, cast_votes
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes the vote step by step in a transaction")
    from django.test.utils import CaptureQueriesContext

    cast_votes(side_one)
    member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX)  # the member's vote
    with CaptureQueriesContext(connection) as captured:
        response = member_client.post(vote_url(article), {"choice": "side-two"}, **HTMX)

    assert response.status_code == HTTPStatus.OK
    queries = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in queries if "FOR UPDATE" in sql or sql.startswith("SAVEPOINT")]
    votes = [sql.split()[0] for sql in queries if "debate_sympathyvote" in sql]
    assert votes == ["SELECT", "WITH"]  # the page query, then the vote's statement


def test_htmx_vote_answers_without_the_chart_and_tells_the_page_it_moved(member_client, article):
    # Drawing the chart must not hold up the vote: the page's chart fetches itself when
    # told that sympathy moved (hx-trigger="sympathy-moved from:body").
    response = member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    html = response.content.decode()
    assert 'id="history"' not in html
    assert "chart__line" not in html
    assert response["HX-Trigger"] == "sympathy-moved"


def test_refused_htmx_vote_does_not_tell_the_page_anything_moved(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "nonsense"}, **HTMX)

    assert "HX-Trigger" not in response


def test_history_endpoint_answers_the_chart_with_the_new_vote(member_client, article):
    member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    response = member_client.get(history_url(article))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'id="history"' in html
    assert 'hx-trigger="sympathy-moved from:body"' in html
    assert html.count('<path class="chart__line') == 3


def test_history_endpoint_of_an_unknown_article_is_not_found(client, db):
    response = client.get(reverse("debate:history", args=["nope"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_plain_vote_page_has_no_out_of_band_pieces(member_client, article):
    response = member_client.post(vote_url(article), {"choice": "side-one"}, follow=True)

    assert "hx-swap-oob" not in response.content.decode()


VOTES_PER_MINUTE = 30  # settings.VOTE_LIMIT


def _changes_made_ago(member, seconds):
    """Move the member's history back in time, as if made `seconds` ago."""
    VoteChange.objects.filter(member=member).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_voting_faster_than_the_limit_is_refused_with_429_saying_why(
    member_client, member, article
):
    # Each change appends to the history the chart replays: one member flipping a vote in a
    # loop would grow it without bound and slow the page down for everyone.
    choices = ["side-one", "side-two"]
    for n in range(VOTES_PER_MINUTE):
        member_client.post(vote_url(article), {"choice": choices[n % 2]})

    response = member_client.post(vote_url(article), {"choice": "both"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Wait a minute" in response.content.decode()
    assert SympathyVote.objects.get(member=member).stance == Stance.POSITION


def test_htmx_vote_over_the_limit_gets_one_plain_sentence(member_client, article, settings):
    settings.VOTE_LIMIT = 1
    member_client.post(vote_url(article), {"choice": "both"}, **HTMX)

    response = member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"].startswith("text/plain")
    assert "Wait a minute" in response.content.decode()


def test_withdrawals_count_against_the_same_limit(member_client, member, article, settings):
    settings.VOTE_LIMIT = 2
    member_client.post(vote_url(article), {"choice": "both"})
    member_client.post(vote_url(article), {"choice": "side-one"})

    response = member_client.post(withdraw_url(article))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert SympathyVote.objects.filter(member=member).count() == 1


def test_changes_on_other_articles_count_against_the_limit(
    member_client, member, article, settings
):
    from debate.models import Article, Position

    settings.VOTE_LIMIT = 1
    other = Article.objects.create(slug="other", title="Other", body_md="Other.")
    Position.objects.create(article=other, slug="elsewhere", label="E", claim="E.")
    member_client.post(vote_url(other), {"choice": "both"})

    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_changes_older_than_the_window_no_longer_count(member_client, member, article, settings):
    settings.VOTE_LIMIT = 1
    member_client.post(vote_url(article), {"choice": "both"})
    _changes_made_ago(member, settings.VOTE_LIMIT_WINDOW_SECONDS + 1)

    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert SympathyVote.objects.get(member=member).stance == Stance.POSITION


def test_retry_after_says_when_the_oldest_counted_change_leaves_the_window(
    member_client, member, article, settings
):
    settings.VOTE_LIMIT = 1
    member_client.post(vote_url(article), {"choice": "both"})
    _changes_made_ago(member, settings.VOTE_LIMIT_WINDOW_SECONDS - 15)

    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 14 <= int(response["Retry-After"]) <= 16


def test_a_vote_that_changes_nothing_does_not_count_against_the_limit(
    member_client, member, article, settings
):
    settings.VOTE_LIMIT = 2
    member_client.post(vote_url(article), {"choice": "both"})
    for _ in range(3):
        member_client.post(vote_url(article), {"choice": "both"})  # the same: nothing written

    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert VoteChange.objects.filter(member=member).count() == 2


def test_the_limit_is_per_member(member_client, article, make_member, settings):
    settings.VOTE_LIMIT = 1
    member_client.post(vote_url(article), {"choice": "both"})
    other = Client()
    other.force_login(make_member())

    response = other.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.SEE_OTHER


def _closed_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_votes_still_count_when_the_cache_does_not_answer(member_client, member, article, settings):
    _closed_cache(settings)

    response = member_client.post(vote_url(article), {"choice": "both"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert SympathyVote.objects.get(member=member).stance == Stance.BOTH


def test_the_limit_holds_when_the_cache_does_not_answer(member_client, article, settings):
    _closed_cache(settings)
    settings.VOTE_LIMIT = 1
    member_client.post(vote_url(article), {"choice": "both"})

    response = member_client.post(vote_url(article), {"choice": "side-one"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_tally_groups_the_thousands_of_a_big_count(client, article):
    from debate.models import VoteCount

    VoteCount.objects.create(article=article, position=None, votes=1234567, changes=1234567)

    html = client.get(tally_url(article)).content.decode()

    assert "1,234,567 votes" in html
    assert "1,234,567 members have voted." in html


def test_the_panel_an_htmx_vote_answers_carries_the_voters_own_token(
    article, side_one, make_member
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(make_member())
        client.get(article.get_absolute_url())  # the CSRF cookie
    token = first.cookies["csrftoken"].value
    first.post(vote_url(article), {"choice": "side-one", "csrfmiddlewaretoken": token}, **HTMX)
    token = second.cookies["csrftoken"].value
    # The same choice: its status line and forms come stored from the first member's vote.
    panel = second.post(
        vote_url(article), {"choice": "side-one", "csrfmiddlewaretoken": token}, **HTMX
    ).text
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel).group(1)

    withdrawn = second.post(
        f"{article.get_absolute_url()}vote/withdraw/",
        {"csrfmiddlewaretoken": form_token},
        **HTMX,
    )

    assert withdrawn.status_code == HTTPStatus.OK
    assert "@@" not in panel
