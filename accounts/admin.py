from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User
from .services import member_delete


@admin.register(User)
class MemberAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("display_name", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("display_name", "email")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "bio")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )

    # Moderators deleting a member go through the same service as the member would, so the
    # vote history keeps adding up to the tally.
    def delete_model(self, request, obj):
        member_delete(obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            member_delete(member)
