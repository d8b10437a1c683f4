"""The vote counters: what a vote's move does to them, and how `recount` rebuilds them.

`VoteCount` holds, per (article, option), the votes it has now and how often a vote moved into
or out of it; `VoteDay` holds, per (article, day, option), how many votes came and went that
day. The tally, the home page and the history chart read these few rows instead of the votes.

`counters_move` is called by every service that writes a vote's `VoteChange` (`vote_cast`,
`vote_withdraw`, `accounts.services.member_delete`), inside its transaction, so the counters
commit or roll back with the vote. An option's key is its position id, None for "both
equally"; `NO_VOTE` stands for the side of a move where there was, or will be, no vote.

Rows come into being race-safely by INSERT ... ON CONFLICT DO NOTHING behind the tables'
unique constraints: `counters_ensure` when positions are written (the import, the admin), and
`counters_move` itself for any row still missing (a position created another way, the first
move of a day). `votes_recount` creates any that are missing when it repairs.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Article, Position, Stance, SympathyVote, VoteChange, VoteCount, VoteDay
from .models.votes import prepared_cursor
from .recount import Correction


class _NoVote:
    def __repr__(self) -> str:
        return "NO_VOTE"


NO_VOTE = _NoVote()
Key = int | None  # a position id, or None for "both equally"

# Rows this process has seen committed, so that a move normally costs two UPDATEs and no
# INSERT. Only ever a shortcut: rows are never deleted but with their article or position.
_known_rows: set[tuple] = set()
_KNOWN_ROWS_LIMIT = 10_000


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
    moves = _move_parameters(left, joined)

    _rows_ensure(VoteCount, article_id, None, touched)
    # Every option's row, so that the answer is the whole tally, all of it locked: with an
    # option on each side of a move, two votes on an article always share a row anyway.
    with prepared_cursor() as cursor:
        cursor.execute(_COUNT_MOVE_SQL, [*moves, *moves, article_id])
        counters = cursor.fetchall()
    _rows_ensure(VoteDay, article_id, day, touched)
    with prepared_cursor() as cursor:
        on_day = connection.ops.adapt_datefield_value(day)
        cursor.execute(_DAY_MOVE_SQL, [*moves, article_id, on_day, *moves])
        rolled_up = cursor.rowcount
    counted = {position_id for position_id, _, _ in counters}
    if not counted.issuperset(touched) or rolled_up != len(touched):
        # Only if a row vanished (its article or position deleted meanwhile): the vote fails
        # and rolls back rather than leave the counters behind the votes.
        _known_rows.clear()
        raise IntegrityError(f"vote counters of article {article_id} are missing rows")
    if getattr(_watched, "article_id", None) == article_id:
        _watched.counters = counters


def _move_parameters(left: Key | _NoVote, joined: Key | _NoVote) -> list:
    """(joined?, joined, left?, left): one statement text for every kind of move."""
    return [
        joined is not NO_VOTE,
        None if joined is NO_VOTE else joined,
        left is not NO_VOTE,
        None if left is NO_VOTE else left,
    ]


# Null-safe comparisons, since "both equally" is position NULL. Raw SQL, prepared once per
# connection on PostgreSQL: the ORM would compile the same CASE expressions on every vote.
_JOINED = "(%s AND position_id IS NOT DISTINCT FROM %s)"
_LEFT = "(%s AND position_id IS NOT DISTINCT FROM %s)"
_COUNT_MOVE_SQL = f"""
    UPDATE {VoteCount._meta.db_table}
    SET votes = votes + CASE WHEN {_JOINED} THEN 1 ELSE 0 END
                      - CASE WHEN {_LEFT} THEN 1 ELSE 0 END,
        changes = changes + CASE WHEN {_JOINED} OR {_LEFT} THEN 1 ELSE 0 END
    WHERE article_id = %s
    RETURNING position_id, votes, changes
"""  # noqa: S608 - the table name from the model, values as parameters
_DAY_MOVE_SQL = f"""
    UPDATE {VoteDay._meta.db_table}
    SET gained = gained + CASE WHEN {_JOINED} THEN 1 ELSE 0 END,
        lost = lost + CASE WHEN {_LEFT} THEN 1 ELSE 0 END
    WHERE article_id = %s AND day = %s AND ({_JOINED} OR {_LEFT})
"""  # noqa: S608 - the table name from the model, values as parameters

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


def _rows_ensure(model, article_id: int, day: date | None, keys: Iterable[Key]) -> None:
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
        _rows_ensure(VoteCount, article.pk, None, [*keys, None])


# Recount --------------------------------------------------------------------------------------


def votes_recount(articles: QuerySet, *, repair: bool) -> list[Correction]:
    """Compare (and, if `repair`, rewrite) the vote counters of `articles` with the votes.

    Locks the articles' counter rows first, in the order the services lock them: a vote
    arriving meanwhile waits until the recount commits, and then counts on top of the
    repaired numbers, so it is neither lost nor reported as a difference.
    """
    slugs = dict(articles.values_list("pk", "slug"))
    if not slugs:
        return []
    ids = list(slugs)
    options = _options_of(ids)
    if repair:
        for article_id, keys in options.items():
            _rows_ensure(VoteCount, article_id, None, keys)
    stored_counts = {
        (row.article_id, row.position_id): row
        for row in VoteCount.objects.select_for_update()
        .filter(article_id__in=ids)
        .order_by("article_id", "position_id", "pk")
    }
    stored_days = {
        (row.article_id, row.day, row.position_id): row
        for row in VoteDay.objects.select_for_update()
        .filter(article_id__in=ids)
        .order_by("article_id", "day", "position_id", "pk")
    }
    labels = dict(Position.objects.filter(article_id__in=ids).values_list("pk", "label"))

    def name(key: Key) -> str:
        return "both equally" if key is None else labels.get(key, f"position #{key}")

    votes, changes, gained, lost = _counted_from_source(ids)
    corrections: list[Correction] = []
    count_keys = set(stored_counts) | set(votes) | set(changes)
    count_keys |= {(article_id, key) for article_id, keys in options.items() for key in keys}
    for article_id, key in sorted(count_keys, key=_sort_key):
        row = stored_counts.get((article_id, key))
        actual = {"votes": votes[article_id, key], "changes": changes[article_id, key]}
        fixes = _compared(corrections, slugs[article_id], row, actual, f"{{}} of {name(key)}")
        if repair and fixes:
            _row_write(VoteCount, {"article_id": article_id, "position_id": key}, row, fixes)

    for article_id, day, key in sorted(set(stored_days) | set(gained) | set(lost), key=_sort_key):
        row = stored_days.get((article_id, day, key))
        actual = {"gained": gained[article_id, day, key], "lost": lost[article_id, day, key]}
        what = f"votes {{}} by {name(key)} on {day.isoformat()}"
        fixes = _compared(corrections, slugs[article_id], row, actual, what)
        if repair and fixes:
            where = {"article_id": article_id, "day": day, "position_id": key}
            _row_write(VoteDay, where, row, fixes)
    return corrections


def _compared(corrections: list, slug: str, row, actual: dict[str, int], what: str) -> dict:
    """The fields of `row` (None: missing, all 0) that differ from `actual`, noted down."""
    fixes = {}
    for field, value in actual.items():
        stored = getattr(row, field) if row is not None else 0
        if stored != value:
            corrections.append(Correction(slug, what.format(field), stored, value))
            fixes[field] = value
    return fixes


def _options_of(article_ids: list[int]) -> dict[int, list[Key]]:
    options: dict[int, list[Key]] = defaultdict(list)
    for article_id, position_id in Position.objects.filter(article_id__in=article_ids).values_list(
        "article_id", "pk"
    ):
        options[article_id].append(position_id)
    for keys in options.values():
        keys.append(None)
    return options


def _counted_from_source(ids: list[int]):
    """Votes and moves per counter, counted from SympathyVote and VoteChange."""
    votes: dict = defaultdict(int)
    for row in (
        SympathyVote.objects.filter(article_id__in=ids)
        .values("article_id", "position_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        votes[row["article_id"], row["position_id"]] += row["n"]
    changes: dict = defaultdict(int)
    gained: dict = defaultdict(int)
    lost: dict = defaultdict(int)
    for row in VoteChange.objects.filter(article_id__in=ids).daily_moves():
        article_id, day, n = row["article_id"], row["day"], row["n"]
        left = key_of(row["from_stance"], row["from_position_id"])
        joined = key_of(row["to_stance"], row["to_position_id"])
        if left is not NO_VOTE:
            changes[article_id, left] += n
            lost[article_id, day, left] += n
        if joined is not NO_VOTE:
            changes[article_id, joined] += n
            gained[article_id, day, joined] += n
    return votes, changes, gained, lost


def _sort_key(key: tuple) -> tuple:
    # None ("both equally") sorts after the positions, as it does on the page.
    return tuple((part is None, part) for part in key)


def _row_write(model, where: dict, row, fixes: dict) -> None:
    if row is not None:
        model.objects.filter(pk=row.pk).update(**fixes)
        return
    try:
        with transaction.atomic():
            model.objects.create(**where, **fixes)
    except IntegrityError:
        # Inserted meanwhile by a vote still waiting for our locks: it adds its own move on
        # top of what we write once we commit.
        model.objects.filter(**where).update(**fixes)
