"""Forms for members: the display name at sign-up, profile settings and account deletion.

This module is imported by allauth while it builds its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS),
so it must not import allauth's forms itself.
"""

from django import forms
from django.utils.html import format_html

from .models import (
    DISPLAY_NAME_MAX_LENGTH,
    User,
    display_name_validator,
    validate_display_name_not_reserved,
)

DISPLAY_NAME_TAKEN = "That display name is taken. Please choose another."


def display_name_clean(value: str, *, member: User | None = None) -> str:
    """Validate a display name the way the database will, with messages a person can act on.

    A member's own current name is kept as it is, even if rules added since would refuse it.
    """
    value = value.strip()
    if member is not None and value == member.display_name:
        return value
    display_name_validator(value)
    validate_display_name_not_reserved(value)
    other = User.objects.lookalikes(value).exclude(pk=getattr(member, "pk", None)).first()
    if other is None:
        return value
    if other.display_name.lower() == value.lower():
        raise forms.ValidationError(DISPLAY_NAME_TAKEN, code="taken")
    raise forms.ValidationError(
        "That display name looks too much like “%(other)s”, which another member has. "
        "Please choose another.",
        code="taken",
        params={"other": other.display_name},
    )


class SignupExtraForm(forms.Form):
    """Fields allauth adds to its sign-up form. The adapter stores them (see adapters.py)."""

    display_name = forms.CharField(
        label="Display name (optional)",
        required=False,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Shown on everything you write. 3 to 30 letters, digits, dots, dashes or "
        "underscores. Leave it blank to use the start of your email address; you can "
        "change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )

    field_order = ["email", "display_name", "password1", "password2"]

    def clean_display_name(self) -> str:
        value = self.cleaned_data.get("display_name", "").strip()
        if not value:
            return ""
        return display_name_clean(value)

    def signup(self, request, user) -> None:
        """allauth calls this after saving; the adapter has already stored the display name."""


class MemberSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio", "notification_emails"]
        labels = {
            "display_name": "Display name",
            "bio": "About you",
            "notification_emails": "Email me my notifications",
        }
        help_texts = {
            "display_name": "Shown on everything you write, and in the address of your "
            "profile. 3 to 30 letters, digits, dots, dashes or underscores.",
            "bio": "A few words for your profile page, up to 500 characters. Plain text.",
            "notification_emails": "A digest of what is new, at most one email an hour, to "
            "your verified address. Every email has a link to stop them.",
        }
        widgets = {
            "display_name": forms.TextInput(
                attrs={"autocomplete": "nickname", "spellcheck": "false"}
            ),
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 500}),
        }

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"], member=self.instance)


class MemberDeleteForm(forms.Form):
    """Deleting an account cannot be undone, so the member proves it is them and means it:
    their password, or (for a member who signed up with GitHub and has none) their name."""

    def __init__(self, *args, member: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member.has_usable_password():
            self.fields["password"] = forms.CharField(
                label="Your password",
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                help_text="To make sure it is you.",
            )
        else:
            self.fields["confirm"] = forms.CharField(
                label="Type your display name",
                # Help text is rendered as HTML (see _field.html): escape the name.
                help_text=format_html("Type {} to confirm.", member.display_name),
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password

    def clean_confirm(self) -> str:
        confirm = self.cleaned_data["confirm"].strip()
        if confirm.lower() != self.member.display_name.lower():
            raise forms.ValidationError(
                f"Type {self.member.display_name} exactly.", code="mismatch"
            )
        return confirm
