"""The member: signs in with an email address and is known on the site by a display name."""

import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

DISPLAY_NAME_MAX_LENGTH = 30
DISPLAY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,28}[A-Za-z0-9]$"
DELETED_MEMBER_LABEL = "[deleted member]"

display_name_validator = RegexValidator(
    DISPLAY_NAME_PATTERN,
    "Use 3 to 30 letters, digits, dots, dashes or underscores, "
    "starting and ending with a letter or digit.",
)

# Names that are paths under /members/ or that would let a member pass for the site itself.
RESERVED_DISPLAY_NAMES = frozenset(
    {
        "settings",
        "admin",
        "administrator",
        "moderator",
        "moderators",
        "staff",
        "support",
        "both-sides",
        "bothsides",
        "deleted",
        "deleted-member",
        "anonymous",
        "members",
    }
)


def validate_display_name_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_DISPLAY_NAMES:
        raise ValidationError("That name is reserved. Please choose another.", code="reserved")


def member_name(member) -> str:
    """What the site calls the author of something: their display name, or a placeholder
    once they have deleted their account."""
    return member.display_name if member is not None else DELETED_MEMBER_LABEL


class MemberManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A member needs an email address.")
        email = self.normalize_email(email).lower()
        if not extra_fields.get("display_name"):
            extra_fields["display_name"] = self.available_display_name(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def available_display_name(self, email: str) -> str:
        """A free display name derived from the local part of an email address."""
        local = email.split("@", 1)[0]
        base = re.sub(r"[^A-Za-z0-9_.-]+", "", local).strip("._-")[:24] or "member"
        if len(base) < 3:
            base = f"{base}-member"[:24]
        if base.lower() in RESERVED_DISPLAY_NAMES:
            base = f"{base}-member"
        candidate, n = base, 1
        while self.filter(display_name__iexact=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=DISPLAY_NAME_MAX_LENGTH,
        unique=True,
        validators=[display_name_validator, validate_display_name_not_reserved],
        help_text="Shown on everything you write. Letters, digits, dots, dashes, underscores.",
    )
    bio = models.TextField(blank=True, max_length=500)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = MemberManager()

    class Meta:
        verbose_name = "member"
        verbose_name_plural = "members"
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"), name="accounts_user_display_name_ci_unique"
            ),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # What the admin greets a moderator with: the name they use here, not their email.
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.display_name])
