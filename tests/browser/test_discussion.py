"""Arguing in Chromium: rebut with a preview, reply, comment, edit, delete and report, in place
with htmx and as plain forms without JavaScript; drafts kept across a reload; axe-clean."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from debate.models import Post, PostKind, PostStatus, Report

pytestmark = pytest.mark.django_db(transaction=True)

SIDE = "Yudkowsky & Soares"
ARGUMENT = "Correction needs the failure to be *noticed*, and that is the whole worry."


@pytest.fixture
def argument(seed_article, make_post, make_member):
    """A real argument on the seed article: both sides rebutted, a thread, comments."""
    ys, llm = seed_article.positions.all()
    grace = make_member(display_name="grace")
    alan = make_member(display_name="alan")
    first = make_post(
        grace,
        position=ys,
        body="Sovereignty-by-default assumes one system acting alone. Deployed models run "
        "inside organisations with **monitoring** and people who can pull the plug.",
    )
    make_post(
        alan,
        parent=first,
        body="Monitoring catches the failures we thought of; the worry is the ones we did not.",
    )
    make_post(
        alan,
        position=llm,
        body='"We tested it and it behaved" is the evidence that fails under distribution '
        "shift.\n\n> The map is not the territory.",
    )
    make_post(
        make_member(display_name="edsger"),
        article=seed_article,
        body="I wish the article had quoted the practitioners directly instead of paraphrasing.",
    )
    return first


def test_member_rebuts_a_side_with_a_preview_in_place(member_page, article_url, argument, member):
    page = member_page
    page.goto(article_url)
    page.evaluate("window.__marker = 1")

    page.get_by_role("link", name=f"Rebut {SIDE}").click()
    page.get_by_label("Your rebuttal").fill(ARGUMENT)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview").locator("em")).to_have_text("noticed")
    page.get_by_role("button", name="Post rebuttal").click()

    mine = page.locator("#posts-side-yudkowsky-soares > li").first
    expect(mine).to_contain_text("Correction needs the failure to be noticed")
    expect(page.locator("#discussion-announcer")).to_have_text("Your rebuttal is posted.")
    expect(page.get_by_role("link", name=f"Rebut {SIDE}")).to_be_visible()
    assert page.evaluate("window.__marker") == 1
    post = Post.objects.get(author=member)
    assert (post.kind, post.position.label) == (PostKind.REBUTTAL, SIDE)


def test_a_refused_rebuttal_shows_the_error_in_place_and_keeps_the_text(
    member_page, article_url, argument
):
    page = member_page
    page.goto(article_url)
    page.evaluate("window.__marker = 1")

    page.get_by_role("link", name=f"Rebut {SIDE}").click()
    page.get_by_label("Your rebuttal").fill("Too short.")
    page.get_by_role("button", name="Post rebuttal").click()

    expect(page.get_by_text("Write at least 20 characters")).to_be_visible()
    expect(page.get_by_role("heading", name="The two sides")).to_be_visible()
    assert page.evaluate("window.__marker") == 1
    expect(page.get_by_label("Your rebuttal")).to_have_value("Too short.")
    expect(page.get_by_label("Your rebuttal")).to_have_attribute("aria-invalid", "true")


def test_member_replies_in_the_thread_in_place(member_page, article_url, argument, member):
    page = member_page
    page.goto(article_url)
    thread = page.locator(f"#post-{argument.pk}")

    thread.get_by_role("link", name="Reply to this rebuttal").click()
    page.get_by_label("Your reply").fill("Then the crux is observability, not training itself.")
    page.get_by_role("button", name="Post reply").click()

    replies = page.locator(f"#replies-{argument.pk}")
    expect(replies).to_contain_text("Then the crux is observability")
    expect(page.get_by_label("Your reply")).to_have_count(0)
    assert Post.objects.get(author=member).parent_id == argument.pk


def test_member_comments_edits_and_deletes_in_place(member_page, article_url, argument, member):
    page = member_page
    page.goto(article_url)

    page.get_by_role("link", name="Add a comment").click()
    page.get_by_label("Your comment").fill("A first comment of mine, long enough to post.")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator("#posts-comments > li").first
    expect(mine).to_contain_text("A first comment of mine")

    mine.get_by_role("link", name="Edit your comment").click()
    page.get_by_label("Edit your comment").fill("A better comment of mine, edited in place.")
    page.get_by_role("button", name="Save changes").click()
    expect(mine).to_contain_text("A better comment of mine")
    expect(mine).to_contain_text("edited")

    mine.get_by_role("link", name="Delete your comment").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(mine.locator(".post__placeholder")).to_have_text("[deleted]")
    assert Post.objects.get(author=member).status == PostStatus.DELETED


def test_member_reports_a_rebuttal_in_place(member_page, article_url, argument, member):
    page = member_page
    page.goto(article_url)
    item = page.locator(f"#post-{argument.pk}")

    item.get_by_role("link", name="Report this rebuttal").click()
    page.get_by_role("radio", name="Spam").check()
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(f"#post-{argument.pk}")).to_contain_text("Reported")
    assert Report.objects.get().reporter == member


def test_a_draft_survives_a_reload_and_is_forgotten_once_posted(member_page, article_url, argument):
    page = member_page
    page.goto(article_url)
    page.get_by_role("link", name="Add a comment").click()
    page.get_by_label("Your comment").press_sequentially("Half a thought I must not lose")

    page.reload()
    page.get_by_role("link", name="Add a comment").click()
    expect(page.get_by_label("Your comment")).to_have_value("Half a thought I must not lose")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#posts-comments > li").first).to_contain_text("Half a thought")

    page.reload()
    page.get_by_role("link", name="Add a comment").click()
    expect(page.get_by_label("Your comment")).to_have_value("")


def test_a_draft_survives_an_expired_session_and_the_sign_in_round_trip(
    member_page, article_url, argument, member
):
    page = member_page
    page.goto(article_url)
    page.get_by_role("link", name=f"Rebut {SIDE}").click()
    page.get_by_label("Your rebuttal").press_sequentially(ARGUMENT)
    page.context.clear_cookies(name="sessionid")  # the session expires while they write

    page.get_by_role("button", name="Post rebuttal").click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_label("Your rebuttal")).to_have_value(ARGUMENT)
    page.get_by_role("button", name="Post rebuttal").click()
    expect(page.locator("#posts-side-yudkowsky-soares > li").first).to_contain_text(
        "Correction needs the failure"
    )
    assert Post.objects.filter(author=member).count() == 1


def test_without_javascript_rebut_preview_reply_and_report_work_as_forms(
    nojs_page, article_url, argument, member, live_server
):
    page = nojs_page
    page.goto(article_url)

    page.get_by_role("link", name=f"Rebut {SIDE}").click()
    page.get_by_label("Your rebuttal").fill(ARGUMENT)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview")).to_contain_text("noticed")
    expect(page.get_by_label("Your rebuttal")).to_have_value(ARGUMENT)
    page.get_by_role("button", name="Post rebuttal").click()
    post = Post.objects.get(author=member)
    expect(page).to_have_url(f"{article_url}#post-{post.pk}")
    expect(page.locator(f"#post-{post.pk}")).to_contain_text("Correction needs the failure")

    page.locator(f"#post-{argument.pk}").get_by_role("link", name="Reply to this rebuttal").click()
    page.get_by_label("Your reply").fill("A reply posted as a plain form, no script.")
    page.get_by_role("button", name="Post reply").click()
    reply = Post.objects.get(author=member, kind=PostKind.REPLY)
    expect(page).to_have_url(f"{live_server.url}/posts/{reply.pk}/#post-{reply.pk}")
    expect(page.locator(f"#post-{reply.pk}")).to_contain_text("A reply posted as a plain form")

    page.locator(f"#post-{argument.pk}").get_by_role("link", name="Report this rebuttal").click()
    page.get_by_role("radio", name="Abuse").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".messages")).to_contain_text("Reported.")
    assert Report.objects.get().reason == "abuse"


def test_without_javascript_a_comment_too_short_comes_back_with_its_error(
    nojs_page, article_url, argument
):
    page = nojs_page
    page.goto(article_url)

    page.get_by_role("link", name="Add a comment").click()
    page.get_by_label("Your comment").fill("Short.")
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_text("Write at least 20 characters")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("Short.")


def test_visitor_signs_in_to_rebut_and_lands_on_the_form(page, article_url, argument, member):
    page.goto(article_url)

    page.get_by_role("link", name="Sign in to rebut").first.click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_label("Your rebuttal")).to_be_visible()


def test_show_all_replies_expands_the_thread_in_place(page, article_url, argument, make_post):
    for n in range(4):
        make_post(parent=argument, body=f"Another reply, number {n}, in a long thread.")
    page.goto(article_url)

    page.get_by_role("link", name="Show all 5 replies").click()

    expect(page.locator(f"#replies-{argument.pk}")).to_contain_text("number 3")
    expect(page.get_by_role("link", name="Show all 5 replies")).to_have_count(0)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_article_with_a_discussion_fits_and_passes_axe(
    page, article_url, argument, sign_in_browser, member, width, scheme, who
):
    if who == "member":
        sign_in_browser(page, member)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(article_url)
    if who == "member":
        page.get_by_role("link", name=f"Rebut {SIDE}").click()
        page.get_by_label("Your rebuttal").fill(ARGUMENT)
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("region", name="Preview")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_permalink_page_passes_axe(page, live_server, argument, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + argument.get_absolute_url())

    expect(page.locator(f"#post-{argument.pk}")).to_have_class(
        "post post--rebuttal post--highlight"
    )
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_a_rebuttal_posted_in_place_updates_the_count_and_takes_focus(
    member_page, article_url, argument, member
):
    page = member_page
    page.goto(article_url)
    count = page.locator("#count-posts-side-yudkowsky-soares")
    expect(count).to_have_text("(1)")

    page.get_by_role("link", name=f"Rebut {SIDE}").click()
    page.get_by_label("Your rebuttal").fill(ARGUMENT)
    page.get_by_role("button", name="Post rebuttal").click()

    expect(count).to_have_text("(2)")
    expect(count).to_have_attribute("aria-live", "polite")
    mine = Post.objects.get(author=member)
    expect(page.locator(f"#post-{mine.pk}")).to_be_focused()


def test_deleting_in_place_lowers_the_count_and_keeps_focus_on_the_item(
    member_page, article_url, argument, member, make_post, seed_article
):
    ys = seed_article.positions.first()
    mine = make_post(member, position=ys)
    page = member_page
    page.goto(article_url)
    count = page.locator("#count-posts-side-yudkowsky-soares")
    expect(count).to_have_text("(2)")

    item = page.locator(f"#post-{mine.pk}")
    item.get_by_role("link", name="Delete your rebuttal").click()
    page.get_by_role("button", name="Delete", exact=True).click()

    expect(count).to_have_text("(1)")
    expect(item).to_be_focused()


def test_cancelling_a_report_sends_focus_back_to_its_link(member_page, article_url, argument):
    page = member_page
    page.goto(article_url)
    item = page.locator(f"#post-{argument.pk}")

    item.get_by_role("link", name="Report this rebuttal").click()
    page.get_by_role("button", name="Cancel").click()

    expect(item.get_by_role("link", name="Report this rebuttal")).to_be_focused()


def test_signing_out_forgets_the_drafts(
    member_page, article_url, argument, member, sign_in_browser
):
    page = member_page
    page.goto(article_url)
    page.get_by_role("link", name="Add a comment").click()
    page.get_by_label("Your comment").press_sequentially("Something private, half written")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in_browser(page, member)
    page.goto(article_url)
    page.get_by_role("link", name="Add a comment").click()

    expect(page.get_by_label("Your comment")).to_have_value("")


def test_another_member_does_not_find_a_members_draft(
    member_page, article_url, argument, make_member, sign_in_browser
):
    page = member_page
    page.goto(article_url)
    page.get_by_role("link", name="Add a comment").click()
    page.get_by_label("Your comment").press_sequentially("Something private, half written")

    page.context.clear_cookies()
    sign_in_browser(page, make_member(display_name="someone-else"))
    page.goto(article_url)
    page.get_by_role("link", name="Add a comment").click()

    expect(page.get_by_label("Your comment")).to_have_value("")


def _contrast(first: str, second: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


RING = """element => {
  element.focus();
  const style = getComputedStyle(element);
  let under = element, background = "rgba(0, 0, 0, 0)";
  while (under && background === "rgba(0, 0, 0, 0)") {
    background = getComputedStyle(under).backgroundColor;
    under = under.parentElement;
  }
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, background: background,
          focus: getComputedStyle(document.documentElement).getPropertyValue("--focus")};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("what", ["control", "highlighted item"])
def test_focus_on_a_post_shows_a_ring_that_stands_out(page, live_server, argument, scheme, what):
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + argument.get_absolute_url())
    item = page.locator(f"#post-{argument.pk}")
    page.keyboard.press("Tab")  # keyboard use: what :focus-visible is for
    if what == "control":
        target = item.get_by_role("link", name="Reply to this rebuttal")
    else:
        item.evaluate("element => element.setAttribute('tabindex', '-1')")
        target = item

    ring = target.evaluate(RING)

    assert ring["style"] == "solid"
    assert ring["width"] >= 2
    assert _contrast(ring["color"], ring["background"]) >= 3
    focus = page.evaluate(
        "value => { const probe = document.createElement('i'); probe.style.color = value;"
        " document.body.append(probe); const c = getComputedStyle(probe).color;"
        " probe.remove(); return c; }",
        ring["focus"].strip(),
    )
    assert ring["color"] == focus
