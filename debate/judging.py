"""Judging arguments: endorsing ("Convincing"), the camps' counters, switches and credits.

Every write is one small function inside one transaction that keeps the counters right with
`F()`: each post's `endorsement_count` and `bridging`, its `EndorsementTally` rows per camp,
its `minds_changed`, and the article's `ArticleJudging.members_switched`. `recount` rebuilds
them (debate.judging_counters).

The vote services call `camp_move` when a member's vote moves, so the member's endorsements
on that article follow it from one camp's counter to the other's: a handful of statements
whatever their number, and none for a member who has endorsed nothing there (on PostgreSQL
the vote's own statement tells; elsewhere one indexed read does).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from . import moderation, notifications
from .discussion_versions import discussion_changed
from .markdown import render_markdown
from .models import (
    ArticleJudging,
    Credit,
    Endorsement,
    EndorsementTally,
    Post,
    PostKind,
    PostStatus,
    Stance,
    Switch,
    SwitchState,
    SympathyVote,
    VoteChange,
)
from .models.judging import CREDIT_WINDOW, REASON_MAX_LENGTH
from .vote_counters import NO_VOTE, CampState, is_switch, key_of

ENDORSABLE = (PostKind.REBUTTAL, PostKind.REPLY)
ELIGIBLE_AGE = timedelta(days=1)


class JudgingError(Exception):
    """A write refused for a reason the member should read (the views answer 4xx with it)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Camps and the bridging score --------------------------------------------------------------


def camp_fields(key) -> dict:
    """An Endorsement's camp snapshot for a camp key (a position id, None: both, NO_VOTE)."""
    if key is NO_VOTE:
        return {"camp_stance": "", "camp_position_id": None}
    if key is None:
        return {"camp_stance": Stance.BOTH, "camp_position_id": None}
    return {"camp_stance": Stance.POSITION, "camp_position_id": key}


def member_eligible(member, now: datetime) -> bool:
    """Whether `member` counts towards the camps: a verified email, a day's membership."""
    from allauth.account.models import EmailAddress

    if now - member.date_joined < ELIGIBLE_AGE:
        return False
    return EmailAddress.objects.filter(user_id=member.pk, verified=True).exists()


def _tallies_move(post_ids: list[int], key, delta: int) -> None:
    """Add `delta` to camp `key`'s counter of each post (creating rows that are missing)."""
    if key is NO_VOTE or not post_ids:
        return
    if delta > 0:
        # Race-safe behind the unique constraints: whoever inserts second inserts nothing.
        EndorsementTally.objects.bulk_create(
            [EndorsementTally(post_id=pk, position_id=key) for pk in post_ids],
            ignore_conflicts=True,
        )
    rows = EndorsementTally.objects.filter(post_id__in=post_ids)
    rows = rows.filter(position__isnull=True) if key is None else rows.filter(position_id=key)
    rows.update(endorsements=F("endorsements") + delta)


# Twice the smallest, over the article's positions, of that camp's endorsements, plus the
# "both equally" camp's (min(a + b/2) = (min(2a) + b) / 2): in halves, so it stays an integer.
_BRIDGING_SQL = """
    UPDATE debate_post SET bridging = COALESCE((
        SELECT MIN(2 * COALESCE(t.endorsements, 0)) FROM debate_position s
        LEFT JOIN debate_endorsementtally t
            ON t.position_id = s.id AND t.post_id = debate_post.id
        WHERE s.article_id = debate_post.article_id
    ), 0) + COALESCE((
        SELECT t.endorsements FROM debate_endorsementtally t
        WHERE t.post_id = debate_post.id AND t.position_id IS NULL
    ), 0)
    WHERE id IN ({ids})
"""


def bridging_refresh(post_ids: list[int]) -> None:
    """Recompute the stored bridging score of these posts from their camp counters."""
    if not post_ids:
        return
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(post_ids))
        cursor.execute(_BRIDGING_SQL.format(ids=placeholders), list(post_ids))


def bridging_of(tallies: dict, position_ids, both: int = 0) -> int:
    """The bridging score in halves from counts per position id (what recount compares)."""
    if not position_ids:
        return both
    return min(2 * tallies.get(pk, 0) for pk in position_ids) + both


# Endorsing ---------------------------------------------------------------------------------


def _endorsable(post_pk: int, member) -> Post:
    post = Post.objects.only("id", "kind", "status", "author_id", "article_id").get(pk=post_pk)
    if post.kind not in ENDORSABLE:
        raise JudgingError("Only rebuttals and replies can be endorsed.")
    if post.author_id == member.pk:
        raise JudgingError("You cannot endorse what you wrote yourself.")
    if post.status != PostStatus.PUBLISHED:
        raise JudgingError("That item is no longer shown, so it cannot be endorsed.")
    return post


def endorsement_add(*, member, post: Post, now: datetime | None = None) -> bool:
    """`member` finds `post` convincing; False when they already did (nothing written)."""
    now = now or timezone.now()
    moderation.member_write_check(member, now=now)
    eligible = member_eligible(member, now)
    with transaction.atomic():
        current = _endorsable(post.pk, member)
        # Locking the member's vote waits out a change of it, so the snapshot is their camp.
        their_vote = SympathyVote.objects.filter(member=member, article_id=current.article_id)
        vote = their_vote.select_for_update().values_list("stance", "position_id").first()
        if vote is not None:
            # A new version of the vote's row, the same values: a vote written on top of the
            # version it read (`SeenVote`) then sees that its camp has an endorsement to move.
            their_vote.update(stance=F("stance"))
        key = key_of(*vote) if vote else NO_VOTE
        try:
            with transaction.atomic():  # a savepoint: losing the race keeps ours usable
                Endorsement.objects.create(
                    member=member,
                    post_id=current.pk,
                    article_id=current.article_id,
                    eligible=eligible,
                    created_at=now,
                    **camp_fields(key),
                )
        except IntegrityError:
            return False
        Post.objects.filter(pk=current.pk).update(endorsement_count=F("endorsement_count") + 1)
        if eligible:
            _tallies_move([current.pk], key, +1)
            bridging_refresh([current.pk])
        notifications.notification_endorsement(current)
        discussion_changed([current.article_id])
    return True


def endorsement_withdraw(*, member, post: Post) -> bool:
    """`member` takes back their endorsement of `post`; False when there was none."""
    with transaction.atomic():
        endorsement = (
            Endorsement.objects.select_for_update().filter(member=member, post_id=post.pk).first()
        )
        if endorsement is None:
            return False
        endorsement.delete()
        Post.objects.filter(pk=post.pk).update(endorsement_count=F("endorsement_count") - 1)
        if endorsement.eligible:
            key = key_of(endorsement.camp_stance, endorsement.camp_position_id)
            _tallies_move([post.pk], key, -1)
            bridging_refresh([post.pk])
        discussion_changed([endorsement.article_id])
    return True


def endorsement_toggle(*, member, post: Post, endorse: bool) -> bool:
    """Endorse or withdraw as the button said (so a double submit does not undo itself);
    whether the member endorses `post` afterwards."""
    if endorse:
        endorsement_add(member=member, post=post)
    else:
        endorsement_withdraw(member=member, post=post)
    return endorse


def endorsements_remove_all(member) -> int:
    """Withdraw every endorsement of `member` (their account is going), counters following:
    one statement per camp they were in, whatever the number of endorsements."""
    with transaction.atomic():
        rows = list(
            Endorsement.objects.select_for_update()
            .filter(member=member)
            .values_list(
                "pk", "post_id", "camp_stance", "camp_position_id", "eligible", "article_id"
            )
        )
        if not rows:
            return 0
        Endorsement.objects.filter(pk__in=[row[0] for row in rows]).delete()
        post_ids = [row[1] for row in rows]
        Post.objects.filter(pk__in=post_ids).update(endorsement_count=F("endorsement_count") - 1)
        by_camp: dict = {}
        for _, post_id, stance, position_id, eligible, _article_id in rows:
            if eligible:
                by_camp.setdefault(key_of(stance, position_id), []).append(post_id)
        for key, ids in by_camp.items():
            _tallies_move(ids, key, -1)
        bridging_refresh(post_ids)
        discussion_changed(row[5] for row in rows)
    return len(rows)


# Votes: camps move, switches are recorded ---------------------------------------------------


def camp_move(*, member, article, change: VoteChange, known: CampState | None = None) -> None:
    """The member's vote on `article` moved as `change` says (inside the vote's transaction):
    their endorsements there follow it to the new camp, and a change from one choice to
    another is recorded as a switch, which the member may credit to a rebuttal.

    `known`: what the vote's own statement read of the member's endorsements there, after its
    lock (`vote_counters.vote_move`, which also recorded any switch); None: read and record
    them here."""
    left = key_of(change.from_stance, change.from_position_id)
    joined = key_of(change.to_stance, change.to_position_id)
    if known is None or known.endorsed:
        _endorsements_move(member, article, left, joined)
    if known is None and is_switch(left, joined):
        _switch_record(member, article, change, left, joined)


def _endorsements_move(member, article, left, joined) -> None:
    rows = list(
        Endorsement.objects.filter(member=member, article=article).values_list(
            "post_id", "eligible"
        )
    )
    if rows:
        Endorsement.objects.filter(member=member, article=article).update(**camp_fields(joined))
        eligible = [post_id for post_id, counts in rows if counts]
        if eligible:
            _tallies_move(eligible, left, -1)
            _tallies_move(eligible, joined, +1)
            bridging_refresh(eligible)
            # The bridging order of the article's page may change with it.
            discussion_changed([article.pk])


def _switch_record(member, article, change, left, joined) -> None:
    """Record the switch step by step; on PostgreSQL the vote's own statement does it
    (`vote_counters.vote_move`), the same way."""
    latest = (
        Switch.objects.filter(member=member, article=article)
        .order_by("-created_at", "-id")
        .values_list("pk", "state")
        .first()
    )
    # A newer switch supersedes an open one: the prompt asks about the latest move only.
    # Unless it was credited or skipped since it was read: the answer stands.
    if latest is not None and latest[1] == SwitchState.OPEN:
        Switch.objects.filter(pk=latest[0], state=SwitchState.OPEN).update(
            state=SwitchState.SKIPPED
        )
    first = latest is None
    Switch.objects.create(
        vote_change=change,
        article=article,
        member=member,
        from_position_id=left,
        to_position_id=joined,
        first_on_article=first,
        created_at=change.created_at,
    )
    if first:
        counter = ArticleJudging.objects.filter(article=article)
        if not counter.update(members_switched=F("members_switched") + 1):
            try:
                with transaction.atomic():
                    ArticleJudging.objects.create(article=article, members_switched=1)
            except IntegrityError:
                counter.update(members_switched=F("members_switched") + 1)


def switch_open(member, article, now: datetime | None = None) -> Switch | None:
    """The member's latest switch on `article` they may still credit or skip, if any."""
    if member is None or not member.is_authenticated:
        return None
    now = now or timezone.now()
    return (
        Switch.objects.filter(
            member=member,
            article=article,
            state=SwitchState.OPEN,
            created_at__gt=now - CREDIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )


def sides_left(switch: Switch, position_ids) -> list[int]:
    """The sides the member moved away from: the one they left, or, from "both equally",
    every side but the one they joined."""
    if switch.from_position_id is not None:
        return [switch.from_position_id]
    return [pk for pk in position_ids if pk != switch.to_position_id]


def _switch_locked(member, switch_pk: int, now: datetime) -> Switch:
    switch = Switch.objects.select_for_update().filter(pk=switch_pk, member=member).first()
    if switch is None:
        raise JudgingError("There is no change of side of yours to credit.")
    if switch.state != SwitchState.OPEN:
        raise JudgingError("You have already answered for this change of side.")
    if now > switch.open_until():
        raise JudgingError("A change of side can be credited for 24 hours; this one is older.")
    return switch


def credit_give(
    *, member, switch: Switch, post: Post, reason: str = "", now: datetime | None = None
) -> Credit:
    """ "This changed my mind": credit the member's open switch to a published rebuttal."""
    now = now or timezone.now()
    moderation.member_write_check(member, now=now)
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise JudgingError(f"Keep the reason to {REASON_MAX_LENGTH} characters.")
    with transaction.atomic():
        current = _switch_locked(member, switch.pk, now)
        target = Post.objects.only("id", "kind", "status", "author_id", "article_id").get(
            pk=post.pk
        )
        if target.kind != PostKind.REBUTTAL or target.article_id != current.article_id:
            raise JudgingError("Credit a rebuttal of this article.")
        if target.status != PostStatus.PUBLISHED:
            raise JudgingError("That rebuttal is no longer shown.")
        if target.author_id == member.pk:
            raise JudgingError("You cannot credit what you wrote yourself.")
        try:
            with transaction.atomic():
                credit = Credit.objects.create(
                    switch=current,
                    post=target,
                    member=member,
                    reason_md=reason,
                    reason_html=render_markdown(reason) if reason else "",
                    created_at=now,
                )
        except IntegrityError:
            raise JudgingError("You have already credited this rebuttal.") from None
        Switch.objects.filter(pk=current.pk).update(state=SwitchState.CREDITED)
        Post.objects.filter(pk=target.pk).update(minds_changed=F("minds_changed") + 1)
        notifications.notification_credit(target)
        discussion_changed([target.article_id])
    return credit


def switch_skip(*, member, switch: Switch, now: datetime | None = None) -> None:
    """The member would rather not say what changed their mind."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _switch_locked(member, switch.pk, now)
        Switch.objects.filter(pk=current.pk).update(state=SwitchState.SKIPPED)


def minds_changed_subquery():
    """`minds_changed_by` as a subquery on members (`OuterRef("pk")`), for a profile's one
    query of its member."""
    rows = (
        Post.objects.filter(author_id=OuterRef("pk"), minds_changed__gt=0)
        .order_by()
        .values("author_id")
        .annotate(total=Sum("minds_changed"))
        .values("total")
    )
    return Subquery(rows)


def minds_changed_by(member) -> int:
    """How many minds `member`'s rebuttals changed: a sum over their own posts' counters."""
    rows = Post.objects.filter(author=member, minds_changed__gt=0).values_list(
        "minds_changed", flat=True
    )
    return sum(rows)
