"""Anonymous page cache: visitors who are not signed in share one rendering of a page.

`anonymous_cache` wraps a view where it is routed (see `debate/urls.py`). The rules:

- Only GET/HEAD from visitors who are not signed in and have no flash message waiting are
  served from the cache; members always get a fresh page of their own (`Cache-Control: private`)
  and their pages are never stored.
- An entry is served for at most `ANONYMOUS_CACHE_SECONDS` (default 10) after it was rendered,
  so a vote, rebuttal or moderation change shows to anonymous visitors within that window. The
  age is checked against the time stored in the entry, not only the backend's expiry.
- Each route declares the query parameters it reads, each with a validator
  (`anonymous_cache(view, query={"page": int_between(1, 50)})`); a GET or HEAD whose query
  string is anything but those parameters, valid, in declared order, is redirected (302) to
  that canonical URL. So the view (and the page it renders, whose sign-in link returns to it)
  only ever sees the canonical URL, and a script cannot mint new entries with `?x=1`, `?x=2`…
- Once an entry of a hot page ages out, one request at a time renders it anew (it takes a turn
  with `cache.add`, atomic in Redis); the others get the previous rendering meanwhile
  (`X-Cache: STALE`), for at most `RERENDER_SECONDS` more. A page nobody has rendered yet is
  rendered by whoever asks.
- The key is SITE_URL's origin (never the request's Host, whose port a client picks), the path,
  the canonical query string and the HX-Request header; every response of a wrapped view says
  `Vary: Cookie, HX-Request` so no other cache mixes them up.
- Only plain 200 responses that set no cookie, no session change and no message are stored.
- CSRF: base.html puts a per-visitor token in every page. Before storing, every occurrence of
  this visitor's token is replaced by a placeholder, and each visitor served from the cache
  gets their own token (and, through CsrfViewMiddleware, their own cookie) in its place. So no
  visitor ever receives another's token, and forms on cached pages keep working.
- A cache that does not answer (Redis down) is skipped for a few seconds; pages are then
  rendered fresh rather than failing.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 10
VARY = ("Cookie", "HX-Request")
CACHE_STATUS_HEADER = "X-Cache"
CSRF_PLACEHOLDER = b"@@both-sides-csrf-token@@"
# A masked CSRF token is 64 letters and digits; candidates are checked against the secret.
_TOKEN_CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers that belong to one response, not to the page.
_UNSTORED_HEADERS = {"content-length", "vary", "set-cookie", CACHE_STATUS_HEADER.lower()}
_CACHE_BACKOFF_SECONDS = 5.0
# When an entry has aged out, one request renders it anew and the others get the previous
# rendering meanwhile, for at most this long (also how long a crashed renderer holds the turn).
RERENDER_SECONDS = 5
_cache_skipped_until = 0.0

# Wall-clock time, because entries are shared by every app server through Redis. Tests replace
# it to age an entry without sleeping.
_now = time.time


# A query parameter's validator: the raw value in, its canonical form out, or None if invalid.
Validator = Callable[[str], str | None]


def one_of(*values: str) -> Validator:
    allowed = frozenset(values)
    return lambda value: value if value in allowed else None


def int_between(low: int, high: int) -> Validator:
    def valid(value: str) -> str | None:
        if value.isascii() and value.isdigit() and len(value) <= len(str(high)) + 2:
            return str(int(value)) if low <= int(value) <= high else None
        return None

    return valid


def matching(pattern: str, *, max_length: int = 64) -> Validator:
    compiled = re.compile(pattern)
    return lambda value: value if len(value) <= max_length and compiled.fullmatch(value) else None


def anonymous_cache(view=None, *, query: Mapping[str, Validator] | None = None):
    """Wrap a view in the anonymous page cache; `query` declares the parameters it reads."""
    if view is None:
        return lambda view: anonymous_cache(view, query=query)
    declared = dict(query or {})

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in {"GET", "HEAD"}:
            canonical = _canonical_query(request.GET, declared)
            if request.META.get("QUERY_STRING", "") != canonical:
                return HttpResponseRedirect(
                    escape_uri_path(request.path) + (f"?{canonical}" if canonical else "")
                )
        seconds = getattr(settings, "ANONYMOUS_CACHE_SECONDS", DEFAULT_SECONDS)
        if not _servable_from_cache(request) or seconds <= 0:
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True)
        else:
            key = _key(request)
            entry = _cache_call(cache.get, key)
            age = _now() - entry["stored_at"] if entry is not None else None
            if age is not None and 0 <= age < seconds:
                response = _response_from(entry, request)
                response[CACHE_STATUS_HEADER] = "HIT"
            else:
                response = _stale_or_rendered(request, key, entry, age, seconds, view, args, kwargs)
        patch_vary_headers(response, VARY)
        return response

    return wrapper


def _stale_or_rendered(request, key, entry, age, seconds, view, args, kwargs):
    """A missed or aged-out page: rendered by this request, or by one other at a time."""
    turn = f"{key}:rendering"
    renewable = age is not None and 0 <= age < seconds + RERENDER_SECONDS
    if renewable and not _cache_call(cache.add, turn, 1, timeout=RERENDER_SECONDS):
        # Another request is rendering it anew: the previous rendering, meanwhile.
        response = _response_from(entry, request)
        response[CACHE_STATUS_HEADER] = "STALE"
        return response
    try:
        response = view(request, *args, **kwargs)
        entry = _entry_from(response, request) if request.method == "GET" else None
        if entry is not None:
            # Kept past its freshness, to serve while the next rendering is being made.
            _cache_call(cache.set, key, entry, timeout=seconds + RERENDER_SECONDS)
    finally:
        if renewable:
            _cache_call(cache.delete, turn)
    response[CACHE_STATUS_HEADER] = "MISS"
    return response


def _servable_from_cache(request) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def _canonical_query(given: QueryDict, declared: Mapping[str, Validator]) -> str:
    """The declared parameters that are valid, in declared order; nothing else."""
    kept = []
    for name, valid in declared.items():
        value = given.get(name)
        canonical = valid(value) if value is not None else None
        if canonical is not None:
            kept.append((name, canonical))
    return urlencode(kept)


def _key(request) -> str:
    # The request is at its canonical URL by now (see the wrapper). The configured origin, not
    # the request's Host: a client can send any port, and each would be another entry.
    path = f"{escape_uri_path(request.path)}?{request.META.get('QUERY_STRING', '')}"
    url = hashlib.sha256(f"{settings.SITE_URL}{path}".encode()).hexdigest()
    htmx = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    return f"anonymous-page:{htmx}:{url}"


def _entry_from(response, request) -> dict | None:
    """What to store of this response, or None when it must not be shared."""
    if (
        response.status_code != HTTPStatus.OK
        or response.streaming
        or response.cookies
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
        or getattr(getattr(request, "session", None), "modified", False)
        or len(messages.get_messages(request)) > 0
    ):
        return None
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    content = response.content
    if CSRF_PLACEHOLDER in content:
        return None
    uses_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if uses_csrf:
        content = _without_token(content, request.META["CSRF_COOKIE"])
    return {
        "stored_at": _now(),
        "content": content,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _UNSTORED_HEADERS
        ],
        "uses_csrf": uses_csrf,
    }


def _without_token(content: bytes, secret: str) -> bytes:
    def hide_if_ours(match: re.Match) -> bytes:
        candidate = match.group().decode("ascii")
        return CSRF_PLACEHOLDER if _unmask_cipher_token(candidate) == secret else match.group()

    return _TOKEN_CANDIDATE.sub(hide_if_ours, content)


def _response_from(entry: dict, request):
    content = entry["content"]
    if entry["uses_csrf"]:
        # get_token() also tells CsrfViewMiddleware to give this visitor their cookie.
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode("ascii"))
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _cache_call(method, *args, **kwargs):
    """Call the cache; when it fails, log once and leave it alone for a few seconds."""
    global _cache_skipped_until  # a per-process circuit breaker
    if time.monotonic() < _cache_skipped_until:
        return None
    try:
        return method(*args, **kwargs)
    except Exception as error:
        _cache_skipped_until = time.monotonic() + _CACHE_BACKOFF_SECONDS
        logger.warning("page cache unavailable, serving pages uncached: %s", error)
        return None
