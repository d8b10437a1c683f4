"""Writes about members that span models, each in one transaction."""

from django.db import transaction

from debate.discussion import reports_withdraw
from debate.discussion_versions import member_posts_changed
from debate.judging import endorsements_remove_all
from debate.models import SympathyVote, VoteChange
from debate.vote_counters import NO_VOTE, counters_move

from .models import User


@transaction.atomic
def member_settings_save(form) -> User:
    """Save the member's settings form; a new display name shows on every post they wrote."""
    renamed = "display_name" in form.changed_data
    member = form.save()
    if renamed:
        member_posts_changed(member)
    return member


@transaction.atomic
def member_delete(member: User) -> None:
    """Delete a member and what is personal to them; keep the shape of the discussions.

    Their sympathy votes go, and each leaves a withdrawal in the (anonymous) vote history and
    moves the vote counters, so the history and the counters still add up to the tally. Their
    reports and endorsements are withdrawn (the posts' counters follow). Their rebuttals,
    replies and comments stay, with no author: pages show them as by "[deleted member]".
    """
    # Lock the member first. A vote being cast now needs this row (its foreign-key check at
    # commit), so it either committed before the lock, and is read below and withdrawn, or
    # it waits and then fails: it can no longer slip in between this read and the delete,
    # vanishing with the member and leaving the history one vote ahead of the tally.
    User.objects.select_for_update().filter(pk=member.pk).exists()
    votes = SympathyVote.objects.select_for_update().filter(member=member).order_by("article_id")
    withdrawals = VoteChange.objects.bulk_create(
        VoteChange(
            article_id=vote.article_id,
            member=None,
            from_stance=vote.stance,
            from_position_id=vote.position_id,
            to_stance="",
            to_position=None,
        )
        for vote in votes
    )
    # The same counter moves as vote_withdraw's, one article at a time.
    for change in withdrawals:
        counters_move(
            change.article_id,
            left=change.from_position_id,
            joined=NO_VOTE,
            when=change.created_at,
        )
    reports_withdraw(member)
    endorsements_remove_all(member)
    member_posts_changed(member)  # their posts now show "[deleted member]"
    member.delete()
