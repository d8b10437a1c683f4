"""What members write about an article: rebuttals of a side."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .articles import Position, RenderedMarkdown


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending review"
    HIDDEN = "hidden", "Hidden"
    REMOVED = "removed", "Removed"


class RebuttalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ModerationStatus.PUBLISHED)


class Rebuttal(RenderedMarkdown):
    """A member's argument against one position."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rebuttals",
    )
    position = models.ForeignKey(Position, on_delete=models.RESTRICT, related_name="rebuttals")
    status = models.CharField(
        max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = RebuttalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ModerationStatus.values), name="rebuttal_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["position", "status", "created_at"], name="rebuttal_list_idx"),
            models.Index(fields=["author", "status", "created_at"], name="rebuttal_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Rebuttal of {self.position} by {self.author or '[deleted member]'}"
