"""What moderation keeps: the record of every moderation action, and the site's moderation
settings (pre-moderation).

The record is append-only and stands on its own: it names the moderator, the member and the
item by id and by name as plain values, not foreign keys, so deleting any of them deletes
nothing here and changes nothing it says.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .discussion import Post

SYSTEM_ACTOR = "the system"


class ModerationAction(models.TextChoices):
    PUBLISH = "publish", "Published"
    HIDE = "hide", "Hidden"
    REMOVE = "remove", "Removed"
    # Members' reports hid the item until a moderator looks at it (by the system).
    HOLD = "hold", "Hidden pending review"
    # The reports were resolved and nothing done to the item (an item they had hidden
    # pending review is shown again).
    DISMISS = "dismiss", "Reports dismissed"
    SUSPEND = "suspend", "Member suspended"
    RESTORE = "restore", "Member restored"


class AppendOnly(TypeError):
    """The moderation record is never changed or deleted once written."""


class ModerationRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The moderation record is append-only.")

    def delete(self):
        raise AppendOnly("The moderation record is append-only.")

    def of_post(self, post_id: int):
        return self.filter(post_id=post_id).order_by("-created_at", "-id")


class ModerationRecord(models.Model):
    """One moderation action: who did what to which item or member, when, why, and the state
    before and after (`before`/`after`: status and text of a post, or a member's suspension)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    # The moderator, or nobody for the system ("the system" as the name).
    actor_id = models.BigIntegerField("moderator's id", null=True, blank=True)
    actor_name = models.CharField("by", max_length=60)
    reason = models.TextField(blank=True)
    # The item acted on (a post), if any, and where it was.
    post_id = models.BigIntegerField(null=True, blank=True)
    post_kind = models.CharField(max_length=10, blank=True)
    article_id = models.BigIntegerField(null=True, blank=True)
    article_title = models.CharField(max_length=300, blank=True)
    # The member concerned: the item's author, or the member suspended or restored.
    member_id = models.BigIntegerField(null=True, blank=True)
    member_name = models.CharField(max_length=60, blank=True)
    reports_resolved = models.PositiveIntegerField(default=0)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = ModerationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "moderation record"
        verbose_name_plural = "moderation records"
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values), name="moderation_action_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["post_id", "-created_at"], name="moderation_post_idx"),
            models.Index(fields=["member_id", "-created_at"], name="moderation_member_idx"),
            models.Index(fields=["actor_id", "-created_at"], name="moderation_actor_idx"),
        ]

    def __str__(self) -> str:
        subject = f"#{self.post_id}" if self.post_id else self.member_name
        return f"{self.get_action_display()}: {subject} by {self.actor_name}"

    def save(self, *args, **kwargs):
        # Written once; a record that could be edited would be no record.
        if not self._state.adding:
            raise AppendOnly("The moderation record is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The moderation record is append-only.")


class ModerationSettings(models.Model):
    """The site's moderation settings: one row, edited in the admin."""

    premoderated_posts = models.PositiveSmallIntegerField(
        "posts held for new members",
        default=0,
        help_text=(
            "A member's posts wait for a moderator until this many of them have been "
            "published; 0 turns pre-moderation off. Staff are never held."
        ),
    )

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="moderation_settings_one")]

    def __str__(self) -> str:
        return "Moderation settings"

    def clean(self):
        if self.pk not in (None, 1):
            raise ValidationError("There is one set of moderation settings.")

    @classmethod
    def current(cls) -> "ModerationSettings":
        """The settings row (defaults until a moderator saves it): one indexed read."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ReportedPost(Post):
    """A post as the report queue sees it: one row per reported item, its reports beside it."""

    class Meta:
        proxy = True
        verbose_name = "item in the report queue"
        verbose_name_plural = "items in the report queue"
