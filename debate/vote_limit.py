"""How often a member may vote: `VOTE_LIMIT` changes per `VOTE_LIMIT_WINDOW_SECONDS`.

Every change of vote and every withdrawal appends a VoteChange row, so one member flipping a
vote in a loop would grow the history the chart replays without bound. The limit is counted
from those rows, as the posting limits are: the vote's own page query reads when the member's
VOTE_LIMIT-th latest change within the window was made (`VoteCount.objects.page(...,
vote_window=)`, an index range over (member, created_at) of at most VOTE_LIMIT entries). So the
vote needs no query and no cache round trip of its own, and the limit holds whether or not
Redis answers. A vote that changes nothing writes no row and is not counted.

Votes of one member sent at the same moment each read the history as their statement began,
and may each take the last place in the window: the limit is then exceeded by at most the
member's concurrent requests, which still bounds the history's growth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class VoteWindow:
    """The member's changes since `since` count against the limit, `limit` at most."""

    since: datetime
    limit: int


def vote_window(now: datetime) -> VoteWindow:
    seconds = settings.VOTE_LIMIT_WINDOW_SECONDS
    return VoteWindow(since=now - timedelta(seconds=seconds), limit=max(settings.VOTE_LIMIT, 1))


def vote_wait(limit_reached_at: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the member may vote again; None: they may now.

    `limit_reached_at`: when the member's VOTE_LIMIT-th latest change within the window was
    made (`ArticleVotes.limit_reached_at`), None when they made fewer. It leaves the window,
    and frees a place, VOTE_LIMIT_WINDOW_SECONDS after it was made.
    """
    if limit_reached_at is None:
        return None
    freed = limit_reached_at + timedelta(seconds=settings.VOTE_LIMIT_WINDOW_SECONDS)
    return max(1, math.ceil((freed - now).total_seconds()))
