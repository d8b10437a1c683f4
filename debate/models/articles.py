"""Articles that present a debate, their topics and the positions (sides) in them."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from ..markdown import render_markdown


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
            # The options' counters (VoteCount), a few rows per article, never the votes.
            .annotate(vote_count=Coalesce(Sum("vote_counts__votes"), 0))
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
    # Any save: an import, a moderator's edit of the article, its topics or (inline) its
    # positions. The cached rendering of the article and its sides is keyed by it.
    updated_at = models.DateTimeField(auto_now=True)
    # Set when a moderator edits the article in the admin: imports then leave it as it is
    # unless told to overwrite local edits.
    edited_locally_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moves with every write that changes what the article's discussion shows (posts, their
    # status and text, endorsements, credits, authors' names): with `updated_at` and the vote
    # counters' version it names the page's cached rendering (debate/views/articles.py).
    discussion_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["-published_at", "-id"], name="article_listed_idx")]
        permissions = [("import_articles", "Can import articles from feed files")]

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
    # As on Article: set by an edit in the admin, respected by imports.
    edited_locally_at = models.DateTimeField(null=True, blank=True, editable=False)

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
