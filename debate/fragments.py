"""Parts of pages rendered once and shared: the cache of rendered fragments.

A fragment is stored in the default cache (Redis when configured, so every app server shares
it) under a key naming everything it shows: a version that the writes change (the vote
counters' version, the article's `updated_at`), today's date where the fragment draws "today",
and a digest of the template's own source, so a deploy that changes the template renders anew.
There is nothing to invalidate: a write makes a new key, and old entries expire.

A cache that does not answer costs only the rendering: the page is never refused for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# A rendering keyed by the vote counters' version is dead once the next vote lands; under a
# storm of votes they would pile up for as long as they live: an hour bounds that, and a quiet
# article renders again at most once an hour.
SECONDS = 60 * 60


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@memoize
def _template_digest(template_name: str) -> str:
    return digest(get_template(template_name).template.source)


@memoize
def drawing_digest() -> str:
    """A digest of everything that draws pages: the site's templates and template tags.

    A rendering made of many templates is keyed by it, so a deploy that changes any of them
    renders anew.
    """
    root = Path(settings.BASE_DIR)
    templates = (root / "templates").rglob("*.html")
    sources = sorted([*templates, *(root / "debate" / "templatetags").glob("*.py")])
    hashed = hashlib.blake2b(digest_size=8)
    for path in sources:
        hashed.update(path.relative_to(root).as_posix().encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


def fragment_key(template_name: str, *parts) -> str:
    return ":".join(
        ["fragment", template_name, _template_digest(template_name), PLACEHOLDERS, *map(str, parts)]
    )


def placeholder(name: str) -> str:
    """A marker in a stored rendering that each request replaces with its own value.

    Keyed with SECRET_KEY, so that no member can write it into a post and have it replaced.
    """
    return f"@@{name}-{salted_hmac('fragment-placeholder', name).hexdigest()[:16]}@@"


# Stands for the visitor's CSRF token in a stored rendering; each request puts its own in.
CSRF_PLACEHOLDER = placeholder("csrf-token")
# Names the placeholders in the keys of renderings: a new SECRET_KEY renders anew.
PLACEHOLDERS = CSRF_PLACEHOLDER[-18:-2]


@dataclass(frozen=True)
class Fragment:
    """A rendering to fetch from the cache: `template` stored under `parts`.

    `context()` is called only when the cache has none. With `request`, the fragment may hold
    forms: it is rendered with a placeholder for the CSRF token, and each request gets its own
    token put in its place.
    """

    template: str
    parts: tuple
    context: Callable[[], dict]
    request: object = None

    @property
    def key(self) -> str:
        return fragment_key(self.template, *self.parts)


class _Recent:
    """The renderings this process fetched or drew last, in front of the shared cache.

    Safe to keep in each process because a key names everything its rendering shows: a write
    makes a new key, never a new value under an old one. So the hottest page costs no round
    trip to Redis. Bounded in characters (`size_of`), since every vote makes new keys (least
    recently used goes first); a lock, for threaded servers.
    """

    def __init__(self, size: int, size_of: Callable = len):
        self.size = size  # characters held at most
        self.size_of = size_of
        self.held = 0
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            html = self.items.get(key)
            if html is not None:
                self.items.move_to_end(key)
            return html

    def put(self, key: str, html) -> None:
        size = self.size_of(html)
        if size > self.size:
            return
        with self.lock:
            previous = self.items.pop(key, None)
            self.held += size - (self.size_of(previous) if previous is not None else 0)
            self.items[key] = html
            while self.held > self.size:
                _, dropped = self.items.popitem(last=False)
                self.held -= self.size_of(dropped)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.held = 0


# Some 8 MB a process: a few hundred pages (about 50 KB each) or thousands of headers (2 KB).
recent = _Recent(size=8_000_000)


def _pieces_size(pieces: tuple) -> int:
    return sum(len(piece) for piece in pieces)


# Stored pages split at their placeholders (`filled`), as UTF-8: some 8 MB a process.
_split = _Recent(size=8_000_000, size_of=_pieces_size)


def filled(key: str, html: str, values: dict[str, str]) -> bytes:
    """The rendering stored under `key`, with each placeholder in `values` replaced, as UTF-8.

    A page holds several placeholders, and replacing them one after the other searches and
    copies the whole page once for each, then encodes it: the page is split at them (and its
    text encoded) once per process and key instead, and each request joins the pieces with
    its own values. Placeholders within the values are not replaced; a key is filled with
    the same placeholders every time.
    """
    pieces = _split.get(key)
    if pieces is None:
        # Split at a captured group: the text at even places, the placeholders at odd ones.
        parts = re.split(f"({'|'.join(map(re.escape, values))})", html)
        pieces = tuple(part if place % 2 else part.encode() for place, part in enumerate(parts))
        _split.put(key, pieces)
    return b"".join(
        piece if isinstance(piece, bytes) else values.get(piece, piece).encode() for piece in pieces
    )


def recent_clear() -> None:
    """Forget what this process holds of the renderings (tests start from nothing)."""
    recent.clear()
    _split.clear()


def stored(*keys: str | None) -> dict[str, str]:
    """The renderings stored under `keys` (None: no key): this process's recent ones, the rest
    from the shared cache in one round trip. A cache that does not answer has none, and the
    caller draws them, as the page cache does."""
    found = {}
    missing = []
    for key in keys:
        if key is None:
            continue
        html = recent.get(key)
        if html is None:
            missing.append(key)
        else:
            found[key] = html
    if missing:
        try:
            fetched = cache.get_many(missing)
        except Exception as error:
            logger.warning("fragment cache unavailable: %s", error)
            fetched = {}
        for key, html in fetched.items():
            recent.put(key, html)
        found.update(fetched)
    return found


def store(key: str, html: str) -> None:
    recent.put(key, html)
    try:
        cache.set(key, html, SECONDS)
    except Exception as error:
        logger.warning("fragment cache unavailable: %s", error)


def rendered(*fragments: Fragment, csrf_token: str | None = None) -> list[SafeString]:
    """The fragments' renderings, fetched from the cache in one round trip.

    `csrf_token`: what to put in the forms instead of the request's token (a rendering that
    is itself shared keeps the placeholder).
    """
    keys = [fragment.key for fragment in fragments]
    found = stored(*keys)
    missing = {}
    result = []
    for fragment, key in zip(fragments, keys, strict=True):
        html = found.get(key)
        if html is None:
            context = fragment.context()
            if fragment.request is not None:
                context = {**context, "csrf_token": CSRF_PLACEHOLDER}
            html = missing[key] = str(render_to_string(fragment.template, context))
        if fragment.request is not None:
            token = csrf_token if csrf_token is not None else get_token(fragment.request)
            html = html.replace(CSRF_PLACEHOLDER, token)
        result.append(mark_safe(html))  # noqa: S308 - our own rendering, stored as rendered
    for key, html in missing.items():
        store(key, html)
    return result
