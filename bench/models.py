"""Tables of the baselines only: the site's own tables are never written by a baseline."""

from django.conf import settings
from django.db import models


class BaselineRow(models.Model):
    """A row of short pre-rendered HTML, as baseline (b) lists 50 of them."""

    html = models.TextField()

    def __str__(self) -> str:
        return self.html


class BaselineVote(models.Model):
    """Baseline (c)'s vote: one row per (member, article), upserted."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article_id = models.BigIntegerField()
    choice = models.CharField(max_length=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "article_id"], name="baseline_one_vote")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.article_id}: {self.choice}"
