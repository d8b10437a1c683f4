"""How `manage.py recount` rebuilds the vote counters (`vote_counters.py`) from the votes and
their history: the "votes" family of `debate.recount`."""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from .models import Position, SympathyVote, VoteChange, VoteCount, VoteDay
from .recount import Correction
from .vote_counters import NO_VOTE, Key, key_of, rows_ensure


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
            rows_ensure(VoteCount, article_id, None, keys)
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
