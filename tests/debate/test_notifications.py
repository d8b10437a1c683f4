"""The notification services: who hears about what, what shows, and the unread count."""

from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from debate import discussion, moderation, notifications
from debate.models import ModerationSettings, Notification, NotificationKind, PostStatus

from .test_services import needs_postgresql, run_at_once

pytestmark = pytest.mark.django_db


def shown(member):
    return list(Notification.objects.for_list(member))


def recount_check() -> str:
    out = StringIO()
    call_command("recount", "--check", stdout=out, stderr=StringIO())
    return out.getvalue()


# Replies ------------------------------------------------------------------------------------


def test_a_reply_notifies_the_author_of_what_it_answers(make_post, writers_rebuttal, writer):
    reply = make_post(parent=writers_rebuttal)

    [notification] = shown(writer)
    assert (notification.kind, notification.post_id) == (NotificationKind.REPLY, reply.pk)
    assert notifications.notification_text(notification) == (
        f"{reply.author.display_name} replied to your rebuttal on “A debate”."
    )


def test_a_reply_to_your_own_post_notifies_nobody(make_post, writers_rebuttal, writer, unread):
    make_post(writer, parent=writers_rebuttal)

    assert not Notification.objects.exists()
    assert unread() == 0


def test_a_reply_to_a_reply_notifies_that_replys_author_not_the_threads(
    make_post, make_member, writers_rebuttal, writer
):
    replier = make_member(password=None)
    first = make_post(replier, parent=writers_rebuttal)
    second = make_post(parent=first)

    assert [n.post_id for n in shown(replier)] == [second.pk]
    assert [n.post_id for n in shown(writer)] == [first.pk]


def test_a_reply_counts_one_unread(make_post, writers_rebuttal, unread):
    make_post(parent=writers_rebuttal)
    make_post(parent=writers_rebuttal)

    assert unread() == 2


@pytest.mark.parametrize("status", [PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED])
def test_the_notification_of_a_reply_disappears_with_it(
    make_post, writers_rebuttal, writer, unread, status
):
    reply = make_post(parent=writers_rebuttal)

    discussion.post_status_change(reply, status, reason="Off-topic.")

    assert shown(writer) == []
    assert unread() == 0


def test_the_notification_of_a_reply_hidden_pending_review_disappears_too(
    make_post, writers_rebuttal, writer, unread
):
    reply = make_post(parent=writers_rebuttal)

    discussion.post_status_change(reply, PostStatus.HELD, reason="Reported.")

    assert shown(writer) == []
    assert unread() == 0


def test_a_reply_published_again_shows_its_notification_again_once(
    make_post, writers_rebuttal, writer, unread, moderator
):
    reply = make_post(parent=writers_rebuttal)
    moderation.post_moderate(reply, PostStatus.HIDDEN, actor=moderator, reason="Checking.")

    moderation.post_moderate(reply, PostStatus.PUBLISHED, actor=moderator, reason="Fine.")

    assert [n.post_id for n in shown(writer)] == [reply.pk]
    assert unread() == 1


def test_a_reply_held_for_a_moderator_notifies_when_it_is_published(
    make_member, writers_rebuttal, writer, unread, moderator
):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"premoderated_posts": 1})
    newcomer = make_member(password=None)
    reply = discussion.post_create(
        author=newcomer,
        target=discussion.Target(writers_rebuttal.article, "reply", parent=writers_rebuttal),
        body_md="A first reply, held until a moderator has read it.",
    )
    assert reply.status == PostStatus.PENDING
    assert unread() == 0

    moderation.post_moderate(reply, PostStatus.PUBLISHED, actor=moderator, reason="Welcome.")

    assert [n.post_id for n in shown(writer)] == [reply.pk]
    assert unread() == 1


def test_a_notification_about_a_hidden_item_that_was_read_does_not_count_when_shown_again(
    make_post, writers_rebuttal, writer, unread, moderator
):
    reply = make_post(parent=writers_rebuttal)
    notifications.notifications_mark_all_read(writer)
    moderation.post_moderate(reply, PostStatus.HIDDEN, actor=moderator, reason="Checking.")

    moderation.post_moderate(reply, PostStatus.PUBLISHED, actor=moderator, reason="Fine.")

    assert unread() == 0


# Endorsements and credits ---------------------------------------------------------------------


def test_endorsements_of_an_item_add_up_in_one_unread_notification(
    writers_rebuttal, writer, unread
):
    for _ in range(3):
        notifications.notification_endorsement(writers_rebuttal)

    [notification] = shown(writer)
    assert notification.count == 3
    assert notifications.notification_text(notification) == (
        "3 members found your rebuttal on “A debate” convincing."
    )
    assert unread() == 1


def test_an_endorsement_after_the_notification_was_read_starts_a_new_one(
    writers_rebuttal, writer, unread
):
    notifications.notification_endorsement(writers_rebuttal)
    notifications.notifications_mark_all_read(writer)

    notifications.notification_endorsement(writers_rebuttal)

    assert sorted((n.count, n.is_unread) for n in shown(writer)) == [(1, False), (1, True)]
    assert unread() == 1


def test_credits_add_up_apart_from_endorsements(writers_rebuttal, writer, unread):
    notifications.notification_endorsement(writers_rebuttal)
    notifications.notification_credit(writers_rebuttal)
    notifications.notification_credit(writers_rebuttal)

    credit = next(n for n in shown(writer) if n.kind == NotificationKind.CREDIT)
    assert notifications.notification_text(credit) == (
        "Your rebuttal on “A debate” changed 2 members' minds."
    )
    assert unread() == 2


def test_an_endorsement_notification_names_no_member(
    make_member, writers_rebuttal, writer, side_one
):
    # The entry point is given the item, never the endorser: there is nobody to name.
    notifications.notification_endorsement(writers_rebuttal)
    [notification] = shown(writer)

    text = notifications.notification_text(notification)

    assert "writer" not in text
    assert side_one.label not in text


@pytest.mark.parametrize("status", [PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED])
def test_endorsements_of_an_item_disappear_with_it(writers_rebuttal, writer, unread, status):
    notifications.notification_endorsement(writers_rebuttal)

    discussion.post_status_change(writers_rebuttal, status, actor=writer, reason="Gone.")

    assert [n for n in shown(writer) if n.kind != NotificationKind.MODERATION] == []


# Moderation outcomes ------------------------------------------------------------------------


def test_the_author_hears_what_a_moderator_did_and_why(writers_rebuttal, writer, unread, moderator):
    moderation.post_moderate(
        writers_rebuttal, PostStatus.REMOVED, actor=moderator, reason="Personal attack."
    )

    [notification] = shown(writer)
    assert (notification.kind, notification.reason) == (
        NotificationKind.MODERATION,
        "Personal attack.",
    )
    text = notifications.notification_text(notification)
    assert text == "A moderator removed your rebuttal on “A debate”."
    assert moderator.display_name not in text
    assert unread() == 1


def test_a_moderation_outcome_stays_visible_to_the_author_after_the_item_is_hidden(
    make_post, writers_rebuttal, writer, moderator
):
    reply = make_post(parent=writers_rebuttal)
    moderation.post_moderate(reply, PostStatus.HIDDEN, actor=moderator, reason="Spam.")

    assert [(n.kind, n.reason) for n in shown(reply.author)] == [
        (NotificationKind.MODERATION, "Spam.")
    ]


def test_reports_hiding_an_item_pending_review_tell_its_author(writers_rebuttal, writer):
    discussion.post_status_change(
        writers_rebuttal, PostStatus.HELD, reason="Members reported it; a moderator will review it."
    )

    [notification] = shown(writer)
    assert notifications.notification_text(notification).startswith("Members' reports hid")


def test_dismissing_reports_on_a_published_item_tells_its_author_nothing(
    writers_rebuttal, writer, moderator
):
    moderation.reports_resolve(writers_rebuttal, actor=moderator, reason="Nothing wrong.")

    assert shown(writer) == []


def test_an_author_deleting_their_own_item_is_told_nothing(writers_rebuttal, writer):
    discussion.post_delete(writers_rebuttal, member=writer)

    assert shown(writer) == []


# Marking read and the unread count ------------------------------------------------------------


def test_marking_one_read_lowers_the_count_by_one(make_post, writers_rebuttal, writer, unread):
    make_post(parent=writers_rebuttal)
    make_post(parent=writers_rebuttal)
    first = shown(writer)[-1]

    assert notifications.notification_mark_read(writer, first.pk) is True
    assert notifications.notification_mark_read(writer, first.pk) is False

    assert unread() == 1


def test_nobody_marks_another_members_notification_read(
    make_post, make_member, writers_rebuttal, writer, unread
):
    make_post(parent=writers_rebuttal)

    assert notifications.notification_mark_read(make_member(), shown(writer)[0].pk) is False

    assert unread() == 1


def test_the_unread_count_equals_recount_after_a_mix_of_everything(
    make_post, make_member, writers_rebuttal, writer, moderator, side_two
):
    other = make_post(writer, position=side_two)
    replies = [make_post(parent=writers_rebuttal) for _ in range(4)]
    make_post(parent=replies[0])
    for _ in range(3):
        notifications.notification_endorsement(writers_rebuttal)
    notifications.notification_credit(other)
    notifications.notification_mark_read(writer, shown(writer)[2].pk)
    moderation.post_moderate(replies[1], PostStatus.HIDDEN, actor=moderator, reason="Spam.")
    discussion.post_delete(replies[2], member=replies[2].author)
    moderation.post_moderate(other, PostStatus.REMOVED, actor=moderator, reason="Rude.")
    notifications.notification_endorsement(other)
    moderation.post_moderate(replies[1], PostStatus.PUBLISHED, actor=moderator, reason="Fine.")

    assert "Every counter matches" in recount_check()


def test_recount_repairs_a_drifted_unread_count(make_post, writers_rebuttal, writer, unread):
    make_post(parent=writers_rebuttal)
    type(writer).objects.filter(pk=writer.pk).update(notifications_unread=7)

    out = StringIO()
    call_command("recount", stdout=out)

    assert "unread notifications of member" in out.getvalue()
    assert unread() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_endorsements_add_up_in_one_notification(
    writers_rebuttal, writer, unread
):
    errors = run_at_once(
        [partial(notifications.notification_endorsement, writers_rebuttal) for _ in range(20)]
    )

    assert errors == []
    [notification] = Notification.objects.filter(recipient=writer)
    assert notification.count == 20
    assert unread() == 1
    assert connection.vendor == "postgresql"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_members_replying_to_each_other_at_once_both_succeed(
    make_member, make_post, side_one, settings
):
    settings.POST_LIMIT_NEW_MEMBER = 10
    ann, bob = make_member(password=None), make_member(password=None)
    anns, bobs = make_post(ann, position=side_one), make_post(bob, position=side_one)

    def reply(author, parent, n):
        discussion.post_create(
            author=author,
            target=discussion.Target(parent.article, "reply", parent=parent),
            body_md=f"Reply number {n} by {author.display_name}, saying something new.",
        )

    errors = run_at_once(
        [partial(reply, ann, bobs, n) for n in range(3)]
        + [partial(reply, bob, anns, n) for n in range(3)]
    )

    assert errors == []
    assert Notification.objects.count() == 6
