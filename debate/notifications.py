"""What a member hears about: replies to what they wrote, endorsements and credits of their
rebuttals (counts, never who), and what moderation did to their items.

The writers of those events call these functions inside their own transaction, after the
source row is written, so a notification exists exactly when its event does. The in-app list,
the unread count and the email digest read what they store.

The unread count in the header is `User.notifications_unread`: the member's unread
notifications that show (`Notification.objects.visible()`), moved with `F()` here in the same
transaction as the rows, and rebuilt by `manage.py recount` (`notifications_recount`). A
notification about an item that stops being published stops showing, and stops counting,
until the item is published again (`notification_post_status`); a moderation outcome always
shows to its author.

Locks are taken in one order: the post, then notifications, then the member's row.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import (
    ModerationAction,
    ModerationRecord,
    Notification,
    NotificationKind,
    Post,
    PostKind,
    PostStatus,
)
from .recount import Correction


def _unread_add(recipient_id: int, delta: int) -> None:
    """Move a member's unread count; never below zero, whatever drift `recount` will mend."""
    if delta == 0:
        return
    count = (
        F("notifications_unread") + delta
        if delta > 0
        else Greatest(F("notifications_unread") + delta, Value(0))
    )
    get_user_model().objects.filter(pk=recipient_id).update(notifications_unread=count)


def _shows(kind: str, post_status: str) -> bool:
    return kind == NotificationKind.MODERATION or post_status == PostStatus.PUBLISHED


# What creates them --------------------------------------------------------------------------


def notification_reply(reply: Post, *, now: datetime | None = None) -> None:
    """Tell the author of `reply.parent` (not the replier) that a published reply arrived.

    Once per reply: a reply hidden and published again is the same news, already told (its
    notification showed again with it).
    """
    if reply.kind != PostKind.REPLY or reply.status != PostStatus.PUBLISHED:
        return
    recipient_id = Post.objects.filter(pk=reply.parent_id).values_list("author_id", flat=True)
    recipient_id = recipient_id.first()
    if recipient_id is None or recipient_id == reply.author_id:
        return
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: "already told" leaves the caller's intact
                Notification.objects.create(
                    recipient_id=recipient_id, kind=NotificationKind.REPLY, post_id=reply.pk,
                    created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:
            return
        _unread_add(recipient_id, +1)


def _aggregate(post: Post, kind: NotificationKind, now: datetime | None) -> None:
    """One more member for `post`'s unread row of `kind`, or a new row when none is unread."""
    if post.author_id is None:
        return
    now = now or timezone.now()
    unread = Notification.objects.filter(
        recipient_id=post.author_id, post_id=post.pk, kind=kind, read_at__isnull=True
    )
    with transaction.atomic():
        if unread.update(count=F("count") + 1, updated_at=now):
            return
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient_id=post.author_id, kind=kind, post_id=post.pk,
                    created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:
            # Another member's endorsement made the row first: join its count.
            unread.update(count=F("count") + 1, updated_at=now)
            return
        if _shows(kind, post.status):
            _unread_add(post.author_id, +1)


def notification_endorsement(post: Post, *, now: datetime | None = None) -> None:
    """Tell `post`'s author that one more member found it convincing (a count, never who)."""
    _aggregate(post, NotificationKind.ENDORSEMENT, now)


def notification_credit(post: Post, *, now: datetime | None = None) -> None:
    """Tell `post`'s author that it changed one more member's mind (a count, never who)."""
    _aggregate(post, NotificationKind.CREDIT, now)


def notification_moderation(post: Post, record: ModerationRecord) -> None:
    """Tell `post`'s author what moderation did to it and why (`record`'s action and reason,
    never who did it). Only changes they can see: a resolution that left the item as it was
    says nothing; neither does a moderator's action on their own item."""
    recipient_id = record.member_id
    if recipient_id is None or record.before.get("status") == record.after.get("status"):
        return
    if record.actor_id is not None and record.actor_id == recipient_id:
        return
    with transaction.atomic():
        Notification.objects.create(
            recipient_id=recipient_id, kind=NotificationKind.MODERATION, post_id=post.pk,
            action=record.action, reason=record.reason,
            created_at=record.created_at, updated_at=record.created_at,
        )  # fmt: skip
        _unread_add(recipient_id, +1)


def notification_post_status(post: Post, before: str, after: str) -> None:
    """`post` went from status `before` to `after` (called in that transaction): its
    notifications stop or start counting as they stop or start showing, and a reply that is
    published now tells its parent's author (once)."""
    if (before == PostStatus.PUBLISHED) != (after == PostStatus.PUBLISHED):
        delta = +1 if after == PostStatus.PUBLISHED else -1
        recipients = Counter(
            Notification.objects.select_for_update()
            .filter(post_id=post.pk, read_at__isnull=True)
            .exclude(kind=NotificationKind.MODERATION)
            .values_list("recipient_id", flat=True)
        )
        for recipient_id, n in sorted(recipients.items()):
            _unread_add(recipient_id, delta * n)
    if after == PostStatus.PUBLISHED and post.kind == PostKind.REPLY:
        post.status = after
        notification_reply(post)


# Reading them ------------------------------------------------------------------------------

NOUNS = {PostKind.REBUTTAL: "rebuttal", PostKind.REPLY: "reply", PostKind.COMMENT: "comment"}

MODERATION_SENTENCES = {
    ModerationAction.PUBLISH: "A moderator published your {noun} on “{title}”.",
    ModerationAction.HIDE: "A moderator hid your {noun} on “{title}”.",
    ModerationAction.REMOVE: "A moderator removed your {noun} on “{title}”.",
    ModerationAction.HOLD: (
        "Members' reports hid your {noun} on “{title}” until a moderator looks at it."
    ),
    ModerationAction.DISMISS: (
        "A moderator dismissed the reports on your {noun} on “{title}”: it shows again."
    ),
}


def _members(n: int) -> str:
    return "1 member" if n == 1 else f"{n} members"


def notification_text(notification: Notification) -> str:
    """The sentence a member reads (plain text; templates escape it). It names the replier,
    whose reply is public anyway, and nobody else: no endorser, no creditor, no moderator,
    nobody's camp."""
    post = notification.post
    title = post.article.title
    noun = NOUNS.get(post.kind, "post")
    if notification.kind == NotificationKind.REPLY:
        parent = NOUNS.get(post.parent.kind, "post") if post.parent_id else "post"
        author = post.author.display_name if post.author_id else "[deleted member]"
        return f"{author} replied to your {parent} on “{title}”."
    if notification.kind == NotificationKind.ENDORSEMENT:
        return f"{_members(notification.count)} found your {noun} on “{title}” convincing."
    if notification.kind == NotificationKind.CREDIT:
        minds = (
            "1 member's mind" if notification.count == 1 else f"{notification.count} members' minds"
        )
        return f"Your {noun} on “{title}” changed {minds}."
    sentence = MODERATION_SENTENCES.get(notification.action, "A moderator acted on your {noun}.")
    return sentence.format(noun=noun, title=title)


# Marking them read ---------------------------------------------------------------------------


def notification_mark_read(recipient, notification_id: int, *, now: datetime | None = None) -> bool:
    """Mark one of `recipient`'s notifications read; False if it was not theirs or not unread."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient_id=recipient.pk, read_at__isnull=True)
            .values("kind", "post_id")
            .first()
        )
        if row is None:
            return False
        # Read after the lock: a status change holding it has committed by now.
        status = Post.objects.filter(pk=row["post_id"]).values_list("status", flat=True).first()
        Notification.objects.filter(pk=notification_id).update(read_at=now)
        if _shows(row["kind"], status):
            _unread_add(recipient.pk, -1)
    return True


def notifications_mark_all_read(recipient, *, now: datetime | None = None) -> int:
    """Mark every unread notification of `recipient` read; returns how many showed."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(recipient_id=recipient.pk, read_at__isnull=True)
            .values_list("pk", "kind", "post_id")
        )
        if not rows:
            return 0
        published = set(
            Post.objects.filter(
                pk__in={post_id for _, _, post_id in rows}, status=PostStatus.PUBLISHED
            ).values_list("pk", flat=True)
        )
        shown = sum(
            1 for _, kind, post_id in rows
            if kind == NotificationKind.MODERATION or post_id in published
        )  # fmt: skip
        Notification.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(read_at=now)
        _unread_add(recipient.pk, -shown)
    return shown


# The counter family for `manage.py recount` ------------------------------------------------


def notifications_recount(articles: QuerySet, *, repair: bool) -> list[Correction]:
    """Members' unread counts against their unread notifications that show.

    A member's count spans every article, so it is recounted whole for each member concerned:
    those notified about the given articles' posts, and any member whose count is not zero.
    """
    User = get_user_model()
    concerned = set(
        Notification.objects.filter(post__article__in=articles).values_list(
            "recipient_id", flat=True
        )
    ) | set(User.objects.filter(notifications_unread__gt=0).values_list("pk", flat=True))
    if not concerned:
        return []
    stored = dict(
        User.objects.select_for_update()
        .filter(pk__in=concerned)
        .order_by("pk")
        .values_list("pk", "notifications_unread")
    )
    actual = dict(
        Notification.objects.filter(recipient_id__in=concerned)
        .unread()
        .visible()
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    corrections = []
    for member_id, count in sorted(stored.items()):
        right = actual.get(member_id, 0)
        if count == right:
            continue
        corrections.append(
            Correction("(members)", f"unread notifications of member #{member_id}", count, right)
        )
        if repair:
            User.objects.filter(pk=member_id).update(notifications_unread=right)
    return corrections
