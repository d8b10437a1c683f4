"""Fixtures for the debate tests: votes in bulk, an htmx client, and a site process configured
like a deployment (production profile)."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from debate import caching, services

PROBE = Path(__file__).with_name("production_probe.py")
ROOT = PROBE.parents[2]
# What README "Deploying" tells an operator to set, with throw-away values.
DEPLOY_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-" + "k" * 50,
    "ALLOWED_HOSTS": "testserver,both-sides.example",
    "CSRF_TRUSTED_ORIGINS": "https://both-sides.example",
    "SITE_URL": "https://both-sides.example",
    "BEHIND_TLS_PROXY": "1",
}
# Nothing listens on port 9 (discard) here: connecting is refused at once.
CLOSED_POSTGRES = "postgres://postgres@127.0.0.1:9/nowhere"
CLOSED_REDIS = "redis://127.0.0.1:9/0"


def _clean_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(overrides)
    return env


def probe(requests=(), settings=(), urlconf=None, app_server=False, **env: str) -> dict:
    """Run requests in a fresh process with DEPLOY_ENV plus `env`; return what it saw.

    With `app_server`, the process first loads debate.wsgi, as gunicorn does.
    """
    spec = {"requests": list(requests), "settings": list(settings), "app_server": app_server}
    if urlconf:
        spec["urlconf"] = urlconf
    spec = json.dumps(spec)
    completed = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, str(PROBE), spec],
        env=_clean_env(**{**DEPLOY_ENV, **env}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    logged, marker, result = completed.stdout.rpartition("@@probe-result@@")
    assert marker, f"probe failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
    return {**json.loads(result), "log": logged}


@pytest.fixture
def run_site():
    return probe


PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
    "STORAGES",
    "DATABASES",
    "CACHES",
]


@pytest.fixture(scope="session")
def production_values() -> dict:
    """The settings a deployment gets from DEPLOY_ENV, on PostgreSQL and Redis."""
    return probe(
        settings=PRODUCTION_SETTINGS,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        REDIS_URL="redis://127.0.0.1:6379/2",
    )["settings"]


@pytest.fixture
def production(settings, production_values):
    """Apply the deployment's security settings to this test process."""
    for name in PRODUCTION_SETTINGS:
        if name not in {"DEBUG", "STORAGES", "DATABASES", "CACHES"}:
            value = production_values[name]
            setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


@pytest.fixture
def run_manage():
    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            env=_clean_env(**{**DEPLOY_ENV, **env}),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(autouse=True)
def _page_cache_reachable():
    # A test that breaks the cache must not leave the page cache's circuit breaker open.
    caching._cache_skipped_until = 0.0
    yield
    caching._cache_skipped_until = 0.0


@pytest.fixture
def positions(article):
    return list(article.positions.all())


@pytest.fixture
def side_one(positions):
    return positions[0]


@pytest.fixture
def side_two(positions):
    return positions[1]


@pytest.fixture
def veteran(make_member):
    """A member a day old or more, with a verified email: their reports count."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    def make(**fields):
        member = make_member(password=None, **fields)
        member.date_joined = timezone.now() - timedelta(days=30)
        member.save(update_fields=["date_joined"])
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        return member

    return make


@pytest.fixture
def cast_votes(django_user_model, article):
    """Votes by new members: cast_votes(side_one, side_one, None) → three members' votes."""
    counter = iter(range(1, 100_000))

    def cast(*choices, on=None):
        members = []
        for position in choices:
            n = next(counter)
            # No password: hashing one costs a quarter of a second.
            voter = django_user_model.objects.create_user(
                email=f"voter{n}@example.com", display_name=f"voter{n}", password=None
            )
            services.vote_cast(member=voter, article=on or article, position=position)
            members.append(voter)
        return members

    return cast


HTMX = {"HTTP_HX_REQUEST": "true"}


def recount_check_status() -> int:
    """The exit status of `manage.py recount --check`: 0 when every counter matches."""
    from django.core.management import call_command

    try:
        call_command("recount", "--check", verbosity=0)
    except SystemExit as exit_:
        return exit_.code
    return 0


# Notifications ------------------------------------------------------------------------------


@pytest.fixture
def writer(make_member):
    """The author whose items the notification tests reply to, endorse and moderate."""
    return make_member(email="writer@example.com", display_name="writer", password=None)


@pytest.fixture
def writers_rebuttal(make_post, writer, side_one):
    return make_post(writer, position=side_one)


@pytest.fixture
def unread(writer):
    """The writer's unread count as the header reads it (their row, read again)."""

    def read() -> int:
        writer.refresh_from_db(fields=["notifications_unread"])
        return writer.notifications_unread

    return read


# Redis ---------------------------------------------------------------------------------------


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def redis_cache(settings):
    """The default cache in a real Redis (TEST_REDIS_URL), under a prefix of its own; a raw
    client to look inside. Skips the test when no Redis answers."""
    redis = pytest.importorskip("redis")
    import uuid

    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "debate.redis_cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield connection
    for key in connection.scan_iter(match=f"{prefix}:*"):
        connection.delete(key)
