"""make_fake_debate: synthetic members and votes for load tests, with counters to match."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from debate.management.commands.make_fake_debate import SYNTHETIC_EMAIL_DOMAIN
from debate.models import Article, SympathyVote, VoteChange, VoteDay
from debate.vote_recount import votes_recount

pytestmark = pytest.mark.django_db


def fake(article, *args, **options):
    out = StringIO()
    call_command(
        "make_fake_debate",
        "--article",
        article.slug,
        *args,
        stdout=out,
        stderr=StringIO(),
        **options,
    )
    return out.getvalue()


def test_creates_synthetic_members_with_one_vote_each_and_their_history(article):
    output = fake(article, "--votes", "40", "--days", "10", "--changes", "0.25", "--seed", "3")

    members = User.objects.filter(email__endswith=f"@{SYNTHETIC_EMAIL_DOMAIN}")
    assert members.count() == 40
    assert not any(member.has_usable_password() for member in members)
    assert SympathyVote.objects.filter(article=article).count() == 40
    changes = VoteChange.objects.filter(article=article)
    assert 40 < changes.count() < 80  # every cast, and about a quarter changed once
    assert "Created 40 synthetic members" in output


def test_the_counters_match_the_votes_it_wrote(article):
    fake(article, "--votes", "60", "--days", "20", "--seed", "5")

    assert votes_recount(Article.objects.all(), repair=False) == []


def test_the_history_is_spread_over_the_days_asked_for(article):
    fake(article, "--votes", "200", "--days", "30", "--changes", "0", "--seed", "1")

    days = VoteDay.objects.filter(article=article).values_list("day", flat=True).distinct()
    assert 20 <= days.count() <= 31


def test_adds_to_what_is_there_on_a_second_run(article):
    fake(article, "--votes", "10", "--days", "2")

    fake(article, "--votes", "15", "--days", "2")

    assert SympathyVote.objects.filter(article=article).count() == 25
    assert votes_recount(Article.objects.all(), repair=False) == []


def test_refuses_a_database_with_real_members_unless_forced(article, member):
    with pytest.raises(CommandError, match="1 members who are not synthetic"):
        fake(article, "--votes", "5", "--days", "2")
    assert not SympathyVote.objects.exists()

    fake(article, "--votes", "5", "--days", "2", "--force")

    assert SympathyVote.objects.count() == 5


def test_dry_run_writes_nothing(article):
    output = fake(article, "--votes", "5", "--days", "2", "--dry-run")

    assert "Nothing written" in output
    assert not User.objects.exists()


def test_an_unknown_article_is_an_error(db):
    with pytest.raises(CommandError, match="No article has the slug 'nope'"):
        call_command("make_fake_debate", "--article", "nope", "--votes", "1", "--days", "1")


def test_an_article_without_sides_is_an_error(db):
    bare = Article.objects.create(slug="bare", title="Bare", body_md="x")

    with pytest.raises(CommandError, match="no sides"):
        fake(bare, "--votes", "1", "--days", "1")
