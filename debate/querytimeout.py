"""Bounded queries for the requests the app server serves.

A PostgreSQL that accepts connections and then hangs (or a lock someone else holds) would keep
a worker until gunicorn kills it at 30 s. The app server's entry points (`debate/wsgi.py`, which
gunicorn and runserver load, and `debate/asgi.py`) call `bound_queries()`: every connection they
open then runs with `statement_timeout` and `lock_timeout` of DB_STATEMENT_TIMEOUT seconds. A
query that runs out of time raises OperationalError, which `debate.errors` answers with the 503
page; the log line names the path and the start of the query (`debate.middleware.OutageFilter`).

Management commands (`migrate`, `import_seed`, `recount`, data generators) never load those
entry points, so they run without a timeout.
"""

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from psycopg import errors as pg_errors

TIMED_OUT = (pg_errors.QueryCanceled, pg_errors.LockNotAvailable)


def bound_queries(seconds: float | None = None) -> None:
    """From now on, this process's PostgreSQL connections time out after `seconds`."""
    if seconds is None:
        seconds = settings.DB_STATEMENT_TIMEOUT
    if seconds <= 0:
        return
    milliseconds = str(int(seconds * 1000))

    def bound(sender, connection, **kwargs):
        if connection.vendor != "postgresql":
            return  # SQLite has neither; its writers queue on a file lock with its own timeout
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false),"
                " set_config('lock_timeout', %s, false)",
                [milliseconds, milliseconds],
            )
        # Outermost, and once per connection object (it outlives reconnections).
        if name_timed_out_query not in connection.execute_wrappers:
            connection.execute_wrappers.insert(0, name_timed_out_query)

    connection_created.connect(bound, weak=False, dispatch_uid="debate.querytimeout.bound")
    # Connections opened before this call (by the checks at start) are not bounded: close them.
    from django.db import connections

    connections.close_all()


def name_timed_out_query(execute, sql, params, many, context):
    """Keep the SQL on a timed-out query's error, for the log line."""
    try:
        return execute(sql, params, many, context)
    except OperationalError as error:
        if isinstance(error.__cause__, TIMED_OUT):
            error.timed_out_query = sql
        raise
