"""Raw SQL for the few statements every page view and vote runs: a cursor that prepares them
on the server, and rows converted as the ORM would hand them over."""

from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from django.db import connection


@contextmanager
def prepared_cursor():
    """A cursor whose queries PostgreSQL plans once per connection, not once per request.

    Django's psycopg cursors bind parameters on the client and turn prepared statements off
    (for connection poolers), so PostgreSQL plans every query anew; for the five-table join of
    `VoteCount.objects.page` that costs several times its execution. The few statements that
    every vote and page view runs (that one, the vote's counter moves) are prepared on the
    server instead (psycopg does so on the protocol level, which PgBouncer
    1.21+ supports in transaction mode too). Wrapped like Django's own cursors, so it is
    logged and counted.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = _preparing_cursor()(connection.connection)
    raw.logged = connection.queries_logged
    try:
        yield connection._prepare_cursor(raw)
    finally:
        raw.close()


@cache
def _preparing_cursor():
    """psycopg's server-side binding cursor, preparing every statement it runs."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        logged = False  # whether Django logs the queries (its debug cursor reads `_query`)

        def execute(self, query, params=None, *, prepare=True, binary=None):
            super().execute(query, params, prepare=prepare, binary=binary)
            if self.logged:
                # psycopg remembers the statement only when it sends it as text, not when it
                # runs the prepared one: so that the query log still shows what ran.
                self._query = self._convert_query(query, params)
            return self

    return PreparingCursor


@cache
def _converters(model, fields: tuple[str, ...], vendor: str) -> list:
    """Each field's column and the backend's converters for it: the same for every row."""
    table = model._meta.db_table
    columns = [model._meta.get_field(name).get_col(table) for name in fields]
    return [(column, connection.ops.get_db_converters(column)) for column in columns]


def converted(fields: Sequence[str], model, values) -> list:
    """Raw column values as the ORM would hand them over (e.g. SQLite's datetimes as text)."""
    result = []
    converters = _converters(model, tuple(fields), connection.vendor)
    for (column, column_converters), value in zip(converters, values, strict=True):
        for converter in column_converters:
            value = converter(value, column, connection)
        result.append(value)
    return result
