"""The orders of a side's rebuttals, and the keyset cursor "Show more" continues them with.

Each order sorts by stored columns, each descending (`SIDE_ORDERS`), which an index of the
post table holds in that order, so a page is a short index scan. The cursor is the last shown
item's values of those columns: the next page is what sorts after it, so nothing is repeated
or skipped while the scores stand still (an item whose score changes between two pages may
move across the cursor, as in any keyset pagination).
"""

from __future__ import annotations

from django.db.models import Q

from .models.discussion import SIDE_ORDERS

DEFAULT_ORDER = "bridging"
ORDERS = tuple(SIDE_ORDERS)
# One sentence for each, printed beside the choice.
EXPLAINED = {
    "bridging": "Bridging puts first what members of different camps all find convincing.",
    "top": "Top puts first what the most members find convincing.",
    "new": "New puts the latest rebuttals first.",
}
LABELS = {"bridging": "Bridging", "top": "Top", "new": "New"}
# What `after` may look like in a URL: the order's values joined by dots.
CURSOR_PATTERN = r"[0-9]{1,19}(?:\.[0-9]{1,19}){0,2}"


def order_of(value: str | None, default: str = DEFAULT_ORDER) -> str:
    return value if value in SIDE_ORDERS else default


def sort_key(order: str):
    """How to sort posts of one list in Python as the database did."""
    columns = SIDE_ORDERS[order]
    return lambda post: tuple(-getattr(post, column) for column in columns)


def order_by(order: str) -> list[str]:
    return [f"-{column}" for column in SIDE_ORDERS[order]]


def cursor_of(order: str, post) -> str:
    return ".".join(str(getattr(post, column)) for column in SIDE_ORDERS[order])


def parse_cursor(order: str, value: str | None) -> tuple[int, ...] | None:
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != len(SIDE_ORDERS[order]) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def after(order: str, values: tuple[int, ...]) -> Q:
    """What sorts after `values` in `order`: (a, b, c) < values, lexicographically."""
    columns = SIDE_ORDERS[order]
    condition = Q(**{f"{columns[-1]}__lt": values[-1]})
    for column, value in zip(reversed(columns[:-1]), reversed(values[:-1]), strict=True):
        condition = Q(**{f"{column}__lt": value}) | (Q(**{column: value}) & condition)
    return condition


def more_query(order: str, post) -> str:
    """The query string of "Show more" after `post` (parameters in the URL's declared order)."""
    if order == "new":
        return f"order=new&before={post.pk}"
    return f"order={order}&after={cursor_of(order, post)}"
