"""The benchmark's baselines (bench/views.py): what bench/run compares the site with."""

from http import HTTPStatus

import pytest
from django.test import Client

from bench.models import BaselineRow, BaselineVote

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def test_baseline_a_is_a_fixed_response_without_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/fixed/")

    assert response.status_code == HTTPStatus.OK
    assert b"A fixed response." in response.content


def test_baseline_b_lists_fifty_rows_for_a_member_in_one_query_beyond_the_session(
    member_client, django_assert_num_queries
):
    BaselineRow.objects.bulk_create(BaselineRow(html=f"<b>Row {n}</b>") for n in range(1, 61))

    with django_assert_num_queries(3):  # session, member, rows
        response = member_client.get("/bench/rows/")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.count("<li><b>Row") == 50
    assert "<b>Row 51</b>" not in html
    assert '<html lang="en">' in html  # the site's own layout


def test_baseline_b_is_for_members_only(client):
    assert client.get("/bench/rows/").status_code == HTTPStatus.FOUND


def test_baseline_c_upserts_one_row_per_member_and_article(member_client, member):
    member_client.post("/bench/vote/7/", {"choice": "side-one"})

    response = member_client.post("/bench/vote/7/", {"choice": "both"})

    assert response.status_code == HTTPStatus.OK
    assert response.content == b"<p>Vote counted: both.</p>"
    vote = BaselineVote.objects.get()
    assert (vote.member, vote.article_id, vote.choice) == (member, 7, "both")


def test_baseline_c_checks_csrf(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/bench/vote/7/", {"choice": "both"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not BaselineVote.objects.exists()


def test_baseline_c_without_a_choice_is_a_400(member_client):
    response = member_client.post("/bench/vote/7/", {})

    assert response.status_code == HTTPStatus.BAD_REQUEST
