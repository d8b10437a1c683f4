"""Notifications in Chromium: a member reads a notification and marks it read, in place with
JavaScript and as a plain form without; the page and the unsubscribe page are axe clean, light
and dark."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from debate import moderation, notification_mail, notifications
from debate.models import Notification, PostStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writer(make_member):
    return make_member(display_name="grace", password=None)


@pytest.fixture
def notified(writer, make_post, seed_article, make_member):
    """Grace's rebuttal, with a reply from alan, three endorsements, and a hidden reply."""
    side = seed_article.positions.first()
    rebuttal = make_post(writer, position=side, body="Both papers measure different things.")
    reply = make_post(make_member(display_name="alan"), parent=rebuttal)
    for _ in range(3):
        notifications.notification_endorsement(rebuttal)
    other = make_post(writer, parent=reply)
    moderation.post_moderate(
        other, PostStatus.HIDDEN, actor=make_member(is_staff=True), reason="Off-topic."
    )
    return reply


def assert_no_axe_violations(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def header_count(page):
    return page.get_by_role("navigation", name="Account").locator("#notification-count")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_reads_a_notification_and_marks_it_read(
    browser, live_server, sign_in_browser, writer, notified, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = sign_in_browser(context.new_page(), writer)
    page.goto(f"{live_server.url}/")
    expect(header_count(page)).to_have_text(", 3 unread")

    page.get_by_role("link", name="Notifications").click()
    items = page.locator("li.notification")
    expect(items).to_have_count(3)
    reply_item = items.filter(has_text="alan replied to your rebuttal")
    reply_item.get_by_role("button", name="Mark read").click()

    expect(reply_item.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(reply_item).to_contain_text("read")
    expect(header_count(page)).to_have_text(", 2 unread")
    if javascript:
        # In place: the page was not loaded again, and the focus stays on the item.
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
        expect(reply_item.get_by_role("link")).to_be_focused()
    assert Notification.objects.filter(read_at__isnull=False).count() == 1

    reply_item.get_by_role("link", name="alan replied").click()
    expect(page.locator(f"#post-{notified.pk}")).to_be_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_marks_all_read(
    browser, live_server, sign_in_browser, writer, notified, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = sign_in_browser(context.new_page(), writer)
    page.goto(f"{live_server.url}/notifications/")

    page.get_by_role("button", name="Mark all read").click()

    expect(page.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(header_count(page)).to_have_text("")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notifications_page_has_no_axe_violations(
    page, live_server, sign_in_browser, writer, notified, scheme
):
    page.emulate_media(color_scheme=scheme)
    sign_in_browser(page, writer)
    page.goto(f"{live_server.url}/notifications/")

    assert_no_axe_violations(page)


def test_the_unsubscribe_page_has_no_axe_violations(page, live_server, writer):
    token = notification_mail.unsubscribe_token(writer)
    page.goto(f"{live_server.url}/notifications/unsubscribe/{token}/")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("status")).to_contain_text("You are unsubscribed")
    assert_no_axe_violations(page)
