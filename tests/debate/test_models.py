"""Invariants held by the database itself, and markdown rendered once on save."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from debate.models import Article, Position, Post, Stance, SympathyVote, VoteChange

pytestmark = pytest.mark.django_db


def test_article_body_is_rendered_on_save(article):
    assert article.body_html == "<p>Side one says <em>this</em>. Side two says that.</p>\n"


def test_article_body_is_not_rendered_again_when_unchanged(article):
    Article.objects.filter(pk=article.pk).update(body_html="<p>stored</p>")
    stored = Article.objects.get(pk=article.pk)
    stored.title = "Retitled"

    stored.save()

    assert Article.objects.get(pk=article.pk).body_html == "<p>stored</p>"


def test_article_body_is_rendered_again_when_changed(article):
    stored = Article.objects.get(pk=article.pk)
    stored.body_md = "**New** body"

    stored.save(update_fields=["body_md"])

    assert Article.objects.get(pk=article.pk).body_html == "<p><strong>New</strong> body</p>\n"


def test_rebuttal_body_is_sanitized_on_save(article, member):
    rebuttal = Post.objects.create(
        article=article,
        author=member,
        position=article.positions.first(),
        body_md="<script>x</script> [a](javascript:x)",
    )

    assert "<script" not in rebuttal.body_html
    assert "href" not in rebuttal.body_html


def test_one_vote_per_member_per_article(article, member):
    SympathyVote.objects.create(member=member, article=article, stance=Stance.BOTH)

    with pytest.raises(IntegrityError), transaction.atomic():
        SympathyVote.objects.create(member=member, article=article, stance=Stance.BOTH)


def test_vote_for_a_position_needs_the_position(article, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        SympathyVote.objects.create(member=member, article=article, stance=Stance.POSITION)


def test_vote_for_both_cannot_name_a_position(article, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        SympathyVote.objects.create(
            member=member,
            article=article,
            stance=Stance.BOTH,
            position=article.positions.first(),
        )


def test_history_entry_for_a_position_needs_the_position(article, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteChange.objects.create(article=article, member=member, to_stance=Stance.POSITION)


def test_position_slug_is_unique_within_its_article(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(article=article, slug="side-one", label="Again", claim="Again.")


def test_rebuttal_status_must_be_one_of_its_choices(article, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            article=article,
            author=member,
            position=article.positions.first(),
            body_md="x",
            status="gone",
        )


def test_tally_counts_each_option_in_one_query(article, make_member, django_assert_num_queries):
    one, _two = article.positions.all()
    for stance, position in [("position", one), ("position", one), ("both", None)]:
        SympathyVote.objects.create(
            member=make_member(), article=article, stance=stance, position=position
        )

    with django_assert_num_queries(1):
        tally = SympathyVote.objects.tally(article)

    assert tally == {one.pk: 2, None: 1}


def test_no_position_may_be_called_both(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(article=article, slug="both", label="Both", claim="Both.")


@pytest.mark.parametrize(
    "evidence", [[["a nested list"]], ["Side one says", 7], [" "], "Side one says", {"a": "b"}]
)
def test_position_evidence_must_be_a_list_of_quotes(article, evidence):
    # The admin edits evidence as raw JSON; anything but a list of strings broke the page (500).
    position = Position(article=article, slug="three", label="Three", claim="C.", evidence=evidence)

    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()

    assert "evidence" in excinfo.value.message_dict
