"""A clean console: the article page logs no error and breaks no Content-Security-Policy rule,
and the favicon every browser asks for is there."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def console(page):
    """Console errors, uncaught script errors and failed requests, as the browser saw them."""
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return problems


def test_the_article_page_logs_no_console_error_and_no_csp_violation(
    page, live_server, seed_article, console
):
    page.goto(live_server.url + seed_article.get_absolute_url(), wait_until="networkidle")

    assert console == []
    assert page.evaluate("window.cspViolations") == []


def test_the_page_links_icons_that_load(page, live_server, seed_article, console):
    page.goto(live_server.url + seed_article.get_absolute_url(), wait_until="networkidle")

    sizes = page.evaluate(
        """() => Promise.all([...document.querySelectorAll('link[rel="icon"]')].map(
            (link) => new Promise((resolve) => {
                const image = new Image();
                image.onload = () => resolve([link.type || "ico", image.naturalWidth]);
                image.onerror = () => resolve([link.href, 0]);
                image.src = link.href;
            })))"""
    )

    assert sorted(kind for kind, _ in sizes) == ["ico", "image/svg+xml"]
    assert all(width > 0 for _, width in sizes), sizes
    assert console == []


def test_favicon_ico_at_the_root_is_an_icon_not_a_404(page, live_server, db, console):
    response = page.goto(live_server.url + "/favicon.ico")

    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert console == []
