"""The article page: sides with linked evidence, vote controls, tally and history; few queries."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from debate.fragments import recent_clear
from debate.models import Position, VoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    # These tests measure what rendering the page costs; the anonymous page cache would
    # answer the second request with no query at all.
    settings.ANONYMOUS_CACHE_SECONDS = 0


def forget_renderings():
    cache.clear()
    recent_clear()


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def squeeze(html):
    return " ".join(html.split())


@pytest.fixture
def many_votes(article, side_one, side_two, cast_votes):
    choices = [side_one, side_two, None, side_two] * 6
    voters = cast_votes(*choices)
    # Spread the history over several days so the chart has more than one step.
    for n, change in enumerate(VoteChange.objects.order_by("id")):
        VoteChange.objects.filter(pk=change.pk).update(
            created_at=timezone.now() - timedelta(days=n % 5)
        )
    call_command("recount", verbosity=0)  # the daily rollup follows the rewritten history
    return voters


def test_visitor_page_stays_within_eight_queries_however_many_votes(
    client, article, many_votes, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(article.get_absolute_url())


def test_member_page_stays_within_ten_queries_however_many_votes(
    member_client, member, article, side_one, many_votes, django_assert_max_num_queries
):
    member_client.post(f"{article.get_absolute_url()}vote/", {"choice": "side-one"})

    with django_assert_max_num_queries(10):
        member_client.get(article.get_absolute_url())


def test_query_count_does_not_grow_with_votes(
    client, article, side_one, cast_votes, django_assert_num_queries
):
    cast_votes(side_one)
    forget_renderings()  # both requests render everything, cached fragments included
    # The page's one query; the article, its topics and its sides in full for the fragments;
    # the chart's days; the discussion's counts and first pages.
    with django_assert_num_queries(7) as few:
        client.get(article.get_absolute_url())
    cast_votes(*[side_one] * 15)
    forget_renderings()

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(article.get_absolute_url())


def test_the_shared_page_leaves_a_visitor_one_query(
    client, article, many_votes, django_assert_num_queries
):
    client.get(article.get_absolute_url())  # draws the page once

    # The article with its options, their counters and the discussion's version in one query;
    # the rest of the page comes drawn from the cache.
    with django_assert_num_queries(1):
        client.get(article.get_absolute_url())


def test_a_moderators_edit_shows_at_once_despite_the_cached_rendering(client, article):
    page(client, article)
    article.positions.filter(slug="side-one").update(claim="A claim edited in the admin.")
    article.save()  # as the admin does when a moderator saves the article with its sides

    assert "A claim edited in the admin." in page(client, article)


def test_positions_show_label_claim_and_evidence_linked_to_the_passage(client, article):
    html = page(client, article)

    assert '<h3 id="position-side-one" class="position__label">Side one</h3>' in html
    assert "This is so." in html
    assert '<a class="evidence__quote" href="#:~:text=Side%20one%20says"><q>Side one says</q>' in (
        html
    )


def test_positions_carry_their_side_colour(client, article):
    html = page(client, article)

    assert 'class="position position--1"' in html
    assert 'class="position position--2"' in html


def test_visitor_sees_vote_buttons_as_a_form_and_the_tally(client, article):
    html = squeeze(page(client, article))

    assert '<form class="vote-form" method="post" action="/articles/a-debate/vote/"' in html
    assert (
        '<button type="submit" id="vote-side-one" name="choice" value="side-one" '
        'class="vote-button vote-button--1" aria-pressed="false">'
    ) in html
    assert "I find <strong>both equally</strong> sympathetic" in html
    assert 'id="tally" class="tally" aria-live="polite"' in html
    assert "No votes yet." in html
    assert "sign in</a> to add your voice" in html


def test_member_sees_their_choice_pressed_and_a_withdraw_button(member_client, article, side_two):
    member_client.post(f"{article.get_absolute_url()}vote/", {"choice": "side-two"})

    html = squeeze(page(member_client, article))

    assert 'value="side-two" class="vote-button vote-button--2" aria-pressed="true"' in html
    assert 'value="side-one" class="vote-button vote-button--1" aria-pressed="false"' in html
    assert 'value="both" class="vote-button vote-button--both" aria-pressed="false"' in html
    assert "Withdraw my vote" in html


def test_member_without_a_vote_has_nothing_to_withdraw(member_client, article):
    html = page(member_client, article)

    assert "You have not voted yet." in html
    assert "Withdraw my vote" not in html


def test_page_has_a_live_region_for_vote_results_outside_the_panel(client, article):
    html = page(client, article)

    panel_end = html.index("</section>", html.index('id="vote-panel"'))
    assert html.index('<p id="vote-announcer" class="visually-hidden" role="status">') > panel_end


def test_page_loads_the_tally_refresh_script_deferred(client, article):
    assert '<script src="/static/js/sympathy.js" defer></script>' in page(client, article)


def test_page_has_no_inline_scripts_or_style_attributes(client, article, many_votes):
    html = page(client, article)

    assert "style=" not in html
    assert "<script>" not in html
    assert "hx-on" not in html


def test_history_chart_draws_one_line_per_option_with_a_data_table(client, article, many_votes):
    html = page(client, article)

    assert "How sympathy has moved" in html
    assert html.count('<path class="chart__line chart__line--') == 3
    assert 'role="img" aria-labelledby="history-title history-desc"' in html
    assert "<summary>The numbers behind the chart</summary>" in html
    assert html.count('<th scope="row">') == 5  # one row per day with votes


def test_history_table_shows_each_options_share_and_count(client, article, side_one, cast_votes):
    cast_votes(side_one, side_one, None)

    html = squeeze(page(client, article))

    assert '<td>67% <span class="muted">(2)</span></td>' in html
    assert '<td>0% <span class="muted">(0)</span></td>' in html
    assert '<td>33% <span class="muted">(1)</span></td> <td>3</td>' in html


def test_history_without_votes_says_so_instead_of_an_empty_chart(client, article):
    html = page(client, article)

    assert "No votes yet. Once members vote, this chart shows" in html
    assert "chart__svg" not in html


def test_article_without_positions_offers_no_vote(client, article):
    Position.objects.filter(article=article).delete()

    html = page(client, article)

    assert "The positions in this debate have not been set out yet." in html
    assert 'id="vote-panel"' not in html


def test_seed_article_offers_its_two_sides_and_both(client, seed_article):
    html = page(client, seed_article)

    assert "I find <strong>Yudkowsky &amp; Soares</strong> more sympathetic" in html
    assert "I find <strong>People who work on LLMs</strong> more sympathetic" in html
    assert "I find <strong>both equally</strong> sympathetic" in html


def test_page_map_links_to_every_section_and_side(client, article):
    html = page(client, article)

    nav = html[html.index('<nav class="page-map"') : html.index("</nav>", html.index("page-map"))]
    for anchor in ("article-heading", "sides-heading", "position-side-one", "position-side-two"):
        assert f'href="#{anchor}"' in nav
        assert f'id="{anchor}"' in html
    assert 'href="#vote-panel"' in nav
    assert 'href="#history"' in nav


def test_page_asked_for_by_htmx_draws_the_history_once_and_nothing_out_of_band(
    client, article, cast_votes, side_one
):
    # A full page is a full page, whoever asks; only the vote POST's panel carries OOB parts.
    cast_votes(side_one)

    html = client.get(article.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()

    assert html.count('id="history"') == 1
    assert "hx-swap-oob" not in html


def test_the_shared_vote_panel_carries_each_members_own_csrf_token(article, make_member):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    tokens = []
    for name in ("ada", "grace"):
        client = Client()
        client.force_login(make_member(display_name=name))
        html = page(client, article)
        panel = html[html.index('id="vote-panel"') :]
        token = panel.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        tokens.append((_unmask_cipher_token(token), client.cookies["csrftoken"].value))

    assert [mine == cookie for mine, cookie in tokens] == [True, True]
    assert tokens[0][0] != tokens[1][0]


def test_members_with_different_choices_see_their_own_choice_in_the_shared_panel(
    article, make_member
):
    from django.test import Client

    pages = {}
    for name, choice in (("ada", "side-one"), ("grace", "both")):
        client = Client()
        client.force_login(make_member(display_name=name))
        client.post(f"{article.get_absolute_url()}vote/", {"choice": choice})
        pages[name] = squeeze(page(client, article))

    assert "You find <strong>Side one</strong> more sympathetic." in pages["ada"]
    assert "You find <strong>both equally</strong> sympathetic." in pages["grace"]
