"""Import debate articles from news-feed JSON files: `manage.py import_seed [PATH ...]`.

Thin on purpose: `debate.feeds` reads and validates every file without touching the database,
then `debate.services.articles_import` writes everything in one transaction. Any problem in any
file means nothing is written.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from debate import feeds
from debate.importing import Level, import_loaded

PROGRESS_THRESHOLD = 50


class Command(BaseCommand):
    help = (
        "Import articles from news-feed JSON files (one object, an array, or JSON Lines) and "
        "the positions in <slug>.debate.json beside them. PATH is a file or a directory "
        "(default: seeds/). Re-importing the same files changes nothing; articles and "
        "positions edited in the admin are kept unless --overwrite-local-edits."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--overwrite-local-edits",
            action="store_true",
            help="Replace what moderators edited in the admin with what the files say.",
        )

    def handle(self, *args, paths, dry_run, overwrite_local_edits, verbosity, **options):
        loaded = feeds.load(paths or [Path(settings.SEEDS_DIR)])
        result = import_loaded(
            loaded,
            dry_run=dry_run,
            overwrite_local_edits=overwrite_local_edits,
            progress=self._progress_bar(len(loaded.records)),
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(result.summary)
        shown = {Level.FILE: 1, Level.RECORD: 2, Level.NOTE: 1, Level.SUMMARY: 1}
        styles = {Level.NOTE: self.style.WARNING, Level.SUMMARY: self.style.SUCCESS}
        for line in result.lines:
            if verbosity >= shown[line.level]:
                self.stdout.write(styles.get(line.level, str)(line.text))

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
