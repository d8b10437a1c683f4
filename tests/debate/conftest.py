"""Fixtures for the debate views and services: votes in bulk and an htmx client."""

import pytest

from debate import services


@pytest.fixture
def positions(article):
    return list(article.positions.all())


@pytest.fixture
def side_one(positions):
    return positions[0]


@pytest.fixture
def side_two(positions):
    return positions[1]


@pytest.fixture
def cast_votes(django_user_model, article):
    """Votes by new members: cast_votes(side_one, side_one, None) → three members' votes."""
    counter = iter(range(1, 100_000))

    def cast(*choices, on=None):
        members = []
        for position in choices:
            n = next(counter)
            # No password: hashing one costs a quarter of a second.
            voter = django_user_model.objects.create_user(
                email=f"voter{n}@example.com", display_name=f"voter{n}", password=None
            )
            services.vote_cast(member=voter, article=on or article, position=position)
            members.append(voter)
        return members

    return cast


HTMX = {"HTTP_HX_REQUEST": "true"}
