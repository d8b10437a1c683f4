"""The GitHub sign-in adapter. Its own module: allauth.socialaccount is installed only when
GitHub credentials are configured, and its models cannot be imported otherwise."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError

from .forms import display_name_clean
from .models import User


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if not user.display_name:
            user.display_name = github_display_name(
                sociallogin.account.extra_data.get("login") or "", user.email or ""
            )
        return user


def github_display_name(login: str, email: str) -> str:
    """The member's GitHub login when it is a free display name, else one from the email."""
    try:
        return display_name_clean(login)
    except ValidationError:
        return User.objects.available_display_name(email or login or "member")
