"""The discussion's services: posting, limits, threads, edits, deletion, reports, counters."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from accounts.services import member_delete
from debate import discussion
from debate.discussion import NotAllowed, PostingLimited, Target
from debate.models import (
    Post,
    PostCount,
    PostKind,
    PostRevision,
    PostStatus,
    Report,
    ReportReason,
    ReportState,
)
from debate.recount import recount
from debate.services import vote_cast

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=30)


def counts(article):
    return {row.position_id: row.published for row in PostCount.objects.filter(article=article)}


def rebut(author, side, body="A rebuttal long enough to post.", now=None):
    return discussion.post_create(
        author=author, target=Target(side.article, PostKind.REBUTTAL, position=side),
        body_md=body, now=now,
    )  # fmt: skip


def test_a_rebuttal_counts_for_its_side(veteran, side_one, article):
    post = rebut(veteran(), side_one)

    assert (post.kind, post.position, post.article, post.depth) == (
        PostKind.REBUTTAL, side_one, article, 0,
    )  # fmt: skip
    assert counts(article) == {side_one.pk: 1}


def test_a_comment_counts_for_the_article(make_post, article):
    make_post(article=article)

    assert counts(article) == {None: 1}


def test_replies_count_on_their_parent_and_their_thread(make_post, side_one):
    root = make_post(position=side_one)
    first = make_post(parent=root)
    make_post(parent=first)

    root.refresh_from_db()
    first.refresh_from_db()
    assert (root.reply_count, root.thread_reply_count) == (1, 2)
    assert (first.reply_count, first.thread_reply_count) == (1, 0)


def test_a_reply_to_a_third_level_reply_attaches_to_the_third_level(make_post, side_one):
    root = make_post(position=side_one)
    one = make_post(parent=root)
    two = make_post(parent=one)
    three = make_post(parent=two)

    four = make_post(parent=three)

    assert (four.depth, four.parent_id, four.root_id) == (3, two.pk, root.pk)


def test_a_rebuttal_needs_a_side_of_its_own_article(make_member, article, seed_article):
    other_side = seed_article.positions.first()

    with pytest.raises(ValueError, match="same article"):
        discussion.post_create(
            author=make_member(),
            target=Target(article, PostKind.REBUTTAL, position=other_side),
            body_md="Crossing articles is not allowed.",
        )


def test_no_reply_to_a_post_that_is_not_published(make_post, side_one):
    root = make_post(position=side_one, status=PostStatus.REMOVED)

    with pytest.raises(discussion.DiscussionError, match="no longer open"):
        make_post(parent=root)


def test_posting_over_the_limit_is_refused_with_when_to_try_again(veteran, side_one, settings):
    settings.POST_LIMIT = 2
    author, now = veteran(), timezone.now()
    rebut(author, side_one, "First of two arguments.", now - timedelta(minutes=8))
    rebut(author, side_one, "Second of two arguments.", now - timedelta(minutes=1))

    with pytest.raises(PostingLimited) as refused:
        rebut(author, side_one, "A third, too soon.", now)

    assert "You can post again in 2 minutes" in refused.value.message
    assert 60 < refused.value.retry_after <= 120
    assert Post.objects.count() == 2


def test_the_limit_counts_only_the_window(veteran, side_one, settings):
    settings.POST_LIMIT = 1
    author, now = veteran(), timezone.now()
    rebut(author, side_one, "Posted long ago, outside the window.", now - timedelta(minutes=11))

    rebut(author, side_one, "Posted now, inside it.", now)

    assert Post.objects.count() == 2


def test_new_members_get_fewer_posts(make_member, side_one, settings):
    settings.POST_LIMIT, settings.POST_LIMIT_NEW_MEMBER = 5, 1
    newcomer = make_member()
    rebut(newcomer, side_one, "My first argument here.")

    with pytest.raises(PostingLimited):
        rebut(newcomer, side_one, "And a second one at once.")


def test_the_same_text_twice_within_minutes_is_refused(veteran, side_one, side_two):
    author, now = veteran(), timezone.now()
    rebut(author, side_one, "Exactly  the same words.", now - timedelta(minutes=2))

    with pytest.raises(PostingLimited, match="same text"):
        rebut(author, side_two, "Exactly the same\nwords.", now)


def test_the_same_text_after_the_duplicate_window_is_fine(veteran, side_one):
    author, now = veteran(), timezone.now()
    rebut(author, side_one, "Exactly the same words.", now - timedelta(minutes=6))

    rebut(author, side_one, "Exactly the same words.", now)

    assert Post.objects.count() == 2


def test_the_limit_query_is_one_indexed_query(veteran, side_one, django_assert_num_queries):
    author = veteran()
    with django_assert_num_queries(1) as captured:
        discussion.posting_limits_check(author, "Some text to check.", timezone.now())

    assert "author_id" in captured.captured_queries[0]["sql"]


def test_edit_keeps_the_previous_text_for_moderators(veteran, side_one):
    author = veteran()
    post = rebut(author, side_one, "The first wording.")

    discussion.post_edit(post, editor=author, body_md="The *second* wording.")

    post.refresh_from_db()
    assert post.body_html == "<p>The <em>second</em> wording.</p>\n"
    assert post.edited_at is not None
    assert list(PostRevision.objects.values_list("body_md", flat=True)) == ["The first wording."]


def test_nobody_else_edits_a_post(veteran, side_one):
    post = rebut(veteran(), side_one)

    with pytest.raises(NotAllowed, match="Only the author"):
        discussion.post_edit(post, editor=veteran(), body_md="Someone else's words.")


def test_no_edit_after_fifteen_minutes(veteran, side_one):
    author = veteran()
    post = rebut(author, side_one, now=timezone.now() - timedelta(minutes=16))

    with pytest.raises(NotAllowed, match="15 minutes"):
        discussion.post_edit(post, editor=author, body_md="Too late to change this.")


def test_no_edit_once_reported(veteran, side_one):
    author = veteran()
    post = rebut(author, side_one)
    discussion.report_file(post, reporter=veteran(), reason=ReportReason.SPAM)
    discussion.reports_dismiss(post)

    with pytest.raises(NotAllowed):
        discussion.post_edit(post, editor=author, body_md="Changing it after a report.")


def test_author_deletion_keeps_the_row_and_its_replies(make_post, side_one, article):
    root = make_post(position=side_one)
    reply = make_post(parent=root)

    discussion.post_delete(root, member=root.author)

    root.refresh_from_db()
    assert root.status == PostStatus.DELETED
    assert root.deleted_at is not None
    assert root.body_md  # moderators can still read it
    assert Post.objects.get(pk=reply.pk).status == PostStatus.PUBLISHED
    assert counts(article) == {side_one.pk: 0}


def test_nobody_else_deletes_a_post(make_post, make_member, side_one):
    post = make_post(position=side_one)

    with pytest.raises(NotAllowed):
        discussion.post_delete(post, member=make_member())


def test_deleting_a_reply_updates_its_parent_and_thread(make_post, side_one):
    root = make_post(position=side_one)
    reply = make_post(parent=root)

    discussion.post_delete(reply, member=reply.author)

    root.refresh_from_db()
    assert (root.reply_count, root.thread_reply_count) == (0, 0)


def test_a_status_change_to_the_same_status_changes_nothing(make_post, side_one, article):
    post = make_post(position=side_one)

    assert discussion.post_status_change(post, PostStatus.PUBLISHED) is False
    assert counts(article) == {side_one.pk: 1}


def test_republishing_counts_again(make_post, side_one, article):
    post = make_post(position=side_one)
    discussion.post_status_change(post, PostStatus.HIDDEN)
    discussion.post_status_change(post, PostStatus.REMOVED)

    discussion.post_status_change(post, PostStatus.PUBLISHED)

    assert counts(article) == {side_one.pk: 1}


def test_purge_blanks_text_deleted_over_thirty_days_ago(make_post, side_one):
    old, recent = make_post(position=side_one), make_post(position=side_one)
    discussion.post_status_change(old, PostStatus.DELETED, now=timezone.now() - timedelta(days=31))
    discussion.post_status_change(recent, PostStatus.DELETED)
    PostRevision.objects.create(post=old, body_md="older", written_at=timezone.now())

    call_command("purge_deleted_posts", verbosity=0)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.body_md, old.body_html) == ("", "")
    assert not PostRevision.objects.exists()
    assert recent.body_md


def test_purge_dry_run_counts_and_changes_nothing(make_post, side_one, capsys):
    post = make_post(position=side_one)
    discussion.post_status_change(post, PostStatus.DELETED, now=timezone.now() - timedelta(days=40))

    call_command("purge_deleted_posts", "--dry-run")

    assert "1 deleted post would be purged" in capsys.readouterr().out
    post.refresh_from_db()
    assert post.body_md


# Reports -----------------------------------------------------------------------------------


def test_a_report_counts_on_the_post(make_post, veteran, side_one):
    post = make_post(position=side_one)

    discussion.report_file(post, reporter=veteran(), reason=ReportReason.ABUSE, note="Rude.")

    post.refresh_from_db()
    assert post.report_count == 1
    assert Report.objects.get().note == "Rude."


def test_nobody_reports_their_own_post(make_post, side_one):
    post = make_post(position=side_one)

    with pytest.raises(NotAllowed, match="yourself"):
        discussion.report_file(post, reporter=post.author, reason=ReportReason.SPAM)


def test_one_report_per_member_and_post(make_post, veteran, side_one):
    post, reporter = make_post(position=side_one), veteran()
    discussion.report_file(post, reporter=reporter, reason=ReportReason.SPAM)

    with pytest.raises(discussion.DiscussionError, match="already reported"):
        discussion.report_file(post, reporter=reporter, reason=ReportReason.ABUSE)

    post.refresh_from_db()
    assert post.report_count == 1


def test_three_reports_hide_a_comment_pending_review(make_post, veteran, article):
    post = make_post(article=article)
    for _ in range(3):
        discussion.report_file(post, reporter=veteran(), reason=ReportReason.SPAM)

    post.refresh_from_db()
    assert post.status == PostStatus.HELD
    assert counts(article) == {None: 0}


def test_reports_from_new_or_unverified_members_do_not_hide(
    make_post, veteran, make_member, article
):
    post = make_post(article=article)
    newcomer, unverified = make_member(), make_member()
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True)
    unverified.date_joined = timezone.now() - LONG_AGO
    unverified.save(update_fields=["date_joined"])
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
    for reporter in [veteran(), veteran(), newcomer, unverified]:
        discussion.report_file(post, reporter=reporter, reason=ReportReason.SPAM)

    post.refresh_from_db()
    assert post.report_count == 4
    assert post.status == PostStatus.PUBLISHED


def test_one_camp_alone_cannot_hide_a_rebuttal_of_its_side(make_post, veteran, article, side_one):
    post = make_post(position=side_one)
    camp = [veteran() for _ in range(3)]
    for member in camp:
        vote_cast(member=member, article=article, position=side_one)
        discussion.report_file(post, reporter=member, reason=ReportReason.ABUSE)

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    outsider = veteran()
    vote_cast(member=outsider, article=article, position=None)
    discussion.report_file(post, reporter=outsider, reason=ReportReason.ABUSE)

    post.refresh_from_db()
    assert post.status == PostStatus.HELD


def test_dismissing_reports_restores_a_post_hidden_pending_review(make_post, veteran, article):
    post = make_post(article=article)
    for _ in range(3):
        discussion.report_file(post, reporter=veteran(), reason=ReportReason.SPAM)

    assert discussion.reports_dismiss(post) == 3

    post.refresh_from_db()
    assert (post.status, post.report_count) == (PostStatus.PUBLISHED, 0)
    assert set(Report.objects.values_list("state", flat=True)) == {ReportState.RESOLVED}
    assert counts(article) == {None: 1}


def test_account_deletion_withdraws_reports_and_keeps_posts(make_post, veteran, article):
    reporters = [veteran() for _ in range(3)]
    reported = make_post(article=article)
    for reporter in reporters:
        discussion.report_file(reported, reporter=reporter, reason=ReportReason.SPAM)
    own = make_post(reporters[0], article=article)

    member_delete(reporters[0])

    reported.refresh_from_db()
    assert (reported.report_count, reported.status) == (2, PostStatus.PUBLISHED)
    assert Post.objects.get(pk=own.pk).author is None
    assert recount(type(article).objects.all(), repair=False) == []


# Counters against recount ------------------------------------------------------------------


def test_recount_finds_and_repairs_a_wrong_counter(make_post, side_one, article):
    post = make_post(position=side_one)
    make_post(parent=post)
    PostCount.objects.filter(position=side_one).update(published=7)
    Post.objects.filter(pk=post.pk).update(reply_count=0, report_count=3)

    corrections = recount(type(article).objects.all(), repair=True)

    assert {(c.stored, c.actual) for c in corrections} == {(7, 1), (0, 1), (3, 0)}
    assert recount(type(article).objects.all(), repair=False) == []


def test_counters_match_recount_after_a_random_mix(make_post, veteran, article, positions):
    import random

    rng = random.Random(20261127)
    members = [veteran() for _ in range(6)]
    posts = []
    for _step in range(120):
        action = rng.choice(["rebut", "comment", "reply", "reply", "edit", "delete", "report",
                             "status", "dismiss"])  # fmt: skip
        author = rng.choice(members)
        published = [p for p in posts if p.status == PostStatus.PUBLISHED]
        if action == "rebut" or not posts:
            posts.append(make_post(author, position=rng.choice(positions)))
        elif action == "comment":
            posts.append(make_post(author, article=article))
        elif action == "reply" and published:
            posts.append(make_post(author, parent=rng.choice(published)))
        elif action == "edit":
            post = rng.choice(posts)
            post.refresh_from_db()
            soon = post.created_at + timedelta(minutes=1)
            if discussion.post_can_edit(post, post.author, soon) and not post.reports.exists():
                discussion.post_edit(post, editor=post.author, body_md=f"Edited {_step}.", now=soon)
        elif action == "delete":
            post = rng.choice(posts)
            if not discussion.post_delete_refusal(post, post.author):
                discussion.post_delete(post, member=post.author)
        elif action == "report" and published:
            post = rng.choice(published)
            reporter = rng.choice([m for m in members if m.pk != post.author_id])
            if not Report.objects.filter(post=post, reporter=reporter).exists():
                discussion.report_file(post, reporter=reporter, reason=ReportReason.OTHER)
        elif action == "status":
            post = rng.choice(posts)
            discussion.post_status_change(post, rng.choice(list(PostStatus)))
        elif action == "dismiss":
            discussion.reports_dismiss(rng.choice(posts))
        for post in posts:
            post.refresh_from_db(fields=["status"])
    member_delete(members[-1])

    assert recount(type(article).objects.all(), repair=False) == []
    assert Post.objects.count() > 40
