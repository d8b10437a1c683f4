"""Request ids, the one access-log line per request, and the NUL guard.

Outages (database or Redis unreachable) are turned into a friendly 503 by the 500 handler in
`debate.errors`, which Django calls for exceptions raised anywhere in the stack, not only in
views.
"""

import contextlib
import contextvars
import logging
import re
import time
import uuid
from urllib.parse import unquote

from django.core.exceptions import BadRequest, SuspiciousOperation, ValidationError
from django.db import connections

from debate.errors import OUTAGE_ERRORS

logger = logging.getLogger("debate.request")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is honoured only when it cannot smuggle anything into a log line or a header.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the id of the request being served ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs 4xx/5xx after the middleware has returned; its record carries the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class OutageFilter(logging.Filter):
    """Log "the database is down" as one line, not a hundred-line traceback per request.

    Every request fails the same way during an outage; the exception's first line says why.
    Any other error keeps its traceback.
    """

    one_line = OUTAGE_ERRORS
    QUERY_SHOWN = 120  # characters of a timed-out query the line names

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.one_line):
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            detail = f"{type(error).__name__}: {reason}"
            query = getattr(error, "timed_out_query", None)  # see debate.querytimeout
            if query:
                detail += f"; query: {' '.join(query.split())[: self.QUERY_SHOWN]}"
            # Formatted now: the query and the reason may hold "%" of their own.
            record.msg = f"{record.getMessage()} ({detail})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


class SuspiciousRequestFilter(OutageFilter):
    """A request Django refuses as suspicious (a NUL, a Host not allowed) is the visitor's doing,
    not a bug: one line saying what, not a traceback."""

    one_line = (SuspiciousOperation,)


class RequestLogMiddleware:
    """Outermost middleware: it sees the final status, including Django's error responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            logger.info(
                "method=%s path=%s status=%s duration_ms=%.1f",
                request.method,
                # Escaped as Django's own request logger does: a %0A in a URL forges no lines.
                request.path.encode("unicode_escape").decode("ascii"),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            _request_id.reset(token)


# --- NUL bytes ------------------------------------------------------------------------------
# PostgreSQL refuses NUL in text, so a NUL a visitor sends must never reach a query. Django's
# forms.CharField (and every field built on it: EmailField, ModelForm text fields, allauth's)
# already refuses NUL with an inline error. NulGuardMiddleware adds the rest:
# - a NUL in the path or query string is a 400 before any view runs;
# - while a request is served, a query whose parameters hold a NUL is refused before it is
#   sent, with NulCharacterRefused. It is a ValidationError, so a form field whose cleaning
#   looks the value up (a ModelChoiceField by slug, a uniqueness check) shows it as that
#   field's error, and a SuspiciousOperation, so anywhere else the visitor gets the 400 page.
# Session cookies are checked by debate.sessions (a malformed one is no session).

NUL_MESSAGE = "Null characters are not allowed."  # Django's own wording for CharField


class NulCharacterRefused(SuspiciousOperation, ValidationError):
    def __init__(self):
        ValidationError.__init__(self, NUL_MESSAGE, code="null_characters_not_allowed")


def holds_nul(value) -> bool:
    """Whether a query parameter (or a list, dict or JSON value of them) contains a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    wrapped = getattr(value, "obj", None)  # psycopg's Json/Jsonb adapters
    return wrapped is not None and holds_nul(wrapped)


def refuse_nul_parameters(execute, sql, params, many, context):
    if holds_nul(params):
        raise NulCharacterRefused
    return execute(sql, params, many, context)


class NulGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query, errors="replace"):
            raise BadRequest("A NUL character in the address.")
        with contextlib.ExitStack() as guards:
            for connection in connections.all():
                guards.enter_context(connection.execute_wrapper(refuse_nul_parameters))
            return self.get_response(request)
