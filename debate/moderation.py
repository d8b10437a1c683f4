"""Moderation: what moderators (and the system) do to posts and members, and the record of it.

- Every change of a post's status goes through `debate.discussion.post_status_change`, which
  calls `record_post` here: one append-only `ModerationRecord` per moderation action, with
  the actor, the reason, the time and the post's text and state before and after. (Authors
  deleting their own posts are not moderation, and are not recorded.)
- `post_moderate` (publish, hide, remove) and `reports_resolve` (take action or dismiss) are
  the moderators' actions on posts; `member_suspend` and `member_restore` on members.
- `member_write_check` is the one check every service that writes for a member calls first:
  a suspended member posts, reports, votes and endorses nothing.
- `premoderation_holds` decides whether a new post waits for a moderator.
- `moderation_outcome_notify` is where the post's author hears about an outcome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from . import discussion
from .models import (
    SYSTEM_ACTOR,
    ModerationAction,
    ModerationRecord,
    ModerationSettings,
    Post,
    PostStatus,
    Report,
    ReportState,
)

# What a status change is called on the record, when a moderator or the system makes it.
ACTION_OF_STATUS = {
    PostStatus.PUBLISHED: ModerationAction.PUBLISH,
    PostStatus.HIDDEN: ModerationAction.HIDE,
    PostStatus.REMOVED: ModerationAction.REMOVE,
    PostStatus.HELD: ModerationAction.HOLD,
}


class ModerationRefused(ValueError):
    """An action the rules do not allow (suspending yourself, a date in the past, ...)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Suspension: the check every write makes ---------------------------------------------------


def suspension_notice(member) -> dict[str, str]:
    """Why and until when `member` is suspended, in words (the suspended page prints these)."""
    until = ""
    if member.suspended_until is not None:
        until = date_format(timezone.localtime(member.suspended_until), "j F Y, H:i e")
    return {"until": until, "reason": member.suspension_reason.strip()}


def suspension_message(member) -> str:
    """What a suspended member reads: why, and until when, in one sentence or two."""
    notice = suspension_notice(member)
    until = f"until {notice['until']}" if notice["until"] else "until a moderator lifts it"
    reason = f" Reason: {notice['reason']}" if notice["reason"] else ""
    return f"Your account is suspended {until}.{reason}"


class MemberSuspended(PermissionDenied):
    """A suspended member tried to write. A PermissionDenied, so a view that does not catch it
    answers 403."""

    def __init__(self, member):
        self.message = suspension_message(member)
        super().__init__(self.message)


def member_write_check(member, *, now: datetime | None = None) -> None:
    """Refuse a write by a suspended member: posting, reporting, voting, endorsing.

    Reads the fields already loaded with the member (the request's user), so it costs no
    query; signing in and every request check the same fields (accounts.middleware).
    """
    if member is not None and member.is_authenticated and member.is_suspended(now):
        raise MemberSuspended(member)


# The record --------------------------------------------------------------------------------


def _actor_fields(actor) -> dict:
    if actor is None:
        return {"actor_id": None, "actor_name": SYSTEM_ACTOR}
    return {"actor_id": actor.pk, "actor_name": actor.display_name}


def _post_state(status: str, text: str, open_reports: int) -> dict:
    return {"status": status, "text": text, "open_reports": open_reports}


def record_post(
    post: Post,
    status_after: str,
    *,
    action: ModerationAction,
    actor=None,
    reason: str = "",
    reports_resolved: int = 0,
    now: datetime,
) -> ModerationRecord:
    """Write the record of one action on `post` (as read, locked, before the action: its
    status, text, open reports, author and article), then tell its author."""
    author = post.author
    record = ModerationRecord.objects.create(
        created_at=now,
        action=action,
        reason=reason,
        post_id=post.pk,
        post_kind=post.kind,
        article_id=post.article_id,
        article_title=post.article.title,
        member_id=post.author_id,
        member_name=author.display_name if author is not None else "",
        reports_resolved=reports_resolved,
        before=_post_state(post.status, post.body_md, post.report_count + reports_resolved),
        after=_post_state(status_after, post.body_md, post.report_count),
        **_actor_fields(actor),
    )
    moderation_outcome_notify(post, record)
    return record


def moderation_outcome_notify(post: Post, record: ModerationRecord) -> None:
    """Tell `post`'s author, in their notifications, what moderation did to it and why.

    Called once for every recorded action on a post (by a moderator or the system), inside
    the transaction that made the change, after the record is written. The author also sees
    the reason on their own item (`Post.status_reason`).
    """
    from .notifications import notification_moderation

    notification_moderation(post, record)


# Moderators' actions on posts --------------------------------------------------------------


class Outcome(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already in that status
    DELETED = "deleted"  # its author deleted it: left as it is
    HELD = "held"  # hidden pending review: published only by resolving its reports


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().only("id", "status").get(pk=post.pk)


def post_moderate(
    post: Post, status: PostStatus, *, actor, reason: str, now: datetime | None = None
) -> Outcome:
    """Publish, hide or remove `post` with a reason, by `actor`.

    What an author deleted stays deleted; a post hidden pending review is published only by
    resolving its reports (`reports_resolve`), so nobody skips the reports by publishing.
    """
    if status not in {PostStatus.PUBLISHED, PostStatus.HIDDEN, PostStatus.REMOVED}:
        raise ValueError(f"Moderators do not set posts to {status!r}.")
    with transaction.atomic():
        current = _locked(post)
        if current.status == PostStatus.DELETED:
            return Outcome.DELETED
        if status == PostStatus.PUBLISHED and current.status == PostStatus.HELD:
            return Outcome.HELD
        changed = discussion.post_status_change(post, status, actor=actor, reason=reason, now=now)
    return Outcome.CHANGED if changed else Outcome.UNCHANGED


def reports_resolve(
    post: Post,
    *,
    actor=None,
    reason: str = "",
    status: PostStatus | None = None,
    now: datetime | None = None,
) -> int:
    """Resolve the post's open reports: take action (`status` hidden or removed) or dismiss
    them (no `status`: a post they had hidden pending review is shown again). One record
    either way. Returns how many reports were resolved."""
    if status not in {None, PostStatus.HIDDEN, PostStatus.REMOVED}:
        raise ValueError(f"Reports are resolved by hiding or removing, not {status!r}.")
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(post)
        resolved = Report.objects.filter(post_id=post.pk, state=ReportState.OPEN).update(
            state=ReportState.RESOLVED, resolved_at=now
        )
        Post.objects.filter(pk=post.pk).update(report_count=F("report_count") - resolved)
        if status is None:
            action = ModerationAction.DISMISS
            target = PostStatus.PUBLISHED if current.status == PostStatus.HELD else None
        else:
            action = ACTION_OF_STATUS[status]
            target = None if current.status == PostStatus.DELETED else status
        changed = target is not None and discussion.post_status_change(
            post, target, actor=actor, reason=reason, now=now,
            action=action, reports_resolved=resolved,
        )  # fmt: skip
        if not changed:
            # Nothing to change (or an author's deletion to respect): the resolution alone.
            full = Post.objects.select_related("author", "article").get(pk=post.pk)
            record_post(
                full, full.status, action=action, actor=actor, reason=reason,
                reports_resolved=resolved, now=now,
            )  # fmt: skip
    return resolved


# Suspension --------------------------------------------------------------------------------


def _member_state(member) -> dict:
    def moment(value):
        return value.isoformat() if value else None

    return {
        "suspended_at": moment(member.suspended_at),
        "suspended_until": moment(member.suspended_until),
        "reason": member.suspension_reason,
    }


def _record_member(member, before: dict, *, action, actor, reason, now) -> ModerationRecord:
    return ModerationRecord.objects.create(
        created_at=now,
        action=action,
        reason=reason,
        member_id=member.pk,
        member_name=member.display_name,
        before=before,
        after=_member_state(member),
        **_actor_fields(actor),
    )


def member_suspend(
    member, *, actor, reason: str, until: datetime | None = None, now: datetime | None = None
) -> ModerationRecord:
    """Suspend `member` (until `until`, or until restored), with a reason they will read.

    From their next request on they are signed out everywhere and cannot sign in or write.
    Their profile and what they wrote stay. Moderators suspend members, not other staff;
    only a superuser suspends staff, and nobody themselves.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ModerationRefused("Give a reason: the member will read it.")
    if until is not None and until <= now:
        raise ModerationRefused("The end of a suspension must be in the future.")
    if actor is not None and member.pk == actor.pk:
        raise ModerationRefused("You cannot suspend yourself.")
    with transaction.atomic():
        member = get_user_model().objects.select_for_update().get(pk=member.pk)
        if member.is_staff and not (actor is None or actor.is_superuser):
            raise ModerationRefused(f"Only a superuser can suspend {member.display_name}.")
        before = _member_state(member)
        member.suspended_at, member.suspended_until = now, until
        member.suspension_reason = reason
        member.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        return _record_member(
            member, before, action=ModerationAction.SUSPEND, actor=actor, reason=reason, now=now
        )


def member_restore(
    member, *, actor, reason: str = "", now: datetime | None = None
) -> ModerationRecord | None:
    """Lift `member`'s suspension now; None when there was none to lift."""
    now = now or timezone.now()
    with transaction.atomic():
        member = get_user_model().objects.select_for_update().get(pk=member.pk)
        if member.suspended_at is None:
            return None
        before = _member_state(member)
        member.suspended_at = member.suspended_until = None
        member.suspension_reason = ""
        member.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
        return _record_member(
            member, before, action=ModerationAction.RESTORE, actor=actor, reason=reason.strip(),
            now=now,
        )  # fmt: skip


# Pre-moderation ----------------------------------------------------------------------------


def premoderation_holds(author) -> bool:
    """Whether a new post by `author` waits for a moderator: until N of their posts have been
    published (N from ModerationSettings; 0 turns it off). Staff are never held.

    At most two small queries: the settings row, and the author's first N published posts
    (the (author, created_at) index).
    """
    if author.is_staff:
        return False
    needed = ModerationSettings.current().premoderated_posts
    if not needed:
        return False
    published = Post.objects.filter(author=author, status=PostStatus.PUBLISHED)
    return published.values("id")[:needed].count() < needed
