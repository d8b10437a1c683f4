"""The moderators' side of the admin: the confirmation page every moderation action passes
through (it asks for the reason), the post actions, the moderation record, the moderation
settings and the header's counts. The report queue is in report_queue_admin.py; admin.py
registers the rest and imports both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import redirect
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from accounts.models import member_name

from . import moderation
from .models import (
    ModerationRecord,
    ModerationSettings,
    Post,
    PostStatus,
    Report,
    ReportState,
)

REASON_MAX_LENGTH = 1000


# The confirmation page ---------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Goes on the moderation record, and the author reads it on their item.",
        error_messages={"required": "Give a reason: it goes on the record."},
    )


@dataclass
class Selected:
    """One line of the confirmation page's list of what the action will touch."""

    label: str
    detail: str = ""
    warning: str = ""


def confirm_action(
    model_admin: admin.ModelAdmin,
    request,
    *,
    title: str,
    button: str,
    items: Iterable[Selected],
    apply: Callable[[dict], None],
    form_class: type[forms.Form] = ReasonForm,
    notes: Iterable[str] = (),
):
    """Ask for a reason (and whatever else `form_class` asks) before an action runs.

    The first POST (from the list's action menu) answers with a page listing what is
    selected, with the form; that page posts back to the list with `confirm`, and only then
    does `apply(cleaned_data)` run. Returns None once applied (the admin then redirects to
    the list), else the page.
    """
    form = form_class(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        apply(form.cleaned_data)
        return None
    items = list(items)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": model_admin.model._meta,
        "form": form,
        "items": items[:100],
        "more": max(0, len(items) - 100),
        "notes": list(notes),
        "button": button,
        "action": request.POST.get("action", ""),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "back": request.get_full_path(),
        "media": model_admin.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/moderation_confirm.html", context)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def excerpt(post: Post) -> str:
    return truncatechars(" ".join(post.body_md.split()), 100) or post.placeholder


def where(post: Post) -> str:
    """What a post is and where, in a few words: "Rebuttal of Side one · A debate"."""
    kind = post.get_kind_display()
    if post.position_id:
        kind = f"{kind} of {post.position.label}"
    return f"{kind} · {truncatechars(post.article.title, 48)}"


def records_list(records) -> str:
    """A post's or a member's moderation record, newest first, for their admin page."""
    records = list(records)
    if not records:
        return "Nothing yet."
    return format_html(
        '<ul class="moderation-history">{}</ul>',
        format_html_join(
            "",
            "<li>{}: <strong>{}</strong> by {}{}</li>",
            (
                (
                    date_format(record.created_at, "j M Y, H:i"),
                    record.get_action_display(),
                    record.actor_name,
                    f" — {record.reason}" if record.reason else "",
                )
                for record in records
            ),
        ),
    )


# Posts: publish, hide, remove -------------------------------------------------------------

STATUS_VERBS = {
    PostStatus.PUBLISHED: ("Publish", "Published"),
    PostStatus.HIDDEN: ("Hide", "Hid"),
    PostStatus.REMOVED: ("Remove", "Removed"),
}


def posts_moderate_action(model_admin, request, queryset, status: PostStatus):
    """The publish, hide and remove actions: confirm with a reason, then one
    `moderation.post_moderate` per post, and say what happened to each."""
    verb, done = STATUS_VERBS[status]
    posts = list(
        queryset.select_related(None)
        .select_related("author")
        .only("id", "status", "body_md", "author")
    )

    def warning(post) -> str:
        if post.status == PostStatus.DELETED:
            return "Deleted by its author: it stays deleted."
        if status == PostStatus.PUBLISHED and post.status == PostStatus.HELD:
            return "Hidden pending review: dismiss its reports in the report queue instead."
        if post.status == status:
            return f"Already {post.get_status_display().lower()}."
        return ""

    def apply(data):
        outcomes = Counter(
            moderation.post_moderate(post, status, actor=request.user, reason=data["reason"])
            for post in posts
        )
        changed = outcomes[moderation.Outcome.CHANGED]
        model_admin.message_user(request, f"{done} {plural(changed, 'post')}.", messages.SUCCESS)
        if outcomes[moderation.Outcome.DELETED]:
            n = outcomes[moderation.Outcome.DELETED]
            model_admin.message_user(
                request,
                f"Left {plural(n, 'post')} deleted by their author{'s' if n != 1 else ''} "
                "as they are.",
                messages.WARNING,
            )
        if outcomes[moderation.Outcome.HELD]:
            model_admin.message_user(
                request,
                f"Left {plural(outcomes[moderation.Outcome.HELD], 'post')} hidden pending "
                "review: resolve their reports in the report queue.",
                messages.WARNING,
            )

    return confirm_action(
        model_admin,
        request,
        title=f"{verb} {plural(len(posts), 'post')}",
        button=f"{verb} {plural(len(posts), 'post')}",
        items=[
            Selected(excerpt(post), f"by {member_name(post.author)}", warning(post))
            for post in posts
        ],
        apply=apply,
    )


# The record --------------------------------------------------------------------------------


@admin.register(ModerationRecord)
class ModerationRecordAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: a record that could be edited here would
    be no record."""

    list_display = ("created_at", "action", "actor_name", "subject", "reason_excerpt")
    list_filter = ("action",)
    search_fields = ("reason", "actor_name", "member_name", "article_title")
    date_hierarchy = "created_at"
    fields = (
        "created_at", "action", "actor_name", "actor_id", "reason", "subject", "member_name",
        "member_id", "article_title", "reports_resolved", "state_before", "state_after",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Concerning")
    def subject(self, obj):
        if obj.post_id:
            # The admin's page of the post shows its text whatever its status (or says the
            # post is gone; the record keeps its text).
            url = reverse("admin:debate_post_change", args=[obj.post_id])
            who = obj.member_name or member_name(None)
            return format_html(
                '<a href="{}">{} #{}</a> by {}', url, obj.post_kind or "post", obj.post_id, who
            )
        return obj.member_name

    @admin.display(description="Reason")
    def reason_excerpt(self, obj):
        return truncatechars(obj.reason, 120)

    def _state(self, state: dict):
        if not state:
            return "—"
        labels = dict(PostStatus.choices)
        rows = (
            (
                key.replace("_", " ").capitalize(),
                "—"
                if value in (None, "")
                else labels.get(value, value)
                if key == "status"
                else value,
            )
            for key, value in state.items()
        )
        return format_html(
            '<dl class="moderation-state">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    @admin.display(description="Before")
    def state_before(self, obj):
        return self._state(obj.before)

    @admin.display(description="After")
    def state_after(self, obj):
        return self._state(obj.after)


# Settings ----------------------------------------------------------------------------------


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """One row: the list leads straight to it."""

    fields = ("premoderated_posts",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        return ModerationSettings.current() if str(object_id) == "1" else None

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:debate_moderationsettings_change", 1)


# Counts for the header and the index -------------------------------------------------------


def queue_counts(user) -> dict | None:
    """Open reports and posts waiting in pre-moderation, for staff who can act on them: two
    counts on indexed columns."""
    if not (user.is_active and user.is_staff):
        return None
    counts = {}
    if user.has_perm("debate.view_reportedpost"):
        counts["open_reports"] = Report.objects.filter(state=ReportState.OPEN).count()
        counts["queue_url"] = reverse("admin:debate_reportedpost_changelist") + "?reports=open"
    if user.has_perm("debate.view_post"):
        counts["pending"] = Post.objects.filter(status=PostStatus.PENDING).count()
        counts["pending_url"] = (
            reverse("admin:debate_post_changelist") + f"?status__exact={PostStatus.PENDING}"
        )
    return counts or None
