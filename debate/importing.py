"""Running an import and saying what it did: the one report `manage.py import_seed` prints and
the admin's import page shows.

`debate.feeds` reads and validates (no database); `debate.services.articles_import` writes, all
or nothing. Every problem is one line naming the file, the record and the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import DatabaseError

from .feeds import LoadResult
from .services import ImportConflict, Outcome, articles_import


class Level(StrEnum):
    FILE = "file"  # one line per feed file: how many articles, and what happened to them
    RECORD = "record"  # one line per article (verbose)
    NOTE = "note"  # something a moderator should look at, not a failure
    SUMMARY = "summary"


@dataclass(frozen=True)
class Line:
    level: Level
    text: str


@dataclass
class ImportResult:
    refused: bool = False  # nothing was written; `problems` and the summary say why
    problems: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def summary(self) -> str:
        return next((line.text for line in self.lines if line.level == Level.SUMMARY), "")


def _refused(problems: list[str]) -> ImportResult:
    count = len(problems)
    summary = f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
    return ImportResult(refused=True, problems=problems, lines=[Line(Level.SUMMARY, summary)])


def import_loaded(
    loaded: LoadResult,
    *,
    dry_run: bool = False,
    overwrite_local_edits: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write what `feeds.load` (or `feeds.load_upload`) validated, unless it found problems,
    and describe the outcome line by line."""
    if loaded.problems:
        return _refused([str(problem) for problem in loaded.problems])
    records = loaded.records
    try:
        report = articles_import(
            records,
            dry_run=dry_run,
            overwrite_local_edits=overwrite_local_edits,
            progress=progress,
        )
    except ImportConflict as conflict:
        return _refused(conflict.problems)
    except DatabaseError as error:
        message = f"The database refused the import; nothing was written: {error}"
        return ImportResult(refused=True, lines=[Line(Level.SUMMARY, message)])

    verb = "would be " if dry_run else ""
    result = ImportResult()
    for feed_file in loaded.files:
        counts = dict.fromkeys(Outcome, 0)
        for record in feed_file.records:
            counts[report.outcomes[record.slug]] += 1
        n = len(feed_file.records)
        detail = ", ".join(f"{c} {verb}{o}" for o, c in counts.items() if c)
        result.lines.append(
            Line(
                Level.FILE,
                f"{feed_file.path}: {n} article{'s' if n != 1 else ''}"
                + (f" ({detail})" if detail else ""),
            )
        )
    for record in records:
        result.lines.append(
            Line(Level.RECORD, f"  {record.slug}: {verb}{report.outcomes[record.slug]}")
        )
    result.lines.extend(Line(Level.NOTE, note) for note in report.notes)
    kept = report.count(Outcome.KEPT)
    summary = (
        f"{'Dry run: ' if dry_run else ''}"
        f"{report.count(Outcome.CREATED)} {verb}created, "
        f"{report.count(Outcome.UPDATED)} {verb}updated, "
        f"{report.count(Outcome.UNCHANGED)} unchanged"
        + (f", {kept} kept as edited locally" if kept else "")
        + "."
    )
    result.lines.append(Line(Level.SUMMARY, summary))
    return result
