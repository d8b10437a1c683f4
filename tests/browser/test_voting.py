"""Voting in Chromium: in place with htmx, the same with JavaScript off, sign-in, audits."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from debate import services
from debate.models import SympathyVote

pytestmark = pytest.mark.django_db(transaction=True)

SIDE_ONE = "I find Yudkowsky & Soares more sympathetic"
SIDE_TWO = "I find People who work on LLMs more sympathetic"
BOTH = "I find both equally sympathetic"


def vote_button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def expect_tally_row(page, label, count, share):
    row = page.locator("#tally .tally__row", has_text=label)
    expect(row.locator(".tally__count")).to_have_text(count)
    expect(row.locator(".tally__share")).to_have_text(share)


def test_member_vote_updates_tally_and_pressed_state_without_navigation(
    member_page, article_url, member, seed_article
):
    page = member_page
    page.goto(article_url)
    page.evaluate("window.__marker = 1")

    vote_button(page, SIDE_ONE).click()

    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "true")
    expect_tally_row(page, "Yudkowsky & Soares", "1 vote", "100%")
    expect(page.locator("#tally")).to_contain_text("1 member has voted.")
    expect(page.locator("#vote-announcer")).to_have_text(f"Vote counted: {SIDE_ONE}.")
    # The chart follows with a request of its own, without reloading the page.
    expect(page.locator("#history .chart__svg")).to_be_visible()
    expect(page.locator("#history table")).to_contain_text("100%")
    assert page.evaluate("window.__marker") == 1
    assert SympathyVote.objects.get(member=member).position.slug == "yudkowsky-soares"


def test_member_changes_the_vote_in_place(member_page, article_url, member):
    page = member_page
    page.goto(article_url)
    page.evaluate("window.__marker = 1")
    vote_button(page, SIDE_ONE).click()
    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "true")

    vote_button(page, BOTH).click()

    expect(vote_button(page, BOTH)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "false")
    expect_tally_row(page, "Both equally", "1 vote", "100%")
    expect_tally_row(page, "Yudkowsky & Soares", "0 votes", "0%")
    assert page.evaluate("window.__marker") == 1
    assert SympathyVote.objects.get(member=member).position is None


def test_member_withdraws_the_vote_in_place(member_page, article_url, member):
    page = member_page
    page.goto(article_url)
    page.evaluate("window.__marker = 1")
    vote_button(page, SIDE_TWO).click()

    page.get_by_role("button", name="Withdraw my vote").click()

    expect(page.locator("#vote-status")).to_contain_text("You have not voted yet.")
    expect(page.locator("#vote-status")).to_be_focused()
    expect(page.locator("#tally")).to_contain_text("No votes yet.")
    expect(page.get_by_role("button", name="Withdraw my vote")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1
    assert not SympathyVote.objects.filter(member=member).exists()


def test_keyboard_vote_keeps_focus_on_the_pressed_button(member_page, article_url):
    page = member_page
    page.goto(article_url)

    vote_button(page, SIDE_TWO).focus()
    page.keyboard.press("Enter")

    expect(vote_button(page, SIDE_TWO)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(page, SIDE_TWO)).to_be_focused()


def test_without_javascript_vote_change_and_withdraw_work_as_forms(nojs_page, article_url, member):
    page = nojs_page
    page.goto(article_url)

    vote_button(page, SIDE_ONE).click()
    expect(page).to_have_url(f"{article_url}#vote-panel")
    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "true")
    expect_tally_row(page, "Yudkowsky & Soares", "1 vote", "100%")

    vote_button(page, SIDE_TWO).click()
    expect(vote_button(page, SIDE_TWO)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "false")
    assert SympathyVote.objects.get(member=member).position.slug == "llm-researchers"

    page.get_by_role("button", name="Withdraw my vote").click()
    expect(page.locator("#vote-status")).to_contain_text("You have not voted yet.")
    assert not SympathyVote.objects.filter(member=member).exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_visitor_clicking_a_vote_is_sent_to_sign_in_and_back(
    browser, article_url, live_server, seed_article, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(article_url)

    vote_button(page, BOTH).click()

    next_url = seed_article.get_absolute_url().replace("/", "%2F")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={next_url}")
    expect(page.locator("input[name=password]")).to_be_visible()
    assert not SympathyVote.objects.exists()
    context.close()


def test_tally_refreshes_itself_while_the_tab_is_visible(
    page, article_url, seed_article, make_member
):
    page.clock.install()
    page.goto(article_url)
    expect(page.locator("#tally")).to_contain_text("No votes yet.")
    position = seed_article.positions.get(slug="llm-researchers")
    services.vote_cast(member=make_member(), article=seed_article, position=position)

    page.clock.run_for(21_000)

    expect_tally_row(page, "People who work on LLMs", "1 vote", "100%")


def test_tally_does_not_poll_while_the_tab_is_hidden(page, article_url):
    tally_requests = []
    page.on("request", lambda r: tally_requests.append(r.url) if "/tally/" in r.url else None)
    page.clock.install()
    page.goto(article_url)
    page.evaluate("Object.defineProperty(document, 'visibilityState', {get: () => 'hidden'})")

    page.clock.run_for(65_000)

    assert tally_requests == []


def test_a_refused_vote_shows_why_in_the_panel(member_page, article_url, seed_article):
    page = member_page
    page.goto(article_url)
    # A moderator renames the side while the page is open: the button's value is now stale.
    seed_article.positions.filter(slug="yudkowsky-soares").update(slug="yudkowsky-and-soares")

    vote_button(page, SIDE_ONE).click()

    expect(page.locator("#vote-panel").get_by_role("alert")).to_contain_text(
        "“yudkowsky-soares” is not a side of this debate"
    )
    # The panel says why; the page-wide failure notice must not say it a second time.
    expect(page.locator("#request-status")).to_be_empty()
    expect(vote_button(page, "I find Yudkowsky & Soares more sympathetic")).to_have_attribute(
        "value", "yudkowsky-and-soares"
    )
    assert not SympathyVote.objects.exists()


def test_evidence_quote_scrolls_to_its_passage_in_the_article(page, article_url):
    page.goto(article_url)
    quote = page.locator(".evidence__quote").first
    quote.scroll_into_view_if_needed()

    quote.click()

    passage = page.locator(
        ".article__body p", has_text="on a direct path to egregiously-misaligned"
    )
    expect(passage).to_be_in_viewport()


def audit(page):
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]])
        for v in Axe().run(page).response["violations"]
    ]


@pytest.mark.parametrize(
    ("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)]
)
def test_article_page_has_no_axe_violations_for_a_visitor(
    page, article_url, make_member, seed_article, scheme, width
):
    services.vote_cast(member=make_member(), article=seed_article, position=None)
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(article_url)
    page.locator("details.chart__data").evaluate("d => d.open = true")

    assert audit(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_article_page_has_no_axe_violations_for_a_member_who_voted(
    member_page, article_url, make_member, seed_article, scheme
):
    page = member_page
    position = seed_article.positions.get(slug="yudkowsky-soares")
    services.vote_cast(member=make_member(), article=seed_article, position=position)
    page.emulate_media(color_scheme=scheme)
    page.goto(article_url)
    vote_button(page, SIDE_ONE).click()
    expect(vote_button(page, SIDE_ONE)).to_have_attribute("aria-pressed", "true")
    page.locator("details.chart__data").evaluate("d => d.open = true")

    assert audit(page) == []


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def test_voting_works_under_a_strict_content_security_policy(member_page, article_url):
    page = member_page

    def with_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": STRICT_CSP}
        )

    page.route("**/*", with_csp)
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(article_url)

    # The chart follows each vote with a request of its own: wait for those to land too.
    with page.expect_response(lambda response: response.url.endswith("/history/")):
        vote_button(page, BOTH).click()
    expect(vote_button(page, BOTH)).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda response: response.url.endswith("/history/")):
        page.get_by_role("button", name="Withdraw my vote").click()
    expect(page.locator("#vote-status")).to_contain_text("You have not voted yet.")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__violations") == []


def test_the_page_runs_no_inline_script(page, article_url):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(article_url)

    scripts = page.locator("script:not([src])")
    expect(scripts).to_have_count(0)
    assert not [e for e in errors if re.search("htmx|sympathy", e)]
