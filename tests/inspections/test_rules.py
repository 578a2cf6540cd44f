"""The pure rules of quality inspection: scoring (weights, N/A, deductions, auto-fail), the
seeded monthly sample with cross-audit assignment, calibration spread, appeal deadlines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu.core.calendar import BusinessCalendar
from kefu.inspections import agreement, deadlines, sampling, scoring
from kefu.inspections.sampling import Person, Unit

CATS = [scoring.Category(1, 30), scoring.Category(2, 70)]
ITEMS = [
    scoring.Item(11, 1, Decimal(5)),
    scoring.Item(12, 1, Decimal(10), critical=True, allow_na=False),
    scoring.Item(21, 2, Decimal(10)),
    scoring.Item(22, 2, Decimal(10)),
]


def test_points_form_weights_categories():
    r = scoring.score(
        "points", CATS, ITEMS, {11: Decimal(5), 12: Decimal(10), 21: Decimal(5), 22: Decimal(10)}
    )
    # category 1: 15/15 = 100; category 2: 15/20 = 75; 0.3×100 + 0.7×75 = 82.5
    assert r.score == Decimal("82.50") and not r.failed
    assert r.categories == {1: Decimal("100.00"), 2: Decimal("75.00")}


def test_na_items_leave_the_category_and_an_all_na_category_leaves_the_total():
    r = scoring.score("points", CATS, ITEMS, {11: None, 12: Decimal(10), 21: None, 22: None})
    assert r.score == Decimal("100.00") and r.categories[2] is None


def test_critical_item_missed_fails_the_review_with_zero_sat8():
    r = scoring.score(
        "points", CATS, ITEMS, {11: Decimal(5), 12: Decimal(5), 21: Decimal(10), 22: Decimal(10)}
    )
    assert r.failed and r.score == Decimal("0.00") and r.critical_missed == (12,)
    assert not r.passed(Decimal(80))


def test_deductions_form_never_below_zero():
    cats = [scoring.Category(1, 50), scoring.Category(2, 50)]
    items = [scoring.Item(1, 1, Decimal(5)), scoring.Item(2, 2, Decimal(30))]
    r = scoring.score("deductions", cats, items, {1: Decimal(3), 2: Decimal(4)})
    # 100 − 15 = 85 and max(0, 100 − 120) = 0 → 42.5
    assert r.score == Decimal("42.50") and r.categories[2] == Decimal("0.00")


@pytest.mark.parametrize(
    "answers,code",
    [
        ({11: Decimal(5), 21: Decimal(1), 22: Decimal(1)}, "missing"),
        ({11: Decimal(5), 12: None, 21: Decimal(1), 22: Decimal(1)}, "na_not_allowed"),
        ({11: Decimal(6), 12: Decimal(1), 21: Decimal(1), 22: Decimal(1)}, "out_of_range"),
        (
            {11: Decimal(1), 12: Decimal(1), 21: Decimal(1), 22: Decimal(1), 99: Decimal(1)},
            "unknown_item",
        ),
    ],
)
def test_bad_answer_sheets_are_refused(answers, code):
    with pytest.raises(scoring.ScoreError) as exc:
        scoring.score("points", CATS, ITEMS, answers)
    assert exc.value.code == code


def test_parse_answers():
    assert scoring.parse_answers("1=5, 2=na,3=0.5") == {1: Decimal(5), 2: None, 3: Decimal("0.5")}
    with pytest.raises(scoring.ScoreError):
        scoring.parse_answers("1:5")


POOLS = {1: list(range(100, 130)), 2: list(range(200, 203)), 3: []}
MANDATORY = [Unit(1, sampling.REPEAT, 105), Unit(3, sampling.DISSATISFIED, 300, 9)]


def test_sample_is_reproducible_from_its_seed_and_keeps_every_mandatory_unit():
    a = sampling.draw(42, POOLS, MANDATORY, 5)
    b = sampling.draw(42, {k: list(reversed(v)) for k, v in reversed(POOLS.items())}, MANDATORY, 5)
    c = sampling.draw(43, POOLS, MANDATORY, 5)
    assert a == b and a != c
    assert set(MANDATORY) <= set(a)
    per_agent = {k: [u for u in a if u.agent == k and u.source == sampling.RANDOM] for k in POOLS}
    assert len(per_agent[1]) == 5 and len(per_agent[2]) == 3 and per_agent[3] == []
    # the repeat complaint is not drawn a second time as a random ticket
    assert [u.ticket for u in a if u.agent == 1].count(105) == 1


def test_sat8_nobody_reviews_their_own_team():
    agents = {1: Person(1, 10), 2: Person(2, 20), 3: Person(3, 10)}
    reviewers = [Person(50, 10), Person(51, 20), Person(52, None)]
    units = sampling.draw(7, POOLS, MANDATORY, 5)
    out = sampling.assign(7, units, agents, reviewers)
    assert len(out) == len(units)
    team = {r.id: r.team for r in reviewers}
    assert all(team[r] != agents[u.agent].team for u, r in out)
    loads = [sum(1 for _, r in out if r == x.id) for x in reviewers]
    assert max(loads) - min(loads) <= len(units)  # everyone eligible shares the load
    assert sampling.assign(7, units, agents, reviewers) == out


def test_no_reviewer_outside_the_team_is_an_error():
    with pytest.raises(sampling.NoReviewer):
        sampling.assign(1, [Unit(1, sampling.RANDOM, 5)], {1: Person(1, 10)}, [Person(9, 10)])


def test_second_reviewer_is_neither_the_first_nor_of_the_team():
    agent = Person(1, 10)
    pool = [Person(50, 20), Person(51, 10), Person(52, 30)]
    assert sampling.second_reviewer(agent, 50, pool, {}) == 52
    with pytest.raises(sampling.NoReviewer):
        sampling.second_reviewer(agent, 50, pool[:2], {})


def test_calibration_agreement_and_spread_per_item():
    sheets = {
        1: {10: Decimal(5), 11: Decimal(10), 12: None},
        2: {10: Decimal(5), 11: Decimal(4), 12: None},
        3: {10: Decimal(5), 11: Decimal(7), 12: Decimal(2)},
    }
    a = agreement.agreement(sheets, {1: Decimal(90), 2: Decimal(70), 3: Decimal(82)})
    spreads = {i.item: i.spread for i in a.items}
    assert spreads == {10: Decimal(0), 11: Decimal(6), 12: Decimal(0)}
    assert a.agreement == Decimal("33.33")  # only item 10 answered alike by all
    assert a.score_spread == Decimal(20)


def test_appeal_deadline_skips_the_national_day_holiday():
    cal = BusinessCalendar()
    # filed Monday 2026-09-28 10:00 Shanghai: 29, 30 Sep are workdays, 1–7 Oct National Day
    filed = dt.datetime(2026, 9, 28, 2, 0, tzinfo=dt.UTC)
    assert deadlines.appeal_deadline(filed, 3, cal) == dt.date(2026, 10, 8)
    assert deadlines.appeal_deadline(filed, 2, cal) == dt.date(2026, 9, 30)


def test_a_dissatisfied_callback_without_a_ticket_is_sampled_beside_ticketed_ones():
    # a reminder or inactivity call has no ticket: the sample still orders it (it was a crash)
    mandatory = [
        Unit(3, sampling.DISSATISFIED, None, 7),
        Unit(3, sampling.DISSATISFIED, 300, 9),
        Unit(3, sampling.DISSATISFIED, None, 8),
    ]
    units = sampling.draw(42, {3: [301, 302]}, mandatory, 1)
    assert [u for u in units if u.source == sampling.DISSATISFIED] == [
        Unit(3, sampling.DISSATISFIED, None, 7),
        Unit(3, sampling.DISSATISFIED, None, 8),
        Unit(3, sampling.DISSATISFIED, 300, 9),
    ]


def test_ticketless_calls_join_the_random_draw_and_leave_the_ticket_draw_unchanged():
    only_tickets = sampling.draw(42, POOLS, MANDATORY, 5)
    # an agent without ticketless calls gets exactly the draw the tickets alone gave
    with_calls = sampling.draw(42, POOLS, MANDATORY, 5, call_pools={2: [900, 901, 902]})
    assert [u for u in with_calls if u.agent != 2] == [u for u in only_tickets if u.agent != 2]
    # agent 2 has 3 tickets and 3 calls: 5 of the 6 contacts, each kind named as such
    mine = [u for u in with_calls if u.agent == 2]
    assert len(mine) == 5 and all(u.source == sampling.RANDOM for u in mine)
    assert all((u.ticket is None) == (u.call is not None) for u in mine)
    assert {u.call for u in mine if u.call} <= {900, 901, 902}
    # a call id equal to a ticket id is still another contact; the draw is reproducible
    both = sampling.draw(1, {4: [7]}, [], 5, call_pools={4: [7]})
    assert both == [Unit(4, sampling.RANDOM, None, None, 7), Unit(4, sampling.RANDOM, 7)]
    assert sampling.draw(42, POOLS, MANDATORY, 5, call_pools={2: [902, 900, 901]}) == with_calls
