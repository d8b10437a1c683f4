from django.contrib import admin
from django.db import models

from . import services
from .models import Article, Position, Rebuttal, SympathyVote, Topic, VoteChange


class PositionInline(admin.StackedInline):
    model = Position
    extra = 0
    fields = ("order", "slug", "label", "claim", "summary", "evidence")


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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Rebuttal)
class RebuttalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body_md", "author__display_name")
    list_select_related = ("author", "position")
    raw_id_fields = ("author", "position")
    actions = ["publish", "hide", "remove"]

    @admin.action(description="Publish selected rebuttals")
    def publish(self, request, queryset):
        queryset.update(status="published")

    @admin.action(description="Hide selected rebuttals")
    def hide(self, request, queryset):
        queryset.update(status="hidden")

    @admin.action(description="Remove selected rebuttals")
    def remove(self, request, queryset):
        queryset.update(status="removed")


@admin.register(SympathyVote)
class SympathyVoteAdmin(admin.ModelAdmin):
    list_display = ("member", "article", "stance", "position", "updated_at")
    list_select_related = ("member", "article", "position")
    raw_id_fields = ("member", "article", "position")

    def has_add_permission(self, request):
        # Votes change only through the site, so the history stays complete.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A moderator removing a vote withdraws it, so the history keeps adding up to the tally.
    def delete_model(self, request, obj):
        services.vote_withdraw(member=obj.member, article=obj.article)

    def delete_queryset(self, request, queryset):
        for vote in queryset.select_related("member", "article"):
            services.vote_withdraw(member=vote.member, article=vote.article)


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
