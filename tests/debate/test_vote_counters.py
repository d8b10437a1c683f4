"""The vote counters: kept by the services in the vote's transaction, rebuilt by `recount`."""

import random
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_delete
from debate import services
from debate.models import Article, Position, Stance, VoteChange, VoteCount, VoteDay
from debate.recount import COUNTER_FAMILIES, recount
from debate.vote_limit import VoteWindow
from debate.vote_recount import votes_recount

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to lose",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Members here are made by the dozen; a real but cheap hasher keeps that quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts(article) -> dict:
    return {
        row.position_id: (row.votes, row.changes)
        for row in VoteCount.objects.filter(article=article)
    }


def recount_output(*args) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("recount", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_the_vote_family_is_registered_for_recount():
    assert "debate.vote_recount.votes_recount" in COUNTER_FAMILIES


def test_an_imported_article_has_a_counter_row_for_every_option_before_any_vote(seed_article):
    positions = list(seed_article.positions.values_list("pk", flat=True))

    assert sorted(counts(seed_article), key=str) == sorted([*positions, None], key=str)
    assert set(counts(seed_article).values()) == {(0, 0)}


def test_a_position_added_in_the_admin_gets_its_counter_row(moderator_client, article):
    url = reverse("admin:debate_article_change", args=[article.pk])
    page = moderator_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"topics", "entities", "alternates"}
    }
    data.update(
        {
            "published_at_0": "",
            "published_at_1": "",
            "entities": "[]",
            "alternates": "{}",
            "positions-TOTAL_FORMS": "3",
            "positions-INITIAL_FORMS": "2",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
        }
    )
    for n, position in enumerate(article.positions.all()):
        data.update(
            {
                f"positions-{n}-id": position.pk,
                f"positions-{n}-article": article.pk,
                f"positions-{n}-order": position.order,
                f"positions-{n}-slug": position.slug,
                f"positions-{n}-label": position.label,
                f"positions-{n}-claim": position.claim,
                f"positions-{n}-evidence": "[]",
            }
        )
    data.update(
        {
            "positions-2-article": article.pk,
            "positions-2-order": "2",
            "positions-2-slug": "side-three",
            "positions-2-label": "Side three",
            "positions-2-claim": "A third view.",
            "positions-2-evidence": "[]",
        }
    )

    response = moderator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    third = Position.objects.get(article=article, slug="side-three")
    assert counts(article)[third.pk] == (0, 0)
    assert counts(article)[None] == (0, 0)


def test_a_position_created_without_its_row_still_counts_its_first_vote(member, article):
    # Fixtures and the shell create positions directly: the first vote makes the row.
    extra = Position.objects.create(article=article, slug="side-three", label="3", claim="3.")

    services.vote_cast(member=member, article=article, position=extra)

    assert counts(article)[extra.pk] == (1, 1)
    assert VoteDay.objects.get(article=article, position=extra).gained == 1


def test_a_change_moves_one_vote_between_the_two_options(member, article, side_one, side_two):
    services.vote_cast(member=member, article=article, position=side_one)

    services.vote_cast(member=member, article=article, position=side_two)

    assert counts(article)[side_one.pk] == (0, 2)
    assert counts(article)[side_two.pk] == (1, 1)


def test_both_equally_is_counted_in_its_own_row(member, article):
    services.vote_cast(member=member, article=article, position=None)

    assert counts(article)[None] == (1, 1)
    assert VoteCount.objects.filter(article=article, position__isnull=True).count() == 1


def test_casting_the_same_choice_again_changes_no_counter(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)
    before = counts(article)

    services.vote_cast(member=member, article=article, position=side_one)

    assert counts(article) == before


def test_the_day_rollup_counts_what_came_and_went_today(member, make_member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=make_member(), article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=None)

    today = timezone.localdate()
    rows = {
        row.position_id: (row.gained, row.lost)
        for row in VoteDay.objects.filter(article=article, day=today)
    }
    assert rows == {side_one.pk: (2, 1), None: (1, 0)}


def test_a_vote_that_fails_leaves_the_counters_as_they_were(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)
    before = counts(article)

    def vote_then_fail():
        with transaction.atomic():
            services.vote_cast(member=member, article=article, position=None)
            raise RuntimeError("the request failed after the vote")

    with pytest.raises(RuntimeError):
        vote_then_fail()

    assert counts(article) == before


def test_member_deletion_withdraws_through_the_counters(member, article, side_two):
    services.vote_cast(member=member, article=article, position=side_two)

    member_delete(member)

    assert counts(article)[side_two.pk] == (0, 2)
    today = VoteDay.objects.get(article=article, position=side_two, day=timezone.localdate())
    assert (today.gained, today.lost) == (1, 1)


def test_the_admins_vote_deletion_withdraws_through_the_counters(
    moderator_client, member, article, side_one
):
    services.vote_cast(member=member, article=article, position=side_one)
    vote = member.sympathy_votes.get()

    moderator_client.post(
        reverse("admin:debate_sympathyvote_delete", args=[vote.pk]), {"post": "yes"}
    )

    assert counts(article)[side_one.pk] == (0, 2)


def random_history(article, make_member, n_members=12, n_moves=80, seed=7):
    """A random mix of casts, changes, withdrawals and member deletions through the services."""
    rnd = random.Random(seed)
    options = [*article.positions.all(), None]
    members = [make_member() for _ in range(n_members)]
    for _ in range(n_moves):
        member = rnd.choice(members)
        roll = rnd.random()
        if roll < 0.7:
            services.vote_cast(member=member, article=article, position=rnd.choice(options))
        elif roll < 0.95:
            services.vote_withdraw(member=member, article=article)
        else:
            member_delete(member)
            members.remove(member)
            members.append(make_member())


def test_counters_match_a_recount_after_a_random_mix_of_votes(article, make_member):
    random_history(article, make_member)

    assert votes_recount(Article.objects.all(), repair=False) == []
    assert recount_output("--check") == (0, "Every counter matches its source rows.\n")


def test_recount_check_reports_a_wrong_counter_and_exits_1_without_repairing(
    article, make_member, side_one
):
    random_history(article, make_member, n_moves=20)
    VoteCount.objects.filter(article=article, position=side_one).update(votes=999)

    status, output = recount_output("--check")

    assert status == 1
    assert "differs: a-debate: votes of Side one: stored 999, counted" in output
    assert VoteCount.objects.get(article=article, position=side_one).votes == 999


def test_recount_repairs_counters_and_the_day_rollup_and_says_what_it_corrected(
    article, make_member, side_two
):
    random_history(article, make_member, n_moves=30)
    VoteCount.objects.filter(article=article, position=side_two).update(changes=0)
    VoteDay.objects.filter(article=article).delete()

    status, output = recount_output()

    assert status == 0
    assert "corrected: a-debate: changes of Side two: stored 0, counted" in output
    assert "votes gained by" in output
    assert votes_recount(Article.objects.all(), repair=False) == []


def test_recount_of_one_article_leaves_the_others_alone(article, make_member, side_one):
    other = Article.objects.create(slug="other", title="Other", body_md="Other.")
    Position.objects.create(article=other, slug="o", label="O", claim="O.")
    services.vote_cast(member=make_member(), article=article, position=side_one)
    VoteCount.objects.filter(article=article).update(votes=5)

    status, output = recount_output("--article", "other")

    assert (status, output) == (0, "Every counter matches its source rows.\n")
    assert VoteCount.objects.filter(article=article, votes=5).exists()


def test_recount_of_an_unknown_article_says_so(db):
    with pytest.raises(Exception, match="No article has the slug 'nope'"):
        call_command("recount", "--article", "nope")


def test_recount_rebuilds_the_rollup_of_a_history_spread_over_days(article, make_member, side_one):
    random_history(article, make_member, n_moves=40)
    for n, change in enumerate(VoteChange.objects.order_by("pk")):
        VoteChange.objects.filter(pk=change.pk).update(
            created_at=timezone.now() - timedelta(days=n % 7)
        )

    recount(Article.objects.all(), repair=True)

    days = set(
        VoteDay.objects.filter(article=article)
        .exclude(gained=0, lost=0)
        .values_list("day", flat=True)
    )
    assert len(days) == 7
    assert votes_recount(Article.objects.all(), repair=False) == []


def waiting_for_the_recount(n, seconds=10):
    """Until n other sessions wait for a lock (the votes queued behind the recount)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= n:
                return
            time.sleep(0.02)
    raise AssertionError(f"{n} votes never waited for the recount's locks")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_votes_arriving_during_a_recount_are_neither_lost_nor_reported(article, make_member):
    side_one = article.positions.first()
    voters = [make_member() for _ in range(6)]
    for voter in voters[:3]:
        services.vote_cast(member=voter, article=article, position=side_one)
    locked, release = threading.Event(), threading.Event()
    corrections = []

    def recount_holding_its_locks():
        with transaction.atomic():
            corrections.extend(votes_recount(Article.objects.all(), repair=True))
            locked.set()
            release.wait(10)
        connection.close()

    def vote(voter):
        services.vote_cast(member=voter, article=article, position=None)
        connection.close()

    recounting = threading.Thread(target=recount_holding_its_locks)
    recounting.start()
    locked.wait(10)
    voting = [threading.Thread(target=vote, args=(voter,)) for voter in voters[3:]]
    for thread in voting:
        thread.start()
    waiting_for_the_recount(len(voting))
    release.set()
    recounting.join()
    for thread in voting:
        thread.join()

    assert corrections == []
    assert recount_output("--check") == (0, "Every counter matches its source rows.\n")
    assert counts(article)[None] == (3, 3)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_votes_of_the_day_create_one_rollup_row_per_option(article, make_member):
    voters = [make_member() for _ in range(12)]
    start = threading.Barrier(len(voters))
    errors = []

    def vote(voter):
        try:
            start.wait()
            services.vote_cast(member=voter, article=article, position=None)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert VoteDay.objects.filter(article=article, position__isnull=True).count() == 1
    assert counts(article)[None] == (12, 12)


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _explained_page_query(monkeypatch, *args, **kwargs):
    """`VoteCount.objects.page(*args, **kwargs)` and its EXPLAIN ANALYZE plan (PostgreSQL)."""
    ran = []

    @contextmanager
    def recording_cursor():
        with connection.cursor() as cursor:
            execute = cursor.execute
            cursor.execute = lambda sql, params: (ran.append((sql, params)), execute(sql, params))
            yield cursor

    monkeypatch.setattr("debate.models.vote_page.prepared_cursor", recording_cursor)
    found = VoteCount.objects.page(*args, **kwargs)
    ((sql, params),) = ran
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()[0]
    return found, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE: PostgreSQL's")
def test_the_page_query_looks_up_the_members_open_switch_once_whatever_the_positions(
    monkeypatch, member, article, side_one, side_two
):
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=side_two)  # an open switch

    found, plan = _explained_page_query(
        monkeypatch, article.slug, member.pk, ("id", "slug"), viewer=True
    )

    assert found.open_switch is not None
    switch_lookups = [
        node["Actual Loops"]
        for node in _plan_nodes(plan["Plan"])
        if node.get("Relation Name") == "debate_switch"
    ]
    assert switch_lookups == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE: PostgreSQL's")
def test_the_vote_limit_reads_no_more_of_the_members_history_than_the_limit(
    monkeypatch, member, article, side_one
):
    now = timezone.now()
    VoteChange.objects.bulk_create(
        VoteChange(article=article, member=member, to_stance=Stance.BOTH) for _ in range(200)
    )
    window = VoteWindow(since=now - timedelta(minutes=1), limit=5)

    found, plan = _explained_page_query(
        monkeypatch, article.slug, member.pk, ("id", "slug"), vote_window=window
    )

    assert found.limit_reached_at is not None
    history_reads = [
        (node.get("Index Name"), node["Actual Rows"])
        for node in _plan_nodes(plan["Plan"])
        if node.get("Relation Name") == "debate_votechange"
    ]
    assert history_reads == [("vote_change_member_recent", 5)]


def test_the_page_query_reads_no_limit_reached_below_the_limit(member, article, side_one):
    services.vote_cast(member=member, article=article, position=side_one)
    window = VoteWindow(since=timezone.now() - timedelta(minutes=1), limit=2)

    found = VoteCount.objects.page(article.slug, member.pk, ("id", "slug"), vote_window=window)

    assert found.limit_reached_at is None


def test_the_page_query_reads_when_the_limit_was_reached(member, article, side_one, side_two):
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=side_two)
    first, _ = VoteChange.objects.filter(member=member).order_by("created_at", "id")
    window = VoteWindow(since=timezone.now() - timedelta(minutes=1), limit=2)

    found = VoteCount.objects.page(article.slug, member.pk, ("id", "slug"), vote_window=window)

    assert found.limit_reached_at == first.created_at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL's")
def test_the_page_query_is_prepared_on_the_server(article, side_one):
    VoteCount.objects.page(article.slug, None, ("id", "slug"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%debate_votecount%"])  # fmt: skip
        (prepared,) = cursor.fetchone()
    assert prepared >= 1
