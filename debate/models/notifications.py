"""What a member hears about: a reply to what they wrote, members finding their rebuttal
convincing or crediting it with changing their mind (counts, never who), and what moderation
did to one of their items.

Rows are written by the services in debate/notifications.py. A notification about an item
stays in the database while the item is hidden, removed or deleted, but no list, count or
digest shows it (`visible()`): it comes back if a moderator publishes the item again. A
moderation outcome is the exception: its author sees it whatever the item's status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .discussion import Post, PostStatus


class NotificationKind(models.TextChoices):
    REPLY = "reply", "Reply"
    ENDORSEMENT = "endorsement", "Found convincing"
    CREDIT = "credit", "Changed a mind"
    MODERATION = "moderation", "Moderation"


# Kinds that collapse into one row per item while that row is unread: "3 members ...".
AGGREGATED_KINDS = (NotificationKind.ENDORSEMENT, NotificationKind.CREDIT)


def visible_condition(prefix: str = "") -> Q:
    """Which notifications show: those about a published item, and every moderation outcome."""
    return Q(**{f"{prefix}kind": NotificationKind.MODERATION}) | Q(
        **{f"{prefix}post__status": PostStatus.PUBLISHED}
    )


# What the list and the digest read of a notification and its item.
LIST_FIELDS = (
    "id", "kind", "count", "created_at", "updated_at", "read_at", "action", "reason",
    "post__id", "post__kind", "post__status", "post__parent_id", "post__author_id",
    "post__article__title", "post__parent__kind", "post__author__display_name",
)  # fmt: skip


class NotificationQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(visible_condition())

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self, recipient):
        """A member's notifications as the list draws them, newest first, in one query."""
        return (
            self.filter(recipient=recipient)
            .visible()
            .select_related("post", "post__article", "post__parent", "post__author")
            .only(*LIST_FIELDS)
            .order_by("-updated_at", "-id")
        )


class Notification(models.Model):
    """One thing a member has been told, about one of their items (or a reply to one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    # The item to go to: the reply itself for a reply, the member's own item otherwise.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    # How many members, for the aggregated kinds (1 for the others).
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    # When it last changed (another member joined the count): the list's order.
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Moderation: what was done and why, as the record said at the time (never by whom).
    action = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="notification_count_positive"),
            # One notification per reply, however often it is hidden and shown again.
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(kind=NotificationKind.REPLY),
                name="notification_one_per_reply",
            ),
            # While unread, endorsements (credits) of an item add up in one row.
            models.UniqueConstraint(
                fields=["recipient", "post", "kind"],
                condition=Q(kind__in=AGGREGATED_KINDS, read_at__isnull=True),
                name="notification_one_unread_count",
            ),
        ]
        indexes = [
            # A member's list, newest first; and their unread ones for the digest.
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notification_list_idx"),
            models.Index(
                fields=["recipient", "updated_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.post_id} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
