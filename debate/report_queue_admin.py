"""The report queue in the admin: one row per reported item, open reports first, its reports
beside it and the moderators involved with it marked; "take action" (hide or remove) or
"dismiss" resolves them, with a reason, on the record (debate.moderation.reports_resolve).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import member_name
from accounts.moderators import MODERATORS_GROUP

from . import moderation
from .models import Post, PostStatus, Report, ReportedPost, ReportState, SympathyVote
from .moderation_admin import Selected, confirm_action, excerpt, plural, where


class ReportsFilter(admin.SimpleListFilter):
    """Posts by their reports: the open ones (the counter's partial index), or any ever."""

    title = "reports"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [
            ("open", "With open reports"),
            ("resolved", "Reported, all resolved"),
            ("any", "Ever reported"),
        ]

    def queryset(self, request, queryset):
        ever = Exists(Report.objects.filter(post_id=OuterRef("pk")))
        if self.value() == "open":
            return queryset.filter(report_count__gt=0)
        if self.value() == "resolved":
            return queryset.filter(ever, report_count=0)
        if self.value() == "any":
            return queryset.filter(ever)
        return queryset


def moderators_involved(posts: list[Post]) -> None:
    """Mark on each post (`involved`: [(moderator's name, why)]) the moderators who should
    leave it to another: they voted on its article, or wrote it or the post it answers.
    Two queries for the whole page."""
    moderators = dict(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .values_list("id", "display_name")
        .distinct()
    )
    voted = set(
        SympathyVote.objects.filter(
            member_id__in=moderators, article_id__in={post.article_id for post in posts}
        ).values_list("member_id", "article_id")
    )
    for post in posts:
        involved = {}
        for moderator_id, name in moderators.items():
            if post.author_id == moderator_id:
                involved[name] = "wrote it"
            elif getattr(post, "parent_author_id", None) == moderator_id:
                involved[name] = "wrote the post it answers"
            elif (moderator_id, post.article_id) in voted:
                involved[name] = "voted on the article"
        post.involved = sorted(involved.items())


class ReportQueueAdmin(admin.ModelAdmin):
    """One row per reported item, open reports first, with its reports beside it; "take
    action" (hide or remove) or "dismiss" resolves them all, with a reason, on the record."""

    list_display = (
        "item", "author_link", "status", "open_reports", "reports_summary",
        "involved_moderators",
    )  # fmt: skip
    list_display_links = None
    list_filter = (ReportsFilter, "status", "article")
    search_fields = ("body_md", "author__display_name")
    actions = ["take_action_hide", "take_action_remove", "dismiss_reports"]
    list_per_page = 50
    # Open reports first, the most reported first; then the newest.
    ordering = ("-report_count", "-id")

    def get_queryset(self, request):
        reported = Report.objects.filter(post_id=OuterRef("pk"))
        open_reports = Prefetch(
            "reports",
            queryset=Report.objects.filter(state=ReportState.OPEN)
            .select_related("reporter")
            .only("id", "post_id", "reason", "note", "created_at", "reporter__display_name"),
            to_attr="open_report_list",
        )
        return (
            super()
            .get_queryset(request)
            .filter(Exists(reported))
            .select_related("author", "article", "position")
            .annotate(parent_author_id=F("parent__author_id"))
            .prefetch_related(open_reports)
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        moderators_involved(list(changelist.result_list))
        return changelist

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # items change only through the actions

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resolve_permission(self, request):
        return request.user.has_perm("debate.resolve_report")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Report queue", **(extra_context or {})})

    @admin.display(description="Item")
    def item(self, obj):
        return format_html(
            '<a href="{}">{}</a><span class="moderation-where">{} · <a href="{}">view in '
            "thread</a></span>",
            reverse("admin:debate_post_change", args=[obj.pk]),
            excerpt(obj),
            where(obj),
            obj.get_absolute_url(),
        )

    @admin.display(description="Author", ordering="author__display_name")
    def author_link(self, obj):
        if obj.author is None:
            return member_name(None)
        url = reverse("admin:accounts_user_change", args=[obj.author_id])
        return format_html('<a href="{}">{}</a>', url, obj.author.display_name)

    @admin.display(description="Open", ordering="-report_count")
    def open_reports(self, obj):
        return obj.report_count

    @admin.display(description="Reports")
    def reports_summary(self, obj):
        reports = obj.open_report_list
        if not reports:
            return "—"
        return format_html(
            '<ul class="moderation-reports">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong> by {}{}</li>",
                (
                    (
                        report.get_reason_display(),
                        member_name(report.reporter),
                        f": “{truncatechars(report.note, 200)}”" if report.note else "",
                    )
                    for report in reports
                ),
            ),
        )

    @admin.display(description="Involved moderators")
    def involved_moderators(self, obj):
        if not obj.involved:
            return "—"
        return format_html(
            '<ul class="moderation-involved">{}</ul>',
            format_html_join(
                "", '<li><span class="moderation-involved__flag">involved</span> {} ({})</li>',
                obj.involved,
            ),
        )  # fmt: skip

    def _resolve(self, request, queryset, status: PostStatus | None, verb: str, done: str):
        posts = list(queryset)
        moderators_involved(posts)
        me = request.user.display_name
        involved_in = [post for post in posts if me in dict(post.involved)]
        notes = []
        if involved_in:
            notes.append(
                f"You are involved in {len(involved_in)} of these items (marked below): "
                "consider leaving them to another moderator."
            )

        def detail(post):
            reports = plural(post.report_count, "open report")
            return f"by {member_name(post.author)} · {reports} · {post.get_status_display()}"

        def warning(post):
            why = dict(post.involved).get(me)
            return f"You are involved: you {why}." if why else ""

        def apply(data):
            resolved = sum(
                moderation.reports_resolve(
                    post, actor=request.user, reason=data["reason"], status=status
                )
                for post in posts
            )
            self.message_user(
                request,
                f"{done} {plural(len(posts), 'item')}; resolved {plural(resolved, 'report')}.",
                messages.SUCCESS,
            )

        what = plural(len(posts), "item")
        return confirm_action(
            self,
            request,
            title=verb.format(what),
            button=verb.format(what),
            items=[Selected(excerpt(post), detail(post), warning(post)) for post in posts],
            apply=apply,
            notes=notes,
        )

    @admin.action(description="Take action: hide and resolve reports", permissions=["resolve"])
    def take_action_hide(self, request, queryset):
        verb = "Hide {} and resolve the reports"
        return self._resolve(request, queryset, PostStatus.HIDDEN, verb, "Hid")

    @admin.action(description="Take action: remove and resolve reports", permissions=["resolve"])
    def take_action_remove(self, request, queryset):
        verb = "Remove {} and resolve the reports"
        return self._resolve(request, queryset, PostStatus.REMOVED, verb, "Removed")

    @admin.action(description="Dismiss reports", permissions=["resolve"])
    def dismiss_reports(self, request, queryset):
        verb = "Dismiss the reports of {}"
        return self._resolve(request, queryset, None, verb, "Dismissed the reports of")


admin.site.register(ReportedPost, ReportQueueAdmin)
