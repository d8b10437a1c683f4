"""The list of debates: each card names its sides and how many members have voted."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from debate.models import Article, Position
from debate.services import vote_cast

pytestmark = pytest.mark.django_db


def test_article_card_names_the_sides_in_order(client, article):
    response = client.get(reverse("debate:article_list"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.index('side-name--1">Side one') < html.index('side-name--2">Side two')


def test_article_card_counts_the_members_who_voted(client, article, make_member):
    one = article.positions.first()
    vote_cast(member=make_member(display_name="ada"), article=article, position=one)
    vote_cast(member=make_member(display_name="grace"), article=article, position=None)

    response = client.get(reverse("debate:article_list"))

    assert "2 members have voted" in response.content.decode()


def test_article_card_without_votes_says_so(client, article):
    response = client.get(reverse("debate:article_list"))

    assert "No votes yet" in response.content.decode()


def test_article_list_uses_a_fixed_number_of_queries(
    client, article, make_member, django_assert_max_num_queries
):
    for n in range(5):
        other = Article.objects.create(slug=f"debate-{n}", title=f"Debate {n}", body_md="x")
        Position.objects.create(article=other, slug="a", label="A", claim="A.", order=0)
        vote_cast(member=make_member(display_name=f"m{n}"), article=other, position=None)

    # Articles with their counts, topics, positions; the session's user is never loaded.
    with django_assert_max_num_queries(3):
        client.get(reverse("debate:article_list"))


def test_empty_list_does_not_tell_visitors_to_run_commands(client, db):
    response = client.get(reverse("debate:article_list"))

    html = response.content.decode()
    assert "No debates yet" in html
    assert "import_seed" not in html


def test_empty_list_tells_moderators_how_to_import(client, make_member):
    client.force_login(make_member(display_name="mod", is_staff=True))

    response = client.get(reverse("debate:article_list"))

    assert "import_seed" in response.content.decode()
