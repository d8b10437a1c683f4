"""Reading news-feed article records and their debate files. Pure: no database.

A feed file holds one article object, a JSON array of them, or JSON Lines. Beside an article
file, `<slug>.debate.json` describes the positions of that article's debate. Everything is
validated (by `feed_validation`) before anything is written, and every problem is reported
with the file, the record and the field it concerns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .feed_validation import (
    ArticleRecord,
    PositionRecord,
    Problem,
    content_hash,
    quotes_missing,
    validate_article,
    validate_debate,
)

__all__ = [
    "ArticleRecord",
    "FeedFile",
    "LoadResult",
    "PositionRecord",
    "Problem",
    "load",
    "load_upload",
    "quotes_missing",
]

DEBATE_SUFFIX = ".debate.json"

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_RECORDS_PER_FILE = 10_000


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
