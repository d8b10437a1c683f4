"""The notification digest by email: off until a member turns it on in their settings, then at
most one email an hour with their unread notifications since the previous one.

`manage.py send_notification_digests` sends them (cron or a systemd timer runs it; see README
"Deploying"); nothing is sent inside a request. Every link in a digest is on SITE_URL
(`absolute_url`), never on a request's host. Every digest carries `List-Unsubscribe` and
`List-Unsubscribe-Post` (RFC 8058): the mail client's one-click POST to the signed address
turns the digest off; the same address in a browser shows a page whose button does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Notification
from .notifications import notification_text
from .siteurl import absolute_url

DIGEST_INTERVAL = timedelta(hours=1)
# A digest lists this many at most; the rest are a click away on the notifications page.
DIGEST_MAX_ITEMS = 50
UNSUBSCRIBE_SALT = "debate.notification_mail.unsubscribe"


# Unsubscribing -------------------------------------------------------------------------------


def unsubscribe_token(member) -> str:
    """A token naming `member`, signed with SECRET_KEY: whoever holds it may turn off their
    digest (and nothing else). It does not expire, as an old email's link should still work."""
    return signing.dumps(member.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_member_id(token: str) -> int | None:
    """The member a token names, or None for a token this site did not sign."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(member) -> str:
    path = reverse("debate:notification_unsubscribe", args=[unsubscribe_token(member)])
    return absolute_url(path)


def digest_unsubscribe(member) -> None:
    get_user_model().objects.filter(pk=member.pk).update(notification_emails=False)


# Sending -------------------------------------------------------------------------------------


def members_due(now: datetime):
    """Members who asked for the digest, have something unread, a verified primary address, and
    were not sent one within the last hour."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(
        user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, notification_emails=True, notifications_unread__gt=0)
        .filter(
            Q(notifications_mailed_at__isnull=True)
            | Q(notifications_mailed_at__lte=now - DIGEST_INTERVAL)
        )
        .filter(Exists(verified))
    )


def digest_items(member, since: datetime | None) -> list[Notification]:
    """`member`'s unread notifications that show and are new (or grew) since `since`."""
    rows = Notification.objects.for_list(member).unread()
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    rows = list(rows[:DIGEST_MAX_ITEMS])
    for notification in rows:
        notification.text = notification_text(notification)
        notification.url = absolute_url(notification.post.get_absolute_url())
    return rows


def digest_message(member, items: list[Notification], *, connection=None) -> EmailMessage:
    n = len(items)
    context = {
        "member": member,
        "items": items,
        "site_name": settings.SITE_NAME,
        "list_url": absolute_url(reverse("debate:notification_list")),
        "settings_url": absolute_url(reverse("accounts:settings")),
        "unsubscribe_url": unsubscribe_url(member),
    }
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {n} new notification{'s' if n != 1 else ''}",
        body=render_to_string("debate/notification_digest.txt", context),
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )


@dataclass
class DigestResult:
    member_id: int
    items: int


def digest_send(
    member_id: int, *, now: datetime, dry_run: bool = False, connection=None
) -> DigestResult | None:
    """Send one member their digest, if it is still due; None when it is not (sent meanwhile,
    nothing new, or another run has the member locked right now).

    One transaction per member: the member's row is locked while their mail goes out and the
    time is stored after it, so two runs at once never both send, and a mail server that
    refuses one member leaves them due for the next run without undoing anyone else's.
    """
    with transaction.atomic():
        member = (
            members_due(now)
            .select_for_update(skip_locked=True)
            .filter(pk=member_id)
            .only("pk", "email", "display_name", "notifications_mailed_at")
            .first()
        )
        if member is None:
            return None
        items = digest_items(member, member.notifications_mailed_at)
        if not items:
            return None
        if not dry_run:
            digest_message(member, items, connection=connection).send()
            get_user_model().objects.filter(pk=member.pk).update(notifications_mailed_at=now)
        return DigestResult(member.pk, len(items))
