"""The public pages at a phone's width and a laptop's, light and dark: axe-clean, no overflow."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from debate.models import Post
from debate.services import vote_cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lively_article(seed_article, make_member):
    """The seed article with votes on every option and a member who rebutted a side."""
    first, second = seed_article.positions.all()
    for n, choice in enumerate([first, second, None, first]):
        vote_cast(
            member=make_member(display_name=f"voter{n}"), article=seed_article, position=choice
        )
    Post.objects.create(
        article=seed_article,
        author=make_member(display_name="ada"),
        position=first,
        body_md="A *careful* reply.",
    )
    return seed_article


PAGES = {
    "home": "/",
    "article": "/articles/sympathy-for-both-sides-of-the-egregious-misalignment-debate/",
    "profile": "/members/ada/",
}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_public_page_fits_the_screen_and_passes_axe(
    page, live_server, lively_article, path, width, scheme
):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + path)

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_home_card_names_both_sides(page, live_server, lively_article):
    page.goto(live_server.url + "/")

    card = page.locator(".article-card")
    expect(card).to_contain_text("Yudkowsky & Soares or People who work on LLMs")
    expect(card).to_contain_text("4 members have voted")


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    page, live_server, lively_article
):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    expect(page.locator("main a").first).to_be_focused()
