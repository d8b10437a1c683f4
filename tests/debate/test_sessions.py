from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from debate.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_session_reads_back_what_was_saved():
    key = _saved({"draft": "Both sides have a point", "count": 3})

    store = SessionStore(key)

    assert (store["draft"], store["count"]) == ("Both sides have a point", 3)
    assert store.session_key == key


def test_an_expired_session_reads_as_empty_and_gives_up_its_key():
    key = _saved({"draft": "lost"})
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))

    store = SessionStore(key)

    assert store.get("draft") is None
    assert store.session_key is None


def test_an_unknown_session_reads_as_empty():
    store = SessionStore("a" * 32)

    assert dict(store.items()) == {}
    assert store.session_key is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL's")
def test_the_session_is_read_by_a_statement_prepared_on_the_server():
    SessionStore(_saved({"a": 1})).load()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM django_session WHERE session_key%"])  # fmt: skip
        (prepared,) = cursor.fetchone()
    assert prepared == 1
