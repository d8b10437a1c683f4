"""The account life cycle in Debian's Chromium, and an axe audit of every account page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from debate.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-enough-password"


def mailed_path(fragment: str) -> str:
    for url in re.findall(r"https?://\S+", mail.outbox[-1].body):
        if fragment in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(mail.outbox[-1].body)


def fill_sign_in(page, email, password=PASSWORD):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def mandatory_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_visitor_signs_up_verifies_and_signs_in(page, live_server, article, mandatory_verification):
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign up").click()

    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Display name (optional)").fill("grace")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your email address")

    page.goto(live_server.url + mailed_path("/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()

    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    fill_sign_in(page, "grace@example.com")

    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    header = page.get_by_role("navigation", name="Account")
    expect(header.get_by_role("link", name="grace")).to_be_visible()
    expect(header.get_by_role("link", name="Settings")).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


def test_member_signs_out_from_the_header(page, live_server, sign_in_browser, make_member):
    sign_in_browser(page, make_member(display_name="ada"))
    page.goto(live_server.url + "/")

    page.get_by_role("button", name="Sign out").click()

    expect(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")
    ).to_be_visible()
    expect(page.get_by_text("ada")).to_have_count(0)


def test_member_edits_profile_then_deletes_account(
    page, live_server, sign_in_browser, make_member, article
):
    member = make_member(email="ada@example.com", display_name="ada")
    Post.objects.create(
        article=article,
        author=member,
        position=article.positions.first(),
        body_md="My point stands.",
    )
    sign_in_browser(page, member)
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Ada.L")
    page.get_by_label("About you").fill("I count things.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Ada.L").click()
    expect(page.get_by_text("I count things.")).to_be_visible()
    expect(page.get_by_text("My point stands.")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Delete account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("status")).to_contain_text("Your account is deleted")
    expect(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")
    ).to_be_visible()
    assert not User.objects.filter(email="ada@example.com").exists()
    assert Post.objects.get().author is None


# --- axe: every account page, signed out and signed in, light and dark ---------------------

ANONYMOUS_PAGES = {
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "password-reset-done": "/accounts/password/reset/done/",
    "verification-sent": "/accounts/confirm-email/",
    "bad-reset-link": "/accounts/password/reset/key/1-bad/",
    "reset-from-key-done": "/accounts/password/reset/key/done/",
}
MEMBER_PAGES = {
    "email": "/accounts/email/",
    "password-change": "/accounts/password/change/",
    "logout-confirmation": "/accounts/logout/",
    "settings": "/members/settings/",
    "delete-confirmation": "/members/settings/delete/",
    "profile": "/members/ada/",
}


def assert_no_axe_violations(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, page):
    page.emulate_media(color_scheme=request.param)
    return page


@pytest.mark.parametrize("path", ANONYMOUS_PAGES.values(), ids=ANONYMOUS_PAGES.keys())
def test_account_page_has_no_axe_violations(scheme_page, live_server, path):
    scheme_page.goto(live_server.url + path)

    assert_no_axe_violations(scheme_page)


@pytest.mark.parametrize("path", MEMBER_PAGES.values(), ids=MEMBER_PAGES.keys())
def test_member_account_page_has_no_axe_violations(
    scheme_page, live_server, sign_in_browser, make_member, article, path
):
    member = make_member(display_name="ada", bio="Counts things.")
    Post.objects.create(
        article=article, author=member, position=article.positions.first(), body_md="*Yes.*"
    )
    sign_in_browser(scheme_page, member)
    scheme_page.goto(live_server.url + path)

    assert_no_axe_violations(scheme_page)


def test_forms_with_errors_have_no_axe_violations(scheme_page, live_server, make_member):
    make_member(display_name="grace")
    scheme_page.goto(live_server.url + "/accounts/signup/")
    scheme_page.get_by_label("Email").fill("not-an-email@example.com")
    scheme_page.get_by_label("Display name (optional)").fill("grace")
    scheme_page.get_by_label("Password", exact=True).fill("short")
    scheme_page.get_by_label("Password (again)").fill("different")
    scheme_page.get_by_role("button", name="Sign Up").click()
    expect(scheme_page.get_by_text("That display name is taken")).to_be_visible()

    assert_no_axe_violations(scheme_page)


def test_rate_limit_page_has_no_axe_violations(scheme_page, live_server, make_member):
    make_member(email="ada@example.com")
    scheme_page.goto(live_server.url + "/accounts/login/")
    for _ in range(6):
        fill_sign_in(scheme_page, "ada@example.com", "wrong-password")
    expect(scheme_page.get_by_role("heading", level=1)).to_have_text("Too many attempts")

    assert_no_axe_violations(scheme_page)


def test_email_confirmation_page_has_no_axe_violations(scheme_page, live_server, make_member):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    member = make_member(email="ada@example.com")
    address = EmailAddress.objects.create(user=member, email=member.email, primary=True)
    scheme_page.goto(
        f"{live_server.url}/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/"
    )
    expect(scheme_page.get_by_role("button", name="Confirm")).to_be_visible()

    assert_no_axe_violations(scheme_page)


def test_new_password_page_from_reset_link_has_no_axe_violations(
    scheme_page, live_server, make_member
):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    member = make_member(email="ada@example.com")
    key = f"{user_pk_to_url_str(member)}-{default_token_generator.make_token(member)}"
    scheme_page.goto(f"{live_server.url}/accounts/password/reset/key/{key}/")
    expect(scheme_page.get_by_label("New password", exact=True)).to_be_visible()

    assert_no_axe_violations(scheme_page)
