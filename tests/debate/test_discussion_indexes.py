"""The discussion's tables carry no index another one already covers: each costs every write."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("table", ["debate_post", "debate_report"])
def test_no_index_is_the_leading_part_of_another(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes = {
        name: tuple(info["columns"])
        for name, info in constraints.items()
        if (info["index"] or info["unique"]) and not info["primary_key"] and info["columns"]
    }

    covered = [
        (name, columns, other)
        for name, columns in indexes.items()
        for other_name, other in indexes.items()
        if other_name != name and len(other) > len(columns) and other[: len(columns)] == columns
    ]

    assert covered == []
