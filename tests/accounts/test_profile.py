from http import HTTPStatus

import pytest
from django.urls import reverse

from debate.models import ModerationStatus, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(article):
    side_one, side_two = article.positions.all()

    def write(author, body="A rebuttal.", position=None, status=ModerationStatus.PUBLISHED):
        return Post.objects.create(
            article=article,
            author=author,
            position=position or side_one,
            body_md=body,
            status=status,
        )

    write.sides = (side_one, side_two)
    return write


def test_profile_shows_name_bio_and_when_they_joined(client, make_member):
    member = make_member(display_name="ada", bio="Counts <things>.")

    response = client.get(reverse("accounts:profile", args=["ada"]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<h1" in html
    assert "ada" in html
    assert "Counts &lt;things&gt;." in html
    assert f'datetime="{member.date_joined.isoformat()}"' in html


def test_profile_lists_published_rebuttals_with_position_and_article(client, make_member, write):
    member = make_member(display_name="ada")
    write(member, "Published **point**.", position=write.sides[1])
    write(member, "Pending point.", status=ModerationStatus.PENDING)
    write(member, "Removed point.", status=ModerationStatus.REMOVED)

    html = client.get(member.get_absolute_url()).content.decode()

    assert "Published <strong>point</strong>." in html
    assert "Side two" in html
    assert 'href="/articles/a-debate/"' in html
    assert "Pending point." not in html
    assert "Removed point." not in html


def test_profile_lists_only_the_members_own_rebuttals(client, make_member, write):
    member = make_member(display_name="ada")
    write(make_member(display_name="grace"), "Grace's point.")

    html = client.get(member.get_absolute_url()).content.decode()

    assert "Grace&#x27;s point." not in html
    assert "has not published a rebuttal, reply or comment yet" in html


@pytest.mark.parametrize("count", [1, 25])
def test_profile_queries_do_not_grow_with_rebuttals(
    client, make_member, write, django_assert_max_num_queries, count
):
    member = make_member(display_name="ada")
    for n in range(count):
        write(member, f"Point {n}.", position=write.sides[n % 2])

    with django_assert_max_num_queries(3):
        response = client.get(member.get_absolute_url())

    assert response.status_code == HTTPStatus.OK


def test_profile_pages_through_many_rebuttals(client, make_member, write):
    member = make_member(display_name="ada")
    for n in range(21):
        write(member, f"Point number {n}.")

    first = client.get(member.get_absolute_url()).content.decode()
    second = client.get(member.get_absolute_url() + "?page=2").content.decode()

    assert "Point number 20." in first
    assert "Point number 0." not in first
    assert "Point number 0." in second


def test_profile_address_ignores_case_and_redirects_to_the_real_name(client, make_member):
    make_member(display_name="Ada")

    response = client.get(reverse("accounts:profile", args=["ada"]))

    # Not permanent: names change hands, and browsers would remember a 301 for good.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:profile", args=["Ada"])


def test_unknown_member_is_not_found(client, db):
    response = client.get(reverse("accounts:profile", args=["nobody"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_name_with_a_nul_byte_is_a_bad_request_not_a_server_error(client, db):
    # PostgreSQL refuses NUL in a text parameter; the query must not even be tried.
    response = client.get("/members/a%00b/")

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_inactive_member_has_no_profile(client, make_member):
    make_member(display_name="ada", is_active=False)

    response = client.get(reverse("accounts:profile", args=["ada"]))

    assert response.status_code == HTTPStatus.NOT_FOUND
