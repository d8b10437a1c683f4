"""The debate app's models, one module per concern; import them from here."""

from .articles import (
    RESERVED_POSITION_SLUG,
    Article,
    Position,
    PositionQuerySet,
    RenderedMarkdown,
    Topic,
)
from .discussion import ModerationStatus, Rebuttal, RebuttalQuerySet
from .votes import (
    Stance,
    SympathyVote,
    SympathyVoteQuerySet,
    VoteChange,
    VoteChangeQuerySet,
    VoteCount,
    VoteCountQuerySet,
    VoteDay,
    VoteDayQuerySet,
)

__all__ = [
    "RESERVED_POSITION_SLUG",
    "Article",
    "ModerationStatus",
    "Position",
    "PositionQuerySet",
    "Rebuttal",
    "RebuttalQuerySet",
    "RenderedMarkdown",
    "Stance",
    "SympathyVote",
    "SympathyVoteQuerySet",
    "Topic",
    "VoteChange",
    "VoteChangeQuerySet",
    "VoteCount",
    "VoteCountQuerySet",
    "VoteDay",
    "VoteDayQuerySet",
]
