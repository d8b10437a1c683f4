"""Configuration from the environment, checked in a fresh process as an operator would meet it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from debate.settings import site_origin

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SITE_URL"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(MANAGE), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**clean, **env},
    )


def test_without_debug_or_secret_key_the_site_refuses_to_start_with_one_line():
    result = manage("check", DEBUG="0")

    assert result.returncode != 0
    assert result.stderr.strip().startswith("Refusing to start: DEBUG is off and SECRET_KEY")
    assert len(result.stderr.strip().splitlines()) == 1


def test_with_nothing_set_the_site_uses_embedded_sqlite():
    result = manage("shell", "-c", "from django.db import connection; print(connection.vendor)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "sqlite"


def test_database_url_switches_to_postgresql_with_persistent_checked_connections():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = manage("shell", "-c", code, DATABASE_URL="postgres://u@db.invalid:5432/x")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "600",
        "True",
    ]


def test_an_empty_database_url_means_the_embedded_sqlite_not_a_crash():
    # Environment files often carry "DATABASE_URL=" with nothing after it.
    result = manage(
        "shell", "-c", "from django.db import connection; print(connection.vendor)", DATABASE_URL=""
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "sqlite"


def test_without_debug_or_site_url_the_site_refuses_to_start_with_one_line():
    result = manage("check", DEBUG="0", SECRET_KEY="k" * 50)

    assert result.returncode != 0
    assert result.stderr.strip().startswith("Refusing to start: DEBUG is off and SITE_URL")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_site_url_that_is_not_an_origin_is_refused_with_one_line():
    result = manage("check", SITE_URL="https://both-sides.example/debates")

    assert result.returncode != 0
    assert result.stderr.strip().startswith("Refusing to start: SITE_URL must be an origin")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "value",
    [
        "both-sides.example",
        "ftp://both-sides.example",
        "https://both-sides.example/debates",
        "https://both-sides.example/?x=1",
        "https://both-sides.example/#top",
        "https://user@both-sides.example",
        "https://both-sides.example:port",
        "https://",
    ],
)
def test_only_an_origin_is_a_site_url(value):
    assert site_origin(value) is None


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://Both-Sides.example/", "https://both-sides.example"),
        ("http://127.0.0.1:8400", "http://127.0.0.1:8400"),
        (" https://[::1]:8000 ", "https://[::1]:8000"),
    ],
)
def test_a_site_url_is_kept_as_its_origin(value, origin):
    assert site_origin(value) == origin


def test_site_url_has_a_development_default_and_is_kept_as_its_origin():
    code = "from django.conf import settings; print(settings.SITE_URL)"

    default = manage("shell", "-c", code)
    given = manage("shell", "-c", code, SITE_URL="https://Both-Sides.example/")

    assert default.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000"
    assert given.stdout.strip().splitlines()[-1] == "https://both-sides.example"
