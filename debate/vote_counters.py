"""The vote counters: what a vote's move does to them (`vote_recount.py` rebuilds them).

`VoteCount` holds, per (article, option), the votes it has now and how often a vote moved into
or out of it; `VoteDay` holds, per (article, day, option), how many votes came and went that
day. The tally, the home page and the history chart read these few rows instead of the votes.

Every service that writes a vote's `VoteChange` moves the counters inside its transaction, so
they commit or roll back with the vote: `vote_cast` and `vote_withdraw` by `vote_move`,
`accounts.services.member_delete` by `counters_move`. An option's key is its position id,
None for "both equally"; `NO_VOTE` stands for the side of a move where there was, or will be,
no vote.

Rows come into being race-safely by INSERT ... ON CONFLICT DO NOTHING behind the tables'
unique constraints: `counters_ensure` when positions are written (the import, the admin), and
`counters_move` and `vote_move` themselves for any row still missing (a position created
another way, the first move of a day; `vote_move` upserts the day's rows on PostgreSQL).
`vote_recount.votes_recount` creates any that are missing when it repairs.

`vote_move` is what a member's vote writes once its row is locked, or on top of the version
of it the page query read: the VoteChange, the counter moves, the vote itself and a switch of
sides, on PostgreSQL in one statement that also reads what `judging.camp_move` needs to know
(`CampState`), instead of eight round trips.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import (
    Article,
    ArticleJudging,
    Endorsement,
    Position,
    Stance,
    Switch,
    SwitchState,
    SympathyVote,
    VoteChange,
    VoteCount,
    VoteDay,
)
from .models.raw_sql import prepared_cursor


class _NoVote:
    def __repr__(self) -> str:
        return "NO_VOTE"


NO_VOTE = _NoVote()
Key = int | None  # a position id, or None for "both equally"

# Rows this process has seen committed, so that a move normally costs two UPDATEs and no
# INSERT. Only ever a shortcut: rows are never deleted but with their article or position.
_known_rows: set[tuple] = set()
_KNOWN_ROWS_LIMIT = 10_000


def is_switch(left: Key | _NoVote, joined: Key | _NoVote) -> bool:
    """Whether a move from `left` to `joined` changes one choice for another (a switch of
    sides), rather than casting, withdrawing or repeating a vote."""
    return left is not NO_VOTE and joined is not NO_VOTE and left != joined


def key_of(stance: str, position_id: int | None) -> Key | _NoVote:
    """The option a vote (or one side of a VoteChange) names."""
    if not stance:
        return NO_VOTE
    return position_id if stance == Stance.POSITION else None


def counters_move(
    article_id: int, *, left: Key | _NoVote, joined: Key | _NoVote, when: datetime
) -> None:
    """Count one vote moving from option `left` to option `joined` at `when`.

    Casting is a move from NO_VOTE, withdrawing a move to it. The counters are locked from
    here to the end of the caller's transaction, always in the same order (VoteCount, then
    VoteDay), which is also the order `votes_recount` locks them in. The article's counters
    as this move left them are handed to whoever is `watching` (the vote's answer shows them).
    """
    if left == joined:
        return
    touched = [key for key in (left, joined) if key is not NO_VOTE]
    day = timezone.localdate(when)
    parameters = _move_parameters(article_id, left, joined)

    rows_ensure(VoteCount, article_id, None, touched)
    # Every option's row, so that the answer is the whole tally, all of it locked: with an
    # option on each side of a move, two votes on an article always share a row anyway.
    with prepared_cursor() as cursor:
        cursor.execute(_COUNT_MOVE_SQL, parameters)
        counters = cursor.fetchall()
    rows_ensure(VoteDay, article_id, day, touched)
    with prepared_cursor() as cursor:
        on_day = connection.ops.adapt_datefield_value(day)
        cursor.execute(_DAY_MOVE_SQL, {**parameters, "day": on_day})
        rolled_up = cursor.rowcount
    _counters_check(article_id, touched, counters, rolled_up)


def _counters_check(article_id: int, touched: list, counters: list, rolled_up: int) -> None:
    """Fail the vote unless every touched row moved; hand the counters to `watching`."""
    counted = {position_id for position_id, _, _ in counters}
    if not counted.issuperset(touched) or rolled_up != len(touched):
        # Only if a row vanished (its article or position deleted meanwhile): the vote fails
        # and rolls back rather than leave the counters behind the votes.
        _known_rows.clear()
        raise IntegrityError(f"vote counters of article {article_id} are missing rows")
    if getattr(_watched, "article_id", None) == article_id:
        _watched.counters = counters


def _move_parameters(article_id: int, left: Key | _NoVote, joined: Key | _NoVote) -> dict:
    """The parameters of the move statements: one statement text for every kind of move."""
    return {
        "article": article_id,
        "joins": joined is not NO_VOTE,
        "joined": None if joined is NO_VOTE else joined,
        "leaves": left is not NO_VOTE,
        "left": None if left is NO_VOTE else left,
    }


# Null-safe comparisons, since "both equally" is position NULL. Raw SQL, prepared once per
# connection on PostgreSQL: the ORM would compile the same CASE expressions on every vote.
_JOINED = "(%(joins)s AND position_id IS NOT DISTINCT FROM %(joined)s)"
_LEFT = "(%(leaves)s AND position_id IS NOT DISTINCT FROM %(left)s)"
_COUNT_MOVE_TEMPLATE = f"""
    UPDATE {VoteCount._meta.db_table}
    SET votes = votes + CASE WHEN {_JOINED} THEN 1 ELSE 0 END
                      - CASE WHEN {_LEFT} THEN 1 ELSE 0 END,
        changes = changes + CASE WHEN {_JOINED} OR {_LEFT} THEN 1 ELSE 0 END
    WHERE article_id = %(article)s{{}}
    RETURNING position_id, votes, changes
"""  # noqa: S608 - the table name from the model, values as parameters
_COUNT_MOVE_SQL = _COUNT_MOVE_TEMPLATE.format("")
_DAY_MOVE_SQL = f"""
    UPDATE {VoteDay._meta.db_table}
    SET gained = gained + CASE WHEN {_JOINED} THEN 1 ELSE 0 END,
        lost = lost + CASE WHEN {_LEFT} THEN 1 ELSE 0 END
    WHERE article_id = %(article)s AND day = %(day)s AND ({_JOINED} OR {_LEFT})
"""  # noqa: S608 - the table name from the model, values as parameters


# A vote in one statement ---------------------------------------------------------------------


@dataclass(frozen=True)
class CampState:
    """What `judging.camp_move` needs to know of the vote's statement."""

    endorsed: bool  # whether the member has endorsed anything on the article


def vote_move(
    change: VoteChange,
    vote: SympathyVote | None,
    *,
    withdrawn: bool = False,
    version: str | None = None,
) -> CampState | None:
    """Write what a member's vote does once their vote row is locked (or newly inserted), or
    on top of the version of it that was read.

    `change` is the move, an unsaved VoteChange with its `created_at` set: it is inserted and
    the counters move as it says (`counters_move`). `vote` is saved with its new stance and
    position, or deleted if `withdrawn` (None: nothing to write, as for a first vote, which
    the caller has inserted already).

    `version` (PostgreSQL): the vote row is not locked; the statement, which is then its own
    transaction, writes the vote only if its row still has this version (`SeenVote`), and
    everything else only if it wrote the vote. None is returned when it did not: someone
    changed the vote since it was read, and nothing was written.

    On PostgreSQL all of it is one statement, which also records a change from one choice to
    another as a switch of sides (superseding the member's open one, counting a first one in
    `ArticleJudging`), as `judging._switch_record` does, and reads whether the member has
    endorsed anything on the article (`CampState`, for `judging.camp_move`). Read there, after
    the vote's row lock was granted, it sees whatever a request that held the lock before
    committed (an endorsement, a switch). With a `version`, the statement takes the lock
    itself and its snapshot predates any wait for it: it then writes nothing unless the row
    still has the version read, so that no such request came in between (each of them writes
    a new version of the vote's row). On SQLite the ORM writes it step by step, and the answer
    is None: `camp_move` reads and records for itself.
    """
    article_id = change.article_id
    left = key_of(change.from_stance, change.from_position_id)
    joined = key_of(change.to_stance, change.to_position_id)
    if connection.vendor != "postgresql":
        if version is not None:
            raise ValueError("A vote is written on top of a version on PostgreSQL only.")
        change.save()
        counters_move(article_id, left=left, joined=joined, when=change.created_at)
        if vote is not None and withdrawn:
            vote.delete()
        elif vote is not None:
            vote.save(update_fields=["stance", "position", "updated_at"])
        return None

    touched = [key for key in (left, joined) if key is not NO_VOTE]
    rows_ensure(VoteCount, article_id, None, touched)  # before any counter is locked
    if vote is not None and not withdrawn:
        vote.updated_at = change.created_at  # what auto_now would set
    parameters = {
        **_move_parameters(article_id, left, joined),
        "day": timezone.localdate(change.created_at),
        "member": change.member_id,
        "from_stance": change.from_stance,
        "from_position": change.from_position_id,
        "to_stance": change.to_stance,
        "to_position": change.to_position_id,
        "now": change.created_at,
        "vote": None if vote is None else vote.pk,
        "withdrawn": withdrawn,
        "stance": None if vote is None else vote.stance,
        "position": None if vote is None else vote.position_id,
        "switches": is_switch(left, joined),
        "open": SwitchState.OPEN.value,
        "skipped": SwitchState.SKIPPED.value,
        "version": version,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_VOTE_MOVE_SQL, parameters)
        rows = cursor.fetchall()
    if not rows:  # only with a version that the vote's row no longer has
        return None
    change_id, rolled_up, endorsed = rows[0][:3]
    change.pk = change_id
    change._state.adding, change._state.db = False, connection.alias
    counters = [row[3:] for row in rows if row[4] is not None]  # none if every row is missing
    _counters_check(article_id, touched, counters, rolled_up)
    return CampState(endorsed=endorsed)


# The parts of one statement run in no guaranteed order, and all see the tables as they were
# when it started. So:
# - `rolled_up` counts all of `counted` first: every VoteCount row of the article is locked
#   before any VoteDay row, the order `counters_move` and `votes_recount` lock them in.
# - The day's rows are upserts (INSERT ... ON CONFLICT DO UPDATE) rather than the UPDATE of
#   `counters_move`: a row another vote inserts meanwhile is invisible to an UPDATE here, but
#   the upsert waits for it and adds to it. One upsert per unique constraint: "both equally"
#   (position NULL) has its own.
# - `voted` and `unvoted` write the vote's row, locked already, when their flag says so; or,
#   given a `version`, lock it and write it if it still has that version (what a concurrent
#   write leaves is seen here, after waiting for its lock). `written` says whether the vote is
#   written (or was inserted by the caller): every other part writes only if so, and without
#   it the statement answers no row.
# - With `switches`, `superseded`, `switched` and `judged` record the switch of sides as
#   `judging._switch_record` does: the member's latest switch (by `switch_member_idx`) is
#   skipped if still open, and the new one is their first on the article if there was none.
# - The last column reads what `judging.camp_move` needs, by `endorsement_member_article_idx`.
# One row per counter row, the other columns repeated.
_POSITION_ID = f"CAST(%({{}})s AS {Position._meta.pk.rel_db_type(connection)})"
_DAY_UPSERT_SQL = f"""
        INSERT INTO {VoteDay._meta.db_table} AS d (article_id, day, position_id, gained, lost)
        SELECT %(article)s, %(day)s, position_id, gained, lost FROM moves
        WHERE position_id IS {{}} AND (SELECT count(*) FROM counted) > 0
        ON CONFLICT ({{}}) WHERE position_id IS {{}}
        DO UPDATE SET gained = d.gained + excluded.gained, lost = d.lost + excluded.lost
        RETURNING 1"""  # noqa: S608 - the table name from the model, values as parameters
_DAY_POSITIONS_SQL = _DAY_UPSERT_SQL.format("NOT NULL", "article_id, day, position_id", "NOT NULL")
_DAY_BOTH_SQL = _DAY_UPSERT_SQL.format("NULL", "article_id, day", "NULL")
_VERSION_MATCHES = "(CAST(%(version)s AS text) IS NULL OR xmin::text = %(version)s)"
_VOTE_MOVE_SQL = f"""
    WITH voted AS (
        UPDATE {SympathyVote._meta.db_table}
        SET stance = %(stance)s, position_id = %(position)s, updated_at = %(now)s
        WHERE id = %(vote)s AND NOT %(withdrawn)s AND {_VERSION_MATCHES}
        RETURNING 1
    ), unvoted AS (
        DELETE FROM {SympathyVote._meta.db_table}
        WHERE id = %(vote)s AND %(withdrawn)s AND {_VERSION_MATCHES}
        RETURNING 1
    ), written AS (
        SELECT 1 WHERE CAST(%(vote)s AS bigint) IS NULL
        UNION ALL SELECT 1 FROM voted
        UNION ALL SELECT 1 FROM unvoted
    ), change AS (
        INSERT INTO {VoteChange._meta.db_table} (article_id, member_id, from_stance,
            from_position_id, to_stance, to_position_id, created_at)
        SELECT %(article)s, %(member)s, %(from_stance)s, {_POSITION_ID.format("from_position")},
            %(to_stance)s, {_POSITION_ID.format("to_position")}, %(now)s
        FROM (SELECT 1 FROM written LIMIT 1) w
        RETURNING id
    ), counted AS ({_COUNT_MOVE_TEMPLATE.format(" AND EXISTS (SELECT 1 FROM change)")}
    ), moves (position_id, gained, lost) AS (
        SELECT {_POSITION_ID.format("joined")}, 1, 0 WHERE %(joins)s
        UNION ALL
        SELECT {_POSITION_ID.format("left")}, 0, 1 WHERE %(leaves)s
    ), day_positions AS ({_DAY_POSITIONS_SQL}
    ), day_both AS ({_DAY_BOTH_SQL}
    ), latest AS (
        SELECT id, state FROM {Switch._meta.db_table}
        WHERE %(switches)s AND member_id = %(member)s AND article_id = %(article)s
            AND EXISTS (SELECT 1 FROM change)
        ORDER BY created_at DESC, id DESC
        LIMIT 1
    ), superseded AS (
        UPDATE {Switch._meta.db_table} SET state = %(skipped)s
        WHERE id = (SELECT id FROM latest) AND state = %(open)s
    ), switched AS (
        INSERT INTO {Switch._meta.db_table} (vote_change_id, article_id, member_id,
            from_position_id, to_position_id, first_on_article, state, created_at)
        SELECT change.id, %(article)s, %(member)s, {_POSITION_ID.format("left")},
            {_POSITION_ID.format("joined")}, NOT EXISTS (SELECT 1 FROM latest), %(open)s, %(now)s
        FROM change WHERE %(switches)s
        RETURNING first_on_article
    ), judged AS (
        INSERT INTO {ArticleJudging._meta.db_table} AS j (article_id, members_switched)
        SELECT %(article)s, 1 FROM switched WHERE first_on_article
        ON CONFLICT (article_id) DO UPDATE SET members_switched = j.members_switched + 1
    )
    SELECT change.id,
        (SELECT count(*) FROM day_positions) + (SELECT count(*) FROM day_both),
        EXISTS (
            SELECT 1 FROM {Endorsement._meta.db_table}
            WHERE member_id = %(member)s AND article_id = %(article)s
        ),
        counted.position_id, counted.votes, counted.changes
    FROM change
    LEFT JOIN counted ON true
"""  # noqa: S608 - table names from the models, values as parameters


_watched = threading.local()


@contextmanager
def watching(article_id: int):
    """The article's counters as a vote's move inside the block left them (None if no move).

        with watching(article.pk) as moved:
            vote_cast(...)
        moved.counters  # [(position id or None, votes, changes), ...] or None

    Read back from the UPDATE that moved them (RETURNING), so the answer to a vote needs no
    second read; and it is the state the vote's own transaction committed, all rows locked.
    """
    moved = _Moved()
    _watched.article_id, _watched.counters = article_id, None
    try:
        yield moved
    finally:
        moved.counters = _watched.counters
        _watched.article_id = _watched.counters = None


class _Moved:
    counters: list[tuple[int | None, int, int]] | None = None


def rows_ensure(model, article_id: int, day: date | None, keys: Iterable[Key]) -> None:
    """A counter row (VoteCount, or VoteDay of `day`) for each key, made race-safely."""
    missing = [key for key in keys if (model, article_id, day, key) not in _known_rows]
    if not missing:
        return
    extra = {} if day is None else {"day": day}
    model.objects.bulk_create(
        [model(article_id=article_id, position_id=key, **extra) for key in missing],
        ignore_conflicts=True,
    )

    def remember():
        if len(_known_rows) > _KNOWN_ROWS_LIMIT:
            _known_rows.clear()
        _known_rows.update((model, article_id, day, key) for key in missing)

    # Not before the commit: a rolled-back transaction takes its inserted rows with it.
    transaction.on_commit(remember)


def counters_ensure(article: Article) -> None:
    """A VoteCount row for each option of the article (its positions, and "both equally")."""
    keys: list[Key] = list(Position.objects.filter(article=article).values_list("pk", flat=True))
    if keys:
        rows_ensure(VoteCount, article.pk, None, [*keys, None])
