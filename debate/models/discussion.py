"""What members write about an article: rebuttals of a side, replies in threads, comments on
the article, the reports other members file about them, and the counters the pages read.

One model, `Post`, holds all three kinds, so that profiles, the admin, reports, counters,
permalinks and account deletion treat them alike. A thread is a rebuttal or a comment (its
`root`) and every reply under it; `depth` says how far a reply is indented (1 to 3).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from .articles import Article, Position, RenderedMarkdown

MAX_REPLY_DEPTH = 3
# Replies on one page of a thread: a longer thread continues on the next.
THREAD_PAGE = 50
EDIT_WINDOW = timedelta(minutes=15)


class PostKind(models.TextChoices):
    REBUTTAL = "rebuttal", "Rebuttal"
    REPLY = "reply", "Reply"
    COMMENT = "comment", "Comment"


class PostStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    # Waiting for a moderator before anyone else sees it (pre-moderation).
    PENDING = "pending", "Pending review"
    # Hidden automatically by members' reports until a moderator looks at it.
    HELD = "held", "Hidden pending review"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by the author"


# Kept for the code that still names the statuses by their old name.
ModerationStatus = PostStatus

# What a thread shows in place of an item that is not published.
PLACEHOLDERS = {
    PostStatus.PENDING: "waiting for a moderator",
    PostStatus.HELD: "hidden pending review",
    PostStatus.HIDDEN: "hidden by a moderator",
    PostStatus.REMOVED: "removed by a moderator",
    PostStatus.DELETED: "[deleted]",
}


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PostStatus.PUBLISHED)

    def top_level(self):
        return self.filter(kind__in=[PostKind.REBUTTAL, PostKind.COMMENT])

    def listed_for(self, viewer):
        """What a list of threads shows: published items, the placeholders of items that
        still have published replies under them, and the viewer's own items whatever their
        state (a member sees what they wrote at once)."""
        shown = Q(status=PostStatus.PUBLISHED) | Q(reply_count__gt=0) | Q(thread_reply_count__gt=0)
        if viewer is not None and viewer.is_authenticated:
            shown |= Q(author_id=viewer.pk)
        return self.filter(shown)

    def for_display(self):
        """Only the columns an item's rendering prints, and its author's name."""
        return self.only(*DISPLAY_FIELDS).annotate(author_name=F("author__display_name"))

    # The article page's two reads are written out in SQL: composing them with the ORM cost
    # more than running them (about 5 ms a page), and Django refuses LIMIT inside a UNION on
    # SQLite, which accepts it once each part is a subquery. Both return Posts with
    # `author_name` and `reported` (by the viewer) set, and only DISPLAY_FIELDS loaded.

    def first_pages(self, article, positions, viewer, per_page: int, order: str = "new"):
        """The first `per_page + 1` listed rebuttals of each side, in `order` (a key of
        SIDE_ORDERS), and the newest comments of the article, in one query: a UNION ALL of
        one short index scan per list (the extra row says whether there is more)."""
        select, listed, params = _display_sql(viewer)
        parts, all_params = [], []
        lists = [("p.position_id = %s", [position.pk], order) for position in positions]
        lists.append(("p.article_id = %s AND p.kind = %s", [article.pk, PostKind.COMMENT], "new"))
        for n, (where, where_params, list_order) in enumerate(lists):
            by = ", ".join(f"p.{column} DESC" for column in SIDE_ORDERS[list_order])
            parts.append(
                f"SELECT * FROM ({select} WHERE {where} AND {listed} "  # noqa: S608
                f"ORDER BY {by} LIMIT %s) AS list_{n}"
            )
            all_params += [*params, *where_params, *listed_params(viewer), per_page + 1]
        return self.raw(" UNION ALL ".join(parts), all_params)

    def first_replies(self, root_ids, viewer, per_thread: int):
        """The first `per_thread` listed replies of each thread, oldest first, in one query: a
        UNION ALL of one short index scan (root, id) per thread, so a thread of a thousand
        replies costs what a thread of three does.

        A parent is always older than its replies, so the first replies of a thread include
        the parents of each of them: they draw as a tree.
        """
        select, listed, params = _display_sql(viewer)
        parts, all_params = [], []
        for n, root_id in enumerate(root_ids):
            parts.append(
                f"SELECT * FROM ({select} WHERE p.root_id = %s AND {listed} "  # noqa: S608
                f"ORDER BY p.id LIMIT %s) AS thread_{n}"
            )
            all_params += [*params, root_id, *listed_params(viewer), per_thread]
        if not parts:
            return self.none()
        return self.raw(" UNION ALL ".join(parts) + " ORDER BY id", all_params)

    def endorsed_by(self, viewer):
        """Each item says whether `viewer` endorsed it (`endorsed`), as the page's reads do."""
        if viewer is None or not viewer.is_authenticated:
            return self.annotate(endorsed=models.Value(False))
        from .judging import Endorsement

        mine = Endorsement.objects.filter(post_id=models.OuterRef("pk"), member_id=viewer.pk)
        return self.annotate(endorsed=models.Exists(mine))

    def thread_page(self, root_id: int, viewer, *, after: int = 0, limit: int):
        """The next `limit + 1` replies of a thread written after the reply `after` (the extra
        one says whether there is more), oldest first: one short index scan (root, id).
        Others' posts waiting for a moderator are left out, unless replies hang under them."""
        hidden = Q(status=PostStatus.PENDING, reply_count=0)
        if viewer is not None and viewer.is_authenticated:
            hidden &= ~Q(author_id=viewer.pk)
        replies = self.filter(root_id=root_id, pk__gt=after).exclude(hidden)
        return replies.order_by("root_id", "id")[: limit + 1]


# The orders of a side's rebuttals: the columns, each descending, its index sorts by.
SIDE_ORDERS = {
    "bridging": ("bridging", "endorsement_count", "id"),
    "top": ("endorsement_count", "id"),
    "new": ("id",),
}

# The columns an item's rendering prints (the reads above select exactly these).
DISPLAY_FIELDS = (
    "id",
    "kind",
    "article_id",
    "position_id",
    "parent_id",
    "root_id",
    "depth",
    "status",
    "body_html",
    "created_at",
    "edited_at",
    "reply_count",
    "thread_reply_count",
    "report_count",
    "author_id",
    "status_reason",
    "endorsement_count",
    "bridging",
    "minds_changed",
)


def _display_sql(viewer, extra: str = "") -> tuple[str, str, list]:
    """SELECT … FROM posts `p` with their authors' names (and `extra` columns), and the
    "listed" condition. Only fixed SQL: every value is a parameter."""
    columns = ", ".join(f"p.{name}" for name in DISPLAY_FIELDS if name != "id")
    member = viewer is not None and viewer.is_authenticated
    reported = (
        "EXISTS (SELECT 1 FROM debate_report r WHERE r.post_id = p.id AND r.reporter_id = %s)"
    )
    endorsed = (
        "EXISTS (SELECT 1 FROM debate_endorsement e WHERE e.post_id = p.id AND e.member_id = %s)"
    )
    select = (
        f"SELECT p.id, {columns}, u.display_name AS author_name, "  # noqa: S608
        f"{reported if member else '0'} AS reported, "
        f"{endorsed if member else '0'} AS endorsed{extra} "
        "FROM debate_post p LEFT JOIN accounts_user u ON u.id = p.author_id"
    )
    listed = "(p.status = %s OR p.reply_count > 0 OR p.thread_reply_count > 0"
    listed += " OR p.author_id = %s)" if member else ")"
    return select, listed, [viewer.pk, viewer.pk] if member else []


def listed_params(viewer) -> list:
    if viewer is not None and viewer.is_authenticated:
        return [PostStatus.PUBLISHED, viewer.pk]
    return [PostStatus.PUBLISHED]


class Post(RenderedMarkdown):
    """A rebuttal of one side, a reply in a thread, or a comment on the whole article."""

    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.REBUTTAL)
    # article, author, position and root go without an index of their own: the composite
    # indexes below lead with each of them (see Meta.indexes).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        db_index=False,
    )
    # The side a rebuttal rebuts; nothing for replies and comments.
    position = models.ForeignKey(
        Position,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="rebuttals",
        db_index=False,
    )
    # The post a reply answers, and the rebuttal or comment its thread starts from.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread_replies",
        db_index=False,
    )
    depth = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=PostStatus.choices, default=PostStatus.PUBLISHED
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Why the post is in its status, as the moderator (or the system) said: shown to its author
    # on their own item (the moderation record keeps the history).
    status_reason = models.CharField(
        "reason",
        max_length=1000,
        blank=True,
        help_text="Why it has this status; its author reads it.",
    )
    # Counters kept by debate.discussion in the same transaction as the rows they count.
    reply_count = models.PositiveIntegerField(default=0, help_text="Published direct replies.")
    thread_reply_count = models.PositiveIntegerField(
        default=0, help_text="Published replies anywhere in the thread (rebuttals and comments)."
    )
    report_count = models.PositiveIntegerField(default=0, help_text="Open reports.")
    # Counters kept by debate.judging: every endorsement; the bridging score in halves (the
    # fewest endorsements from any one side's camp, "both equally" counting half on each);
    # the members whose switch of sides was credited to it.
    endorsement_count = models.PositiveIntegerField(default=0, help_text="Endorsements.")
    bridging = models.PositiveIntegerField(default=0, help_text="Bridging score, in halves.")
    minds_changed = models.PositiveIntegerField(default=0, help_text="Changed-mind credits.")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PostStatus.values), name="post_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=PostKind.values), name="post_kind_valid"),
            # A side exactly for rebuttals.
            models.CheckConstraint(
                condition=Q(kind=PostKind.REBUTTAL, position__isnull=False)
                | Q(~Q(kind=PostKind.REBUTTAL), position__isnull=True),
                name="post_position_iff_rebuttal",
            ),
            # A parent, a root and a depth of 1..3 exactly for replies.
            models.CheckConstraint(
                condition=Q(
                    kind=PostKind.REPLY,
                    parent__isnull=False,
                    root__isnull=False,
                    depth__gte=1,
                    depth__lte=MAX_REPLY_DEPTH,
                )
                | Q(~Q(kind=PostKind.REPLY), parent__isnull=True, root__isnull=True, depth=0),
                name="post_thread_shape",
            ),
        ]
        indexes = [
            # A side's rebuttals, newest first ("Show more" continues below an id).
            models.Index(fields=["position", "-id"], name="post_side_idx"),
            # The article's comments, and its feed.
            models.Index(fields=["article", "kind", "-id"], name="post_article_kind_idx"),
            # A side's rebuttals in the "Top" and "Bridging" orders, ties newest first.
            models.Index(
                fields=["position", "-endorsement_count", "-id"], name="post_side_top_idx"
            ),
            models.Index(
                fields=["position", "-bridging", "-endorsement_count", "-id"],
                name="post_side_bridging_idx",
            ),
            # The article's rebuttals credited most.
            models.Index(
                fields=["article", "-minds_changed", "-id"],
                condition=Q(minds_changed__gt=0),
                name="post_credited_idx",
            ),
            # A thread in one query.
            models.Index(fields=["root", "id"], name="post_thread_idx"),
            # A member's profile and their posting limits.
            models.Index(fields=["author", "-created_at"], name="post_author_idx"),
            # The moderation queues: items waiting for a moderator, and items with open
            # reports. Partial, so they hold only the few rows the queues list and count.
            models.Index(
                fields=["status", "-id"],
                condition=Q(status__in=[PostStatus.PENDING, PostStatus.HELD]),
                name="post_awaiting_moderation_idx",
            ),
            models.Index(
                fields=["-report_count", "-id"],
                condition=Q(report_count__gt=0),
                name="post_reported_idx",
            ),
        ]
        permissions = [("moderate_post", "Can publish, hide and remove posts")]

    def __str__(self) -> str:
        by = self.author or "[deleted member]"
        if self.kind == PostKind.REBUTTAL:
            return f"Rebuttal of {self.position} by {by}"
        return f"{self.get_kind_display()} #{self.pk} by {by}"

    def get_absolute_url(self) -> str:
        return f"{reverse('debate:post_detail', args=[self.pk])}#post-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == PostStatus.PUBLISHED

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS.get(self.status, "")

    @property
    def thread_root_id(self) -> int:
        return self.root_id or self.pk

    def editable_until(self):
        return self.created_at + EDIT_WINDOW


class PostRevision(models.Model):
    """The text of a post as it was before an edit, kept for moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body_md = models.TextField("body (markdown)")
    written_at = models.DateTimeField(help_text="When this text was posted or last edited.")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "replaced_at", "id"]

    def __str__(self) -> str:
        return f"Revision of #{self.post_id} replaced {self.replaced_at:%Y-%m-%d %H:%M}"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off-topic", "Off-topic"
    OTHER = "other", "Other"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Report(models.Model):
    """A member's report that a post breaks the rules; one per member and post."""

    # Indexed by the unique (post, reporter) constraint, which leads with it.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports", db_index=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_member"),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["state", "post"], name="report_queue_idx")]
        permissions = [("resolve_report", "Can resolve reports (take action or dismiss)")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on #{self.post_id} by {self.reporter}"


class PostCount(models.Model):
    """Published rebuttals of one side (`position` set) or comments of the article (not set).

    A row per counter, created by the first post it counts, so the article page reads every
    count it prints in one small query instead of counting posts.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="post_counts")
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    published = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                condition=Q(position__isnull=False),
                name="post_count_per_side",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(position__isnull=True),
                name="post_count_of_comments",
            ),
        ]

    def __str__(self) -> str:
        what = f"rebuttals of {self.position_id}" if self.position_id else "comments"
        return f"{self.published} published {what} on {self.article_id}"
