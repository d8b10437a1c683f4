"""Validating an article record and its debate: every field's rule, each problem reported with
the file, the record and the field it concerns. Pure: no database and no files; `feeds` reads
the files and hands their decoded JSON here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.utils.text import slugify

from .models import RESERVED_POSITION_SLUG

MAX_SLUG = 200
MAX_TITLE = 300
MAX_SUMMARY = 5_000
MAX_BODY = 500_000
MAX_URL = 500
MAX_LANG = 16
MAX_TOPICS, MAX_TOPIC = 20, 60
MAX_ENTITIES, MAX_ENTITY = 50, 200
MAX_ALTERNATES, MAX_ALTERNATE_KEY = 20, 32
MIN_POSITIONS, MAX_POSITIONS = 2, 6
MAX_POSITION_SLUG, MAX_LABEL, MAX_CLAIM, MAX_POSITION_SUMMARY = 60, 80, 300, 4_000
MAX_EVIDENCE, MAX_QUOTE = 12, 1_000

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
ALTERNATE_KEY_RE = re.compile(r"^[a-z0-9_-]+$")


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        return f"{': '.join(parts)}: {self.message}"


@dataclass(frozen=True)
class PositionRecord:
    slug: str
    label: str
    claim: str
    summary: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ArticleRecord:
    slug: str
    title: str
    summary: str
    body_md: str
    source_url: str
    canonical_url: str
    published_at: datetime | None
    source_updated_at: datetime | None
    lang: str
    topics: tuple[tuple[str, str], ...]  # (slug, name)
    entities: tuple[str, ...]
    alternates: dict[str, str]
    positions: tuple[PositionRecord, ...] | None  # None: no debate file beside the article
    origin: str = ""
    content_hash: str = field(default="", compare=False)


class _RecordChecker:
    """Collects problems for one record while reading its fields."""

    def __init__(self, data: dict[str, Any], file: str, where: str, problems: list[Problem]):
        self.data, self.file, self.where, self.problems = data, file, where, problems

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.where, name, message))

    def text(self, name: str, *, required: bool = False, max_length: int, one_line=False) -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(name, f"must be a string, not {_json_type(value)}")
            return ""
        if required and not value.strip():
            self.problem(name, "must not be blank")
        elif len(value) > max_length:
            self.problem(name, f"is {len(value):,} characters; the limit is {max_length:,}")
        elif "\x00" in value:
            self.problem(name, "contains a NUL character")
        elif has_lone_surrogate(value):
            self.problem(name, LONE_SURROGATE)
        elif one_line and ("\n" in value or "\r" in value):
            self.problem(name, "must be a single line")
        else:
            return value.strip() if one_line else value
        return ""

    def slug(self, name: str, *, max_length: int) -> str:
        value = self.text(name, required=True, max_length=max_length, one_line=True)
        if value and not SLUG_RE.match(value):
            self.problem(name, "must be lowercase letters, digits and single dashes")
            return ""
        return value

    def url(self, name: str) -> str:
        value = self.text(name, max_length=MAX_URL, one_line=True)
        if value and not is_http_url(value):
            self.problem(name, "must be an http or https URL")
            return ""
        return value

    def timestamp(self, name: str) -> datetime | None:
        value = self.text(name, max_length=64, one_line=True)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problem(name, f"'{value}' is not an ISO-8601 timestamp")
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.problem(name, f"'{value}' needs a UTC offset, such as +00:00 or Z")
            return None
        try:
            # The database stores UTC; at the edges of year 1 and 9999 the conversion leaves
            # the range a datetime can hold (PostgreSQL would store it, and no page could
            # read it back).
            moment.astimezone(UTC)
        except OverflowError:
            self.problem(name, f"'{value}' is out of range")
            return None
        return moment

    def string_list(self, name: str, *, max_items: int, max_length: int) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {_json_type(value)}")
            return []
        if len(value) > max_items:
            self.problem(name, f"has {len(value)} items; the limit is {max_items}")
            return []
        items = []
        for n, item in enumerate(value, 1):
            if not isinstance(item, str) or not item.strip():
                self.problem(name, f"item {n} must be a non-blank string")
            elif len(item) > max_length:
                self.problem(name, f"item {n} is longer than {max_length} characters")
            elif "\x00" in item:
                self.problem(name, f"item {n} contains a NUL character")
            elif has_lone_surrogate(item):
                self.problem(name, f"item {n} {LONE_SURROGATE}")
            else:
                items.append(item.strip())
        return items


def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), "null")


LONE_SURROGATE = "contains a lone surrogate (a \\ud800-style escape that is not text)"


def has_lone_surrogate(value: str) -> bool:
    """JSON may escape half of a UTF-16 pair ("\\ud800"); no database can store one."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def is_http_url(value: str) -> bool:
    # urlsplit silently drops tabs and newlines, and NUL would reach the database: a URL
    # with any control character, space or lone surrogate is refused whole.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return False
    if has_lone_surrogate(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def validate_article(
    data: Any, file: str, where: str, problems: list[Problem]
) -> ArticleRecord | None:
    if not isinstance(data, dict):
        problems.append(Problem(file, where, "", f"must be a JSON object, not {_json_type(data)}"))
        return None
    before = len(problems)
    check = _RecordChecker(data, file, where, problems)
    slug = check.slug("slug", max_length=MAX_SLUG)
    title = check.text("title", required=True, max_length=MAX_TITLE, one_line=True)
    summary = check.text("summary", max_length=MAX_SUMMARY)
    body_md = check.text("body_md", required=True, max_length=MAX_BODY)
    source_url = check.url("url")
    canonical_url = check.url("canonical_source")
    published_at = check.timestamp("published_at")
    updated_at = check.timestamp("updated_at")
    if published_at and updated_at and updated_at < published_at:
        check.problem("updated_at", "is before published_at")
    lang = check.text("lang", max_length=MAX_LANG, one_line=True)
    if lang and not LANG_RE.match(lang):
        check.problem("lang", f"'{lang}' is not a language tag such as 'en' or 'pt-BR'")
    topics: dict[str, str] = {}
    for name in check.string_list("topics", max_items=MAX_TOPICS, max_length=MAX_TOPIC):
        topic_slug = slugify(name)
        if not topic_slug:
            check.problem("topics", f"'{name}' has no letters or digits")
        else:
            topics.setdefault(topic_slug, topic_name(name))
    entities = list(
        dict.fromkeys(check.string_list("entities", max_items=MAX_ENTITIES, max_length=MAX_ENTITY))
    )
    alternates = _validate_alternates(check)
    if len(problems) > before:
        return None
    return ArticleRecord(
        slug=slug,
        title=title,
        summary=summary.strip(),
        body_md=body_md,
        source_url=source_url,
        canonical_url=canonical_url,
        published_at=published_at,
        source_updated_at=updated_at,
        lang=lang,
        topics=tuple(topics.items()),
        entities=tuple(entities),
        alternates=alternates,
        positions=None,
        origin=f"{file}: {where}",
    )


ACRONYMS = {"ai", "agi", "asi", "llm", "llms", "ml", "nlp", "rl", "rlhf", "us", "uk", "eu", "un"}


def topic_name(value: str) -> str:
    """Feeds name topics by slug ("ai-safety"); people read "AI safety"."""
    if value != slugify(value):
        return value
    words = [w.upper() if w in ACRONYMS else w for w in value.split("-")]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words).replace("LLMS", "LLMs")


def _validate_alternates(check: _RecordChecker) -> dict[str, str]:
    value = check.data.get("alternates")
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.problem("alternates", f"must be an object, not {_json_type(value)}")
        return {}
    if len(value) > MAX_ALTERNATES:
        check.problem("alternates", f"has {len(value)} entries; the limit is {MAX_ALTERNATES}")
        return {}
    result = {}
    for key, url in value.items():
        if len(key) > MAX_ALTERNATE_KEY or not ALTERNATE_KEY_RE.match(key):
            check.problem("alternates", f"format '{key[:40]}' must be a short lowercase name")
        elif not isinstance(url, str) or len(url) > MAX_URL or not is_http_url(url):
            check.problem("alternates", f"'{key}' must be an http or https URL")
        else:
            result[key] = url
    return result


def validate_debate(
    data: Any, body_md: str, article_slug: str, file: str, problems: list[Problem]
) -> tuple[PositionRecord, ...] | None:
    if not isinstance(data, dict):
        problems.append(Problem(file, "", "", f"must be a JSON object, not {_json_type(data)}"))
        return None
    before = len(problems)
    named = data.get("article")
    if named is not None and named != article_slug:
        problems.append(
            Problem(file, "", "article", f"names '{named}', but sits beside '{article_slug}'")
        )
    raw_positions = data.get("positions")
    if not isinstance(raw_positions, list):
        problems.append(Problem(file, "", "positions", "must be a list of positions"))
        return None
    if not MIN_POSITIONS <= len(raw_positions) <= MAX_POSITIONS:
        problems.append(
            Problem(
                file,
                "",
                "positions",
                f"has {len(raw_positions)}; a debate has {MIN_POSITIONS} to {MAX_POSITIONS}",
            )
        )
        return None
    positions, seen = [], set()
    for n, raw in enumerate(raw_positions, 1):
        where = f"position {n}"
        if not isinstance(raw, dict):
            problems.append(Problem(file, where, "", "must be a JSON object"))
            continue
        check = _RecordChecker(raw, file, where, problems)
        slug = check.slug("slug", max_length=MAX_POSITION_SLUG)
        if slug == RESERVED_POSITION_SLUG:
            check.problem("slug", f"'{slug}' is reserved for the “both equally” vote")
        elif slug in seen:
            check.problem("slug", f"'{slug}' is used by an earlier position")
        seen.add(slug)
        label = check.text("label", required=True, max_length=MAX_LABEL, one_line=True)
        claim = check.text("claim", required=True, max_length=MAX_CLAIM, one_line=True)
        summary = check.text("summary", max_length=MAX_POSITION_SUMMARY)
        evidence = check.string_list("evidence", max_items=MAX_EVIDENCE, max_length=MAX_QUOTE)
        for q in quotes_missing(evidence, body_md):
            check.problem("evidence", f"quote {q} does not occur verbatim in the article")
        positions.append(PositionRecord(slug, label, claim, summary.strip(), tuple(evidence)))
    if len(problems) > before:
        return None
    return tuple(positions)


def quotes_missing(evidence, body_md: str) -> list[int]:
    """The numbers (from 1) of the evidence quotes that do not occur verbatim in the article's
    markdown: the rule for evidence wherever it is written (an import, the admin)."""
    return [n for n, quote in enumerate(evidence, 1) if quote not in body_md]


def content_hash(record: ArticleRecord) -> str:
    """A fingerprint of everything the import writes, so unchanged records write nothing."""
    payload = asdict(record)
    payload.pop("origin")
    payload.pop("content_hash")
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
