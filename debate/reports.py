"""Reports: a member reports someone else's post; enough reports from members whose word
counts hide it pending review, and dismissing or withdrawing them shows it again. The status
changes go through debate.discussion.post_status_change, which keeps the counters right."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from . import moderation
from .discussion import DiscussionError, NotAllowed, _setting, post_status_change
from .models import Post, PostKind, PostStatus, Report, ReportReason, ReportState, SympathyVote


def _qualifying_reporters(post: Post, now: datetime) -> list[int]:
    """Open reporters whose word counts towards hiding: a verified email, a day's membership."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user_id=OuterRef("reporter_id"), verified=True)
    age = timedelta(seconds=_setting("REPORTER_MIN_AGE_SECONDS", 86_400))
    return list(
        Report.objects.filter(
            post_id=post.pk, state=ReportState.OPEN, reporter__date_joined__lte=now - age
        )
        .filter(Exists(verified))
        .values_list("reporter_id", flat=True)
    )


def _should_hold(post: Post, now: datetime) -> bool:
    reporters = _qualifying_reporters(post, now)
    if len(reporters) < _setting("REPORTS_TO_HIDE", 3):
        return False
    if post.kind != PostKind.REBUTTAL:
        return True
    # One camp must not silence the other's arguments: at least one reporter is not in the
    # camp of the side the rebuttal rebuts (their current vote is elsewhere, or none).
    in_camp = set(
        SympathyVote.objects.filter(
            article_id=post.article_id, position_id=post.position_id, member_id__in=reporters
        ).values_list("member_id", flat=True)
    )
    return any(reporter not in in_camp for reporter in reporters)


def report_file(
    post: Post, *, reporter, reason: ReportReason, note: str = "", now: datetime | None = None
) -> Report:
    """A member reports someone else's post; enough reports hide it pending review."""
    now = now or timezone.now()
    moderation.member_write_check(reporter, now=now)
    if post.author_id == reporter.pk:
        raise NotAllowed("You cannot report what you wrote yourself.")
    with transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.status not in {PostStatus.PUBLISHED, PostStatus.HELD}:
            raise DiscussionError("That post is no longer shown, so there is nothing to report.")
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    post=current, reporter=reporter, reason=reason, note=note, created_at=now
                )
        except IntegrityError:
            raise DiscussionError(
                "You have already reported this. Moderators will look at it."
            ) from None
        Post.objects.filter(pk=post.pk).update(report_count=F("report_count") + 1)
        if current.status == PostStatus.PUBLISHED and _should_hold(current, now):
            post_status_change(
                current, PostStatus.HELD, now=now,
                reason="Members reported it; a moderator will review it.",
            )  # fmt: skip
    return report


def reports_dismiss(
    post: Post, *, actor=None, reason: str = "Reports dismissed.", now: datetime | None = None
) -> int:
    """Resolve a post's open reports; a post they had hidden pending review is shown again."""
    return moderation.reports_resolve(post, actor=actor, reason=reason, now=now)


def reports_withdraw(member, *, now: datetime | None = None) -> int:
    """Withdraw every report by `member` (their account is going); counters follow, and a post
    their report had hidden pending review is shown again once the rest no longer suffice."""
    now = now or timezone.now()
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update()
            .filter(reporter=member)
            .values_list("pk", "post_id", "state")
        )
        if not reports:
            return 0
        Report.objects.filter(pk__in=[pk for pk, _, _ in reports]).delete()
        open_posts = [post_id for _, post_id, state in reports if state == ReportState.OPEN]
        Post.objects.filter(pk__in=open_posts).update(report_count=F("report_count") - 1)
        held = Post.objects.filter(pk__in=open_posts, status=PostStatus.HELD)
        for post in held.only("id", "kind", "article_id", "position_id", "status"):
            if not _should_hold(post, now):
                post_status_change(
                    post, PostStatus.PUBLISHED, now=now,
                    reason="The reports that hid it were withdrawn.",
                )  # fmt: skip
    return len(reports)
