"""Fill an article with synthetic votes, for load tests: `manage.py make_fake_debate`.

    manage.py make_fake_debate --article SLUG --votes N [--changes FRACTION] --days D

Creates N synthetic members (addresses at SYNTHETIC_EMAIL_DOMAIN, unusable passwords), one
vote each on the article, and their history: every vote cast at a random moment of the last D
days, and a FRACTION of them changed once later to another option. The vote counters are then
rebuilt from those rows (the `recount` repair), all in one transaction. On PostgreSQL the rows
are made by the database itself (INSERT … SELECT over generate_series); elsewhere they go in
in batches.

It refuses a database with members who are not synthetic unless given --force: it is meant for
a benchmark's own database, not for one that real people use.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from debate.models import Article, Stance, SympathyVote, VoteChange
from debate.vote_recount import votes_recount

SYNTHETIC_EMAIL_DOMAIN = "synthetic.invalid"  # reserved (RFC 2606): never a real address


class Command(BaseCommand):
    help = (
        "Create N synthetic members with one vote each on an article, their vote history over "
        "D days (a FRACTION changed once) and the counters to match. For benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", required=True, metavar="SLUG")
        parser.add_argument("--votes", required=True, type=int, metavar="N")
        parser.add_argument(
            "--changes",
            type=float,
            default=0.2,
            metavar="FRACTION",
            help="Share of the votes changed once to another option (default 0.2).",
        )
        parser.add_argument("--days", required=True, type=int, metavar="D")
        parser.add_argument("--seed", type=int, help="Make the votes the same on every run.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database has members who are not synthetic.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, article, votes, changes, days, seed, force, dry_run, verbosity, **_):
        if votes < 1 or days < 1 or not 0 <= changes <= 1:
            raise CommandError("--votes and --days must be at least 1, --changes within 0..1.")
        target = Article.objects.filter(slug=article).first()
        if target is None:
            raise CommandError(f"No article has the slug {article!r}.")
        positions = list(target.positions.values_list("pk", flat=True))
        if not positions:
            raise CommandError(f"{article!r} has no sides to vote on.")
        real = User.objects.exclude(email__endswith=f"@{SYNTHETIC_EMAIL_DOMAIN}")
        if real.exists() and not force:
            raise CommandError(
                f"This database has {real.count()} members who are not synthetic; "
                "make_fake_debate is for a benchmark's own database. Use --force to add "
                "synthetic votes anyway."
            )
        if dry_run:
            self.stdout.write(
                f"Would create {votes} synthetic members and their votes on {article!r} over "
                f"{days} days ({changes:.0%} changed once). Nothing written."
            )
            return
        started = time.monotonic()
        fake = _FakeDebate(target.pk, positions, votes, changes, days, seed)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Nothing here is worth waiting for the disk per row: it all commits at once.
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    # Member ids are chosen here, so no one else may take one meanwhile.
                    cursor.execute(f"LOCK TABLE {User._meta.db_table} IN EXCLUSIVE MODE")
            fake.first_member_id = (User.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
            _write(fake)
            votes_recount(Article.objects.filter(pk=target.pk), repair=True)
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner knows the tables' new size (VACUUM also marks
            # the pages all-visible; it cannot run inside a caller's transaction).
            analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (User, SympathyVote, VoteChange):
                    cursor.execute(f"{analyze} {model._meta.db_table}")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {votes} synthetic members, their votes on {article!r} and "
                    f"{votes + fake.changed} history rows over {days} days "
                    f"in {time.monotonic() - started:.1f} s."
                )
            )


class _FakeDebate:
    """The rows to write, generated lazily in member order."""

    def __init__(self, article_id, positions, votes, changes, days, seed):
        self.article_id = article_id
        self.options = [*positions, None]  # None: both equally
        # Sides more often than "both", and the first side a little ahead.
        self.weights = [3 + (len(positions) - i) for i in range(len(positions))] + [2]
        self.votes, self.changes, self.days = votes, changes, days
        self.seed = seed
        self.random = random.Random(seed)  # noqa: S311 - fake votes, not secrets
        self.run = secrets.token_hex(3) if seed is None else f"{seed:06x}"[-6:]
        self.now = timezone.now()
        self.first_member_id = 1
        self.changed = 0

    def members(self):
        """(id, email, display name, unusable password, joined) per synthetic member."""
        for i in range(self.votes):
            name = f"fake-{self.run}-{i}"
            password = "!" + secrets.token_hex(10)  # "!" makes it unusable, as Django's are
            yield self.first_member_id + i, f"{name}@{SYNTHETIC_EMAIL_DOMAIN}", name, password

    def votes_and_history(self):
        """Per member: its vote row, then its one or two history rows."""
        span = self.days * 86400.0
        rnd = self.random
        for i in range(self.votes):
            member_id = self.first_member_id + i
            cast_at = self.now - timedelta(seconds=rnd.random() * span)
            first = rnd.choices(self.options, self.weights)[0]
            final, changed_at = first, None
            if rnd.random() < self.changes:
                final = rnd.choice([o for o in self.options if o != first])
                changed_at = cast_at + (self.now - cast_at) * rnd.random()
                self.changed += 1
            vote = (member_id, _stance(final), final, cast_at, changed_at or cast_at)
            history = [(member_id, "", None, _stance(first), first, cast_at)]
            if changed_at is not None:
                history.append(
                    (member_id, _stance(first), first, _stance(final), final, changed_at)
                )
            yield vote, history


def _stance(position_id) -> str:
    return Stance.BOTH if position_id is None else Stance.POSITION


def _write(fake: _FakeDebate) -> None:
    if connection.vendor == "postgresql":
        _write_by_generate_series(fake)
    else:
        _write_in_batches(fake)


# The member columns written from the generated rows; every other column gets its field's
# default (`_member_defaults`), so a column added to the member needs no change here.
MEMBER_COLUMNS = ("id", "email", "display_name", "password", "date_joined")


def _member_defaults() -> tuple[list[str], list]:
    columns, values = [], []
    for field in User._meta.concrete_fields:
        if field.column not in MEMBER_COLUMNS:
            columns.append(field.column)
            values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def _write_in_batches(fake: _FakeDebate) -> None:
    """Plain INSERTs in batches: the way for SQLite (tests, a laptop)."""
    when = connection.ops.adapt_datetimefield_value
    joined = when(fake.now)
    users = User._meta.db_table
    other_columns, defaults = _member_defaults()
    columns = ", ".join([*MEMBER_COLUMNS, *other_columns])
    placeholders = ", ".join(["%s"] * (len(MEMBER_COLUMNS) + len(other_columns)))
    with connection.cursor() as cursor:
        for batch in _batched(fake.members()):
            cursor.executemany(
                f"INSERT INTO {users} ({columns}) VALUES ({placeholders})",  # noqa: S608
                [(*member, joined, *defaults) for member in batch],
            )
        for batch in _batched(fake.votes_and_history()):
            cursor.executemany(
                f"INSERT INTO {SympathyVote._meta.db_table} (member_id, article_id, stance, "  # noqa: S608
                "position_id, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (member, fake.article_id, stance, position, when(created), when(updated))
                    for (member, stance, position, created, updated), _ in batch
                ],
            )
            cursor.executemany(
                f"INSERT INTO {VoteChange._meta.db_table} (article_id, member_id, from_stance, "  # noqa: S608
                "from_position_id, to_stance, to_position_id, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (fake.article_id, *change[:5], when(change[5]))
                    for _, history in batch
                    for change in history
                ],
            )


def _batched(rows, size: int = 1000):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_by_generate_series(fake: _FakeDebate) -> None:
    """Every row made by PostgreSQL itself (INSERT … SELECT over generate_series): nothing
    crosses the connection but the statements, so a million votes take seconds, not minutes.

    The same draws as `votes_and_history` makes in Python (a weighted first choice, a share
    changed once to another option at a later moment), from PostgreSQL's random(), seeded
    with --seed so that a run can be repeated.
    """
    users = User._meta.db_table
    other_columns, defaults = _member_defaults()
    columns = ", ".join([*MEMBER_COLUMNS, *other_columns])
    # Each option's index as often as its weight: a uniform pick from it is the weighted one.
    weighted = [i for i, weight in enumerate(fake.weights) for _ in range(weight)]
    k = len(fake.options)
    with connection.cursor() as cursor:
        if fake.seed is not None:
            cursor.execute("SELECT setseed(%s)", [(fake.seed % 1000) / 1000])
        cursor.execute(
            f"INSERT INTO {users} ({columns}) "  # noqa: S608 - names from the models
            f"SELECT %s + i, 'fake-' || %s || '-' || i || '@{SYNTHETIC_EMAIL_DOMAIN}', "
            "'fake-' || %s || '-' || i, '!' || md5(random()::text), %s"
            + "".join(", %s" for _ in defaults)
            + " FROM generate_series(0, %s - 1) AS i",
            [fake.first_member_id, fake.run, fake.run, fake.now, *defaults, fake.votes],
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {users}))",  # noqa: S608
            [users],
        )
        # One row per member: when it voted, its first option, and (if changed) its last
        # option and when it changed (as indexes into the options, "both" last).
        cursor.execute(
            """
            CREATE TEMPORARY TABLE fake_moves ON COMMIT DROP AS
            SELECT member_id, cast_at, first,
                   CASE WHEN changed THEN (first + 1 + floor(r1 * (%(k)s - 1))::int) %% %(k)s
                   END AS final,
                   CASE WHEN changed THEN cast_at + (%(now)s - cast_at) * r2 END AS changed_at
            FROM (
                SELECT %(first_id)s + i AS member_id,
                       %(now)s - random() * %(span)s * interval '1 second' AS cast_at,
                       (%(weighted)s::int[])[1 + floor(random() * %(n_weighted)s)::int] AS first,
                       random() < %(changes)s AS changed, random() AS r1, random() AS r2
                FROM generate_series(0, %(votes)s - 1) AS i
            ) AS drawn
            """,
            {
                "k": k,
                "now": fake.now,
                "first_id": fake.first_member_id,
                "span": fake.days * 86400.0,
                "weighted": weighted,
                "n_weighted": len(weighted),
                "changes": fake.changes,
                "votes": fake.votes,
            },
        )
        option = "(%(options)s::bigint[])[{} + 1]"
        stance = (
            "CASE WHEN {o} IS NULL THEN '" + Stance.BOTH + "' ELSE '" + Stance.POSITION + "' END"
        )
        final = "coalesce(final, first)"
        params = {"options": fake.options, "article": fake.article_id}
        cursor.execute(
            f"INSERT INTO {SympathyVote._meta.db_table} (member_id, article_id, stance, "  # noqa: S608
            "position_id, created_at, updated_at) "
            f"SELECT member_id, %(article)s, {stance.format(o=option.format(final))}, "
            f"{option.format(final)}, cast_at, coalesce(changed_at, cast_at) FROM fake_moves",
            params,
        )
        cursor.execute(
            f"INSERT INTO {VoteChange._meta.db_table} (article_id, member_id, from_stance, "  # noqa: S608
            "from_position_id, to_stance, to_position_id, created_at) "
            f"SELECT %(article)s, member_id, '', NULL, {stance.format(o=option.format('first'))}, "
            f"{option.format('first')}, cast_at FROM fake_moves "
            f"UNION ALL SELECT %(article)s, member_id, {stance.format(o=option.format('first'))}, "
            f"{option.format('first')}, {stance.format(o=option.format('final'))}, "
            f"{option.format('final')}, changed_at FROM fake_moves WHERE final IS NOT NULL",
            params,
        )
        cursor.execute("SELECT count(*) FROM fake_moves WHERE final IS NOT NULL")
        fake.changed = cursor.fetchone()[0]
        cursor.execute("DROP TABLE fake_moves")
