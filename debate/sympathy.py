"""What a sympathy vote can say, today's tally and how it moved: pure arithmetic, no queries.

The views fetch rows with the QuerySet methods in `debate.models` (a constant number of
queries) and hand them here; the templates draw what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.template.defaultfilters import pluralize
from django.utils.formats import number_format

from .models import RESERVED_POSITION_SLUG, Position

BOTH = (
    RESERVED_POSITION_SLUG  # the vote value, and option key, of "I find both equally sympathetic"
)
SIDE_COLOURS = 4  # site.css defines --side-1 … --side-4; further positions reuse them


@dataclass(frozen=True)
class Option:
    """One thing a member can say: a position of the article, or "both equally"."""

    value: str  # what the vote form posts: the position's slug, or BOTH
    label: str
    side: str  # CSS modifier naming the colour: "1", "2", … or "both"
    position: Position | None = None

    @property
    def key(self) -> int | None:
        """How the tally and the history name this option: the position id, None for both."""
        return self.position.pk if self.position else None

    @property
    def is_both(self) -> bool:
        return self.position is None

    @property
    def action(self) -> str:
        """What pressing the button says, which is also its accessible name."""
        if self.position is None:
            return f"I find {self.label.lower()} sympathetic"
        return f"I find {self.label} more sympathetic"


def options_for(positions: Sequence[Position]) -> list[Option]:
    options = [
        Option(value=p.slug, label=p.label, side=str(i % SIDE_COLOURS + 1), position=p)
        for i, p in enumerate(positions)
    ]
    if options:
        # "Both" of two sides; with three or more it would be wrong.
        label = "Both equally" if len(options) == 2 else "All equally"
        options.append(Option(value=BOTH, label=label, side=BOTH))
    return options


def option_chosen(options: Iterable[Option], position_id: int | None) -> Option | None:
    return next((o for o in options if o.key == position_id), None)


def percentages(counts: Sequence[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (largest remainder), or all 0 if no votes."""
    total = sum(counts)
    if not total:
        return [0 for _ in counts]
    exact = [100 * c / total for c in counts]
    whole = [int(e) for e in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: (exact[i] - whole[i], counts[i]))
    for i in by_remainder[len(by_remainder) - (100 - sum(whole)) :]:
        whole[i] += 1
    return whole


@dataclass(frozen=True)
class TallyRow:
    option: Option
    count: int
    percent: int  # whole percent for people to read; the bar uses the exact share
    x: float  # where this option's segment of the bar starts, 0 to 100
    width: float  # the segment's length, 0 to 100

    # Rendered with every vote and every changed tally: what _tally.html shows, made here in a
    # few Python calls rather than a dozen template filters per row.
    @property
    def votes_text(self) -> str:
        """The count as the tally shows it ("1,234 votes"), grouped as the locale groups numbers."""
        return f"{number_format(self.count, force_grouping=True)} vote{pluralize(self.count)}"

    @property
    def bar_x(self) -> str:
        """`x` as SVG wants it, never localized."""
        return str(self.x)

    @property
    def bar_width(self) -> str:
        return str(self.width)


@dataclass(frozen=True)
class Tally:
    rows: list[TallyRow]
    total: int
    # Changes whenever a vote moves, even if the counts come back to the same numbers: what
    # a polling page last saw, and what the cached chart is keyed by.
    version: str

    @classmethod
    def from_counts(
        cls, options: Sequence[Option], counts: Mapping[int | None, int], version: str = ""
    ) -> Tally:
        values = [counts.get(o.key, 0) for o in options]
        total = sum(values)
        rows, x = [], 0.0
        for option, count, percent in zip(options, values, percentages(values), strict=True):
            width = 100 * count / total if total else 0.0
            rows.append(TallyRow(option, count, percent, round(x, 3), round(width, 3)))
            x += width
        return cls(rows=rows, total=total, version=version or "-".join(map(str, values)))

    @classmethod
    def from_counters(
        cls, options: Sequence[Option], counters: Iterable[tuple[int | None, int, int]]
    ) -> Tally:
        """From `VoteCount.objects.of_article()` rows: (position id, votes, changes)."""
        counts, changes = {}, 0
        for position_id, votes, moved in counters:
            counts[position_id] = votes
            changes += moved
        return cls.from_counts(options, counts, version=str(changes))

    @property
    def bar(self) -> list[TallyRow]:
        """The rows that have a segment in the bar: those with votes."""
        return [row for row in self.rows if row.count]

    @property
    def total_text(self) -> str:
        if not self.total:
            return "No votes yet."
        total = number_format(self.total, force_grouping=True)
        return f"{total} member{pluralize(self.total)} ha{pluralize(self.total, 's,ve')} voted."

    @cached_property
    def drawn(self) -> dict:
        """What _tally.html shows, all of it text, in dicts: the tally is drawn with every vote
        and every changed tally, and the template engine looks a name up in a dict before it
        tries an attribute (and a number would go through localization)."""
        rows = [
            {
                "side": row.option.side,
                "label": row.option.label,
                "votes": row.votes_text,
                "percent": f"{row.percent}%",
            }
            for row in self.rows
        ]
        bar = [{"side": r.option.side, "x": r.bar_x, "width": r.bar_width} for r in self.bar]
        return {"rows": rows, "bar": bar, "total": self.total_text}


@dataclass(frozen=True)
class Day:
    """The tally at the end of one day on which votes moved."""

    day: date
    counts: tuple[int, ...]  # per option, in option order
    percents: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def cells(self) -> list[tuple[int, int]]:
        return list(zip(self.counts, self.percents, strict=True))


@dataclass(frozen=True)
class Line:
    option: Option
    path: str  # SVG path data in the chart's 100 by 100 box


@dataclass(frozen=True)
class History:
    options: list[Option]
    days: list[Day]
    first_day: date | None
    last_day: date | None  # the right edge of the chart: today

    @classmethod
    def replay(cls, options: Sequence[Option], days: Iterable[Mapping], today: date) -> History:
        """Rebuild each day's tally from `VoteDay.objects.history()` rows, oldest day first.

        Each row says how many votes came to one option (`gained`) and left it (`lost`) on one
        day; an option that is no longer offered is left out.
        """
        index = {o.key: i for i, o in enumerate(options)}
        counts = [0] * len(options)
        snapshots: list[Day] = []
        for row in days:
            if not (row["gained"] or row["lost"]):
                continue  # a row that a recount zeroed: nothing moved that day
            i = index.get(row["position_id"], -1)
            if i >= 0:
                counts[i] += row["gained"] - row["lost"]
            snapshot = Day(row["day"], tuple(counts), tuple(percentages(counts)))
            if snapshots and snapshots[-1].day == row["day"]:
                snapshots[-1] = snapshot
            else:
                snapshots.append(snapshot)
        first = snapshots[0].day if snapshots else None
        last = max(today, snapshots[-1].day) if snapshots else None
        return cls(list(options), snapshots, first, last)

    @property
    def span_days(self) -> int:
        """Days on the x axis, counting today whole so the latest day has a visible width."""
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days + 1

    def x(self, day: date) -> float:
        return round(100 * (day - self.first_day).days / self.span_days, 3)

    def lines(self) -> list[Line]:
        """One step line per option: its share holds from each day to the next change."""
        lines = []
        for i, option in enumerate(self.options):
            parts: list[str] = []
            drawing = False
            for day in self.days:
                x = self.x(day.day)
                if not day.total:  # nobody has a vote that day: no share to draw
                    if drawing:
                        parts.append(f"H{x}")
                    drawing = False
                    continue
                y = round(100 - 100 * day.counts[i] / day.total, 3)
                parts.append(f"H{x}V{y}" if drawing else f"M{x} {y}")
                drawing = True
            if drawing:
                parts.append("H100")
            lines.append(Line(option, "".join(parts)))
        return lines

    @property
    def latest(self) -> list[tuple[Option, int]]:
        """Each option with its share at the end of the latest day that moved."""
        if not self.days:
            return []
        return list(zip(self.options, self.days[-1].percents, strict=True))

    @property
    def single_day(self) -> bool:
        return self.span_days == 1
