"""Time the pages in process: `manage.py bench_inprocess --article SLUG` (bench.settings).

Median wall time and query count of each page over N requests through Django's test client
(one shared handler, so WhiteNoise's start-up scan is paid once), printed as one JSON object.
The anonymous page cache is off here (each visitor request renders); the fragment cache is on.
Run against a benchmark database prepared by `make_fake_debate` and `bench_prepare`.
"""

import json
import statistics
import time
from http import HTTPStatus

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from debate.management.commands.make_fake_debate import SYNTHETIC_EMAIL_DOMAIN
from debate.models import Article, SympathyVote


class Command(BaseCommand):
    help = "Median in-process time and query count of each page, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--article", required=True, metavar="SLUG")
        parser.add_argument("--requests", type=int, default=200, metavar="N")

    @override_settings(ANONYMOUS_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"])
    def handle(self, *args, article, requests, **options):
        target = Article.objects.get(slug=article)
        options_ = [p.slug for p in target.positions.order_by("order", "pk")] + ["both"]
        members = list(
            User.objects.filter(email__endswith=f"@{SYNTHETIC_EMAIL_DOMAIN}").order_by("pk")[
                :requests
            ]
        )
        visitor = Client()
        member = Client()
        member.handler = visitor.handler
        member.force_login(members[0])
        slugs = dict(target.positions.values_list("pk", "slug"))
        current = dict(
            SympathyVote.objects.filter(article=target, member__in=members).values_list(
                "member_id", "position_id"
            )
        )
        voters = []
        for one in members:
            client = Client()
            client.handler = visitor.handler
            client.force_login(one)
            voters.append([client, slugs.get(current.get(one.pk), "both")])
        url = target.get_absolute_url()
        pages = {
            "baseline (b) 50 rows": lambda n: member.get("/bench/rows/"),
            "member page": lambda n: member.get(url),
            "visitor page, cache off": lambda n: visitor.get(url),
            "home": lambda n: visitor.get("/"),
            "tally": lambda n: visitor.get(f"{url}tally/"),
            "baseline (c) vote upsert": lambda n: _baseline_vote(voters[n % len(voters)], target),
            "vote (htmx)": lambda n: _vote(voters[n % len(voters)], url, options_),
        }
        results = {}
        for name, call in pages.items():
            for n in range(5):
                call(n)
            times = []
            for n in range(requests):
                started = time.perf_counter()
                response = call(n)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != HTTPStatus.OK:
                    raise CommandError(f"{name}: answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                call(requests)
            results[name] = {
                "median_ms": round(statistics.median(times), 3),
                "queries": len(queries.captured_queries),
            }
        self.stdout.write(json.dumps(results))


def _baseline_vote(voter, article):
    client, last = voter
    return client.post(f"/bench/vote/{article.pk}/", {"choice": f"{last}-{time.monotonic()}"})


def _vote(voter, url, options):
    client, last = voter
    # Another option than this member's current one, so that every vote writes.
    voter[1] = choice = options[(options.index(last) + 1) % len(options)]
    return client.post(f"{url}vote/", {"choice": choice}, HTTP_HX_REQUEST="true")
