"""A slow or hung database is bounded for requests the app server serves (debate/querytimeout.py):
they run with a statement and a lock timeout; management commands run without them."""

import re
from http import HTTPStatus

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no statement or lock timeout to set",
)

SHOW_TIMEOUTS = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SHOW statement_timeout'); statement = cursor.fetchone()[0]\n"
    "    cursor.execute('SHOW lock_timeout'); lock = cursor.fetchone()[0]\n"
    "print(statement, lock)"
)


def _test_database_url() -> str:
    name = connection.settings_dict["NAME"]
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = connection.settings_dict["PORT"] or 5432
    user = connection.settings_dict["USER"] or "postgres"
    return f"postgres://{user}@{host}:{port}/{name}"


@pytest.mark.django_db
def test_management_commands_run_without_a_statement_timeout(run_manage):
    completed = run_manage("shell", "-c", SHOW_TIMEOUTS, DATABASE_URL=_test_database_url())

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[-2:] == ["0", "0"]


@pytest.mark.django_db
def test_the_app_server_runs_with_the_configured_timeouts(run_manage):
    # gunicorn and runserver both load debate.wsgi; management commands never do.
    completed = run_manage(
        "shell",
        "-c",
        "import debate.wsgi\n" + SHOW_TIMEOUTS,
        DATABASE_URL=_test_database_url(),
        DB_STATEMENT_TIMEOUT="2.5",
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[-2:] == ["2500ms", "2500ms"]


@pytest.mark.django_db
def test_the_default_timeout_is_five_seconds(run_manage):
    completed = run_manage(
        "shell", "-c", "import debate.wsgi\n" + SHOW_TIMEOUTS, DATABASE_URL=_test_database_url()
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[-2:] == ["5s", "5s"]


@pytest.fixture
def article_table_locked(article):
    """Another connection holds the article table, as a long migration or a stuck job would."""
    with psycopg.connect(_test_database_url(), autocommit=False) as other:
        other.execute("LOCK TABLE debate_article IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


@pytest.mark.django_db(transaction=True)
def test_a_request_held_up_by_a_lock_gets_the_503_page_and_logs_path_and_query(
    run_site, article, article_table_locked
):
    result = run_site(
        [{"path": article.get_absolute_url()}, {"path": "/healthz"}],
        app_server=True,
        DATABASE_URL=_test_database_url(),
        DB_STATEMENT_TIMEOUT="0.5",
    )

    page, health = result["responses"]
    assert page["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert page["seconds"] < 3
    assert "Both Sides is briefly unavailable" in page["body"]
    assert page["headers"]["Retry-After"] == "10"
    assert health["status"] == HTTPStatus.OK  # the database itself answers
    (line,) = [line for line in result["log"].splitlines() if " ERROR " in line]
    assert f"Service Unavailable: {article.get_absolute_url()}" in line
    # Both timeouts are DB_STATEMENT_TIMEOUT; whichever PostgreSQL checks first cancels it.
    assert re.search(r"canceling statement due to (lock|statement) timeout", line)
    assert 'query: SELECT a."id", a."slug"' in line  # the article page's one query
    assert "Traceback" not in result["log"]


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_runs_too_long_is_cancelled(run_site):
    result = run_site(
        [{"path": "/sleeps/"}],
        app_server=True,
        urlconf="tests.debate.error_urls",
        DATABASE_URL=_test_database_url(),
        DB_STATEMENT_TIMEOUT="0.5",
    )

    (page,) = result["responses"]
    assert page["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert page["seconds"] < 3
    (line,) = [line for line in result["log"].splitlines() if " ERROR " in line]
    assert "Service Unavailable: /sleeps/" in line
    assert "canceling statement due to statement timeout" in line
    assert "query: SELECT pg_sleep(10)" in line
