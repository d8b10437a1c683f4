"""Fixtures for the account tests: verification modes and reading links out of mail."""

import re

import pytest
from django.core import mail

PASSWORD = "a-long-enough-password"
NEW_PASSWORD = "another-long-password-42"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # A real hasher, but a cheap one: these tests check passwords dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mandatory_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


@pytest.fixture
def optional_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"


@pytest.fixture
def verified_member(make_member):
    """A member whose address allauth knows and has verified, as after a real sign-up."""
    from allauth.account.models import EmailAddress

    def make(**fields):
        member = make_member(**fields)
        EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
        return member

    return make


def link_in_mail(path_fragment: str, message=None) -> str:
    """The path of the first link in the last mail (or `message`) that contains the fragment."""
    message = message or mail.outbox[-1]
    for url in re.findall(r"https?://\S+", message.body):
        if path_fragment in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link containing {path_fragment!r} in: {message.body}")
