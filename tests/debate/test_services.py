"""vote_cast and vote_withdraw: one vote per member per article, every change in the history."""

import itertools
import threading
from functools import partial

import pytest
from django.db import connection

from debate import services
from debate.models import (
    Article,
    Position,
    Stance,
    SympathyVote,
    VoteChange,
    VoteCount,
)
from debate.services import VoteResult

from .conftest import recount_check_status

pytestmark = pytest.mark.django_db


def history(article):
    return list(
        VoteChange.objects.filter(article=article)
        .order_by("id")
        .values_list("from_stance", "from_position", "to_stance", "to_position")
    )


def test_first_vote_creates_the_vote_and_one_history_row(member, article, side_one):
    result = services.vote_cast(member=member, article=article, position=side_one)

    assert result == VoteResult.CAST
    vote = SympathyVote.objects.get(member=member, article=article)
    assert (vote.stance, vote.position) == (Stance.POSITION, side_one)
    assert history(article) == [("", None, Stance.POSITION, side_one.pk)]


def test_voting_both_equally_stores_no_position(member, article):
    services.vote_cast(member=member, article=article, position=None)

    vote = SympathyVote.objects.get(member=member, article=article)
    assert (vote.stance, vote.position) == (Stance.BOTH, None)


def test_the_same_choice_again_writes_nothing(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)

    result = services.vote_cast(member=member, article=article, position=side_one)

    assert result == VoteResult.UNCHANGED
    assert SympathyVote.objects.count() == 1
    assert VoteChange.objects.count() == 1


def test_changing_the_vote_updates_the_row_and_appends_the_move(
    member, article, side_one, side_two
):
    services.vote_cast(member=member, article=article, position=side_one)

    result = services.vote_cast(member=member, article=article, position=side_two)

    assert result == VoteResult.CHANGED
    assert SympathyVote.objects.get(member=member, article=article).position == side_two
    assert history(article)[-1] == (Stance.POSITION, side_one.pk, Stance.POSITION, side_two.pk)


def test_changing_to_both_equally_clears_the_position(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)

    services.vote_cast(member=member, article=article, position=None)

    vote = SympathyVote.objects.get(member=member, article=article)
    assert (vote.stance, vote.position) == (Stance.BOTH, None)
    assert history(article)[-1] == (Stance.POSITION, side_one.pk, Stance.BOTH, None)


def test_withdrawing_deletes_the_vote_and_records_it(member, article, side_two):
    services.vote_cast(member=member, article=article, position=side_two)

    result = services.vote_withdraw(member=member, article=article)

    assert result == VoteResult.WITHDRAWN
    assert not SympathyVote.objects.filter(member=member).exists()
    assert history(article)[-1] == (Stance.POSITION, side_two.pk, "", None)


def test_withdrawing_without_a_vote_writes_nothing(member, article):
    result = services.vote_withdraw(member=member, article=article)

    assert result == VoteResult.NOTHING_TO_WITHDRAW
    assert not VoteChange.objects.exists()


def test_a_position_of_another_article_is_refused(member, article):
    other = Article.objects.create(slug="other", title="Other", body_md="Other.")
    foreign = Position.objects.create(article=other, slug="elsewhere", label="E", claim="E.")

    with pytest.raises(ValueError, match="not part of article"):
        services.vote_cast(member=member, article=article, position=foreign)

    assert not SympathyVote.objects.exists()


def test_votes_on_different_articles_are_independent(member, article, side_one):
    other = Article.objects.create(slug="other", title="Other", body_md="Other.")

    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=other, position=None)

    assert SympathyVote.objects.filter(member=member).count() == 2


def test_a_change_of_side_is_the_lock_and_one_statement_on_postgresql(
    member, article, side_one, side_two, django_assert_num_queries
):
    if connection.vendor != "postgresql":
        pytest.skip("the vote's one statement is PostgreSQL's; SQLite writes step by step")
    for side in (side_one, side_two):  # an open switch to supersede
        services.vote_cast(member=member, article=article, position=side)

    # In the test's transaction a savepoint and its release wrap the vote, and the counters'
    # rows are made sure of on every vote (they are remembered only on commit). Then: the
    # lock, and the history, counters, day rollup, vote and switch in one statement.
    with django_assert_num_queries(5):
        services.vote_cast(member=member, article=article, position=side_one)

    assert SympathyVote.objects.get(member=member).position == side_one


def _vote_updates_so_far() -> tuple[int, int]:
    """This transaction's updates of votes so far, and how many of them were HOT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [SympathyVote._meta.db_table],
        )
        return cursor.fetchone()


def test_a_change_of_side_updates_the_vote_without_writing_an_index_entry(
    member, article, side_one, side_two
):
    if connection.vendor != "postgresql":
        pytest.skip("HOT updates are PostgreSQL's")
    services.vote_cast(member=member, article=article, position=side_one)
    updated_before, heap_only_before = _vote_updates_so_far()

    services.vote_cast(member=member, article=article, position=side_two)
    services.vote_cast(member=member, article=article, position=None)

    updated, heap_only = _vote_updates_so_far()
    assert (updated - updated_before, heap_only - heap_only_before) == (2, 2)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to lose; "
    "CI runs this with DATABASE_URL pointing at PostgreSQL",
)


def run_at_once(calls):
    """Run the calls in threads released together; return the exceptions they raised."""
    start = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_history_is_one_chain_ending_at(article, vote):
    moves = history(article)
    assert moves[0][:2] == ("", None)
    # Each move starts where the previous one ended, and the last one ends at the vote.
    for before, after in itertools.pairwise(moves):
        assert after[:2] == before[2:]
    assert moves[-1][2:] == ((vote.stance, vote.position_id) if vote else ("", None))


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_votes_by_one_member_leave_one_vote_and_a_whole_history(
    member, article
):
    positions = list(article.positions.all())
    choices = [positions[i % 2] if i % 3 else None for i in range(20)]

    errors = run_at_once(
        [
            partial(services.vote_cast, member=member, article=article, position=choice)
            for choice in choices
        ]
    )

    assert errors == []
    vote = SympathyVote.objects.get(member=member, article=article)
    assert SympathyVote.objects.tally(article) == {vote.position_id: 1}
    assert_history_is_one_chain_ending_at(article, vote)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_votes_and_withdrawals_racing_keep_at_most_one_vote_and_a_whole_history(member, article):
    position = article.positions.first()
    calls = [
        partial(services.vote_cast, member=member, article=article, position=position)
        if i % 2
        else partial(services.vote_withdraw, member=member, article=article)
        for i in range(20)
    ]

    errors = run_at_once(calls)

    assert errors == []
    vote = SympathyVote.objects.filter(member=member, article=article).first()
    assert SympathyVote.objects.filter(member=member).count() == (1 if vote else 0)
    assert_history_is_one_chain_ending_at(article, vote)


def _read_by_the_page_query(member, article):
    return VoteCount.objects.page(article.slug, member.pk, ("id", "slug"), for_vote=True)


def _read_then_changed_meanwhile(member, article, first, then):
    """The member's vote for `first` as a page query read it, then changed to `then`."""
    services.vote_cast(member=member, article=article, position=first)
    seen = _read_by_the_page_query(member, article).vote_seen(member.pk)
    services.vote_cast(member=member, article=article, position=then)
    return seen


def _vote_as_the_view_does(member, article, position):
    seen = _read_by_the_page_query(member, article).vote_seen(member.pk)
    services.vote_cast(member=member, article=article, position=position, seen=seen)


def _withdraw_as_the_view_does(member, article):
    seen = _read_by_the_page_query(member, article).vote_seen(member.pk)
    services.vote_withdraw(member=member, article=article, seen=seen)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_votes_written_on_what_the_page_query_read_racing_keep_one_vote_history_and_counters(
    member, article
):
    positions = list(article.positions.all())
    calls = []
    for i in range(40):
        position = positions[i % 2] if i % 3 else None
        if i % 4 == 0:
            calls.append(partial(_withdraw_as_the_view_does, member, article))
        elif i % 4 == 1:  # the service locking for itself, as the admin and tests call it
            calls.append(
                partial(services.vote_cast, member=member, article=article, position=position)
            )
        else:
            calls.append(partial(_vote_as_the_view_does, member, article, position))

    errors = run_at_once(calls)

    assert errors == []
    vote = SympathyVote.objects.filter(member=member, article=article).first()
    assert SympathyVote.objects.filter(member=member).count() == (1 if vote else 0)
    assert_history_is_one_chain_ending_at(article, vote)
    assert recount_check_status() == 0


@needs_postgresql
def test_the_page_query_hands_over_the_vote_it_read_with_its_version(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)
    vote = SympathyVote.objects.get(member=member)

    seen = _read_by_the_page_query(member, article).vote_seen(member.pk)

    assert (seen.vote.pk, seen.vote.stance, seen.vote.position_id) == (
        vote.pk,
        vote.stance,
        vote.position_id,
    )
    assert seen.version


def test_the_page_query_hands_over_nothing_to_a_member_without_a_vote(member, article):
    assert _read_by_the_page_query(member, article).vote_seen(member.pk) is None


@needs_postgresql
def test_the_page_query_hands_over_nothing_to_a_member_with_endorsements(
    member, article, side_one, make_post
):
    from debate import judging

    services.vote_cast(member=member, article=article, position=side_one)
    judging.endorsement_add(member=member, post=make_post(position=side_one))

    assert _read_by_the_page_query(member, article).vote_seen(member.pk) is None


@needs_postgresql
def test_a_vote_changed_since_it_was_read_is_read_again_and_written_on_top_of_the_change(
    member, article, side_one, side_two
):
    seen = _read_then_changed_meanwhile(member, article, side_one, side_two)

    result = services.vote_cast(member=member, article=article, position=None, seen=seen)

    assert result == VoteResult.CHANGED
    moves = [(c.from_position_id, c.to_stance) for c in VoteChange.objects.order_by("id")]
    assert moves == [(None, Stance.POSITION), (side_one.pk, Stance.POSITION),
                     (side_two.pk, Stance.BOTH)]  # fmt: skip
    assert recount_check_status() == 0


@needs_postgresql
def test_a_vote_read_before_an_endorsement_moves_the_endorsement_to_its_new_camp(
    member, article, side_one, side_two, make_post
):
    from debate import judging
    from debate.models import Endorsement

    services.vote_cast(member=member, article=article, position=side_one)
    seen = _read_by_the_page_query(member, article).vote_seen(member.pk)
    judging.endorsement_add(member=member, post=make_post(position=side_two))  # meanwhile

    services.vote_cast(member=member, article=article, position=side_two, seen=seen)

    assert Endorsement.objects.get(member=member).camp_position_id == side_two.pk
    assert recount_check_status() == 0


@needs_postgresql
def test_a_withdrawal_of_a_vote_changed_since_it_was_read_withdraws_the_change(
    member, article, side_one, side_two
):
    seen = _read_then_changed_meanwhile(member, article, side_one, side_two)

    result = services.vote_withdraw(member=member, article=article, seen=seen)

    assert result == VoteResult.WITHDRAWN
    last = VoteChange.objects.order_by("id").last()
    assert (last.from_position_id, last.to_stance) == (side_two.pk, "")
    assert not SympathyVote.objects.exists()
