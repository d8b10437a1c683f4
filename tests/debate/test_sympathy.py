"""Options, tallies and the replayed history: the arithmetic behind the tally and the chart."""

from datetime import date

import pytest

from debate.models import Position
from debate.sympathy import BOTH, History, Tally, options_for, percentages


def make_positions(n):
    return [
        Position(pk=i + 1, slug=f"side-{i + 1}", label=f"Side {i + 1}", claim=".") for i in range(n)
    ]


@pytest.fixture
def options():
    return options_for(make_positions(2))


def move(day, from_=None, to=None, n=1):
    """n votes moving on `day`; from_/to are a position id, BOTH, or None for "no vote"."""
    return {"day": day, "from": from_, "to": to, "n": n}


def rollup(moves):
    """The VoteDay rows (day, option, gained, lost) that counting these moves leaves."""
    rows = {}
    for m in moves:
        for key, field in ((m["from"], "lost"), (m["to"], "gained")):
            if key is not None:
                position_id = None if key == BOTH else key
                row = rows.setdefault(
                    (m["day"], position_id),
                    {"day": m["day"], "position_id": position_id, "gained": 0, "lost": 0},
                )
                row[field] += m["n"]
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1] is None, k[1] or 0))]


def test_options_are_the_positions_in_order_then_both_equally(options):
    assert [(o.value, o.label, o.side) for o in options] == [
        ("side-1", "Side 1", "1"),
        ("side-2", "Side 2", "2"),
        (BOTH, "Both equally", BOTH),
    ]


def test_option_actions_are_the_button_names(options):
    assert [o.action for o in options] == [
        "I find Side 1 more sympathetic",
        "I find Side 2 more sympathetic",
        "I find both equally sympathetic",
    ]


def test_with_three_positions_the_last_option_is_all_equally():
    options = options_for(make_positions(3))

    assert options[-1].label == "All equally"
    assert options[-1].action == "I find all equally sympathetic"


def test_an_article_without_positions_offers_nothing_to_vote_for():
    assert options_for([]) == []


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 1, 1], [33, 33, 34]),
        ([2, 1, 0], [67, 33, 0]),
        ([0, 0, 0], [0, 0, 0]),
        ([1, 6, 0], [14, 86, 0]),
        ([5, 0, 0], [100, 0, 0]),
    ],
)
def test_percentages_are_whole_and_add_up_to_one_hundred(counts, expected):
    assert percentages(counts) == expected


def test_tally_counts_shares_and_bar_segments(options):
    tally = Tally.from_counts(options, {1: 3, None: 1})

    assert tally.total == 4
    assert [(r.count, r.percent) for r in tally.rows] == [(3, 75), (0, 0), (1, 25)]
    assert [(r.x, r.width) for r in tally.rows] == [(0, 75), (75, 0), (75, 25)]


def test_tally_texts_group_thousands_and_agree_in_number(options):
    tally = Tally.from_counts(options, {1: 1234, 2: 1, None: 0})

    assert [r.votes_text for r in tally.rows] == ["1,234 votes", "1 vote", "0 votes"]
    assert tally.total_text == "1,235 members have voted."
    assert Tally.from_counts(options, {2: 1}).total_text == "1 member has voted."
    assert Tally.from_counts(options, {}).total_text == "No votes yet."


def test_tally_bar_draws_only_options_with_votes(options):
    tally = Tally.from_counts(options, {1: 3, None: 1})

    assert [(r.bar_x, r.bar_width) for r in tally.bar] == [("0.0", "75.0"), ("75.0", "25.0")]


def test_drawn_tally_is_the_texts_the_template_shows(options):
    drawn = Tally.from_counts(options, {1: 1234, None: 1}).drawn

    assert [(r["side"], r["votes"], r["percent"]) for r in drawn["rows"]] == [
        ("1", "1,234 votes", "100%"),
        ("2", "0 votes", "0%"),
        ("both", "1 vote", "0%"),
    ]
    assert [(r["side"], r["x"]) for r in drawn["bar"]] == [("1", "0.0"), ("both", "99.919")]
    assert drawn["total"] == "1,235 members have voted."


def test_tally_of_no_votes_is_all_zero(options):
    tally = Tally.from_counts(options, {})

    assert tally.total == 0
    assert [(r.count, r.percent, r.width) for r in tally.rows] == [(0, 0, 0)] * 3


def test_tally_version_changes_with_any_count(options):
    before = Tally.from_counts(options, {1: 1, 2: 1})
    after = Tally.from_counts(options, {1: 1, None: 1})

    assert before.version != after.version


def test_history_replays_votes_changes_and_withdrawals_per_day(options):
    d1, d2, d3 = date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 4)
    moves = [
        move(d1, to=1, n=2),
        move(d1, to=BOTH),
        move(d2, from_=1, to=2),
        move(d3, from_=BOTH),
    ]

    history = History.replay(options, rollup(moves), today=date(2026, 6, 5))

    assert [(d.day, d.counts, d.percents) for d in history.days] == [
        (d1, (2, 0, 1), (67, 0, 33)),
        (d2, (1, 1, 1), (33, 33, 34)),
        (d3, (1, 1, 0), (50, 50, 0)),
    ]
    assert (history.first_day, history.last_day, history.span_days) == (d1, date(2026, 6, 5), 5)


def test_history_lines_step_from_day_to_day_up_to_today(options):
    moves = [move(date(2026, 6, 1), to=1), move(date(2026, 6, 3), to=2)]

    history = History.replay(options, rollup(moves), today=date(2026, 6, 4))

    assert [line.path for line in history.lines()] == [
        "M0.0 0.0H50.0V50.0H100",
        "M0.0 100.0H50.0V50.0H100",
        "M0.0 100.0H50.0V100.0H100",
    ]


def test_history_line_breaks_while_nobody_has_a_vote(options):
    moves = [
        move(date(2026, 6, 1), to=1),
        move(date(2026, 6, 2), from_=1),
        move(date(2026, 6, 3), to=1),
    ]

    history = History.replay(options, rollup(moves), today=date(2026, 6, 4))

    assert history.lines()[0].path == "M0.0 0.0H25.0M50.0 0.0H100"


def test_history_of_a_single_day_spans_the_whole_chart(options):
    history = History.replay(options, rollup([move(date(2026, 6, 1), to=BOTH)]), date(2026, 6, 1))

    assert history.single_day
    assert history.lines()[2].path == "M0.0 0.0H100"


def test_history_without_votes_is_empty(options):
    history = History.replay(options, [], today=date(2026, 6, 1))

    assert history.days == []
    assert history.first_day is None
    assert [line.path for line in history.lines()] == ["", "", ""]


def test_history_ignores_moves_of_positions_no_longer_offered(options):
    history = History.replay(options, rollup([move(date(2026, 6, 1), to=99)]), date(2026, 6, 1))

    assert history.days[0].counts == (0, 0, 0)
