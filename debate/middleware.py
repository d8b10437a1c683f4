"""Request ids and the one access-log line per request.

Outages (database or Redis unreachable) are turned into a friendly 503 by the 500 handler in
`debate.errors`, which Django calls for exceptions raised anywhere in the stack, not only in
views.
"""

import contextvars
import logging
import re
import time
import uuid

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

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OUTAGE_ERRORS):
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            record.msg = f"{record.msg} ({type(error).__name__}: {reason})"
            record.exc_info = None
            record.exc_text = None
        return True


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
