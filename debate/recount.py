"""The counters the site keeps, and how `manage.py recount` rebuilds them from the source rows.

Pages read small counter rows that the services update with `F()` in the same transaction as
the rows they count (votes, posts, ...). Each family of counters provides one function,

    <family>_recount(articles: QuerySet[Article], *, repair: bool) -> list[Correction]

which first locks the counter rows of those articles (so a writer of a source row waits for it
rather than slipping between the count and the repair), then counts the source rows, compares,
and, when `repair` is true, writes the right numbers. `COUNTER_FAMILIES` lists them; the
`recount` command runs every family inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Correction:
    """One counter whose stored value differs from a count of its source rows."""

    article: str  # the article's slug
    counter: str  # what is counted, in words: "votes for side-one", "replies to #12"
    stored: int
    actual: int

    def __str__(self) -> str:
        return f"{self.article}: {self.counter}: stored {self.stored}, counted {self.actual}"


Recount = Callable[..., list[Correction]]

# Each family's recount function, in the order they run. Imported lazily by `families()` so that
# modules defining them may import this one.
COUNTER_FAMILIES: tuple[str, ...] = (
    "debate.vote_recount.votes_recount",
    "debate.discussion_counters.posts_recount",
    "debate.notifications.notifications_recount",
    "debate.judging_counters.judging_recount",
)


def families() -> list[tuple[str, Recount]]:
    from django.utils.module_loading import import_string

    return [(path.rsplit(".", 1)[1], import_string(path)) for path in COUNTER_FAMILIES]


def recount(articles: QuerySet, *, repair: bool) -> list[Correction]:
    """Every family's corrections for `articles`; the caller holds the transaction."""
    corrections: list[Correction] = []
    for _name, family in families():
        corrections.extend(family(articles, repair=repair))
    if repair and corrections:
        # Pages cached under the old counts render anew (the vote counters' own version
        # moves with them; the discussion's is separate).
        from .discussion_versions import discussion_changed

        repaired = {correction.article for correction in corrections}
        discussion_changed(articles.filter(slug__in=repaired).values_list("pk", flat=True))
    return corrections
