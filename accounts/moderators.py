"""The moderator role: a "Moderators" group with exactly the permissions moderation needs.

A moderator changes the status of posts (through the admin's actions), resolves reports,
suspends and restores members, edits articles and positions, reads what they judge (posts,
their edit history, reports, the votes and their history, the moderation record), and sets
pre-moderation. Nothing else: no members added or deleted, no votes touched, no groups or
permissions, no passwords or emails. The data migration that first creates the group
(debate/migrations/0008_moderators_group.py) holds a copy of this list as it was then; a later
migration that widens the role must update both.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

MODERATORS_GROUP = "Moderators"

# (app label, codename)
MODERATOR_PERMISSIONS = (
    ("accounts", "view_user"),
    ("accounts", "suspend_member"),
    ("debate", "view_article"),
    ("debate", "change_article"),
    ("debate", "view_position"),
    ("debate", "add_position"),
    ("debate", "change_position"),
    ("debate", "view_topic"),
    ("debate", "view_post"),
    ("debate", "moderate_post"),
    ("debate", "view_postrevision"),
    ("debate", "view_report"),
    ("debate", "resolve_report"),
    ("debate", "view_reportedpost"),
    ("debate", "view_sympathyvote"),
    ("debate", "view_votechange"),
    ("debate", "view_moderationrecord"),
    ("debate", "view_moderationsettings"),
    ("debate", "change_moderationsettings"),
)


def moderators_group() -> Group:
    """The Moderators group; made again with its permissions if someone deleted it."""
    group, created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if created:
        wanted = Q()
        for app_label, codename in MODERATOR_PERMISSIONS:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def moderator_grant(member) -> None:
    """Make `member` a moderator: staff (the admin lets them in) and in the group."""
    member.groups.add(moderators_group())
    if not member.is_staff:
        member.is_staff = True
        member.save(update_fields=["is_staff"])


@transaction.atomic
def moderator_revoke(member) -> bool:
    """Undo moderator_grant; True when the member is no longer staff.

    A superuser, or a member given other groups or permissions by hand, stays staff: that
    role does not come from this group.
    """
    member.groups.remove(*Group.objects.filter(name=MODERATORS_GROUP))
    other_roles = member.is_superuser or member.groups.exists() or member.user_permissions.exists()
    if member.is_staff and not other_roles:
        member.is_staff = False
        member.save(update_fields=["is_staff"])
    return not member.is_staff
