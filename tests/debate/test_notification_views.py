"""The notifications page, marking read (in place and without JavaScript), and the header's
unread count."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from debate import notifications
from debate.models import Notification

from .conftest import HTMX

pytestmark = pytest.mark.django_db

LIST = reverse("debate:notification_list")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def replied(make_post, writers_rebuttal):
    """A reply to the writer's rebuttal, and so one unread notification."""
    return make_post(parent=writers_rebuttal)


def read_url(notification) -> str:
    return reverse("debate:notification_read", args=[notification.pk])


def test_the_page_asks_a_visitor_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_lists_the_members_notifications_linked_to_the_item(writer_client, replied):
    response = writer_client.get(LIST)

    assert response.status_code == HTTPStatus.OK
    assert f'href="{replied.get_absolute_url()}"' in response.text
    assert "replied to your rebuttal" in response.text


def test_the_page_lists_newest_first(writer_client, make_post, writers_rebuttal):
    older = make_post(parent=writers_rebuttal)
    newer = make_post(parent=writers_rebuttal)

    text = writer_client.get(LIST).text

    assert text.index(newer.get_absolute_url()) < text.index(older.get_absolute_url())


def test_the_page_shows_nobody_elses_notifications(client, make_member, replied):
    client.force_login(make_member())

    assert replied.get_absolute_url() not in client.get(LIST).text


def test_the_page_shows_a_moderation_reason_to_the_author(
    writer_client, writers_rebuttal, moderator
):
    from debate import moderation
    from debate.models import PostStatus

    moderation.post_moderate(
        writers_rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Stick to the article."
    )

    text = writer_client.get(LIST).text

    assert "A moderator hid your rebuttal" in text
    assert "Reason: Stick to the article." in text
    assert moderator.display_name not in text


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_however_many_notifications(
    writer_client,
    make_post,
    writers_rebuttal,
    side_two,
    writer,
    django_assert_max_num_queries,
    count,
):
    for _ in range(count // 3):
        make_post(parent=writers_rebuttal)
        notifications.notification_endorsement(make_post(writer, position=side_two))
        notifications.notification_credit(writers_rebuttal)
        notifications.notifications_mark_all_read(writer)

    # Session, member, the page's count and its rows.
    with django_assert_max_num_queries(4):
        response = writer_client.get(LIST)
    assert response.status_code == HTTPStatus.OK


def test_the_page_is_paged(writer_client, make_post, writers_rebuttal):
    for _ in range(21):
        make_post(parent=writers_rebuttal)

    assert "Page 1 of 2" in writer_client.get(LIST).text
    assert writer_client.get(LIST, {"page": 2}).text.count('<li class="notification') == 1


# The header ---------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_in_a_live_region(writer_client, replied):
    text = writer_client.get(reverse("debate:article_list")).text

    assert 'id="notification-count" aria-live="polite"' in text
    assert '>1<span class="visually-hidden"> unread</span>' in text


def test_the_header_shows_no_count_when_nothing_is_unread(writer_client):
    assert "unread</span>" not in writer_client.get(reverse("debate:article_list")).text


def test_a_visitor_sees_no_notifications_link(client, replied):
    assert LIST not in client.get(reverse("debate:article_list")).text


def test_a_member_is_never_served_the_anonymous_cached_article_page(
    client, writer, replied, settings
):
    settings.ANONYMOUS_CACHE_SECONDS = 60
    url = replied.article.get_absolute_url()
    client.get(url)  # stores the anonymous rendering
    client.force_login(writer)

    assert 'id="notification-count" aria-live="polite"' in client.get(url).text


# Marking read ----------------------------------------------------------------------------


def test_marking_read_without_javascript_redirects_back_to_the_list(writer_client, replied, writer):
    notification = Notification.objects.get()

    response = writer_client.post(read_url(notification), {"page": "1"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"{LIST}#notification-{notification.pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None
    writer.refresh_from_db()
    assert writer.notifications_unread == 0


def test_marking_read_keeps_the_page_the_member_was_on(writer_client, replied):
    response = writer_client.post(read_url(Notification.objects.get()), {"page": "2"})

    assert response["Location"].startswith(f"{LIST}?page=2#")


def test_marking_read_in_place_answers_the_item_and_the_header_count(writer_client, replied):
    notification = Notification.objects.get()

    response = writer_client.post(read_url(notification), **HTMX)

    assert response.status_code == HTTPStatus.OK
    assert f'id="notification-{notification.pk}"' in response.text
    assert "Mark read" not in response.text
    assert 'id="notification-count" hx-swap-oob="innerHTML"></span>' in response.text


def test_the_list_offers_mark_read_as_a_form_that_works_without_javascript(writer_client, replied):
    notification = Notification.objects.get()
    text = writer_client.get(LIST).text

    assert f'<form method="post" action="{read_url(notification)}"' in text
    assert f'hx-post="{read_url(notification)}"' in text


def test_marking_read_is_not_done_by_a_get(writer_client, replied):
    notification = Notification.objects.get()

    response = writer_client.get(read_url(notification))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_someone_elses_notification_read_is_not_found(client, make_member, replied):
    client.force_login(make_member())
    notification = Notification.objects.get()

    response = client.post(read_url(notification))

    assert response.status_code == HTTPStatus.NOT_FOUND
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_needs_the_csrf_token(writer, replied):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)

    response = client.post(read_url(Notification.objects.get()))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_mark_all_read_reads_them_all(writer_client, make_post, writers_rebuttal, writer):
    make_post(parent=writers_rebuttal)
    make_post(parent=writers_rebuttal)

    response = writer_client.post(reverse("debate:notifications_read_all"))

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == LIST
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    writer.refresh_from_db()
    assert writer.notifications_unread == 0


# The setting --------------------------------------------------------------------------------


def test_notification_emails_are_off_for_a_new_member(writer):
    assert writer.notification_emails is False


def test_a_member_turns_notification_emails_on_in_their_settings(writer_client, writer):
    response = writer_client.post(
        reverse("accounts:settings"),
        {"display_name": "writer", "bio": "", "notification_emails": "on"},
    )

    assert response.status_code == HTTPStatus.FOUND
    writer.refresh_from_db()
    assert writer.notification_emails is True
