"""Discussion writes: posting rebuttals, replies and comments, editing, deleting, reporting, and
every change of a post's status. Each is one small function inside one transaction that keeps
the counters (debate.models.PostCount and each post's own) right with `F()`.

Moderation goes through `post_status_change` too, which writes the moderation record of every
change a moderator or the system makes (debate.moderation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import moderation, notifications
from .discussion_versions import discussion_changed
from .markdown import render_markdown
from .models import (
    MAX_REPLY_DEPTH,
    Article,
    Position,
    Post,
    PostCount,
    PostKind,
    PostRevision,
    PostStatus,
)
from .models.discussion import EDIT_WINDOW

BODY_MIN_LENGTH = 20
BODY_MAX_LENGTH = 10_000


def _setting(name: str, default):
    return getattr(settings, name, default)


class DiscussionError(Exception):
    """A write refused for a reason the member should read."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PostingLimited(DiscussionError):
    """Too many posts, or the same text again: answered with 429 and Retry-After."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class NotAllowed(DiscussionError):
    """Not this member's to do (someone else's post, a closed edit window): 403."""


# Posting -----------------------------------------------------------------------------------


def _initial_status(author) -> PostStatus:
    # Pre-moderation holds a new member's first posts until a moderator publishes them.
    return PostStatus.PENDING if moderation.premoderation_holds(author) else PostStatus.PUBLISHED


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def posting_limits_check(author, body_md: str, now: datetime) -> None:
    """Refuse a post over the member's limits, counted from their own recent posts.

    One indexed query (author, created_at) over at most the last window's posts, so the
    limits hold whether or not the cache answers: a number of posts per window (fewer for
    accounts younger than a day), and the same text twice within a few minutes.
    """
    window = timedelta(seconds=_setting("POST_LIMIT_WINDOW_SECONDS", 600))
    duplicate_window = timedelta(seconds=_setting("POST_DUPLICATE_WINDOW_SECONDS", 300))
    new_member_age = timedelta(seconds=_setting("POST_LIMIT_NEW_MEMBER_SECONDS", 86_400))
    if now - author.date_joined < new_member_age:
        allowed = _setting("POST_LIMIT_NEW_MEMBER", 2)
    else:
        allowed = _setting("POST_LIMIT", 5)
    since = now - max(window, duplicate_window)
    recent = list(
        Post.objects.filter(author=author, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", "body_md")[: max(allowed, 1) + 50]
    )
    text = " ".join(body_md.split())
    for created_at, earlier in recent:
        if created_at > now - duplicate_window and " ".join(earlier.split()) == text:
            wait = (created_at + duplicate_window - now).total_seconds()
            raise PostingLimited(
                "You posted this same text a moment ago. Change it, or wait "
                f"{_minutes(wait)} to post it again.",
                retry_after=math.ceil(wait),
            )
    in_window = sorted(created for created, _ in recent if created > now - window)
    if len(in_window) >= allowed:
        oldest_counted = in_window[len(in_window) - allowed]
        wait = (oldest_counted + window - now).total_seconds()
        raise PostingLimited(
            f"You have posted {len(in_window)} time{'s' if len(in_window) != 1 else ''} "
            f"in the last {_minutes(window.total_seconds())}. "
            f"You can post again in {_minutes(wait)}; what you wrote is kept below.",
            retry_after=math.ceil(wait),
        )


def _count_published(post: Post, delta: int) -> None:
    """Move every counter that counts `post` as published by `delta` (+1 or -1)."""
    if post.kind == PostKind.REPLY:
        if post.parent_id == post.root_id:
            Post.objects.filter(pk=post.root_id).update(
                reply_count=F("reply_count") + delta,
                thread_reply_count=F("thread_reply_count") + delta,
            )
        else:
            Post.objects.filter(pk=post.parent_id).update(reply_count=F("reply_count") + delta)
            Post.objects.filter(pk=post.root_id).update(
                thread_reply_count=F("thread_reply_count") + delta
            )
        return
    counter = PostCount.objects.filter(article_id=post.article_id, position_id=post.position_id)
    if counter.update(published=F("published") + delta):
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race keeps the transaction usable
            PostCount.objects.create(
                article_id=post.article_id, position_id=post.position_id, published=max(delta, 0)
            )
    except IntegrityError:
        counter.update(published=F("published") + delta)


@dataclass(frozen=True)
class Target:
    """Where a new post goes: a side (rebuttal), the article (comment) or a post (reply)."""

    article: Article
    kind: PostKind
    position: Position | None = None
    parent: Post | None = None


def post_create(*, author, target: Target, body_md: str, now: datetime | None = None) -> Post:
    """Publish what a member wrote where `target` says, within the member's posting limits."""
    now = now or timezone.now()
    moderation.member_write_check(author, now=now)
    parent = target.parent
    root_id, depth = None, 0
    if target.kind == PostKind.REPLY:
        if parent is None or parent.article_id != target.article.pk:
            raise ValueError("A reply needs a post of the same article to answer.")
        if parent.depth >= MAX_REPLY_DEPTH:
            # Threads stop indenting at the third level: answer beside the post instead.
            parent = Post.objects.only("id", "root_id", "depth", "article_id", "author_id").get(
                pk=parent.parent_id
            )
        root_id, depth = parent.root_id or parent.pk, parent.depth + 1
    elif target.kind == PostKind.REBUTTAL and (
        target.position is None or target.position.article_id != target.article.pk
    ):
        raise ValueError("A rebuttal needs a side of the same article.")
    with transaction.atomic():
        # One post at a time per member, so two quick posts cannot both pass the limits. A
        # reply also locks the member it notifies, in id order, so that two members replying
        # to each other at once wait for one another instead of deadlocking.
        locked = {author.pk}
        if target.kind == PostKind.REPLY and parent.author_id is not None:
            locked.add(parent.author_id)
        members = get_user_model().objects.select_for_update().filter(pk__in=locked)
        list(members.order_by("pk").values_list("pk", flat=True))
        if target.kind == PostKind.REPLY:
            status = Post.objects.filter(pk=target.parent.pk).values_list("status", flat=True)
            if status.first() != PostStatus.PUBLISHED:
                raise DiscussionError("That post is no longer open to replies.")
        posting_limits_check(author, body_md, now)
        post = Post.objects.create(
            kind=target.kind,
            article=target.article,
            author=author,
            position=target.position if target.kind == PostKind.REBUTTAL else None,
            parent=parent if target.kind == PostKind.REPLY else None,
            root_id=root_id,
            depth=depth,
            body_md=body_md,
            status=_initial_status(author),
            created_at=now,
        )
        if post.status == PostStatus.PUBLISHED:
            _count_published(post, +1)
            notifications.notification_reply(post, now=now)
        discussion_changed([post.article_id])
    return post


def render_preview(body_md: str) -> str:
    """What a post will look like: the same sanitizing renderer it is saved through."""
    return render_markdown(body_md)


# Status, edits and deletion ----------------------------------------------------------------


# What a status change reads of the post: to move its counters, and to record it.
STATUS_CHANGE_FIELDS = (
    "id", "kind", "article_id", "position_id", "parent_id", "root_id", "status", "body_md",
    "report_count", "author__display_name", "article__title",
)  # fmt: skip


def post_status_change(
    post: Post,
    status: PostStatus,
    *,
    actor=None,
    reason: str = "",
    now: datetime | None = None,
    action: moderation.ModerationAction | None = None,
    reports_resolved: int = 0,
) -> bool:
    """Put `post` in `status`, keeping every counter right; False when it already was.

    The one way a post's status changes: authors deleting, reports hiding, moderators
    publishing, hiding and removing. `actor` is None for the system; `reason` says why (the
    author reads it on their item). Every change but an author's deletion is written to the
    moderation record, as `action` (by default, the one the status names).
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Post.objects.select_for_update(of=("self",))
            .select_related("author", "article")
            .only(*STATUS_CHANGE_FIELDS)
            .get(pk=post.pk)
        )
        if current.status == status:
            return False
        changes = {"status": status, "status_changed_at": now, "status_reason": reason}
        if status == PostStatus.DELETED:
            changes["deleted_at"] = now
        Post.objects.filter(pk=post.pk).update(**changes)
        was_published = current.status == PostStatus.PUBLISHED
        if was_published != (status == PostStatus.PUBLISHED):
            _count_published(current, +1 if status == PostStatus.PUBLISHED else -1)
        action = action or moderation.ACTION_OF_STATUS.get(status)
        if action is not None:
            moderation.record_post(
                current, status, action=action, actor=actor, reason=reason,
                reports_resolved=reports_resolved, now=now,
            )  # fmt: skip
        notifications.notification_post_status(current, current.status, status)
        discussion_changed([current.article_id])
    for name, value in changes.items():
        setattr(post, name, value)
    return True


# What a moderator (or members' reports) decided on: its author may not erase that decision.
MODERATED = frozenset({PostStatus.HELD, PostStatus.HIDDEN, PostStatus.REMOVED})


def post_edit_refusal(post: Post, member, now: datetime | None = None) -> str:
    """Why `member` may not edit `post` now, in words for them; "" when they may."""
    now = now or timezone.now()
    if member is None or not member.is_authenticated or post.author_id != member.pk:
        return "Only the author can edit this."
    if post.status == PostStatus.DELETED:
        return "You deleted this, so there is nothing left to edit."
    if post.status in MODERATED:
        return f"This is {post.placeholder}, so it can no longer be edited."
    if post.report_count:
        return "This has been reported, so it can no longer be edited: moderators read it as it is."
    if now >= post.created_at + EDIT_WINDOW:
        return "This can no longer be edited: posts can be edited for 15 minutes after posting."
    return ""


def post_can_edit(post: Post, member, now: datetime | None = None) -> bool:
    """Whether the edit control shows: the author, within the window, while not reported."""
    return not post_edit_refusal(post, member, now)


def post_delete_refusal(post: Post, member) -> str:
    """Why `member` may not delete `post`, in words for them; "" when they may."""
    if member is None or post.author_id != getattr(member, "pk", None):
        return "Only the author can delete this."
    if post.status in MODERATED:
        return (
            f"This is {post.placeholder}. Deleting it would erase what moderation decided, "
            "so it stays as it is; a moderator can be asked to look at it again."
        )
    return ""


def post_edit(post: Post, *, editor, body_md: str, now: datetime | None = None) -> Post:
    """Replace the text of the editor's own post, keeping the previous text for moderators."""
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        why = post_edit_refusal(post, editor, now)
        if not why and post.reports.exists():  # reported, and the reports since resolved
            why = "This has been reported, so it can no longer be edited."
        if why:
            raise NotAllowed(why)
        if body_md == post.body_md:
            return post
        PostRevision.objects.create(
            post=post,
            body_md=post.body_md,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
        )
        post.body_md = body_md
        post.edited_at = now
        post.save(update_fields=["body_md", "edited_at"])
        discussion_changed([post.article_id])
    return post


def post_delete(post: Post, *, member, now: datetime | None = None) -> bool:
    """The author takes back their post: it stays as "[deleted]" so replies keep their place.
    Not once moderation decided on it (hidden, removed, or hidden pending review)."""
    with transaction.atomic():
        current = Post.objects.select_for_update().only("id", "author_id", "status").get(pk=post.pk)
        why = post_delete_refusal(current, member)
        if why:
            raise NotAllowed(why)
        return post_status_change(
            post, PostStatus.DELETED, actor=member, reason="deleted by the author", now=now
        )


def posts_purge_deleted(
    *, older_than: timedelta, now: datetime | None = None, dry_run=False
) -> int:
    """Blank the text (and edit history) of posts their authors deleted before the cutoff."""
    cutoff = (now or timezone.now()) - older_than
    with transaction.atomic():
        posts = Post.objects.filter(status=PostStatus.DELETED, deleted_at__lt=cutoff).exclude(
            body_md="", body_html=""
        )
        ids = list(posts.select_for_update().values_list("pk", flat=True))
        if not dry_run and ids:
            PostRevision.objects.filter(post_id__in=ids).delete()
            Post.objects.filter(pk__in=ids).update(body_md="", body_html="")
            discussion_changed(
                Post.objects.filter(pk__in=ids).values_list("article_id", flat=True).distinct()
            )
    return len(ids)


# Reports live in debate/reports.py; these names stay importable from here.
from .reports import report_file, reports_dismiss, reports_withdraw  # noqa: E402, F401
