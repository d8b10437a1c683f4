"""Sessions in the database, as Django keeps them, read by one prepared statement, and refusing
a malformed key before any query.

A session cookie is whatever the visitor sends. Django checks only a key's length, so
`sessionid="abcdefgh\\000"` reached PostgreSQL, which refuses NUL in text: a 500 on every page
for that visitor. A key Django could not have made is treated as no session at all.

Every signed-in request reads its session first. Django reads it through the ORM, compiling
the same query each time (about two thirds of the read); here it is one statement that
PostgreSQL keeps prepared (`prepared_cursor`), with the same conditions: the key, not expired.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from .models.raw_sql import prepared_cursor

# Django makes 32 lowercase letters and digits (sessions.backends.base.VALID_KEY_CHARS).
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")

_LOAD_SQL = """
    SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s
"""


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return isinstance(key, str) and _SESSION_KEY.fullmatch(key) is not None

    def load(self):
        with prepared_cursor() as cursor:
            sql = _LOAD_SQL.format(table=self.model._meta.db_table)
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:  # no such session, or it expired: a new one gets a new key
            self._session_key = None
            return {}
        return self.decode(row[0])
