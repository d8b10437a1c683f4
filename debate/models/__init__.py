"""The debate app's models, one module per concern; import them from here."""

from .articles import RESERVED_POSITION_SLUG, Article, Position, RenderedMarkdown, Topic
from .discussion import (
    MAX_REPLY_DEPTH,
    ModerationStatus,
    Post,
    PostCount,
    PostKind,
    PostQuerySet,
    PostRevision,
    PostStatus,
    Report,
    ReportReason,
    ReportState,
)
from .moderation import (
    SYSTEM_ACTOR,
    ModerationAction,
    ModerationRecord,
    ModerationSettings,
    ReportedPost,
)
from .votes import Stance, SympathyVote, SympathyVoteQuerySet, VoteChange, VoteChangeQuerySet

__all__ = [
    "MAX_REPLY_DEPTH",
    "RESERVED_POSITION_SLUG",
    "SYSTEM_ACTOR",
    "Article",
    "ModerationAction",
    "ModerationRecord",
    "ModerationSettings",
    "ModerationStatus",
    "Position",
    "Post",
    "PostCount",
    "PostKind",
    "PostQuerySet",
    "PostRevision",
    "PostStatus",
    "RenderedMarkdown",
    "Report",
    "ReportReason",
    "ReportState",
    "ReportedPost",
    "Stance",
    "SympathyVote",
    "SympathyVoteQuerySet",
    "Topic",
    "VoteChange",
    "VoteChangeQuerySet",
]
