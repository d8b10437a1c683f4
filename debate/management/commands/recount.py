"""Rebuild the site's counters from the rows they count: `manage.py recount [--article SLUG]`.

Every counter family in `debate.recount.COUNTER_FAMILIES` runs inside one transaction, locking
the counters it checks, so that writes arriving meanwhile wait and are neither lost nor
reported as differences. `--check` reports differences without repairing them and exits with
status 1 when there are any (run it after a deploy).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from debate.models import Article
from debate.recount import recount


class Command(BaseCommand):
    help = (
        "Rebuild the counters (votes, posts, ...) from their source rows and print what was "
        "corrected. --check only reports, exiting with status 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", metavar="SLUG", help="Only this article's counters.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report differences without repairing them; exit status 1 if there are any.",
        )

    def handle(self, *args, article, check, verbosity, **options):
        articles = Article.objects.order_by("pk")
        if article is not None:
            articles = articles.filter(slug=article)
            if not articles.exists():
                raise CommandError(f"No article has the slug {article!r}.")
        with transaction.atomic():
            corrections = recount(articles, repair=not check)
        verb = "differs" if check else "corrected"
        for correction in corrections:
            self.stdout.write(f"{verb}: {correction}")
        if corrections:
            summary = f"{len(corrections)} counter{'s' if len(corrections) != 1 else ''} {verb}."
            if check:
                self.stderr.write(self.style.ERROR(summary))
                raise SystemExit(1)
            if verbosity >= 1:
                self.stdout.write(self.style.WARNING(summary))
        elif verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("Every counter matches its source rows."))
