"""Moderation services: the record of every action, the system's holds, pre-moderation, and
what authors and visitors see of an outcome."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.services import member_delete
from debate import discussion, moderation
from debate.models import (
    SYSTEM_ACTOR,
    ModerationAction,
    ModerationRecord,
    ModerationSettings,
    Post,
    PostCount,
    PostKind,
    PostStatus,
    ReportReason,
)
from debate.models.moderation import AppendOnly

pytestmark = pytest.mark.django_db


@pytest.fixture
def rebuttal(make_post, make_member, side_one):
    author = make_member(display_name="author")
    return make_post(author, position=side_one, body="Side one forgets the base rate.")


def published_count(article, position=None) -> int:
    row = PostCount.objects.filter(article=article, position=position).first()
    return row.published if row else 0


# The record --------------------------------------------------------------------------------


def test_a_moderators_action_is_recorded_with_actor_reason_time_and_states(moderator, rebuttal):
    outcome = moderation.post_moderate(
        rebuttal, PostStatus.REMOVED, actor=moderator, reason="Personal attack."
    )

    assert outcome == moderation.Outcome.CHANGED
    record = ModerationRecord.objects.get()
    assert record.action == ModerationAction.REMOVE
    assert (record.actor_id, record.actor_name) == (moderator.pk, "hilda")
    assert (record.post_id, record.post_kind) == (rebuttal.pk, PostKind.REBUTTAL)
    assert (record.member_id, record.member_name) == (rebuttal.author_id, "author")
    assert record.article_title == rebuttal.article.title
    assert record.before == {
        "status": "published",
        "text": "Side one forgets the base rate.",
        "open_reports": 0,
    }
    assert record.after["status"] == "removed"
    assert record.created_at is not None


def test_the_record_survives_the_moderator_the_member_and_the_item(moderator, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Spam.")
    author = rebuttal.author

    member_delete(moderator)
    member_delete(author)
    rebuttal.article.delete()  # takes its posts with it

    record = ModerationRecord.objects.get()
    assert not Post.objects.exists()
    assert (record.actor_name, record.member_name, record.reason) == ("hilda", "author", "Spam.")
    assert record.before["text"] == "Side one forgets the base rate."


def test_the_record_cannot_be_rewritten_or_deleted(moderator, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Spam.")
    record = ModerationRecord.objects.get()

    record.reason = "Nothing to see."
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        record.delete()
    with pytest.raises(AppendOnly):
        ModerationRecord.objects.update(reason="Nothing to see.")
    with pytest.raises(AppendOnly):
        ModerationRecord.objects.all().delete()

    assert ModerationRecord.objects.get().reason == "Spam."


def test_an_automatic_hold_is_recorded_by_the_system(make_post, veteran, article):
    comment = make_post(article=article)

    for _ in range(3):
        discussion.report_file(comment, reporter=veteran(), reason=ReportReason.ABUSE)

    record = ModerationRecord.objects.get()
    assert (record.action, record.actor_id, record.actor_name) == (
        ModerationAction.HOLD,
        None,
        SYSTEM_ACTOR,
    )
    assert (record.before["status"], record.after["status"]) == ("published", "held")
    assert record.before["open_reports"] == 3


def test_withdrawn_reports_that_release_a_hold_are_recorded_by_the_system(
    make_post, veteran, article
):
    comment = make_post(article=article)
    reporters = [veteran() for _ in range(3)]
    for reporter in reporters:
        discussion.report_file(comment, reporter=reporter, reason=ReportReason.ABUSE)

    member_delete(reporters[0])

    released = ModerationRecord.objects.get(action=ModerationAction.PUBLISH)
    assert released.actor_name == SYSTEM_ACTOR
    assert "withdrawn" in released.reason


def test_an_author_deleting_their_own_post_is_not_moderation(rebuttal):
    discussion.post_delete(rebuttal, member=rebuttal.author)

    assert not ModerationRecord.objects.exists()


def test_every_recorded_post_action_tells_the_author_through_one_hook(
    moderator, rebuttal, monkeypatch
):
    told = []
    monkeypatch.setattr(
        moderation, "moderation_outcome_notify", lambda post, record: told.append(record)
    )

    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Spam.")
    moderation.reports_resolve(rebuttal, actor=moderator, reason="Checked again.")

    assert [record.action for record in told] == [ModerationAction.HIDE, ModerationAction.DISMISS]
    assert told[0].reason == "Spam."


def test_hiding_a_hidden_post_again_changes_and_records_nothing(moderator, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Spam.")

    outcome = moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="x")

    assert outcome == moderation.Outcome.UNCHANGED
    assert ModerationRecord.objects.count() == 1


def test_taking_action_on_a_post_its_author_deleted_resolves_the_reports_only(
    moderator, rebuttal, make_member
):
    discussion.report_file(rebuttal, reporter=make_member(), reason=ReportReason.SPAM)
    discussion.post_delete(rebuttal, member=rebuttal.author)

    resolved = moderation.reports_resolve(
        rebuttal, actor=moderator, reason="Spam.", status=PostStatus.REMOVED
    )

    rebuttal.refresh_from_db()
    assert (resolved, rebuttal.status, rebuttal.report_count) == (1, PostStatus.DELETED, 0)
    record = ModerationRecord.objects.get()
    assert record.after["status"] == PostStatus.DELETED


# Hidden and removed: what everyone sees ----------------------------------------------------


def test_a_hidden_item_leaves_the_counts_the_page_and_the_feed(
    client, moderator, rebuttal, side_one, article
):
    assert published_count(article, side_one) == 1

    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Spam.")

    assert published_count(article, side_one) == 0
    page = client.get(article.get_absolute_url()).content.decode()
    feed = client.get(reverse("debate:article_feed", args=[article.slug])).content.decode()
    assert "base rate" not in page
    assert "base rate" not in feed


def test_visitors_see_removed_by_a_moderator_where_the_thread_keeps_its_shape(
    client, moderator, rebuttal, make_post, article
):
    make_post(parent=rebuttal, body="A reply that stays under the removed rebuttal.")

    moderation.post_moderate(rebuttal, PostStatus.REMOVED, actor=moderator, reason="Slur.")

    html = client.get(article.get_absolute_url()).content.decode()
    assert "removed by a moderator" in html
    assert "A reply that stays under the removed rebuttal." in html
    assert "base rate" not in html
    assert "Slur." not in html


def test_the_author_sees_why_on_their_own_item(client, moderator, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Off topic.")
    client.force_login(rebuttal.author)

    html = client.get(rebuttal.get_absolute_url()).content.decode()

    assert "Only you can see this: hidden by a moderator." in html
    assert "A moderator gave this reason: &ldquo;Off topic.&rdquo;" in html
    assert "base rate" in html


def test_nobody_but_the_author_sees_the_reason(client, make_member, moderator, rebuttal):
    moderation.post_moderate(rebuttal, PostStatus.HIDDEN, actor=moderator, reason="Off topic.")
    client.force_login(make_member())

    html = client.get(rebuttal.get_absolute_url()).content.decode()

    assert "hidden by a moderator" in html
    assert "Off topic." not in html
    assert "base rate" not in html


def test_the_author_of_an_item_hidden_by_reports_is_told_a_moderator_will_review_it(
    client, make_post, veteran, article
):
    comment = make_post(article=article)
    for _ in range(3):
        discussion.report_file(comment, reporter=veteran(), reason=ReportReason.ABUSE)
    client.force_login(comment.author)

    html = client.get(comment.get_absolute_url()).content.decode()

    assert "Only you can see this: hidden pending review." in html
    assert "Why: &ldquo;Members reported it; a moderator will review it.&rdquo;" in html


# Pre-moderation ----------------------------------------------------------------------------


@pytest.fixture
def premoderate():
    def set_to(posts: int):
        ModerationSettings.objects.update_or_create(pk=1, defaults={"premoderated_posts": posts})

    return set_to


def test_a_new_members_first_posts_wait_for_a_moderator(
    premoderate, make_member, make_post, side_one, article, moderator
):
    premoderate(2)
    newcomer = make_member()

    first = make_post(newcomer, position=side_one)
    second = make_post(newcomer, position=side_one)

    assert (first.status, second.status) == (PostStatus.PENDING, PostStatus.PENDING)
    assert published_count(article, side_one) == 0
    for post in (first, second):
        moderation.post_moderate(post, PostStatus.PUBLISHED, actor=moderator, reason="Fine.")
    assert published_count(article, side_one) == 2
    assert make_post(newcomer, position=side_one).status == PostStatus.PUBLISHED


def test_zero_turns_pre_moderation_off(premoderate, make_post, side_one):
    premoderate(0)

    assert make_post(position=side_one).status == PostStatus.PUBLISHED


def test_staff_are_never_held(premoderate, make_post, side_one, moderator):
    premoderate(5)

    assert make_post(moderator, position=side_one).status == PostStatus.PUBLISHED


def test_a_removed_post_does_not_count_towards_leaving_pre_moderation(
    premoderate, make_member, make_post, side_one, moderator
):
    premoderate(1)
    spammer = make_member()
    spam = make_post(spammer, position=side_one)
    moderation.post_moderate(spam, PostStatus.REMOVED, actor=moderator, reason="Spam.")

    assert make_post(spammer, position=side_one).status == PostStatus.PENDING


def test_the_author_sees_waiting_for_a_moderator_and_visitors_see_nothing(
    client, premoderate, make_member, make_post, side_one, article
):
    premoderate(1)
    newcomer = make_member()
    pending = make_post(newcomer, position=side_one, body="My first words here, held back.")

    visitor = client.get(article.get_absolute_url()).content.decode()
    permalink = client.get(pending.get_absolute_url())
    client.force_login(newcomer)
    author = client.get(article.get_absolute_url()).content.decode()

    assert "My first words here" not in visitor
    assert permalink.status_code == HTTPStatus.NOT_FOUND
    assert "My first words here" in author
    assert "Only you can see this: waiting for a moderator." in author


def test_the_pre_moderation_check_costs_two_small_queries(
    premoderate, make_member, django_assert_num_queries
):
    premoderate(3)
    newcomer = make_member()

    with django_assert_num_queries(2):
        assert moderation.premoderation_holds(newcomer)


def test_posting_in_place_says_the_post_waits_for_a_moderator(
    client, premoderate, make_member, article, side_one
):
    premoderate(1)
    client.force_login(make_member())

    response = client.post(
        reverse("debate:rebut", args=[article.slug, side_one.slug]),
        {"body": "A first rebuttal, long enough to be posted here."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver" + article.get_absolute_url(),
    )

    html = response.content.decode()
    assert "Your rebuttal is waiting for a moderator; only you can see it." in html
    assert "Only you can see this: waiting for a moderator." in html
