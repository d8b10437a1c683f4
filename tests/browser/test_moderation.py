"""Moderating in Chromium: a moderator made with `grant_moderator` signs in to the admin,
hides a reported rebuttal with a reason from the report queue, and the author and a visitor
see the outcome."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from debate import discussion
from debate.models import ModerationRecord, PostStatus, ReportReason

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-enough-password"
REASON = "Attacks the person, not the argument."


@pytest.fixture
def reported_rebuttal(seed_article, make_post, make_member):
    ys = seed_article.positions.first()
    rebuttal = make_post(
        make_member(display_name="grace"),
        position=ys,
        body="Anyone who believes this has not read a single paper, and is frankly a fool.",
    )
    make_post(
        make_member(display_name="alan"),
        parent=rebuttal,
        body="The papers are on both sides; name one they missed instead.",
    )
    discussion.report_file(rebuttal, reporter=make_member(), reason=ReportReason.ABUSE)
    return rebuttal


@pytest.fixture
def moderator_email(make_member):
    member = make_member(email="hilda@example.com", display_name="hilda", password=PASSWORD)
    call_command("grant_moderator", member.email, verbosity=0)
    return member.email


def test_a_moderator_hides_a_reported_rebuttal_and_author_and_visitor_see_it(
    browser, live_server, sign_in_browser, reported_rebuttal, moderator_email, seed_article
):
    context = browser.new_context()
    page = context.new_page()

    # Signing in to the admin goes through the site's sign-in page.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(moderator_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    queue = page.get_by_role("navigation", name="Moderation queue")
    expect(queue).to_contain_text("1 open report")

    queue.get_by_role("link", name="1 open report").click()
    row = page.locator("#result_list tbody tr").filter(has_text="frankly a fool")
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Take action: hide and resolve reports"
    )
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Hide 1 item and resolve the reports")).to_be_visible()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Hide 1 item and resolve the reports").click()
    expect(page.locator(".messagelist")).to_contain_text("Hid 1 item; resolved 1 report.")
    context.close()

    reported_rebuttal.refresh_from_db()
    assert reported_rebuttal.status == PostStatus.HIDDEN
    assert ModerationRecord.objects.get().reason == REASON

    # The author sees it hidden, and why, on their own item.
    author_context = browser.new_context()
    author_page = sign_in_browser(author_context.new_page(), reported_rebuttal.author)
    author_page.goto(live_server.url + reported_rebuttal.get_absolute_url())
    item = author_page.locator(f"#post-{reported_rebuttal.pk}")
    expect(item).to_contain_text("Only you can see this: hidden by a moderator.")
    expect(item).to_contain_text(f"A moderator gave this reason: “{REASON}”")
    author_context.close()

    # A visitor sees the placeholder where it was, and the reply under it.
    visitor_context = browser.new_context()
    visitor = visitor_context.new_page()
    visitor.goto(live_server.url + seed_article.get_absolute_url())
    item = visitor.locator(f"#post-{reported_rebuttal.pk}")
    expect(item).to_contain_text("hidden by a moderator")
    expect(item).not_to_contain_text("frankly a fool")
    expect(visitor.get_by_text("name one they missed")).to_be_visible()
    expect(visitor.get_by_text(REASON)).to_have_count(0)
    visitor_context.close()
