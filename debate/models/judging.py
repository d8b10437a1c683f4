"""Judging arguments: "Convincing" endorsements, the counters by camp the orders read, and the
changed-mind credits that tie a rebuttal to the moment a member switched sides.

A member's camp is their current sympathy vote on the article: a position, "both equally", or
none. Each endorsement keeps a snapshot of its endorser's camp, which the vote services move
along with the vote (debate.judging.camp_move), so the counters can be moved without reading
votes, and `recount` can check both against the votes themselves.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from .articles import Article, Position
from .discussion import Post
from .votes import Stance, VoteChange

# How long after a switch its member may say which rebuttal did it.
CREDIT_WINDOW = timedelta(hours=24)
REASON_MAX_LENGTH = 280


class Endorsement(models.Model):
    """A member found a published rebuttal or reply convincing; one per member and item."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="endorsements")
    # The post's article, so a vote change finds the member's endorsements there in one scan.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    # The endorser's camp now: kept in step with their vote by the vote services.
    camp_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    camp_position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Whether the endorser counted towards the camps when they endorsed: a verified email and
    # an account older than a day, decided then and kept (withdraw and endorse again to renew).
    eligible = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "post"], name="one_endorsement_per_member"),
            models.CheckConstraint(
                condition=Q(camp_stance=Stance.POSITION, camp_position__isnull=False)
                | Q(~Q(camp_stance=Stance.POSITION), camp_position__isnull=True),
                name="endorsement_camp_matches_position",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "article"], name="endorsement_member_article_idx"),
            models.Index(fields=["post"], name="endorsement_post_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} finds #{self.post_id} convincing"


class EndorsementTally(models.Model):
    """Eligible endorsements of one post from one camp: a position, or "both equally" (no
    position). Members without a vote have no row: they count in the post's total only."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="camp_tallies")
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    endorsements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "position"],
                condition=Q(position__isnull=False),
                name="endorsement_tally_per_camp",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(position__isnull=True),
                name="endorsement_tally_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorsements} from {self.position_id or 'both'} on #{self.post_id}"


class SwitchState(models.TextChoices):
    OPEN = "open", "Open"
    CREDITED = "credited", "Credited"
    SKIPPED = "skipped", "Skipped"


class Switch(models.Model):
    """A vote change from one choice to a different one: a mind changed.

    Withdrawing and voting again later is not a switch. `first_on_article` marks the member's
    first switch there, so the article's count of members who changed sides is a count of
    these rows (and survives the member's account, as the vote history does).
    """

    vote_change = models.OneToOneField(VoteChange, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="switches")
    # Every change of side writes a row: no index the reads do without. The member's switches
    # are found through `switch_member_idx`, which starts with the member; only a position's
    # deletion (rare, by staff) looks for switches by position.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    from_position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    to_position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    first_on_article = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=SwitchState.choices, default=SwitchState.OPEN)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SwitchState.values), name="switch_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "article", "-created_at"], name="switch_member_idx"),
        ]

    def __str__(self) -> str:
        return f"Switch by {self.member} on {self.article_id} ({self.state})"

    def open_until(self):
        return self.created_at + CREDIT_WINDOW


class Credit(models.Model):
    """ "This changed my mind": a switch credited to the rebuttal that did it."""

    switch = models.OneToOneField(Switch, on_delete=models.CASCADE, related_name="credit")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="credits")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # For the rebuttal's author and moderators only; sanitized on save like every text.
    reason_md = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    reason_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # However often they switch, a member credits a rebuttal once.
            models.UniqueConstraint(fields=["member", "post"], name="one_credit_per_member"),
        ]
        indexes = [models.Index(fields=["post", "-created_at"], name="credit_post_idx")]

    def __str__(self) -> str:
        return f"#{self.post_id} changed {self.member}'s mind"


class ArticleJudging(models.Model):
    """The article's count of members who changed sides there (one row per article)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="judging")
    members_switched = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.members_switched} changed sides on {self.article_id}"
