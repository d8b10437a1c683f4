"""Error responses: styled pages for browsers, one plain sentence for htmx.

htmx does not swap 4xx/5xx responses; `static/js/htmx-errors.js` shows the sentence these
handlers send (text/plain) in the page's status region instead.

The 500 handler also answers outages: when the exception is the database or Redis being
unreachable it renders a 503 saying so, with Retry-After, and never a traceback. It renders
without the request, because the context processors would ask the database for the member.
"""

import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Only "cannot reach it" errors: an IntegrityError or a bad query is a bug and stays a 500.
OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)

RETRY_AFTER_SECONDS = 10

HTMX_MESSAGES = {
    HTTPStatus.BAD_REQUEST: "The request was malformed. Reload the page and try again.",
    HTTPStatus.FORBIDDEN: "You are not allowed to do that.",
    HTTPStatus.NOT_FOUND: "That is no longer here. Reload the page to see what is.",
    HTTPStatus.INTERNAL_SERVER_ERROR: "Something went wrong on our side. Please try again.",
    HTTPStatus.SERVICE_UNAVAILABLE: (
        "The site is briefly unavailable. Nothing was saved; try again in a few seconds."
    ),
}
CSRF_HTMX_MESSAGE = (
    "This page has expired (its security token is stale). Reload the page and try again."
)


def _is_htmx(request) -> bool:
    return request is not None and request.headers.get("HX-Request") == "true"


def _plain(message: str, status: HTTPStatus) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _page(request, template_name: str, status: HTTPStatus, context=None) -> HttpResponse:
    template = loader.get_template(template_name)
    return HttpResponse(template.render(context or {}, request), status=status)


def bad_request(request, exception=None):
    if _is_htmx(request):
        return _plain(HTMX_MESSAGES[HTTPStatus.BAD_REQUEST], HTTPStatus.BAD_REQUEST)
    # Like Django's own: no request context, the request may be what is broken (bad Host).
    return _page(None, "400.html", HTTPStatus.BAD_REQUEST)


def permission_denied(request, exception=None):
    if _is_htmx(request):
        return _plain(HTMX_MESSAGES[HTTPStatus.FORBIDDEN], HTTPStatus.FORBIDDEN)
    return _page(request, "403.html", HTTPStatus.FORBIDDEN)


def page_not_found(request, exception=None):
    if _is_htmx(request):
        return _plain(HTMX_MESSAGES[HTTPStatus.NOT_FOUND], HTTPStatus.NOT_FOUND)
    return _page(request, "404.html", HTTPStatus.NOT_FOUND, {"request_path": request.path})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: say why the form was refused and how to get past it."""
    if _is_htmx(request):
        return _plain(CSRF_HTMX_MESSAGE, HTTPStatus.FORBIDDEN)
    no_cookie = reason.startswith("CSRF cookie not set")
    # A refused rebuttal, reply or comment: show the text back so it is not lost.
    kept_text = request.POST.get("body", "") if request.method == "POST" else ""
    context = {"no_cookie": no_cookie, "kept_text": kept_text}
    return _page(request, "403_csrf.html", HTTPStatus.FORBIDDEN, context)


def server_error(request):
    # Called by Django inside its `except` block, so the exception is still at hand.
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGE_ERRORS):
        status, template_name = HTTPStatus.SERVICE_UNAVAILABLE, "503.html"
    else:
        status, template_name = HTTPStatus.INTERNAL_SERVER_ERROR, "500.html"
    if _is_htmx(request):
        response = _plain(HTMX_MESSAGES[status], status)
    else:
        response = _page(None, template_name, status)
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
