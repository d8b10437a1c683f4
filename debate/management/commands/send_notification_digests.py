"""Email each member who turned on notification emails one digest of their unread
notifications since the previous digest, at most once an hour.

Run it every few minutes from cron or a systemd timer (README "Deploying"); a member whose
last digest went out less than an hour ago waits for a later run, so the run's frequency only
sets how soon after the hour the next digest leaves. Each member is one transaction (their row
locked while their mail is sent): a mail server that refuses one member leaves that member due
for the next run and undoes no one else's, and two runs at once never mail anyone twice.
`--dry-run` lists who would get what and sends nothing.
"""

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from debate.notification_mail import digest_send, members_due


class Command(BaseCommand):
    help = (
        "Send the hourly notification digests to the members who asked for them. "
        "--dry-run counts them without sending."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get a digest; send nothing."
        )

    def handle(self, *args, dry_run, verbosity, **options):
        now = timezone.now()
        due = list(members_due(now).order_by("pk").values_list("pk", flat=True))
        sent = failed = 0
        connection = get_connection()  # opened by the first message, shared by the rest
        try:
            for member_id in due:
                try:
                    result = digest_send(member_id, now=now, dry_run=dry_run, connection=connection)
                except OSError as error:  # smtplib's errors are OSErrors
                    failed += 1
                    self.stderr.write(f"member #{member_id}: not sent ({error}); still due.")
                    continue
                if result is None:
                    continue
                sent += 1
                if verbosity >= 2:
                    verb = "would get" if dry_run else "sent"
                    items = f"{result.items} notification{'s' if result.items != 1 else ''}"
                    self.stdout.write(f"member #{result.member_id}: {verb} {items}")
        finally:
            connection.close()
        if verbosity >= 1:
            noun = "digest" if sent == 1 else "digests"
            verb = "would be sent" if dry_run else "sent"
            self.stdout.write(f"{sent} {noun} {verb}.")
        if failed:
            raise CommandError(
                f"{failed} digest{'s' if failed != 1 else ''} could not be sent; "
                "those members stay due for the next run."
            )
