"""The debate app's models, one module per concern; import them from here."""

from .articles import RESERVED_POSITION_SLUG, Article, Position, RenderedMarkdown, Topic
from .discussion import ModerationStatus, Rebuttal, RebuttalQuerySet
from .votes import (
    ArticleVotes,
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
    "ArticleVotes",
    "ModerationStatus",
    "Position",
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
