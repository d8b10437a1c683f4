from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from debate import moderation
from debate.models import ModerationRecord
from debate.moderation_admin import ReasonForm, Selected, confirm_action, plural, records_list

from .models import User
from .services import member_delete

# What a moderator (staff, not superuser) may see of members and filter them by: no email,
# password, groups, permissions or staff and superuser flags.
MODERATOR_VISIBLE_FIELDS = frozenset(
    {"id", "display_name", "bio", "is_active", "date_joined", "last_login", "suspended_at",
     "suspended_until"}
)  # fmt: skip


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspension"
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", "Suspended now"), ("no", "Not suspended")]

    def queryset(self, request, queryset):
        now = timezone.now()
        suspended = Q(suspended_at__isnull=False) & (
            Q(suspended_until__isnull=True) | Q(suspended_until__gt=now)
        )
        if self.value() == "yes":
            return queryset.filter(suspended)
        if self.value() == "no":
            return queryset.exclude(suspended)
        return queryset


class SuspendForm(ReasonForm):
    until = forms.DateTimeField(
        label="Until (UTC, optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to suspend them until a moderator restores them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            "Goes on the moderation record, and the member reads it when they are signed out "
            "and whenever they try to sign in."
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until <= timezone.now():
            raise forms.ValidationError("Choose a moment in the future, or leave it empty.")
        return until


@admin.register(User)
class MemberAdmin(UserAdmin):
    ordering = ("email",)
    list_display = (
        "display_name", "email", "is_staff", "is_active", "suspension", "date_joined"
    )  # fmt: skip
    search_fields = ("display_name", "email")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", SuspendedFilter)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "bio")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Suspension", {"fields": ("suspension", "suspension_reason", "suspended_at")}),
        ("Moderation", {"fields": ("moderation_history",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    # What moderators see: the profile, the suspension and the dates.
    moderator_fieldsets = (
        ("Profile", {"fields": ("display_name", "bio")}),
        ("Suspension", {"fields": ("suspension", "suspension_reason", "suspended_at")}),
        ("Moderation", {"fields": ("moderation_history",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("suspension", "suspension_reason", "suspended_at", "moderation_history")
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )
    actions = ["suspend", "restore"]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.moderator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ("display_name", "is_active", "suspension", "date_joined", "last_login")

    def get_search_fields(self, request):
        return self.search_fields if request.user.is_superuser else ("display_name",)

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ("is_active", SuspendedFilter)

    def get_ordering(self, request):
        return self.ordering if request.user.is_superuser else ("display_name",)

    def lookup_allowed(self, lookup, value, request):
        # The list's URL accepts lookups on the member's own fields (?email__startswith=a):
        # moderators get only those they may see, or a filter would tell them the rest.
        allowed = MODERATOR_VISIBLE_FIELDS | {SuspendedFilter.parameter_name}
        if not request.user.is_superuser and lookup.split("__")[0] not in allowed:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="Suspended")
    def suspension(self, obj):
        if not obj.is_suspended():
            return "—"
        if obj.suspended_until is None:
            return "until restored"
        return f"until {date_format(timezone.localtime(obj.suspended_until), 'j M Y, H:i')}"

    @admin.display(description="Record of their posts and of them")
    def moderation_history(self, obj):
        return records_list(ModerationRecord.objects.filter(member_id=obj.pk)[:50])

    # Moderators deleting a member go through the same service as the member would, so the
    # vote history keeps adding up to the tally.
    def delete_model(self, request, obj):
        member_delete(obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            member_delete(member)

    def has_suspend_permission(self, request):
        return request.user.has_perm("accounts.suspend_member")

    @admin.action(description="Suspend selected members", permissions=["suspend"])
    def suspend(self, request, queryset):
        members = list(queryset)

        def warning(member):
            if member.pk == request.user.pk:
                return "You cannot suspend yourself."
            if member.is_staff and not request.user.is_superuser:
                return "Staff: only a superuser can suspend them."
            if member.is_suspended():
                return f"Already suspended {self.suspension(member)}: this replaces it."
            return ""

        def apply(data):
            done = 0
            for member in members:
                try:
                    moderation.member_suspend(
                        member, actor=request.user, reason=data["reason"], until=data["until"]
                    )
                except moderation.ModerationRefused as refused:
                    self.message_user(request, f"{member}: {refused.message}", messages.ERROR)
                else:
                    done += 1
            self.message_user(
                request,
                f"Suspended {plural(done, 'member')}: they are signed out at their next request.",
                messages.SUCCESS,
            )

        return confirm_action(
            self,
            request,
            title=f"Suspend {plural(len(members), 'member')}",
            button=f"Suspend {plural(len(members), 'member')}",
            items=[Selected(member.display_name, "", warning(member)) for member in members],
            apply=apply,
            form_class=SuspendForm,
        )

    @admin.action(description="Restore selected members", permissions=["suspend"])
    def restore(self, request, queryset):
        members = list(queryset)

        def apply(data):
            restored = [
                member
                for member in members
                if moderation.member_restore(member, actor=request.user, reason=data["reason"])
            ]
            self.message_user(
                request, f"Restored {plural(len(restored), 'member')}.", messages.SUCCESS
            )

        return confirm_action(
            self,
            request,
            title=f"Restore {plural(len(members), 'member')}",
            button=f"Restore {plural(len(members), 'member')}",
            items=[
                Selected(
                    member.display_name,
                    f"suspended {self.suspension(member)}" if member.is_suspended() else "",
                    "" if member.suspended_at else "Not suspended: nothing to restore.",
                )
                for member in members
            ],
            apply=apply,
        )


# allauth's email admin: its "mark verified" action would run for staff who may only view
# addresses; it now needs the change permission, like every action here.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class VerifiedEmailAddressAdmin(EmailAddressAdmin):
    @admin.action(description="Mark selected email addresses as verified", permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)
