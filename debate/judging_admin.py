"""Changed-mind credits in the admin, read only: moderators read the reasons members gave
(which only the rebuttal's author reads on the site); nobody edits or adds one here."""

from django.contrib import admin
from django.utils.html import format_html

from .models import Credit


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ("post", "created_at", "reason")
    list_select_related = ("post", "post__author", "post__position")
    ordering = ("-id",)
    fields = ("post", "switch", "created_at", "reason")
    readonly_fields = fields

    @admin.display(description="Reason")
    def reason(self, obj):
        # Stored by render_markdown on save: sanitized.
        return format_html("{}", obj.reason_md) if obj.reason_md else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
