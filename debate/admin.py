from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format

from accounts.models import member_name

from .models import (
    Article,
    ModerationStatus,
    Position,
    Rebuttal,
    SympathyVote,
    Topic,
    VoteChange,
)
from .services import vote_withdraw
from .vote_counters import counters_ensure

# Moderators should know where they are: the site's name, not "Django administration".
admin.site.site_header = "Both Sides moderation"
admin.site.site_title = "Both Sides moderation"
admin.site.index_title = "Articles, rebuttals and members"


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


@admin.register(Rebuttal)
class RebuttalAdmin(admin.ModelAdmin):
    # A moderator decides from what was written, so the list shows it, by whom and on which
    # side; the article is a filter (a title column squeezes the text on laptop screens).
    list_display = ("excerpt", "author_name", "position", "status", "written")
    list_display_links = ("excerpt",)
    list_filter = ("status", "position__article")
    search_fields = ("body_md", "author__display_name")
    list_select_related = ("author", "position__article")
    raw_id_fields = ("author", "position")
    readonly_fields = ("created_at",)
    actions = ["publish", "hide", "remove"]

    @admin.display(description="Rebuttal")
    def excerpt(self, obj):
        return truncatechars(" ".join(obj.body_md.split()), 100)

    @admin.display(description="Written", ordering="created_at")
    def written(self, obj):
        return date_format(obj.created_at, "j M Y")

    @admin.display(description="Author", ordering="author__display_name")
    def author_name(self, obj):
        return member_name(obj.author)

    def _set_status(self, request, queryset, status: ModerationStatus, verb: str):
        count = queryset.update(status=status)
        noun = "rebuttal" if count == 1 else "rebuttals"
        self.message_user(request, f"{verb} {count} {noun}.", messages.SUCCESS)

    @admin.action(description="Publish selected rebuttals")
    def publish(self, request, queryset):
        self._set_status(request, queryset, ModerationStatus.PUBLISHED, "Published")

    @admin.action(description="Hide selected rebuttals")
    def hide(self, request, queryset):
        self._set_status(request, queryset, ModerationStatus.HIDDEN, "Hid")

    @admin.action(description="Remove selected rebuttals")
    def remove(self, request, queryset):
        self._set_status(request, queryset, ModerationStatus.REMOVED, "Removed")


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
