"""Judging in Chromium: endorsing, switching sides and crediting the rebuttal that did it, in
place with htmx and the same with JavaScript off; the orders; axe on all of it."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from debate import services
from debate.models import Credit, Endorsement, Post

pytestmark = pytest.mark.django_db(transaction=True)

SIDE_ONE = "I find Yudkowsky & Soares more sympathetic"
SIDE_TWO = "I find People who work on LLMs more sympathetic"
# Screenshots to look at, when asked for: SCREENSHOTS_DIR=/some/dir.
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.fixture
def rebuttals(make_post, seed_article):
    """A rebuttal of each side, by another member."""
    one, two = list(seed_article.positions.order_by("order"))[:2]
    return (
        make_post(position=one, body="The first side overstates how fast *capabilities* grow."),
        make_post(position=two, body="The second side forgets that the labs themselves warn."),
    )


def axe_clean(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def convincing(page, post):
    return page.locator(f"#endorse-{post.pk} button")


def test_member_endorses_in_place(page, sign_in_browser, member, article_url, rebuttals):
    sign_in_browser(page, member)
    page.goto(article_url)
    page.evaluate("window.__marker = 1")

    convincing(page, rebuttals[0]).click()

    expect(convincing(page, rebuttals[0])).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#endorse-{rebuttals[0].pk}-count")).to_contain_text("1")
    expect(page.locator("#discussion-announcer")).to_contain_text("found it convincing")
    assert page.evaluate("window.__marker") == 1
    assert Endorsement.objects.filter(member=member, post=rebuttals[0]).exists()

    convincing(page, rebuttals[0]).click()

    expect(convincing(page, rebuttals[0])).to_have_attribute("aria-pressed", "false")
    axe_clean(page)


def test_member_endorses_without_javascript(nojs_page, member, article_url, rebuttals):
    page = nojs_page
    page.goto(article_url)

    convincing(page, rebuttals[1]).click()

    expect(convincing(page, rebuttals[1])).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(f"#post-{rebuttals[1].pk}")
    assert Post.objects.get(pk=rebuttals[1].pk).endorsement_count == 1


def test_switching_sides_then_crediting_in_place(
    page, sign_in_browser, member, article_url, rebuttals
):
    sign_in_browser(page, member)
    page.goto(article_url)
    page.get_by_role("button", name=SIDE_ONE, exact=True).click()
    expect(page.get_by_role("button", name=SIDE_ONE, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    page.get_by_role("button", name=SIDE_TWO, exact=True).click()

    prompt = page.locator("#credit-prompt")
    expect(prompt).to_contain_text("What changed your mind?")
    axe_clean(page)
    prompt.scroll_into_view_if_needed()
    _shoot(page, "prompt-js-wide")
    prompt.get_by_label("Why, in a sentence").fill("The point about the *pace* of progress.")
    prompt.get_by_role("button", name="This changed my mind").first.click()
    expect(prompt).to_contain_text("its author will hear")
    credit = Credit.objects.get()
    assert credit.post == rebuttals[0]
    assert "<em>pace</em>" in credit.reason_html


def test_switching_sides_then_crediting_without_javascript(
    nojs_page, member, seed_article, article_url, rebuttals
):
    page = nojs_page
    page.goto(article_url)
    page.get_by_role("button", name=SIDE_ONE, exact=True).click()
    page.get_by_role("button", name=SIDE_TWO, exact=True).click()

    prompt = page.locator("#credit-prompt")
    expect(prompt).to_contain_text("What changed your mind?")
    prompt.scroll_into_view_if_needed()
    _shoot(page, "prompt-nojs-wide")
    page.set_viewport_size({"width": 390, "height": 900})
    prompt.scroll_into_view_if_needed()
    _shoot(page, "prompt-nojs-narrow")
    prompt.get_by_role("button", name="This changed my mind").first.click()

    expect(page.locator("#minds-changed-title")).to_be_visible()
    expect(page.locator("#credit-prompt")).to_have_count(0)
    assert Post.objects.get(pk=rebuttals[0].pk).minds_changed == 1


def test_skipping_the_prompt_is_one_click(page, sign_in_browser, member, article_url, rebuttals):
    sign_in_browser(page, member)
    page.goto(article_url)
    page.get_by_role("button", name=SIDE_ONE, exact=True).click()
    expect(page.get_by_role("button", name=SIDE_ONE, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name=SIDE_TWO, exact=True).click()

    page.get_by_role("button", name="Skip").click()

    expect(page.locator("#credit-prompt")).to_contain_text("Skipped")
    assert not Credit.objects.exists()


@pytest.mark.parametrize("width", [390, 1280])
def test_orders_switch_in_place_and_pass_axe(
    page, make_member, sign_in_browser, member, article_url, rebuttals, seed_article, width
):
    voter = make_member(password=None)
    services.vote_cast(member=voter, article=seed_article, position=rebuttals[1].position)
    sign_in_browser(page, member)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(article_url)
    page.evaluate("window.__marker = 1")

    page.get_by_role("link", name="Top", exact=True).click()

    expect(page.get_by_role("link", name="Top", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    assert page.url.endswith("?order=top")
    assert page.evaluate("window.__marker") == 1
    axe_clean(page)
    page.locator("#sides-heading").scroll_into_view_if_needed()
    _shoot(page, f"orders-js-{width}")


def test_orders_work_as_links_without_javascript(nojs_page, article_url, rebuttals):
    page = nojs_page
    page.goto(article_url)

    page.get_by_role("link", name="New", exact=True).click()

    expect(page.get_by_role("link", name="New", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    assert "?order=new" in page.url
    page.locator("#sides-heading").scroll_into_view_if_needed()
    _shoot(page, "orders-nojs-wide")


def _shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)
