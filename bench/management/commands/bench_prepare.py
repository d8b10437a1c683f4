"""Get a benchmark database ready: `manage.py bench_prepare --sessions N --out FILE`.

Run with DJANGO_SETTINGS_MODULE=bench.settings after `make_fake_debate`. Fills baseline (b)'s
50 rows, and signs in N synthetic members by writing their sessions directly (never through a
password: theirs are unusable), then writes one line per member to FILE:
`<session key> <csrf token> <member id> <position slug of their current vote or "both">`,
which the wrk scripts rotate through.
"""

import secrets

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from bench.models import BaselineRow
from debate.management.commands.make_fake_debate import SYNTHETIC_EMAIL_DOMAIN
from debate.models import Article, SympathyVote


class Command(BaseCommand):
    help = "Sign in N synthetic members (sessions written directly) and fill baseline rows."

    def add_arguments(self, parser):
        parser.add_argument("--article", required=True, metavar="SLUG")
        parser.add_argument("--sessions", type=int, default=1000, metavar="N")
        parser.add_argument("--out", required=True, metavar="FILE")

    def handle(self, *args, article, sessions, out, **options):
        target = Article.objects.filter(slug=article).first()
        if target is None:
            raise CommandError(f"No article has the slug {article!r}.")
        members = list(
            User.objects.filter(email__endswith=f"@{SYNTHETIC_EMAIL_DOMAIN}").order_by("-pk")[
                :sessions
            ]
        )
        if len(members) < sessions:
            raise CommandError(f"Only {len(members)} synthetic members: run make_fake_debate.")
        slugs = dict(target.positions.values_list("pk", "slug"))
        votes = dict(
            SympathyVote.objects.filter(article=target, member__in=members).values_list(
                "member_id", "position_id"
            )
        )
        backend = settings.AUTHENTICATION_BACKENDS[0]
        lines = []
        with transaction.atomic():
            if not BaselineRow.objects.exists():
                BaselineRow.objects.bulk_create(
                    BaselineRow(html=f"<strong>Row {n}</strong> — a short line of text, {n}.")
                    for n in range(1, 51)
                )
            for member in members:
                session = SessionStore()
                session[SESSION_KEY] = str(member.pk)
                session[BACKEND_SESSION_KEY] = backend
                session[HASH_SESSION_KEY] = member.get_session_auth_hash()
                session.create()
                choice = slugs.get(votes.get(member.pk), "both")
                token = secrets.token_hex(16)  # 32 characters: a CSRF secret Django accepts
                lines.append(f"{session.session_key} {token} {member.pk} {choice}\n")
        with open(out, "w") as file:
            file.writelines(lines)
        self.stdout.write(f"{len(lines)} sessions written to {out}.")
