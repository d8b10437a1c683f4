"""What a member hears about: replies to what they wrote, endorsements and credits of their
rebuttals (counts, never who), and what moderation did to their items.

The writers of those events call these functions inside their own transaction, after the
source row is written, so a notification exists exactly when its event does. The in-app list,
the unread count and the email digest read what they store.
"""

from __future__ import annotations

from .models import Post


def notification_reply(reply: Post) -> None:
    """Tell the author of `reply.parent` (not the replier) that a published reply arrived."""


def notification_endorsement(post: Post) -> None:
    """Tell `post`'s author that one more member found it convincing (a count, never who)."""


def notification_credit(post: Post) -> None:
    """Tell `post`'s author that it changed one more member's mind (a count, never who)."""
