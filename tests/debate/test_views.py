from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_article_list_shows_title_summary_date_and_topics(client, seed_article):
    response = client.get(reverse("debate:article_list"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert seed_article.title in html
    assert "A debate over the risk of egregiously misaligned" in html
    assert "12 June 2026" in html
    assert "AI safety" in html


def test_article_detail_shows_body_source_and_both_positions(client, seed_article):
    response = client.get(seed_article.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Thanks Zack M. Davis" in html
    assert seed_article.canonical_url in html
    assert "Yudkowsky &amp; Soares" in html
    assert "People who work on LLMs" in html


def test_unknown_article_is_not_found(client, db):
    response = client.get(reverse("debate:article_detail", args=["no-such-debate"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_article_page_refuses_post(client, seed_article):
    response = client.post(seed_article.get_absolute_url())

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
