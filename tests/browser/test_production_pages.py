"""The strict Content-Security-Policy in a real browser, and htmx failures shown to the visitor."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def csp_violations(page):
    """Everything Chromium refused because of the Content-Security-Policy, or any script error."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


@pytest.fixture
def moderator(make_member):
    return make_member(
        email="mod@example.com", display_name="moderator", is_staff=True, is_superuser=True
    )


def test_article_page_loads_htmx_and_breaks_no_csp_rule(page, live_server, article, csp_violations):
    page.goto(live_server.url + article.get_absolute_url())

    assert page.evaluate("typeof htmx") == "object"
    assert csp_violations == []


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_public_pages_break_no_csp_rule(page, live_server, article, csp_violations, path):
    page.goto(live_server.url + path)

    expect(page.locator("h1").first).to_be_visible()
    assert csp_violations == []


def test_admin_article_editor_runs_its_scripts_under_the_csp(
    page, live_server, article, moderator, sign_in_browser, csp_violations
):
    sign_in_browser(page, moderator)

    page.goto(f"{live_server.url}/admin/debate/article/{article.pk}/change/")

    # filter_horizontal's widget and the inline's "add another" link exist only if admin JS ran.
    expect(page.locator("#id_topics_add_all")).to_be_visible()
    expect(page.get_by_role("button", name="Add another Position")).to_be_visible()
    assert csp_violations == []


def test_admin_changelist_select_all_works_under_the_csp(
    page, live_server, article, moderator, sign_in_browser, csp_violations
):
    sign_in_browser(page, moderator)
    page.goto(f"{live_server.url}/admin/debate/article/")

    page.locator("#action-toggle").check()

    expect(page.locator("input.action-select").first).to_be_checked()
    assert csp_violations == []


def _htmx_button(page, url: str):
    """Add a button that GETs `url` with htmx, as the voting panel's buttons will."""
    page.evaluate(
        """url => {
            const button = document.createElement("button");
            button.id = "probe";
            button.textContent = "Refresh";
            button.setAttribute("hx-get", url);
            button.setAttribute("hx-swap", "outerHTML");
            document.querySelector("main").prepend(button);
            htmx.process(button);
        }""",
        url,
    )
    return page.locator("#probe")


def test_failed_htmx_request_says_why_in_the_status_region(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())

    _htmx_button(page, "/articles/gone/tally/").click()

    status = page.get_by_role("alert")
    expect(status).to_contain_text("That is no longer here. Reload the page to see what is.")
    expect(page.locator("#probe")).to_be_visible()  # nothing was swapped away


def test_unreachable_server_is_reported_in_the_status_region(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.route("**/unreachable/", lambda route: route.abort("connectionrefused"))

    _htmx_button(page, "/unreachable/").click()

    expect(page.get_by_role("alert")).to_contain_text("Could not reach Both Sides.")


def test_status_message_can_be_dismissed(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    _htmx_button(page, "/articles/gone/tally/").click()

    page.get_by_role("button", name="Dismiss").click()

    expect(page.locator("#request-status")).to_be_empty()
    expect(page.locator("#request-status")).to_be_hidden()


def test_page_with_a_status_message_has_no_accessibility_violations(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    _htmx_button(page, "/articles/gone/tally/").click()
    expect(page.get_by_role("alert")).not_to_be_empty()

    assert Axe().run(page).response["violations"] == []


def test_404_page_has_no_accessibility_violations(page, live_server, db):
    page.goto(live_server.url + "/no/such/page/")

    assert page.get_by_role("heading", level=1).inner_text() == "We can’t find that page"  # noqa: RUF001
    assert Axe().run(page).response["violations"] == []


def test_moderator_hides_a_rebuttal_from_the_list(
    page, live_server, article, moderator, make_member, sign_in_browser
):
    from debate.models import Post, PostStatus

    rebuttal = Post.objects.create(
        article=article,
        author=make_member(display_name="spammer"),
        position=article.positions.first(),
        body_md="Buy cheap pills",
    )
    sign_in_browser(page, moderator)
    page.goto(f"{live_server.url}/admin/debate/post/")

    page.get_by_role("row", name="Buy cheap pills").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Hide selected posts")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason").fill("Advertising.")
    page.get_by_role("button", name="Hide 1 post").click()

    expect(page.get_by_text("Hid 1 post.")).to_be_visible()
    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.HIDDEN
