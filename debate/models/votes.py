"""Members' sympathy votes and the append-only history of how they moved."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from .articles import Article, Position


class Stance(models.TextChoices):
    POSITION = "position", "One position"
    BOTH = "both", "Both equally"


class SympathyVoteQuerySet(models.QuerySet):
    def tally(self, article):
        """Counts per position id (None for "both equally"), in one query."""
        rows = self.filter(article=article).values("position_id").annotate(n=Count("id")).order_by()
        return {row["position_id"]: row["n"] for row in rows}

    def of_member(self, member, article):
        """The member's vote on the article, as a queryset of at most one row."""
        return self.filter(member=member, article=article)


class SympathyVote(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sympathy_votes"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    position = models.ForeignKey(
        Position, on_delete=models.RESTRICT, null=True, blank=True, related_name="votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SympathyVoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "article"], name="one_vote_per_member"),
            models.CheckConstraint(
                condition=(Q(stance=Stance.POSITION, position__isnull=False))
                | (Q(stance=Stance.BOTH, position__isnull=True)),
                name="vote_stance_matches_position",
            ),
        ]
        indexes = [models.Index(fields=["article", "position"], name="vote_tally_idx")]

    def __str__(self) -> str:
        return f"{self.member} on {self.article}: {self.position or 'both equally'}"


class VoteChangeQuerySet(models.QuerySet):
    def daily_moves(self, article):
        """How many votes moved from which option to which, per day, oldest day first.

        One GROUP BY query whose size depends on the number of days and options, not on the
        number of votes; replaying it (debate.sympathy.History) gives each day's tally.
        """
        return (
            self.filter(article=article)
            .annotate(day=TruncDate("created_at"))
            .values("day", "from_stance", "from_position_id", "to_stance", "to_position_id")
            .annotate(n=Count("id"))
            .order_by("day")
        )


class VoteChange(models.Model):
    """Append-only history of every vote, change and withdrawal ("" stance means no vote)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="vote_changes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    from_position = models.ForeignKey(
        Position, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    to_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    to_position = models.ForeignKey(
        Position, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoteChangeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_stance=Stance.POSITION, from_position__isnull=False)
                | Q(~Q(from_stance=Stance.POSITION), from_position__isnull=True),
                name="vote_change_from_matches_position",
            ),
            models.CheckConstraint(
                condition=Q(to_stance=Stance.POSITION, to_position__isnull=False)
                | Q(~Q(to_stance=Stance.POSITION), to_position__isnull=True),
                name="vote_change_to_matches_position",
            ),
        ]
        indexes = [models.Index(fields=["article", "created_at"], name="vote_change_history_idx")]

    def __str__(self) -> str:
        return f"{self.from_stance or 'none'} → {self.to_stance or 'none'} on {self.article_id}"
