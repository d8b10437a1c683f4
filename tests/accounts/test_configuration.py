"""Settings that depend on the environment, checked in a fresh interpreter per environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "verification": settings.ACCOUNT_EMAIL_VERIFICATION,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "social": "allauth.socialaccount" in settings.INSTALLED_APPS,
    "github": "allauth.socialaccount.providers.github" in settings.INSTALLED_APPS,
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def run(args, **env):
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACCOUNT_", "EMAIL_", "GITHUB_", "DEBUG", "SECRET_KEY", "SITE_URL"))
    }
    base["DJANGO_SETTINGS_MODULE"] = "debate.settings"
    return subprocess.run(  # noqa: S603 -- our own interpreter and fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def probe(**env) -> dict:
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_development_has_optional_verification_and_console_email():
    config = probe(DEBUG="1")

    assert config["verification"] == "optional"
    assert config["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_deployment_has_mandatory_verification():
    config = probe(DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="https://both-sides.example")

    assert config["verification"] == "mandatory"


def test_verification_mode_can_be_set_by_environment():
    assert probe(DEBUG="1", ACCOUNT_EMAIL_VERIFICATION="mandatory")["verification"] == "mandatory"


def test_unknown_verification_mode_is_refused_with_a_clear_message():
    result = run(["-c", PROBE], DEBUG="1", ACCOUNT_EMAIL_VERIFICATION="sometimes")

    assert result.returncode != 0
    assert "ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none" in result.stderr


def test_smtp_settings_come_from_the_environment():
    config = probe(DEBUG="1", EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525")

    assert config["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["email_host"], config["email_port"]) == ("smtp.example.com", 2525)


def test_rate_limits_use_a_real_cache():
    assert probe(DEBUG="1")["cache"] != "django.core.cache.backends.dummy.DummyCache"


def test_github_sign_in_is_off_without_credentials():
    config = probe(DEBUG="1", GITHUB_CLIENT_ID="only-the-id")

    assert not config["social"]
    assert not config["github"]


def test_github_sign_in_is_on_with_id_and_secret():
    config = probe(DEBUG="1", GITHUB_CLIENT_ID="id", GITHUB_CLIENT_SECRET="secret")

    assert config["social"]
    assert config["github"]


@pytest.mark.parametrize(
    "env",
    [{}, {"GITHUB_CLIENT_ID": "id", "GITHUB_CLIENT_SECRET": "secret"}],
    ids=["default", "with-github"],
)
def test_manage_py_check_is_silent(env):
    result = run(["manage.py", "check"], DEBUG="1", **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


LOGIN_PAGE_PROBE = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
print(Client().get("/accounts/login/").content.decode())
"""


@pytest.mark.parametrize(
    ("env", "shown"),
    [({}, False), ({"GITHUB_CLIENT_ID": "id", "GITHUB_CLIENT_SECRET": "secret"}, True)],
    ids=["off", "on"],
)
def test_sign_in_page_offers_github_only_when_configured(env, shown):
    result = run(
        ["-c", LOGIN_PAGE_PROBE],
        DEBUG="1",
        DATABASE_URL="sqlite://:memory:",
        ALLOWED_HOSTS="testserver",
        **env,
    )

    assert result.returncode == 0, result.stderr
    assert ("Continue with GitHub" in result.stdout) is shown
    assert ("GitHub" in result.stdout) is shown
