"""Importing articles from the admin: upload a feed file (and optionally its debate file) and
get what `manage.py import_seed` would say, through the same code (debate.importing).

For staff with the "import articles" permission. Files are read in the request, so they are
capped at ADMIN_IMPORT_MAX_BYTES each; larger imports run with `manage.py import_seed`.
"""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import feeds
from .importing import Level, import_loaded

ADMIN_IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _size_check(upload) -> None:
    if upload is not None and upload.size > ADMIN_IMPORT_MAX_BYTES:
        raise forms.ValidationError(
            f"{upload.name} is {upload.size:,} bytes; the admin takes files up to "
            f"{ADMIN_IMPORT_MAX_BYTES:,} bytes. Import larger ones with "
            "“manage.py import_seed”."
        )


class ArticleImportForm(forms.Form):
    feed = forms.FileField(
        label="Feed file",
        help_text="One article object, a JSON array of them, or JSON Lines (UTF-8).",
    )
    debate = forms.FileField(
        label="Debate file (optional)",
        required=False,
        help_text="The positions of one of those articles, as in <slug>.debate.json; it "
        "names its article, or belongs to the feed's only one.",
    )
    dry_run = forms.BooleanField(
        label="Check only: validate and report, write nothing", required=False
    )
    overwrite_local_edits = forms.BooleanField(
        label="Overwrite local edits",
        required=False,
        help_text="Replace articles and positions edited here in the admin with what the files "
        "say. Without it they are kept, and the report says so.",
    )

    def clean_feed(self):
        _size_check(self.cleaned_data["feed"])
        return self.cleaned_data["feed"]

    def clean_debate(self):
        _size_check(self.cleaned_data.get("debate"))
        return self.cleaned_data.get("debate")


class ArticleImportMixin:
    """Adds the import page to ArticleAdmin, and a link to it on the list."""

    change_list_template = "admin/debate/article/change_list.html"

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("debate.import_articles")

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="debate_article_import"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        result, status = None, HTTPStatus.OK
        if request.method == "POST" and form.is_valid():
            feed, debate = form.cleaned_data["feed"], form.cleaned_data["debate"]
            loaded = feeds.load_upload(
                feed.name,
                feed.read(),
                debate.name if debate else "",
                debate.read() if debate else None,
                max_bytes=ADMIN_IMPORT_MAX_BYTES,
            )
            dry_run = form.cleaned_data["dry_run"]
            result = import_loaded(
                loaded,
                dry_run=dry_run,
                overwrite_local_edits=form.cleaned_data["overwrite_local_edits"],
            )
            if result.ok and not dry_run:
                levels = {Level.NOTE: messages.WARNING, Level.SUMMARY: messages.SUCCESS}
                for line in result.lines:
                    if line.level != Level.RECORD:
                        self.message_user(request, line.text, levels.get(line.level, messages.INFO))
                return redirect("admin:debate_article_changelist")
            if not result.ok:
                status = HTTPStatus.UNPROCESSABLE_ENTITY
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "max_bytes": ADMIN_IMPORT_MAX_BYTES,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/debate/article/import.html", context, status=status)
