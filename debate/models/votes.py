"""Members' sympathy votes and the append-only history of how they moved."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .articles import Article, Position
from .raw_sql import converted, prepared_cursor

if TYPE_CHECKING:
    from datetime import datetime

    from ..vote_limit import VoteWindow
    from .judging import Switch

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


@dataclass
class ArticleVotes:
    """An article as its page, the vote and the tally need it: `VoteCount.objects.page()`."""

    article: Article
    positions: list[Position]
    counters: list[tuple[int | None, int, int]]  # (position id or None, votes, changes)
    my_vote: tuple[str, int | None] | None  # the member's (stance, position id), None: no vote
    # With `viewer=True` only: whether the member has posts, endorsements or reports on the
    # article (then the page shows them marks of their own), and their open switch, if any.
    engaged: bool = False
    open_switch: "Switch | None" = None
    members_switched: int = 0  # the article's count of members who changed sides
    my_vote_id: int | None = None
    # With `for_vote=True` on PostgreSQL: the version of the member's vote row (its xmin), and
    # whether they have endorsed anything on the article (see `vote_seen`).
    my_vote_version: str | None = None
    endorsed: bool = False
    # With `vote_window`: when the member's `limit`-th latest change of vote within the window
    # was made, None when they made fewer (see debate.vote_limit).
    limit_reached_at: "datetime | None" = None

    def vote_seen(self, member_id: int) -> "SeenVote | None":
        """The member's vote as this query read it, for `vote_cast` to write in one statement
        if no one changes it meanwhile (`SeenVote`); None when that cannot apply: no vote
        yet, endorsements on the article (their camps move with the vote, step by step), or
        no version read (SQLite, or `for_vote=False`)."""
        if self.my_vote is None or self.my_vote_version is None or self.endorsed:
            return None
        stance, position_id = self.my_vote
        fields = ["id", "member_id", "article_id", "stance", "position_id"]
        values = [self.my_vote_id, member_id, self.article.pk, stance, position_id]
        vote = SympathyVote.from_db(self.article._state.db, fields, values)
        return SeenVote(vote, self.my_vote_version)


@dataclass(frozen=True)
class SeenVote:
    """A member's vote as a page query read it, without a lock, and the version of its row.

    Every write that depends on the vote changes its row, and so its version: a vote, a
    withdrawal, an endorsement (which takes its camp from the vote). A statement that writes
    the vote only if its row still has this version therefore writes on top of exactly what
    was read (`vote_counters.vote_move`).
    """

    vote: SympathyVote
    version: str


class VoteCountQuerySet(models.QuerySet):
    def of_article(self, article):
        return self.filter(article=article).values_list("position_id", "votes", "changes")

    def page(
        self,
        slug: str,
        member_id: int | None,
        article_fields: Sequence[str],
        *,
        viewer: bool = False,
        for_vote: bool = False,
        vote_window: "VoteWindow | None" = None,
    ):
        """The article, its positions, their counters and the member's vote: one query.

        `viewer`: also whether the page needs drawing for this member alone (`engaged`), their
        open switch (each an index lookup bounded by the member's own rows), and the article's
        count of members who changed sides. `for_vote`: also, on PostgreSQL, the version of the
        member's vote row and whether they endorsed anything on the article, so that the vote
        can be written in one statement (`ArticleVotes.vote_seen`). `vote_window`: also when
        the member's changes of vote reached the limit within it
        (`ArticleVotes.limit_reached_at`), what the vote's rate limit needs.

        The pages that every vote and every poll hit call this. Written in SQL because here
        building the equivalent ORM query (subqueries for the counters and the vote) costs
        several times what the database takes to answer it, and each extra round trip to a
        busy database costs more still. None when there is no such article.
        """
        for_vote = for_vote and member_id is not None and connection.vendor == "postgresql"
        with_limit = vote_window is not None and member_id is not None
        viewer_kind = ("visitor" if member_id is None else "member") if viewer else ""
        shape = (tuple(article_fields), viewer_kind, for_vote, with_limit, connection.vendor)
        sql = _page_sql(*shape)
        viewer_params, viewer_join_params = (
            _viewer_params(member_id) if viewer_kind == "member" else ([], [])
        )
        limit_params = _limit_params(member_id, vote_window) if with_limit else []
        vote_params = [member_id] if for_vote else []
        with prepared_cursor() as cursor:
            params = [*viewer_params, *limit_params, *vote_params, *viewer_join_params]
            params += [member_id, slug]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        db = self.db
        n, m = len(article_fields), len(POSITION_FIELDS)
        first = rows[0]
        values = converted(article_fields, Article, first[:n])
        article = Article.from_db(db, list(article_fields), values)
        positions, counters = [], []
        for row in rows:
            if row[n] is None:  # no positions
                break
            values = converted(POSITION_FIELDS, Position, row[n : n + m])
            positions.append(Position.from_db(db, list(POSITION_FIELDS), values))
            counters.append((row[n], row[n + m] or 0, row[n + m + 1] or 0))
        if positions:
            counters.append((None, first[n + m + 2] or 0, first[n + m + 3] or 0))
        stance, position_id = first[n + m + 4], first[n + m + 5]
        my_vote = (stance, position_id) if stance else None
        found = ArticleVotes(article, positions, counters, my_vote)
        found.my_vote_id = first[n + m + 6]
        at = n + m + 7  # the optional columns, in the order `_page_sql` adds them
        if viewer:
            found.engaged = bool(first[at])
            switch_id, left, joined = first[at + 1 : at + 4]
            if switch_id is not None:
                found.open_switch = _switch(switch_id, left, joined)
            found.members_switched = first[at + 4] or 0
            at += 5
        if with_limit:
            (found.limit_reached_at,) = converted(("created_at",), VoteChange, [first[at]])
            at += 1
        if for_vote:
            found.my_vote_version, found.endorsed = first[at], first[at + 1]
        return found


@cache
def _page_sql(
    article_fields: tuple[str, ...], viewer: str, for_vote: bool, with_limit: bool, vendor: str
) -> str:
    """The text of `VoteCountQuerySet.page`'s query, made once per shape: `viewer` is "" (no
    viewer columns), "visitor" or "member"; the parameters: `_viewer_params`' columns',
    `_limit_params`, the member's id for `for_vote`, `_viewer_params`' join's, then the
    member's id and the slug."""
    q = connection.ops.quote_name
    article_columns = [Article._meta.get_field(name).column for name in article_fields]
    position_columns = [Position._meta.get_field(name).column for name in POSITION_FIELDS]
    viewer_sql, viewer_join = _viewer_sql(viewer, vendor) if viewer else ("", "")
    limit_sql = _LIMIT_SQL if with_limit else ""
    vote_sql = _for_vote_sql() if for_vote else ""
    vote_table = q(SympathyVote._meta.db_table)
    vote_join = f"LEFT JOIN {vote_table} v ON v.article_id = a.id AND v.member_id = %s"
    counts = q(VoteCount._meta.db_table)
    return f"""
        SELECT {", ".join(f"a.{q(c)}" for c in article_columns)},
               {", ".join(f"p.{q(c)}" for c in position_columns)},
               c.votes, c.changes, b.votes, b.changes, v.stance, v.position_id,
               v.id{viewer_sql}{limit_sql}{vote_sql}
        FROM {q(Article._meta.db_table)} a
        {viewer_join}
        {vote_join}
        LEFT JOIN {q(Position._meta.db_table)} p ON p.article_id = a.id
        LEFT JOIN {counts} c ON c.article_id = a.id AND c.position_id = p.id
        LEFT JOIN {counts} b ON b.article_id = a.id AND b.position_id IS NULL
        WHERE a.slug = %s
        ORDER BY p.{q("order")}, p.id
    """  # noqa: S608 - names from the models' metadata, values as parameters


# The page query's column for the vote's rate limit (see `page`): the creation time of the
# member's `limit`-th latest change within the window, read backwards along (member,
# created_at) and never further than that change.
_LIMIT_SQL = f""",
               (SELECT h.created_at FROM {VoteChange._meta.db_table} h
                WHERE h.member_id = %s AND h.created_at > %s
                ORDER BY h.created_at DESC LIMIT 1 OFFSET %s)"""  # noqa: S608 - model names


def _for_vote_sql() -> str:
    """The page query's columns for a vote in one statement (see `page`, PostgreSQL only):
    the version of the member's vote row (xmin: the transaction that wrote this version of
    it), and whether they endorsed anything on the article."""
    from .judging import Endorsement

    return f""",
               v.xmin::text,
               EXISTS (SELECT 1 FROM {Endorsement._meta.db_table} e
                       WHERE e.member_id = %s AND e.article_id = a.id)"""  # noqa: S608


def _limit_params(member_id: int, window: "VoteWindow") -> list:
    since = connection.ops.adapt_datetimefield_value(window.since)
    return [member_id, since, window.limit - 1]


def _viewer_sql(viewer: str, vendor: str) -> tuple[str, str]:
    """The article page's columns (see `page`): the member's marks and open switch, and the
    article's count of members who changed sides; and a join they need. Parameters: first
    the columns', then the join's (`_viewer_params`)."""
    from .discussion import Post, Report
    from .judging import ArticleJudging, Endorsement, Switch

    post, report = Post._meta.db_table, Report._meta.db_table
    endorsement, switch = Endorsement._meta.db_table, Switch._meta.db_table
    judging = ArticleJudging._meta.db_table
    members_switched = f"""(SELECT j.members_switched FROM {judging} j
                WHERE j.article_id = a.id)"""  # noqa: S608 - names from the models
    if viewer == "visitor":  # a visitor has nothing of their own: a statement without lookups
        return f", FALSE, NULL, NULL, NULL, {members_switched}", ""
    columns = ("id", "from_position_id", "to_position_id")
    latest_open = f"""SELECT {{}} FROM {switch} w
                WHERE w.member_id = %s AND w.article_id = a.id AND w.state = %s
                  AND w.created_at > %s
                ORDER BY w.created_at DESC LIMIT 1"""  # noqa: S608 - names from the models
    if vendor == "postgresql":
        # Joined once to the article's row: as columns, it would run again for every
        # position's row.
        open_switch = tuple(f"s.{column}" for column in columns)
        selected = ", ".join(f"w.{column}" for column in columns)
        join = f"LEFT JOIN LATERAL ({latest_open.format(selected)}) s ON TRUE"
    else:
        # SQLite has no LATERAL join: the open switch's id and sides, a subquery each (the
        # same index lookup).
        open_switch = tuple(f"({latest_open.format(f'w.{column}')})" for column in columns)
        join = ""
    sql = f""",
               (EXISTS (SELECT 1 FROM {post} e WHERE e.author_id = %s AND e.article_id = a.id)
                OR EXISTS (SELECT 1 FROM {endorsement} e
                           WHERE e.member_id = %s AND e.article_id = a.id)
                OR EXISTS (SELECT 1 FROM {report} r JOIN {post} e ON e.id = r.post_id
                           WHERE r.reporter_id = %s AND e.article_id = a.id)),
               {open_switch[0]}, {open_switch[1]}, {open_switch[2]},
               {members_switched}"""  # noqa: S608 - names from the models
    return sql, join


def _viewer_params(member_id: int) -> tuple[list, list]:
    """The parameters of `_viewer_sql("member", ...)`: its columns', its join's."""
    from .judging import CREDIT_WINDOW, SwitchState

    switch = [member_id, SwitchState.OPEN, timezone.now() - CREDIT_WINDOW]
    if connection.vendor == "postgresql":
        return [member_id] * 3, switch
    return [member_id] * 3 + switch * 3, []


def _switch(pk: int, from_position_id: int | None, to_position_id: int | None):
    from .judging import Switch

    return Switch(pk=pk, from_position_id=from_position_id, to_position_id=to_position_id)


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
