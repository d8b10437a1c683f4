"""Articles that present a debate, the positions in it, members' sympathy votes and rebuttals."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse

from .markdown import render_markdown


class RenderedMarkdown(models.Model):
    """Keeps `body_html` as the sanitized rendering of `body_md`, rendered on save, not per view."""

    body_md = models.TextField("body (markdown)")
    body_html = models.TextField("body (rendered)", editable=False, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if getattr(self, "_rendered_from", None) != self.body_md or not self.body_html:
            self.body_html = render_markdown(self.body_md)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "body_md" in update_fields:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        self._rendered_from = self.body_md

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rendered_from = instance.__dict__.get("body_md")
        return instance


class Topic(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def listed(self):
        """The article list: each card names its sides and how many members have voted."""
        sides = models.Prefetch(
            "positions", queryset=Position.objects.only("article_id", "label", "order")
        )
        return (
            self.order_by(models.F("published_at").desc(nulls_last=True), "-id")
            .prefetch_related("topics", sides)
            .annotate(vote_count=Count("votes"))
            .only("slug", "title", "summary", "published_at")
        )


class Article(RenderedMarkdown):
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    source_url = models.URLField("source URL", max_length=500, blank=True)
    canonical_url = models.URLField("canonical URL", max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    source_updated_at = models.DateTimeField("updated at the source", null=True, blank=True)
    lang = models.CharField("language", max_length=16, blank=True)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    entities = models.JSONField(default=list, blank=True, help_text="Names the feed tagged.")
    alternates = models.JSONField(default=dict, blank=True, help_text="Format → URL.")
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    first_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["-published_at", "-id"], name="article_listed_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("debate:article_detail", args=[self.slug])


RESERVED_POSITION_SLUG = "both"


class Position(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="positions")
    slug = models.SlugField(
        max_length=60,
        validators=[
            RegexValidator(
                rf"^{RESERVED_POSITION_SLUG}$",
                inverse_match=True,
                message=f"“{RESERVED_POSITION_SLUG}” is reserved for the “both equally” vote.",
            )
        ],
    )
    label = models.CharField(max_length=80, help_text="Who holds it, in a few words.")
    claim = models.CharField(max_length=300, help_text="The position in one sentence.")
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    evidence = models.JSONField(
        default=list, blank=True, help_text="Passages quoted verbatim from the article."
    )

    class Meta:
        ordering = ["article", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "slug"], name="position_slug_per_article"),
            # A vote names its choice by position slug or "both": a side called "both" would
            # make the two indistinguishable.
            models.CheckConstraint(
                condition=~Q(slug=RESERVED_POSITION_SLUG), name="position_slug_not_reserved"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        # The admin edits evidence as raw JSON, and the article page renders each item as a
        # quote: anything but a list of non-blank strings would break that page.
        evidence = self.evidence
        if not isinstance(evidence, list) or not all(
            isinstance(quote, str) and quote.strip() for quote in evidence
        ):
            raise ValidationError(
                {"evidence": "Give a list of quotes from the article, each a non-blank string."}
            )


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
