"""The styled error pages as a visitor meets them: the site's look applies, in both schemes."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_not_found_page_is_styled_and_passes_axe(page, live_server, scheme):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(live_server.url + "/articles/no-such-debate/")

    # The error-page rules once sat inside an unclosed @media block and never applied.
    code = page.locator(".error-page__code")
    expect(code).to_have_css("text-transform", "uppercase")
    expect(page.get_by_role("link", name="See all debates")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Axe().run(page).response["violations"] == []


def test_failed_request_notice_floats_over_the_page(page, live_server):
    page.goto(live_server.url + "/")

    expect(page.locator("#request-status")).to_have_css("position", "fixed")
