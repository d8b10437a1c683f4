"""The one query of the article page, the vote, the tally and the chart (`VoteCount.objects
.page`): its text, made once per shape, and what it hands over (`ArticleVotes`, `SeenVote`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from .articles import Article, Position
from .raw_sql import converted, prepared_cursor
from .votes import POSITION_FIELDS, SympathyVote, VoteChange, VoteCount

if TYPE_CHECKING:
    from datetime import datetime

    from ..vote_limit import VoteWindow
    from .judging import Switch


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


def page_read(
    db: str,
    slug: str,
    member_id: int | None,
    article_fields: Sequence[str],
    *,
    viewer: bool = False,
    for_vote: bool = False,
    vote_window: "VoteWindow | None" = None,
) -> ArticleVotes | None:
    """The article, its positions, their counters and the member's vote: one query
    (`VoteCount.objects.page`).

    `viewer`: also whether the page needs drawing for this member alone (`engaged`), their
    open switch (each an index lookup bounded by the member's own rows), and the article's
    count of members who changed sides. `for_vote`: also, on PostgreSQL, the version of the
    member's vote row and whether they endorsed anything on the article, so that the vote can
    be written in one statement (`ArticleVotes.vote_seen`). `vote_window`: also when the
    member's changes of vote reached the limit within it (`ArticleVotes.limit_reached_at`),
    what the vote's rate limit needs.

    The pages that every vote and every poll hit call this. Written in SQL because here
    building the equivalent ORM query (subqueries for the counters and the vote) costs several
    times what the database takes to answer it, and each extra round trip to a busy database
    costs more still. None when there is no such article.
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
