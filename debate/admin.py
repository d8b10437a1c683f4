from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from accounts.models import member_name

from . import (
    feeds,
    judging_admin,  # noqa: F401 - registers the credits' admin
)
from .import_admin import ArticleImportMixin
from .models import (
    Article,
    ModerationRecord,
    Position,
    Post,
    PostRevision,
    PostStatus,
    Report,
    SympathyVote,
    Topic,
    VoteChange,
)
from .moderation_admin import excerpt, posts_moderate_action, records_list
from .moderation_admin import where as post_where
from .report_queue_admin import ReportsFilter
from .services import local_edits_mark, vote_withdraw
from .vote_counters import counters_ensure

# Moderators should know where they are: the site's name, not "Django administration".
admin.site.site_header = "Both Sides moderation"
admin.site.site_title = "Both Sides moderation"
admin.site.index_title = "Articles, discussion and members"
# The lists moderators read are wide (the text of each item, its reports, who is involved):
# they get the whole width; the index and the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False


class PositionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Evidence quotes must occur verbatim in the article, as on import (the same check),
        # in the article's text as this same form saves it.
        body = self.instance.body_md
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            evidence = form.cleaned_data.get("evidence")
            if not isinstance(evidence, list):
                continue  # no position here, or Position.clean has already said what is wrong
            missing = feeds.quotes_missing(evidence, body)
            if missing:
                quotes = ", ".join(str(n) for n in missing)
                form.add_error(
                    "evidence",
                    ValidationError(
                        f"Quote {quotes} does not occur verbatim in the article. Evidence is "
                        "quoted from the article's text exactly as it stands."
                    ),
                )


class PositionInline(admin.StackedInline):
    model = Position
    formset = PositionFormSet
    extra = 0
    fields = ("order", "slug", "label", "claim", "summary", "evidence", "edited_locally_at")
    readonly_fields = ("edited_locally_at",)

    # The claim is a whole sentence and the evidence a list of long quotes: give them room.
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})
        elif db_field.name == "evidence":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(ArticleImportMixin, admin.ModelAdmin):
    list_display = ("title", "published", "imported", "edited_here")
    search_fields = ("title", "slug", "summary")
    list_filter = ("topics", "lang")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics",)
    readonly_fields = ("content_hash", "first_imported_at", "last_imported_at", "edited_locally_at")
    inlines = [PositionInline]
    # Django 6's default; without it the form warns (an error under the tests' filterwarnings).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Positions added here get their vote counters at once, like imported ones.
        counters_ensure(form.instance)

    @admin.display(description="Published", ordering="published_at")
    def published(self, obj):
        return date_format(obj.published_at, "j M Y") if obj.published_at else "—"

    @admin.display(description="Last imported", ordering="last_imported_at")
    def imported(self, obj):
        return date_format(obj.last_imported_at, "j M Y") if obj.last_imported_at else "—"

    @admin.display(description="Edited here", ordering="edited_locally_at")
    def edited_here(self, obj):
        # Imports keep these edits unless told to overwrite them.
        return date_format(obj.edited_locally_at, "j M Y") if obj.edited_locally_at else "—"

    # What a moderator saves here is marked as edited locally, so imports keep it.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.has_changed() or not change:
            local_edits_mark(article=obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Position:
            changed = [position for position, _ in formset.changed_objects]
            local_edits_mark(positions=[*formset.new_objects, *changed])


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    fields = ("written_at", "replaced_at", "body_md")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "earlier text"
    verbose_name_plural = "edit history (earlier texts)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    # A moderator decides from what was written, so the list shows it, by whom, where and on
    # which side. Statuses change only through the actions (debate.moderation keeps the
    # counters right and the record), each asking for a reason; the text, author and side
    # are never edited here.
    list_display = (
        "excerpt", "author_name", "where", "status", "open_reports", "written",
    )  # fmt: skip
    list_display_links = ("excerpt",)
    list_filter = ("status", "kind", ReportsFilter, "article")
    search_fields = ("body_md", "author__display_name")
    list_select_related = ("author", "article", "position")
    ordering = ("-id",)  # the newest first: what a moderator has not seen yet
    fields = (
        "kind", "article", "position", "author", "parent", "status", "status_reason",
        "created_at", "edited_at", "deleted_at", "reply_count", "reports",
        "endorsement_count", "minds_changed", "body_md", "permalink", "moderation_history",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [PostRevisionInline]
    actions = ["publish", "hide", "remove"]

    @admin.display(description="Text")
    def excerpt(self, obj):
        return excerpt(obj)

    @admin.display(description="Article and side")
    def where(self, obj):
        return format_html(
            '{}<span class="moderation-where"><a href="{}">view in thread</a></span>',
            post_where(obj),
            obj.get_absolute_url(),
        )

    @admin.display(description="Open reports")
    def reports(self, obj):
        if not obj.report_count:
            return "None open"
        queue = reverse("admin:debate_reportedpost_changelist")
        return format_html(
            '{} open: <a href="{}?id__exact={}">take action or dismiss them in the report '
            "queue</a>",
            obj.report_count,
            queue,
            obj.pk,
        )

    @admin.display(description="Written", ordering="created_at")
    def written(self, obj):
        return date_format(obj.created_at, "j M Y")

    @admin.display(description="Author", ordering="author__display_name")
    def author_name(self, obj):
        return member_name(obj.author)

    @admin.display(description="Open reports", ordering="report_count")
    def open_reports(self, obj):
        return obj.report_count

    @admin.display(description="Permalink")
    def permalink(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="Moderation record")
    def moderation_history(self, obj):
        return records_list(ModerationRecord.objects.of_post(obj.pk)[:50])

    def has_add_permission(self, request):
        return False  # members write; moderators judge

    def has_delete_permission(self, request, obj=None):
        return False  # "remove" keeps the thread's shape and the counters right

    def has_moderate_permission(self, request):
        return request.user.has_perm("debate.moderate_post")

    @admin.action(description="Publish selected posts", permissions=["moderate"])
    def publish(self, request, queryset):
        return posts_moderate_action(self, request, queryset, PostStatus.PUBLISHED)

    @admin.action(description="Hide selected posts", permissions=["moderate"])
    def hide(self, request, queryset):
        return posts_moderate_action(self, request, queryset, PostStatus.HIDDEN)

    @admin.action(description="Remove selected posts", permissions=["moderate"])
    def remove(self, request, queryset):
        return posts_moderate_action(self, request, queryset, PostStatus.REMOVED)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Each report on its own; the report queue (moderation_admin.ReportQueueAdmin) groups them
    # by item and resolves them.
    list_display = ("post", "reporter", "reason", "state", "created_at", "permalink")
    list_filter = ("state", "reason")
    list_select_related = ("post__author", "post__position", "reporter")
    fields = (
        "post", "permalink", "reporter", "reason", "note", "state", "created_at", "resolved_at"
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Where it is")
    def permalink(self, obj):
        return format_html('<a href="{}">Open the thread</a>', obj.post.get_absolute_url())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SympathyVote)
class SympathyVoteAdmin(admin.ModelAdmin):
    list_display = ("member", "article", "stance", "position", "updated_at")
    list_filter = ("article", "stance")
    search_fields = ("member__display_name",)
    list_select_related = ("member", "article", "position")
    raw_id_fields = ("member", "article", "position")

    def get_search_fields(self, request):
        # Members' email addresses are for superusers' eyes only.
        if request.user.is_superuser:
            return (*self.search_fields, "member__email")
        return self.search_fields

    def has_add_permission(self, request):
        # Votes change only through the site, so the history stays complete.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A superuser may remove a vote, but as a withdrawal, so the history stays complete.
    # (Moderators have no delete permission: they list and count votes.)
    def delete_model(self, request, obj):
        vote_withdraw(member=obj.member, article=obj.article)

    def delete_queryset(self, request, queryset):
        for vote in queryset.select_related("member", "article"):
            vote_withdraw(member=vote.member, article=vote.article)


@admin.register(VoteChange)
class VoteChangeAdmin(admin.ModelAdmin):
    list_display = ("article", "member", "from_stance", "to_stance", "created_at")
    list_select_related = ("article", "member")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
