"""The header says where the member is: the current page's link carries aria-current."""

import re

import pytest

pytestmark = pytest.mark.django_db


def current_links(html: str) -> dict[str, str]:
    """Text of each header link marked current, mapped to the aria-current value."""
    header = html.split("</header>")[0]
    found = re.findall(r'<a [^>]*aria-current="(\w+)"[^>]*>(.*?)</a>', header, re.DOTALL)
    return {re.sub(r"<[^>]+>|Your profile: ", "", text).strip(): value for value, text in found}


def test_settings_link_is_the_current_page_on_settings(client, make_member):
    client.force_login(make_member(display_name="ada"))

    assert current_links(client.get("/members/settings/").content.decode()) == {"Settings": "page"}


def test_settings_link_marks_the_section_on_other_account_pages(client, make_member):
    client.force_login(make_member(display_name="ada"))

    assert current_links(client.get("/accounts/email/").content.decode()) == {"Settings": "true"}


def test_members_own_name_is_current_on_their_profile(client, make_member):
    client.force_login(make_member(display_name="ada"))

    assert current_links(client.get("/members/ada/").content.decode()) == {"ada": "page"}


def test_sign_in_link_is_current_on_the_sign_in_page(client):
    assert current_links(client.get("/accounts/login/").content.decode()) == {"Sign in": "page"}


def test_nothing_is_current_on_an_article_list(client):
    assert current_links(client.get("/").content.decode()) == {}


def test_sign_out_confirmation_is_not_part_of_settings(client, make_member):
    client.force_login(make_member(display_name="ada"))

    assert current_links(client.get("/accounts/logout/").content.decode()) == {}
