"""Reading and validating news-feed article records and their debate files. Pure: no database.

A feed file holds one article object, a JSON array of them, or JSON Lines. Beside an article
file, `<slug>.debate.json` describes the positions of that article's debate. Everything is
validated before anything is written, and every problem is reported with the file, the record
and the field it concerns.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.text import slugify

from .models import RESERVED_POSITION_SLUG

DEBATE_SUFFIX = ".debate.json"

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_RECORDS_PER_FILE = 10_000
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


@dataclass
class FeedFile:
    path: Path
    records: list[ArticleRecord] = field(default_factory=list)


@dataclass
class LoadResult:
    files: list[FeedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def records(self) -> list[ArticleRecord]:
        return [record for feed_file in self.files for record in feed_file.records]


class _StrictJSONError(ValueError):
    pass


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _StrictJSONError(f"duplicate key '{key}'")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise _StrictJSONError(f"{name} is not valid JSON")


def strict_loads(text: str) -> Any:
    """json.loads without NaN/Infinity, duplicate keys, trailing data or runaway nesting."""
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except RecursionError:
        # "[[[[…" a few thousand deep fits easily in a file under the size limit; the C
        # decoder then raises RecursionError, which is no ValueError and would be a traceback.
        raise _StrictJSONError("arrays or objects nested too deeply") from None


def _describe_json_error(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
    return f"invalid JSON: {error}"


def _read_text(path: Path, label: str, problems: list[Problem]) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as error:
        problems.append(Problem(label, "", "", f"cannot be read: {error.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(label, "", "", f"is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(label, "", "", f"cannot be read: {error.strerror}"))
        return None
    return decode_text(data, label, problems)


def decode_text(
    data: bytes, label: str, problems: list[Problem], *, max_bytes: int = MAX_FILE_BYTES
) -> str | None:
    """A file's bytes as text: UTF-8 (a byte-order mark allowed), at most `max_bytes`."""
    if len(data) > max_bytes:
        problems.append(
            Problem(label, "", "", f"is {len(data):,} bytes; the limit is {max_bytes:,}")
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(label, "", "", f"is not UTF-8 text (invalid byte at offset {error.start})")
        )
        return None


def parse_documents(text: str, label: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    """Split a file into (where, value) pairs: one object, an array of objects, or JSON Lines."""
    if not text.strip():
        problems.append(Problem(label, "", "", "is empty"))
        return []
    try:
        value = strict_loads(text)
    except ValueError as error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        is_extra_data = isinstance(error, json.JSONDecodeError) and error.msg == "Extra data"
        if not (is_extra_data and len(lines) > 1):
            problems.append(Problem(label, "", "", _describe_json_error(error)))
            return []
        documents = []
        for n, line in lines:
            try:
                documents.append((f"line {n}", strict_loads(line)))
            except ValueError as line_error:
                problems.append(Problem(label, f"line {n}", "", _describe_json_error(line_error)))
        return documents
    if isinstance(value, list):
        return [(f"record {n}", item) for n, item in enumerate(value, 1)]
    return [("record 1", value)]


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


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def discover(paths: list[Path], problems: list[Problem]) -> list[Path]:
    """Article files named by the paths: files as given, directories by their visible files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                child
                for child in sorted(path.iterdir())
                if child.is_file()
                and not child.name.startswith(".")
                and not child.name.endswith(DEBATE_SUFFIX)
            )
        elif path.is_file():
            if path.name.endswith(DEBATE_SUFFIX):
                problems.append(
                    Problem(str(path), "", "", "is a debate file; import the article beside it")
                )
            else:
                found.append(path)
        else:
            problems.append(Problem(str(path), "", "", "does not exist"))
    return list(dict.fromkeys(found))


def load(paths: list[Path]) -> LoadResult:
    """Read and validate every article (and its debate file) under the paths."""
    result = LoadResult()
    seen_slugs: dict[str, str] = {}
    for path in discover(paths, result.problems):
        label = display_path(path)
        feed_file = FeedFile(path)
        result.files.append(feed_file)
        text = _read_text(path, label, result.problems)
        if text is None:
            continue
        for record in _records(text, label, result.problems, seen_slugs):
            record = _with_debate(record, path.parent, result.problems)
            if record is not None:
                feed_file.records.append(record)
    return result


def load_upload(
    feed_name: str,
    feed_data: bytes,
    debate_name: str = "",
    debate_data: bytes | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
) -> LoadResult:
    """Validate a feed file and, optionally, one debate file, given as bytes (an upload).

    The same checks as `load`. The debate file belongs to the article its "article" names,
    or, when it names none, to the feed's only article.
    """
    result = LoadResult()
    feed_file = FeedFile(Path(feed_name))
    result.files.append(feed_file)
    text = decode_text(feed_data, feed_name, result.problems, max_bytes=max_bytes)
    debate = None
    if debate_data is not None:
        debate_text = decode_text(debate_data, debate_name, result.problems, max_bytes=max_bytes)
        if debate_text is not None:
            try:
                debate = strict_loads(debate_text)
            except ValueError as error:
                result.problems.append(Problem(debate_name, "", "", _describe_json_error(error)))
    if text is None:
        return result
    records = _records(text, feed_name, result.problems, {})
    target = None
    if debate_data is not None:
        named = debate.get("article") if isinstance(debate, dict) else None
        target = named if isinstance(named, str) else None
        if target is None and len(records) == 1:
            target = records[0].slug
        if target is None and isinstance(debate, dict):
            result.problems.append(
                Problem(
                    debate_name, "", "article", f"must name its article: {feed_name} has several"
                )
            )
        elif target is not None and target not in {record.slug for record in records}:
            result.problems.append(
                Problem(debate_name, "", "article", f"names '{target}', which {feed_name} lacks")
            )
    for record in records:
        positions = None
        if record.slug == target and debate is not None:
            positions = validate_debate(
                debate, record.body_md, record.slug, debate_name, result.problems
            )
            if positions is None:
                continue
        feed_file.records.append(_finished(record, positions))
    return result


def _records(
    text: str, label: str, problems: list[Problem], seen_slugs: dict[str, str]
) -> list[ArticleRecord]:
    """The valid article records of one feed file (problems for the others)."""
    documents = parse_documents(text, label, problems)
    if len(documents) > MAX_RECORDS_PER_FILE:
        problems.append(
            Problem(label, "", "", f"has {len(documents):,} records; the limit is 10,000")
        )
        return []
    records = []
    for where, data in documents:
        record = validate_article(data, label, where, problems)
        if record is None:
            continue
        if record.slug in seen_slugs:
            problems.append(
                Problem(label, where, "slug", f"'{record.slug}' also in {seen_slugs[record.slug]}")
            )
            continue
        seen_slugs[record.slug] = f"{label}: {where}"
        records.append(record)
    return records


def _with_debate(
    record: ArticleRecord, folder: Path, problems: list[Problem]
) -> ArticleRecord | None:
    debate_path = folder / f"{record.slug}{DEBATE_SUFFIX}"
    positions = None
    if debate_path.is_file():
        label = display_path(debate_path)
        text = _read_text(debate_path, label, problems)
        if text is None:
            return None
        try:
            data = strict_loads(text)
        except ValueError as error:
            problems.append(Problem(label, "", "", _describe_json_error(error)))
            return None
        positions = validate_debate(data, record.body_md, record.slug, label, problems)
        if positions is None:
            return None
    return _finished(record, positions)


def _finished(record: ArticleRecord, positions: tuple[PositionRecord, ...] | None) -> ArticleRecord:
    record = replace(record, positions=positions)
    return replace(record, content_hash=content_hash(record))
