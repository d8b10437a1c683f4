"""Account pages speak like the rest of the site: sentence case, whoever wrote the template."""

import re
from html import unescape
from http import HTTPStatus

import pytest
from django.core import mail

from .conftest import PASSWORD

# Words that keep their capitals mid-sentence.
PROPER_NOUNS = {"GitHub", "Both", "Sides"}

HEADING_OR_BUTTON = re.compile(r"<(h1|h2|button|title)\b[^>]*>(.*?)</\1>", re.DOTALL)


def title_case_words(html: str) -> list[str]:
    """Headings, buttons and titles with a capitalised word after the first."""
    found = []
    for _tag, inner in HEADING_OR_BUTTON.findall(html):
        text = unescape(re.sub(r"<[^>]+>", " ", inner)).split("·")[0]
        words = text.split()
        found += [
            text.strip()
            for word in words[1:]
            if word[:1].isupper() and word.strip("().,:") not in PROPER_NOUNS and word != "I"
        ]
    return found


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/key/1-bad/",
]
MEMBER_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_account_page_headings_and_buttons_are_in_sentence_case(client, db, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert title_case_words(response.content.decode()) == []


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_account_page_headings_and_buttons_are_in_sentence_case(
    client, verified_member, path
):
    client.force_login(verified_member(display_name="ada"))

    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert title_case_words(response.content.decode()) == []


def test_sign_in_page_offers_sign_up_in_plain_words(client, db):
    response = client.get("/accounts/login/")

    html = " ".join(response.content.decode().split())
    assert '<h1 class="page-title"> Sign in </h1>' in html
    assert "Create an account" in html


def test_password_reset_mail_subject_is_in_sentence_case(client, verified_member):
    verified_member(email="ada@example.com", password=PASSWORD)

    client.post("/accounts/password/reset/", {"email": "ada@example.com"})

    assert mail.outbox[-1].subject.endswith("Reset your password")
