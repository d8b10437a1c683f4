"""Blank the text of posts their authors deleted more than 30 days ago.

A deleted post stays readable to moderators for a while (reports, appeals); after that its
text and edit history are blanked, leaving the "[deleted]" placeholder that keeps the thread's
shape. Run it daily from cron or a systemd timer; `--dry-run` only counts.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from debate.discussion import posts_purge_deleted


class Command(BaseCommand):
    help = (
        "Blank the text and edit history of posts deleted by their authors more than --days "
        "days ago (default 30). --dry-run counts them without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep deleted text this long.")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, days, dry_run, verbosity, **options):
        count = posts_purge_deleted(older_than=timedelta(days=days), dry_run=dry_run)
        if verbosity >= 1:
            noun = "post" if count == 1 else "posts"
            verb = "would be purged" if dry_run else "purged"
            self.stdout.write(f"{count} deleted {noun} {verb} (deleted over {days} days ago).")
