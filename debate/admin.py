from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format
from django.utils.html import format_html

from accounts.models import member_name

from .discussion import post_status_change, reports_dismiss
from .models import (
    Article,
    Position,
    Post,
    PostRevision,
    PostStatus,
    Report,
    SympathyVote,
    Topic,
    VoteChange,
)
from .services import vote_withdraw
from .vote_counters import counters_ensure

# Moderators should know where they are: the site's name, not "Django administration".
admin.site.site_header = "Both Sides moderation"
admin.site.site_title = "Both Sides moderation"
admin.site.index_title = "Articles, discussion and members"


class PositionInline(admin.StackedInline):
    model = Position
    extra = 0
    fields = ("order", "slug", "label", "claim", "summary", "evidence")

    # The claim is a whole sentence and the evidence a list of long quotes: give them room.
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})
        elif db_field.name == "evidence":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "published_at", "last_imported_at")
    search_fields = ("title", "slug", "summary")
    list_filter = ("topics", "lang")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics",)
    readonly_fields = ("content_hash", "first_imported_at", "last_imported_at")
    inlines = [PositionInline]
    # Django 6's default; without it the form warns (an error under the tests' filterwarnings).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Positions added here get their vote counters at once, like imported ones.
        counters_ensure(form.instance)


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


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "With open reports"), ("any", "Ever reported")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(report_count__gt=0)
        if self.value() == "any":
            return queryset.filter(reports__isnull=False).distinct()
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    # A moderator decides from what was written, so the list shows it, by whom, where and on
    # which side. Statuses change only through the actions (debate.discussion keeps the
    # counters right); the text, author and side are never edited here.
    list_display = (
        "excerpt", "author_name", "kind", "article", "position", "status", "report_count", "written"
    )  # fmt: skip
    list_display_links = ("excerpt",)
    list_filter = ("status", "kind", ReportedFilter, "article")
    search_fields = ("body_md", "author__display_name")
    list_select_related = ("author", "article", "position")
    fields = (
        "kind", "article", "position", "author", "parent", "status", "created_at", "edited_at",
        "deleted_at", "reply_count", "report_count", "body_md", "permalink",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [PostRevisionInline]
    actions = ["publish", "hide", "remove"]

    @admin.display(description="Text")
    def excerpt(self, obj):
        return truncatechars(" ".join(obj.body_md.split()), 100) or obj.placeholder

    @admin.display(description="Written", ordering="created_at")
    def written(self, obj):
        return date_format(obj.created_at, "j M Y")

    @admin.display(description="Author", ordering="author__display_name")
    def author_name(self, obj):
        return member_name(obj.author)

    @admin.display(description="Permalink")
    def permalink(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def has_add_permission(self, request):
        return False  # members write; moderators judge

    def has_delete_permission(self, request, obj=None):
        return False  # "remove" keeps the thread's shape and the counters right

    def _set_status(self, request, queryset, status: PostStatus, verb: str):
        changed = skipped = 0
        for post in queryset.select_related(None).only("id", "status"):
            if status == PostStatus.PUBLISHED and post.status == PostStatus.DELETED:
                skipped += 1  # what an author took back stays taken back
                continue
            if status == PostStatus.PUBLISHED and post.status == PostStatus.HELD:
                reports_dismiss(post, actor=request.user)
                changed += 1
            elif post_status_change(
                post, status, actor=request.user, reason=f"{verb} in the admin"
            ):
                changed += 1
        noun = "post" if changed == 1 else "posts"
        self.message_user(request, f"{verb} {changed} {noun}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} deleted by their author{'s' if skipped != 1 else ''} as they are.",
                messages.WARNING,
            )

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, PostStatus.PUBLISHED, "Published")

    @admin.action(description="Hide selected posts", permissions=["change"])
    def hide(self, request, queryset):
        self._set_status(request, queryset, PostStatus.HIDDEN, "Hid")

    @admin.action(description="Remove selected posts", permissions=["change"])
    def remove(self, request, queryset):
        self._set_status(request, queryset, PostStatus.REMOVED, "Removed")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SympathyVote)
class SympathyVoteAdmin(admin.ModelAdmin):
    list_display = ("member", "article", "stance", "position", "updated_at")
    list_filter = ("article", "stance")
    search_fields = ("member__display_name", "member__email")
    list_select_related = ("member", "article", "position")
    raw_id_fields = ("member", "article", "position")

    def has_add_permission(self, request):
        # Votes change only through the site, so the history stays complete.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A moderator may remove a vote, but as a withdrawal, so the history stays complete.
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
