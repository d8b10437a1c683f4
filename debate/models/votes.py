"""Members' sympathy votes and the append-only history of how they moved."""

from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from .articles import Article, Position
from .raw_sql import converted, prepared_cursor

# What a vote, the tally and the chart need of a position (not its evidence or summary).
POSITION_FIELDS = ("id", "article_id", "slug", "label", "order")


class Stance(models.TextChoices):
    POSITION = "position", "One position"
    BOTH = "both", "Both equally"


class SympathyVoteQuerySet(models.QuerySet):
    def tally(self, article):
        """Counts per position id (None for "both equally"), counted from the votes.

        Scans every vote of the article: pages read `VoteCount` instead.
        """
        rows = self.filter(article=article).values("position_id").annotate(n=Count("id")).order_by()
        return {row["position_id"]: row["n"] for row in rows}

    def of_member(self, member, article):
        """The member's vote on the article, as a queryset of at most one row."""
        return self.filter(member=member, article=article)

    def locked(self, member_id: int, article_id: int):
        """The member's vote on the article, locked until the transaction ends; None if none.

        Every vote runs this first: one prepared statement (see `prepared_cursor`) instead of
        the ORM's `select_for_update().filter().first()`, compiled anew on every vote.
        """
        with prepared_cursor() as cursor:
            # SQLite has no FOR UPDATE: it serialises writers by itself (see settings).
            lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
            cursor.execute(_LOCKED_VOTE_SQL + lock, [member_id, article_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = converted(VOTE_FIELDS, self.model, row)
        return self.model.from_db(self.db, list(VOTE_FIELDS), values)


VOTE_FIELDS = ("id", "member_id", "article_id", "stance", "position_id", "created_at", "updated_at")


class SympathyVote(models.Model):
    # Indexes only on what a vote never changes: a change of side (stance, position,
    # updated_at) is then a HOT update, which writes no index entry at all. The member's votes
    # are found through `one_vote_per_member`, which starts with the member; the pages count
    # votes from `VoteCount`, and only `recount` and a position's deletion (rare, by staff)
    # look for votes by position, reading the article's votes.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sympathy_votes",
        db_index=False,
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    position = models.ForeignKey(
        Position,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="votes",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SympathyVoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "article"], name="one_vote_per_member"),
            models.CheckConstraint(
                condition=(Q(stance=Stance.POSITION, position__isnull=False))
                | (Q(stance=Stance.BOTH, position__isnull=True)),
                name="vote_stance_matches_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.article}: {self.position or 'both equally'}"


_LOCKED_VOTE_SQL = f"""
    SELECT {", ".join(VOTE_FIELDS)} FROM {SympathyVote._meta.db_table}
    WHERE member_id = %s AND article_id = %s
"""  # noqa: S608 - names from the model, values as parameters

MOVE_FIELDS = ("from_stance", "from_position_id", "to_stance", "to_position_id")


class VoteChangeQuerySet(models.QuerySet):
    def daily_moves(self):
        """How many votes moved from which option to which, per article and day.

        A GROUP BY over every history row of the articles: what `recount` checks the VoteDay
        rollup against. Pages read the rollup instead.
        """
        return (
            self.annotate(day=TruncDate("created_at"))
            .values(
                "article_id",
                "day",
                "from_stance",
                "from_position_id",
                "to_stance",
                "to_position_id",
            )
            .annotate(n=Count("id"))
            .order_by()
        )


class VoteChange(models.Model):
    """Append-only history of every vote, change and withdrawal ("" stance means no vote)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="vote_changes")
    # Indexed with created_at (vote_change_member_recent), which the vote's rate limit reads.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    # Not indexed by position: every vote writes a row here, and only a position's deletion
    # (rare, by staff) looks for rows by position.
    from_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    from_position = models.ForeignKey(
        Position, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", db_index=False
    )
    to_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    to_position = models.ForeignKey(
        Position, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoteChangeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_stance=Stance.POSITION, from_position__isnull=False)
                | Q(~Q(from_stance=Stance.POSITION), from_position__isnull=True),
                name="vote_change_from_matches_position",
            ),
            models.CheckConstraint(
                condition=Q(to_stance=Stance.POSITION, to_position__isnull=False)
                | Q(~Q(to_stance=Stance.POSITION), to_position__isnull=True),
                name="vote_change_to_matches_position",
            ),
        ]
        # No index by article and date: pages read the daily rollup (VoteDay), and only
        # `recount` reads an article's history, all of it. Each index costs every vote an entry.
        indexes = [
            # A member's latest changes, for the vote's rate limit; its prefix serves what
            # looks for a member's rows (their deletion).
            models.Index(fields=["member", "created_at"], name="vote_change_member_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stance or 'none'} → {self.to_stance or 'none'} on {self.article_id}"


# Counters ----------------------------------------------------------------------------------
# Pages read these few rows instead of counting votes. The services update them with F() in
# the transaction that writes the vote and its VoteChange; `manage.py recount` rebuilds them
# from those source rows (debate.counters.votes_recount). Position None is "both equally": a
# plain unique constraint would let any number of such rows in (NULLs are distinct on SQLite
# and PostgreSQL alike), so each table has one partial unique constraint per case.


class VoteCountQuerySet(models.QuerySet):
    def of_article(self, article):
        return self.filter(article=article).values_list("position_id", "votes", "changes")

    def page(self, slug: str, member_id: int | None, article_fields: Sequence[str], **options):
        """The article, its positions, their counters and the member's vote: one query
        (`vote_page.page_read`, whose options say what else it reads). None when there is
        no such article."""
        from .vote_page import page_read  # the page query's own module, which needs these models

        return page_read(self.db, slug, member_id, article_fields, **options)


class VoteCount(models.Model):
    """How many members' votes on an article are for one option now, and how often it moved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="vote_counts")
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    votes = models.PositiveIntegerField(default=0)
    # VoteChange rows that moved a vote into or out of this option: only ever grows, so the sum
    # over an article's options is a version of everything its tally and chart show.
    changes = models.PositiveBigIntegerField(default=0)

    objects = VoteCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                condition=Q(position__isnull=False),
                name="vote_count_per_position",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(position__isnull=True),
                name="vote_count_both_per_article",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.votes} for {self.position or 'both equally'} on {self.article_id}"


class VoteDayQuerySet(models.QuerySet):
    def history(self, article):
        """Each day's moves per option, oldest first: rows of days by options, never of votes."""
        return (
            self.filter(article=article)
            .order_by("day", "position_id")
            .values("day", "position_id", "gained", "lost")
        )


class VoteDay(models.Model):
    """The day's rollup of VoteChange for one option: how many votes came to it, how many left."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="vote_days")
    day = models.DateField()
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    gained = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)

    objects = VoteDayQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "position"],
                condition=Q(position__isnull=False),
                name="vote_day_per_position",
            ),
            models.UniqueConstraint(
                fields=["article", "day"],
                condition=Q(position__isnull=True),
                name="vote_day_both_per_article",
            ),
        ]

    def __str__(self) -> str:
        option = self.position or "both equally"
        return f"{self.day} {option}: +{self.gained} -{self.lost} on {self.article_id}"
