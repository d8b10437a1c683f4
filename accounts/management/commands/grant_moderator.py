"""Make an existing member a moderator, or (--revoke) undo it: `manage.py grant_moderator EMAIL`.

A moderator is staff (the admin lets them in) and in the "Moderators" group, which holds
exactly the permissions moderation needs (accounts.moderators). The first superuser comes from
`createsuperuser`; moderators come from here.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.moderators import MODERATORS_GROUP, moderator_grant, moderator_revoke


class Command(BaseCommand):
    help = (
        "Make the member with this email address a moderator (staff, in the Moderators "
        "group); --revoke takes the role away again."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The member's email address (any case).")
        parser.add_argument("--revoke", action="store_true", help="Take the role away.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")

    @transaction.atomic
    def handle(self, *args, email, revoke, dry_run, verbosity, **options):
        member = User.objects.filter(email__iexact=email.strip()).first()
        if member is None:
            raise CommandError(
                f"No member has the email address {email!r}. They sign up on the site first; "
                "then run this again."
            )
        is_moderator = member.is_staff and member.groups.filter(name=MODERATORS_GROUP).exists()
        if revoke:
            if not member.groups.filter(name=MODERATORS_GROUP).exists():
                self._say(verbosity, f"{member.display_name} is not a moderator; nothing to do.")
                return
            if dry_run:
                self._say(verbosity, f"Would take the moderator role from {member.display_name}.")
                return
            no_longer_staff = moderator_revoke(member)
            self._say(
                verbosity,
                f"{member.display_name} is no longer a moderator."
                + ("" if no_longer_staff else " They stay staff: they have other roles."),
            )
            return
        if member.is_suspended():
            raise CommandError(f"{member.display_name} is suspended; restore them first.")
        if is_moderator:
            self._say(verbosity, f"{member.display_name} is already a moderator.")
            return
        if dry_run:
            self._say(verbosity, f"Would make {member.display_name} a moderator.")
            return
        moderator_grant(member)
        self._say(
            verbosity,
            f"{member.display_name} is now a moderator: they sign in at /admin/ with their "
            "own email and password.",
        )

    def _say(self, verbosity, message):
        if verbosity >= 1:
            self.stdout.write(message)
