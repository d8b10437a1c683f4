"""The member: signs in with an email address and is known on the site by a display name."""

import re
from functools import cache

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils import timezone

DISPLAY_NAME_MAX_LENGTH = 30
DISPLAY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,28}[A-Za-z0-9]$"
DELETED_MEMBER_LABEL = "[deleted member]"

display_name_validator = RegexValidator(
    DISPLAY_NAME_PATTERN,
    "Use 3 to 30 letters, digits, dots, dashes or underscores, "
    "starting and ending with a letter or digit.",
)

# --- Names that imitate the site, its team or another member ---------------------------------
# A name's skeleton is what a reader sees once case, the separators and the digits that pass
# for letters are set aside: "Both.Sides", "both_sides" and "B0th-sides" are one name. The rule
# lives here once, in two forms: `skeleton()` in Python, `skeleton_sql()` for the database's
# unique index (User.Meta), built from the same folds.
SKELETON_FOLDS = (("-", ""), ("_", ""), (".", ""), (" ", ""), ("0", "o"), ("1", "l"))
NAME_PARTS = re.compile(r"[-_. ]+")


def skeleton(name: str) -> str:
    folded = name.casefold()
    for old, new in SKELETON_FOLDS:
        folded = folded.replace(old, new)
    return folded


def skeleton_sql(field: str = "display_name"):
    """The same skeleton as an expression the database computes (names are ASCII, so LOWER
    folds case as casefold() does)."""
    folded = Lower(field)
    for old, new in SKELETON_FOLDS:
        folded = Replace(folded, Value(old), Value(new))
    return folded


# Names that are paths under /members/, or that would let a member pass for the site itself,
# its mail or a deleted member: refused by skeleton, so every spelling of them is.
RESERVED_DISPLAY_NAMES = frozenset(
    {
        "settings",
        "members",
        "admin",
        "administrator",
        "moderator",
        "moderators",
        "staff",
        "support",
        "both-sides",
        "bothsides",
        "both-sides-team",
        "deleted",
        "deleted-member",
        "anonymous",
        "root",
        "system",
        "official",
        "team",
        "help",
        "security",
        "abuse",
        "postmaster",
        "webmaster",
        "noreply",
        "no-reply",
    }
)
# A part of a name (between separators) that claims a role: "moderator-team", "the.admin".
# Inside a longer word they are fine: "badminton", "staffordshire".
ROLE_WORDS = frozenset(
    {"admin", "administrator", "moderator", "mod", "staff", "support", "official", "system"}
)
_RESERVED_SKELETONS = frozenset(skeleton(name) for name in RESERVED_DISPLAY_NAMES)
_ROLE_SKELETONS = frozenset(
    form for word in ROLE_WORDS for form in (skeleton(word), skeleton(word) + "s")
)


def validate_display_name_not_reserved(value: str) -> None:
    """Refuse a name that imitates the site or claims a role (for names being chosen)."""
    if skeleton(value) in _RESERVED_SKELETONS:
        raise ValidationError("That name is reserved. Please choose another.", code="reserved")
    for part in NAME_PARTS.split(value):
        if skeleton(part) in _ROLE_SKELETONS:
            raise ValidationError(
                "Names with “%(part)s” in them could pass for someone who runs the site. "
                "Please choose another.",
                code="reserved",
                params={"part": part},
            )


def display_name_allowed(value: str) -> bool:
    """Whether a new name passes the pattern and the reserved words (not whether it is free)."""
    try:
        display_name_validator(value)
        validate_display_name_not_reserved(value)
    except ValidationError:
        return False
    return True


def member_name(member) -> str:
    """What the site calls the author of something: their display name, or a placeholder
    once they have deleted their account."""
    return member.display_name if member is not None else DELETED_MEMBER_LABEL


@cache
def _member_by_pk_sql(model) -> tuple[tuple[str, ...], str]:
    """Every column of a member, by primary key: the fields and the statement."""
    fields = tuple(field.attname for field in model._meta.concrete_fields)
    q = connection.ops.quote_name
    columns = ", ".join(q(field.column) for field in model._meta.concrete_fields)
    table, pk = q(model._meta.db_table), q(model._meta.pk.column)
    return fields, f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608 - from the model


class MemberManager(UserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """As the ORM's `get`, but `get(pk=...)` reads the row by one prepared statement.

        Every signed-in request reads its member that way (`ModelBackend.get_user`), and the
        ORM compiles the same query each time: 0.28 ms a read, against 0.11 ms for a statement
        that PostgreSQL keeps prepared (`debate.models.raw_sql.prepared_cursor`).
        """
        if args or kwargs.keys() != {"pk"} or self._db is not None:
            return super().get(*args, **kwargs)
        from debate.models.raw_sql import converted, prepared_cursor

        fields, sql = _member_by_pk_sql(self.model)
        pk = self.model._meta.pk.get_prep_value(kwargs["pk"])  # "12" as the ORM takes it
        with prepared_cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            name = self.model._meta.object_name
            raise self.model.DoesNotExist(f"{name} matching query does not exist.")
        return self.model.from_db(self.db, list(fields), converted(fields, self.model, row))

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

    def lookalikes(self, name: str):
        """Members whose display name has the same skeleton as `name` (the unique index's)."""
        return self.alias(display_name_skeleton=skeleton_sql()).filter(
            display_name_skeleton=skeleton(name)
        )

    def available_display_name(self, email: str) -> str:
        """A free display name that obeys the rule, derived from the local part of an email."""
        local = email.split("@", 1)[0]
        base = re.sub(r"[^A-Za-z0-9_.-]+", "", local).strip("._-")[:24] or "member"
        if len(base) < 3:
            base = f"{base}-member"[:24]
        if not display_name_allowed(base):
            base = "member"
        candidate, n = base, 1
        while not display_name_allowed(candidate) or self.lookalikes(candidate).exists():
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
    # Suspension by a moderator (debate.moderation.member_suspend): while it lasts the member is
    # signed out, cannot sign in, and cannot write; it ends by itself after `suspended_until`
    # (none: until a moderator restores them).
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_reason = models.TextField(blank=True, editable=False)
    # Notifications (debate.notifications): how many unread ones the header shows, kept by the
    # services with F() in the notification's transaction so no page counts them; the email
    # digest, off until the member turns it on, and when the last one went out.
    notifications_unread = models.PositiveIntegerField(default=0, editable=False)
    notification_emails = models.BooleanField(
        "email me my notifications",
        default=False,
        help_text="At most one email an hour, listing what is new since the last one. "
        "Every email has a link to turn it off.",
    )
    notifications_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = MemberManager()

    class Meta:
        verbose_name = "member"
        verbose_name_plural = "members"
        constraints = [
            # No two members whose names read alike; see skeleton(). An index on an expression,
            # so no stored copy can drift from the name (admin, shell and bulk updates alike).
            models.UniqueConstraint(
                skeleton_sql(),
                name="accounts_user_display_name_skeleton_unique",
                violation_error_message="That display name is taken, or looks too much like "
                "one that is. Please choose another.",
            ),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [("suspend_member", "Can suspend and restore members")]

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        member._stored_display_name = member.__dict__.get("display_name")
        return member

    def clean_fields(self, exclude=None):
        # A name the member already has is not judged again by rules added since they chose
        # it: they keep it until they change it, whatever else is saved (settings, admin).
        if self.display_name and self.display_name == getattr(self, "_stored_display_name", None):
            exclude = {*(exclude or ()), "display_name"}
        super().clean_fields(exclude=exclude)

    def __str__(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # What the admin greets a moderator with: the name they use here, not their email.
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.display_name])

    def is_suspended(self, now=None) -> bool:
        """Whether a suspension holds at `now`: from the fields the request already loaded."""
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or (now or timezone.now()) < self.suspended_until
