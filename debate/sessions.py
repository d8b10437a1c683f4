"""Sessions in the database, as Django keeps them, refusing a malformed key before any query.

A session cookie is whatever the visitor sends. Django checks only a key's length, so
`sessionid="abcdefgh\\000"` reached PostgreSQL, which refuses NUL in text: a 500 on every page
for that visitor. A key Django could not have made is treated as no session at all.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# Django makes 32 lowercase letters and digits (sessions.backends.base.VALID_KEY_CHARS).
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return isinstance(key, str) and _SESSION_KEY.fullmatch(key) is not None
