"""The email digest: who gets one, how often, what it links to, and unsubscribing (RFC 8058)."""

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debate import notification_mail, notifications

pytestmark = pytest.mark.django_db

SITE_URL = "https://both-sides.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def subscriber(writer):
    """The writer, with a verified address and notification emails turned on."""
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    type(writer).objects.filter(pk=writer.pk).update(notification_emails=True)
    writer.refresh_from_db()
    return writer


def send(*args: str) -> str:
    out = StringIO()
    call_command("send_notification_digests", *args, stdout=out)
    return out.getvalue()


def test_a_member_who_turned_it_on_gets_their_unread_notifications(
    subscriber, make_post, writers_rebuttal
):
    reply = make_post(parent=writers_rebuttal)

    assert send() == "1 digest sent.\n"

    [message] = mail.outbox
    assert message.to == [subscriber.email]
    assert "replied to your rebuttal on “A debate”" in message.body
    assert f"{SITE_URL}{reply.get_absolute_url()}" in message.body


def test_every_link_in_a_digest_is_on_the_site_url(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)
    send()

    links = [word for word in mail.outbox[0].body.split() if "://" in word]

    assert len(links) == 4
    assert all(link.startswith(f"{SITE_URL}/") for link in links)


def test_a_digest_carries_one_click_unsubscribe_headers(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)
    send()

    headers = mail.outbox[0].extra_headers
    url = notification_mail.unsubscribe_url(subscriber)
    assert headers["List-Unsubscribe"] == f"<{url}>"
    assert url.startswith(f"{SITE_URL}/notifications/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_digest_for_a_member_who_did_not_turn_it_on(writer, make_post, writers_rebuttal):
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    make_post(parent=writers_rebuttal)

    assert send() == "0 digests sent.\n"
    assert mail.outbox == []


def test_no_digest_to_an_unverified_address(writer, make_post, writers_rebuttal):
    EmailAddress.objects.create(user=writer, email=writer.email, verified=False, primary=True)
    type(writer).objects.filter(pk=writer.pk).update(notification_emails=True)
    make_post(parent=writers_rebuttal)

    send()

    assert mail.outbox == []


def test_no_digest_when_everything_is_read(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)
    notifications.notifications_mark_all_read(subscriber)

    send()

    assert mail.outbox == []


def test_no_digest_about_an_item_that_was_hidden(
    subscriber, make_post, writers_rebuttal, moderator
):
    from debate import moderation
    from debate.models import PostStatus

    reply = make_post(parent=writers_rebuttal)
    moderation.post_moderate(reply, PostStatus.HIDDEN, actor=moderator, reason="Spam.")

    send()

    assert mail.outbox == []


def test_at_most_one_digest_an_hour(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)
    send()
    make_post(parent=writers_rebuttal)

    send()

    assert len(mail.outbox) == 1


def test_the_next_digest_after_an_hour_lists_only_what_is_new(
    subscriber, make_post, writers_rebuttal
):
    first = make_post(parent=writers_rebuttal)
    send()
    mailed_at = timezone.now() - timedelta(hours=1, minutes=1)
    type(subscriber).objects.filter(pk=subscriber.pk).update(notifications_mailed_at=mailed_at)
    second = make_post(parent=writers_rebuttal, created_at=timezone.now())

    send()

    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert second.get_absolute_url() in body
    assert first.get_absolute_url() not in body


def test_an_endorsement_count_that_grew_is_news_again(subscriber, writers_rebuttal):
    notifications.notification_endorsement(writers_rebuttal)
    send()
    mailed_at = timezone.now() - timedelta(hours=2)
    type(subscriber).objects.filter(pk=subscriber.pk).update(notifications_mailed_at=mailed_at)

    notifications.notification_endorsement(writers_rebuttal)
    send()

    assert "2 members found your rebuttal" in mail.outbox[1].body


def test_a_dry_run_sends_nothing_and_stores_nothing(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)

    assert send("--dry-run", "--verbosity", "2") == (
        f"member #{subscriber.pk}: would get 1 notification\n1 digest would be sent.\n"
    )

    assert mail.outbox == []
    subscriber.refresh_from_db()
    assert subscriber.notifications_mailed_at is None


def test_the_command_says_nothing_at_verbosity_zero(subscriber, make_post, writers_rebuttal):
    make_post(parent=writers_rebuttal)

    assert send("--verbosity", "0") == ""
    assert len(mail.outbox) == 1


def test_a_mail_server_refusing_leaves_the_member_due(
    subscriber, make_post, writers_rebuttal, settings
):
    make_post(parent=writers_rebuttal)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    with pytest.raises(CommandError, match="1 digest could not be sent"):
        call_command("send_notification_digests", stdout=StringIO(), stderr=StringIO())

    subscriber.refresh_from_db()
    assert subscriber.notifications_mailed_at is None


# Unsubscribing ------------------------------------------------------------------------------


def unsubscribe_path(member) -> str:
    token = notification_mail.unsubscribe_token(member)
    return reverse("debate:notification_unsubscribe", args=[token])


def emails_on(member) -> bool:
    member.refresh_from_db()
    return member.notification_emails


def test_a_one_click_post_unsubscribes_without_a_csrf_token(subscriber):
    # What a mail client sends (RFC 8058): no cookie, no token, just this body.
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_path(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == HTTPStatus.OK
    assert emails_on(subscriber) is False


def test_the_link_shows_a_page_whose_button_confirms(client, subscriber):
    path = unsubscribe_path(subscriber)

    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert f'<form method="post" action="{path}"' in response.text
    assert ">Unsubscribe</button>" in response.text


def test_following_the_link_changes_nothing(client, subscriber):
    client.get(unsubscribe_path(subscriber))
    client.head(unsubscribe_path(subscriber))

    assert emails_on(subscriber) is True


def test_the_page_keeps_its_token_out_of_referers_and_caches(client, subscriber):
    response = client.get(unsubscribe_path(subscriber))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_confirm_button_unsubscribes_and_says_so(client, subscriber):
    response = client.post(unsubscribe_path(subscriber))

    assert "You are unsubscribed" in response.text
    assert emails_on(subscriber) is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_token_this_site_did_not_sign_is_a_clear_400(client, subscriber, method):
    token = notification_mail.unsubscribe_token(subscriber)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = getattr(client, method)(reverse("debate:notification_unsubscribe", args=[forged]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This unsubscribe link is not valid" in response.text
    assert emails_on(subscriber) is True


def test_a_token_signed_for_something_else_is_refused(client, subscriber):
    from django.core import signing

    token = signing.dumps(subscriber.pk)  # the right key, another salt

    response = client.post(reverse("debate:notification_unsubscribe", args=[token]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert emails_on(subscriber) is True


def test_a_token_of_a_deleted_member_is_refused(client, subscriber):
    path = unsubscribe_path(subscriber)
    subscriber.delete()

    assert client.post(path).status_code == HTTPStatus.BAD_REQUEST
