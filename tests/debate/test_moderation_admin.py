"""Moderating in the admin: every action asks for a reason and goes on the record, the report
queue groups reports by item, and the header and index show what waits."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from debate import discussion, moderation
from debate.models import (
    ModerationAction,
    ModerationRecord,
    ModerationSettings,
    PostStatus,
    ReportReason,
    ReportState,
)
from debate.services import vote_cast

pytestmark = pytest.mark.django_db

POSTS = "admin:debate_post_changelist"
QUEUE = "admin:debate_reportedpost_changelist"


def choose(client, list_name, action, objects):
    """Pick an action in a list's menu for the objects: the confirmation page answers."""
    ids = [obj.pk for obj in objects]
    return client.post(reverse(list_name), {"action": action, ACTION_CHECKBOX_NAME: ids})


def confirm(client, list_name, action, objects, **fields):
    """Confirm an action on its confirmation page, as its form posts it."""
    ids = [obj.pk for obj in objects]
    data = {"action": action, ACTION_CHECKBOX_NAME: ids, "confirm": "yes", **fields}
    return client.post(reverse(list_name), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def rebuttal(make_post, side_one, make_member):
    return make_post(make_member(display_name="spammer"), position=side_one,
                     body="Buy cheap pills at example.com, the best pills in town")  # fmt: skip


@pytest.fixture
def report(make_member):
    def file(post, reason=ReportReason.ABUSE, note=""):
        return discussion.report_file(post, reporter=make_member(), reason=reason, note=note)

    return file


def test_hiding_first_asks_for_a_reason_and_changes_nothing(moderating_client, rebuttal):
    response = choose(moderating_client, POSTS, "hide", [rebuttal])

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Hide 1 post" in html
    assert 'name="reason"' in html
    assert "Buy cheap pills" in html
    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.PUBLISHED


def test_hiding_with_a_reason_hides_and_puts_it_on_the_record(
    moderating_client, moderator, rebuttal
):
    response = confirm(moderating_client, POSTS, "hide", [rebuttal], reason="Advertising.")

    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.HIDDEN
    assert rebuttal.status_reason == "Advertising."
    assert "Hid 1 post." in messages_of(response)
    record = ModerationRecord.objects.get()
    assert (record.action, record.actor_id, record.actor_name, record.reason) == (
        ModerationAction.HIDE, moderator.pk, "hilda", "Advertising."
    )  # fmt: skip
    assert (record.post_id, record.member_name) == (rebuttal.pk, "spammer")
    assert record.before["status"] == PostStatus.PUBLISHED
    assert record.after["status"] == PostStatus.HIDDEN
    assert record.before["text"] == record.after["text"] == rebuttal.body_md


def test_a_blank_reason_is_refused_with_the_form_again(moderating_client, rebuttal):
    response = confirm(moderating_client, POSTS, "remove", [rebuttal], reason="  ")

    assert "Give a reason: it goes on the record." in response.content.decode()
    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.PUBLISHED
    assert not ModerationRecord.objects.exists()


def test_bulk_removal_records_each_post_with_the_reason(moderating_client, make_post, side_one):
    posts = [make_post(position=side_one) for _ in range(3)]

    response = confirm(moderating_client, POSTS, "remove", posts, reason="Flood.")

    assert "Removed 3 posts." in messages_of(response)
    records = ModerationRecord.objects.filter(action=ModerationAction.REMOVE)
    assert sorted(records.values_list("post_id", flat=True)) == sorted(p.pk for p in posts)
    assert set(records.values_list("reason", flat=True)) == {"Flood."}


def test_a_moderator_restores_a_hidden_post_by_publishing_it(moderating_client, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=None, reason="Mistake")

    response = confirm(moderating_client, POSTS, "publish", [rebuttal], reason="On reflection.")

    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.PUBLISHED
    assert "Published 1 post." in messages_of(response)


def test_publishing_never_brings_back_what_its_author_deleted(moderating_client, rebuttal):
    discussion.post_delete(rebuttal, member=rebuttal.author)

    page = choose(moderating_client, POSTS, "publish", [rebuttal])
    response = confirm(moderating_client, POSTS, "publish", [rebuttal], reason="Why not.")

    assert "Deleted by its author: it stays deleted." in page.content.decode()
    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.DELETED
    assert "Left 1 post deleted by their author as they are." in messages_of(response)


def test_publishing_leaves_a_post_hidden_pending_review_to_its_reports(moderating_client, rebuttal):
    discussion.post_status_change(rebuttal, PostStatus.HELD)

    response = confirm(moderating_client, POSTS, "publish", [rebuttal], reason="Looks fine.")

    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.HELD
    assert any("resolve their reports in the report queue" in m for m in messages_of(response))


def test_the_post_page_shows_its_text_read_only_its_history_and_its_record(
    moderating_client, rebuttal
):
    later = rebuttal.created_at + timedelta(minutes=1)
    discussion.post_edit(rebuttal, editor=rebuttal.author, body_md="Cheap pills, now.", now=later)
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=None, reason="Spam, plainly.")

    response = moderating_client.get(reverse("admin:debate_post_change", args=[rebuttal.pk]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Cheap pills, now." in html
    assert '<textarea name="body_md"' not in html
    assert "Spam, plainly." in html
    assert "Edit history (earlier texts)" in html
    assert "Buy cheap pills" in html  # the earlier text
    assert rebuttal.get_absolute_url() in html


def test_the_post_list_links_each_item_to_its_thread(moderating_client, rebuttal):
    response = moderating_client.get(reverse(POSTS))

    assert f'href="{rebuttal.get_absolute_url()}"' in response.content.decode()


# The report queue --------------------------------------------------------------------------


def test_the_queue_lists_each_reported_item_once_open_reports_first(
    moderating_client, make_post, side_one, report
):
    resolved = make_post(position=side_one, body="Old news, reported once and dismissed.")
    report(resolved)
    discussion.reports_dismiss(resolved)
    twice = make_post(position=side_one, body="Reported twice, by two members at least.")
    report(twice, note="Insults the other side")
    report(twice, reason=ReportReason.SPAM)
    make_post(position=side_one, body="Never reported by anyone at all, here.")

    response = moderating_client.get(reverse(QUEUE))

    html = response.content.decode()
    assert html.count("Reported twice") == 1
    assert "Never reported" not in html
    assert html.index("Reported twice") < html.index("Old news")
    assert "Insults the other side" in html
    assert "Spam" in html


def test_take_action_hides_the_item_and_resolves_its_reports(
    moderating_client, moderator, rebuttal, report
):
    report(rebuttal)
    report(rebuttal)

    response = confirm(
        moderating_client, QUEUE, "take_action_hide", [rebuttal], reason="Advertising."
    )

    rebuttal.refresh_from_db()
    assert (rebuttal.status, rebuttal.report_count) == (PostStatus.HIDDEN, 0)
    assert not rebuttal.reports.filter(state=ReportState.OPEN).exists()
    assert "Hid 1 item; resolved 2 reports." in messages_of(response)
    record = ModerationRecord.objects.get(action=ModerationAction.HIDE)
    assert (record.actor_id, record.reason, record.reports_resolved) == (
        moderator.pk, "Advertising.", 2
    )  # fmt: skip
    assert (record.before["open_reports"], record.after["open_reports"]) == (2, 0)


def test_take_action_removes_with_a_reason(moderating_client, rebuttal, report):
    report(rebuttal)

    confirm(moderating_client, QUEUE, "take_action_remove", [rebuttal], reason="Abuse.")

    rebuttal.refresh_from_db()
    assert rebuttal.status == PostStatus.REMOVED
    assert ModerationRecord.objects.get().action == ModerationAction.REMOVE


def test_dismissing_restores_an_item_hidden_pending_review(
    moderating_client, moderator, rebuttal, report
):
    report(rebuttal)
    discussion.post_status_change(rebuttal, PostStatus.HELD, reason="reported")

    confirm(moderating_client, QUEUE, "dismiss_reports", [rebuttal], reason="Fair argument.")

    rebuttal.refresh_from_db()
    assert (rebuttal.status, rebuttal.report_count) == (PostStatus.PUBLISHED, 0)
    record = ModerationRecord.objects.filter(actor_id=moderator.pk).get()
    assert record.action == ModerationAction.DISMISS
    assert (record.before["status"], record.after["status"]) == ("held", "published")
    assert record.reports_resolved == 1


def test_dismissing_reports_of_a_shown_item_is_recorded_too(moderating_client, rebuttal, report):
    report(rebuttal)

    confirm(moderating_client, QUEUE, "dismiss_reports", [rebuttal], reason="Not abuse.")

    record = ModerationRecord.objects.get()
    assert (record.action, record.reports_resolved) == (ModerationAction.DISMISS, 1)
    assert record.before["status"] == record.after["status"] == PostStatus.PUBLISHED


def test_the_queue_marks_moderators_who_voted_on_the_article_as_involved(
    moderating_client, moderator, rebuttal, report, side_one
):
    report(rebuttal)
    vote_cast(member=moderator, article=rebuttal.article, position=side_one)

    html = moderating_client.get(reverse(QUEUE)).content.decode()
    page = choose(moderating_client, QUEUE, "take_action_hide", [rebuttal]).content.decode()

    assert "involved</span> hilda (voted on the article)" in html
    assert "You are involved: you voted on the article." in page
    assert "consider leaving them to another moderator" in page


def test_the_queue_marks_the_moderator_who_wrote_the_parent_as_involved(
    moderating_client, moderator, make_post, side_one, report
):
    parent = make_post(moderator, position=side_one)
    reply = make_post(parent=parent, body="A reply that someone reported to the moderators.")
    report(reply)

    html = moderating_client.get(reverse(QUEUE)).content.decode()

    assert "hilda (wrote the post it answers)" in html


def test_a_moderator_who_did_not_vote_is_not_marked(moderating_client, rebuttal, report):
    report(rebuttal)

    html = moderating_client.get(reverse(QUEUE)).content.decode()

    assert "involved</span>" not in html


# What waits: header and index --------------------------------------------------------------


def test_the_admin_index_and_header_count_open_reports_and_waiting_posts(
    moderating_client, rebuttal, report, make_post, side_one
):
    report(rebuttal)
    report(rebuttal)
    ModerationSettings.objects.create(pk=1, premoderated_posts=1)
    make_post(position=side_one)  # a new member's first post: waits

    html = moderating_client.get(reverse("admin:index")).content.decode()
    other_page = moderating_client.get(reverse(POSTS)).content.decode()

    assert "2 open reports" in other_page
    assert "1 waiting in pre-moderation" in other_page
    assert "<strong>2</strong> open reports" in html
    assert "<strong>1</strong> post waiting in pre-moderation" in html


def test_the_counts_are_not_shown_on_the_sign_in_page(client):
    response = client.get(reverse("admin:login"), follow=True)

    assert "open report" not in response.content.decode()


# The record and the settings ---------------------------------------------------------------


@pytest.fixture
def a_record(rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.REMOVED, actor=None, reason="Spam.")
    return ModerationRecord.objects.get()


def test_the_record_lists_what_was_done_and_why(moderating_client, a_record):
    html = moderating_client.get(reverse("admin:debate_moderationrecord_changelist")).content
    detail = moderating_client.get(
        reverse("admin:debate_moderationrecord_change", args=[a_record.pk])
    ).content.decode()

    assert b"Spam." in html
    assert b"Removed" in html
    assert "Buy cheap pills" in detail  # the text as it was


@pytest.mark.parametrize("as_superuser", [False, True])
def test_nobody_can_add_change_or_delete_the_record_in_the_admin(
    client, make_member, moderator, a_record, as_superuser
):
    user = make_member(is_staff=True, is_superuser=True) if as_superuser else moderator
    client.force_login(user)
    change = reverse("admin:debate_moderationrecord_change", args=[a_record.pk])

    added = client.post(reverse("admin:debate_moderationrecord_add"), {"reason": "forged"})
    changed = client.post(change, {"reason": "rewritten"})
    deleted = client.post(
        reverse("admin:debate_moderationrecord_delete", args=[a_record.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse("admin:debate_moderationrecord_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [a_record.pk], "post": "yes"},
    )

    assert added.status_code == HTTPStatus.FORBIDDEN
    assert changed.status_code == HTTPStatus.FORBIDDEN
    assert deleted.status_code == HTTPStatus.FORBIDDEN
    assert bulk.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
    assert ModerationRecord.objects.get().reason == "Spam."


def test_moderators_set_pre_moderation_in_the_admin(moderating_client):
    listed = moderating_client.get(reverse("admin:debate_moderationsettings_changelist"))
    url = reverse("admin:debate_moderationsettings_change", args=[1])

    saved = moderating_client.post(url, {"premoderated_posts": "2"})

    assert listed.status_code == HTTPStatus.FOUND
    assert listed["Location"] == url
    assert saved.status_code == HTTPStatus.FOUND
    assert ModerationSettings.current().premoderated_posts == 2
