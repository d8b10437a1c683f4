"""Import debate articles from news-feed JSON files: `manage.py import_seed [PATH ...]`.

Thin on purpose: `debate.feeds` reads and validates every file without touching the database,
then `debate.services.articles_import` writes everything in one transaction. Any problem in any
file means nothing is written.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from debate import feeds
from debate.services import Outcome, articles_import

PROGRESS_THRESHOLD = 50


class Command(BaseCommand):
    help = (
        "Import articles from news-feed JSON files (one object, an array, or JSON Lines) and "
        "the positions in <slug>.debate.json beside them. PATH is a file or a directory "
        "(default: seeds/). Re-importing the same files changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        paths = paths or [Path(settings.SEEDS_DIR)]
        loaded = feeds.load(paths)
        if loaded.problems:
            for problem in loaded.problems:
                self.stderr.write(str(problem))
            count = len(loaded.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            )

        records = loaded.records
        try:
            report = articles_import(
                records, dry_run=dry_run, progress=self._progress_bar(len(records))
            )
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the import; nothing was written: {error}"
            ) from error

        verb = "would be " if dry_run else ""
        if verbosity >= 1:
            for feed_file in loaded.files:
                counts = dict.fromkeys(Outcome, 0)
                for record in feed_file.records:
                    counts[report.outcomes[record.slug]] += 1
                n = len(feed_file.records)
                detail = ", ".join(f"{c} {verb}{o}" for o, c in counts.items() if c)
                self.stdout.write(
                    f"{feed_file.path}: {n} article{'s' if n != 1 else ''}"
                    + (f" ({detail})" if detail else "")
                )
            if verbosity >= 2:
                for record in records:
                    self.stdout.write(f"  {record.slug}: {verb}{report.outcomes[record.slug]}")
            for note in report.notes:
                self.stdout.write(self.style.WARNING(note))
        summary = (
            f"{'Dry run: ' if dry_run else ''}"
            f"{report.count(Outcome.CREATED)} {verb}created, "
            f"{report.count(Outcome.UPDATED)} {verb}updated, "
            f"{report.count(Outcome.UNCHANGED)} unchanged."
        )
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(summary))

    def _progress_bar(self, total):
        if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
            return None

        def show(done):
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return show
