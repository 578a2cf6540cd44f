"""Erlang B/C/A formulas (spec §1.11, issue 6 §1): published examples, exact cross-checks, limits.

Pure module: no database.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.workforce import erlang

from .reference import erlang_a_chain, erlang_b_exact, erlang_c_decimal, erlang_c_exact

TOL = 1e-9


def test_erlang_b_matches_the_published_table():
    """Erlang B table (e.g. Tijms, "A First Course in Stochastic Models", or any Erlang B table):
    A = 10 Erlangs on 10 circuits blocks 0.2146; 5 Erlangs on 10 circuits blocks 0.0184."""
    # when
    b_10 = erlang.erlang_b(10, 10)
    b_5 = erlang.erlang_b(5, 10)
    # then
    assert round(b_10, 4) == 0.2146
    assert round(b_5, 4) == 0.0184
    assert b_10 == pytest.approx(float(erlang_b_exact(Fraction(10), 10)), abs=1e-15)


def test_erlang_c_call_centre_helper_worked_example():
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls
    per 30 minutes, AHT 180 s → A = 10 Erlangs; with 11 agents P(wait) = 0.6821, and the 80 % in
    20 s target needs 14 agents. The service levels pinned here (13 → 79.6 %, 14 → 88.8 %,
    occupancy 71.4 %) are our exact-arithmetic values for that example."""
    # when
    at_11 = erlang.erlang_c_metrics(10, 11, 180, 20)
    at_13 = erlang.erlang_c_metrics(10, 13, 180, 20)
    at_14 = erlang.erlang_c_metrics(10, 14, 180, 20)
    # then
    assert round(at_11.probability_wait, 4) == 0.6821
    assert at_13.service_level < 0.8 <= at_14.service_level
    assert round(at_13.service_level, 3) == 0.796
    assert round(at_14.service_level, 3) == 0.888
    assert round(at_14.occupancy, 3) == 0.714


@pytest.mark.parametrize(
    ("traffic", "agents", "aht", "answer"),
    [
        (Fraction(10), 11, Fraction(180), Fraction(20)),
        (Fraction(10), 14, Fraction(180), Fraction(20)),
        # Westbay Engineers' Erlang C walk-through: 360 calls per half hour, 4 min, 55 agents, 15 s
        (Fraction(360 * 240, 1800), 55, Fraction(240), Fraction(15)),
        (Fraction(1, 3), 1, Fraction(300), Fraction(0)),
        (Fraction(7, 2), 4, Fraction(95), Fraction(30)),
        # traffic just below an integer: N − A is one millionth
        (Fraction(9_999_999, 1_000_000), 10, Fraction(180), Fraction(20)),
        (Fraction(123_456_789, 1_000_000), 130, Fraction(240), Fraction(10)),
    ],
)
def test_erlang_c_agrees_with_exact_arithmetic(traffic, agents, aht, answer):
    """Float results agree with exact rational arithmetic to 1e-9 (relative for ASA)."""
    # when
    got = erlang.erlang_c_metrics(traffic, agents, float(aht), float(answer))
    want = erlang_c_exact(traffic, agents, aht, answer)
    # then
    assert got.probability_wait == pytest.approx(float(want["probability_wait"]), abs=TOL)
    assert got.service_level == pytest.approx(float(want["service_level"]), abs=TOL)
    assert got.occupancy == pytest.approx(float(want["occupancy"]), abs=TOL)
    assert got.asa_seconds == pytest.approx(float(want["asa_seconds"]), rel=TOL)


def test_erlang_c_just_below_an_integer_is_stable_and_nearly_always_waits():
    """A = 10 − 10⁻⁹ on 10 agents is a (barely) stable queue: P(wait) just under 1, huge ASA."""
    # given
    traffic = Fraction(10) - Fraction(1, 10**9)
    # when
    got = erlang.erlang_c_metrics(traffic, 10, 180.0, 20.0)
    want = erlang_c_exact(traffic, 10, Fraction(180), Fraction(20))
    # then
    assert 0.999 < got.probability_wait < 1.0
    assert got.asa_seconds == pytest.approx(float(want["asa_seconds"]), rel=TOL)
    assert got.service_level == pytest.approx(float(want["service_level"]), abs=TOL)


@pytest.mark.parametrize("agents", [10, 11])
def test_erlang_c_unstable_queue_has_no_service_and_infinite_asa(agents):
    """N ≤ A: every call waits forever on average; ASA is infinite (None), never inf or NaN."""
    # when
    got = erlang.erlang_c_metrics(11, agents, 180, 20)
    # then
    assert got.service_level == 0.0
    assert got.probability_wait == 1.0
    assert got.asa_seconds is None
    assert got.occupancy == 1.0


def test_erlang_c_zero_traffic_answers_everything_at_once():
    # when
    got = erlang.erlang_c_metrics(0, 0, 180, 20)
    # then
    assert (got.service_level, got.asa_seconds, got.probability_wait) == (1.0, 0.0, 0.0)


@pytest.mark.parametrize(("traffic", "agents"), [(5000, 5050), (5000, 5100), (4999.5, 5000)])
def test_erlang_c_at_5000_erlangs_agrees_with_60_digit_arithmetic(traffic, agents):
    """No factorial overflow or underflow surprise at 5,000 Erlangs per interval."""
    # when
    got = erlang.erlang_c_metrics(traffic, agents, 180.0, 20.0)
    want = erlang_c_decimal(Decimal(str(traffic)), agents, Decimal(180), Decimal(20))
    # then
    assert got.probability_wait == pytest.approx(float(want["probability_wait"]), abs=TOL)
    assert got.service_level == pytest.approx(float(want["service_level"]), abs=TOL)
    assert got.asa_seconds == pytest.approx(float(want["asa_seconds"]), rel=TOL)


def test_erlang_b_far_beyond_the_traffic_underflows_to_zero_not_nan():
    # when
    b = erlang.erlang_b(10, 5000)
    # then
    assert b == 0.0
    assert erlang.erlang_c_metrics(10, 5000, 180, 20).service_level == 1.0


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=400, allow_nan=False),
    extra=st.integers(min_value=1, max_value=60),
    answer=st.floats(min_value=0, max_value=300),
)
def test_erlang_c_service_level_rises_and_asa_falls_with_each_agent(traffic, extra, answer):
    # given
    agents = math.floor(traffic) + extra
    # when
    here = erlang.erlang_c_metrics(traffic, agents, 180, answer)
    more = erlang.erlang_c_metrics(traffic, agents + 1, 180, answer)
    # then
    assert 0.0 <= here.service_level <= more.service_level <= 1.0
    assert more.asa_seconds <= here.asa_seconds
    assert 0.0 <= more.probability_wait <= here.probability_wait <= 1.0


# --- Erlang A ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traffic", "agents", "aht", "patience", "answer"),
    [
        ("10", 8, "180", "60", "20"),  # overloaded: abandonment keeps the queue finite
        ("10", 11, "180", "120", "20"),
        ("10", 14, "180", "600", "20"),
        ("10", 12, "180", "1", "20"),  # very impatient callers
        ("2.5", 3, "300", "45", "0"),
        ("0.4", 1, "240", "90", "30"),
        ("48", 50, "240", "180", "15"),
    ],
)
def test_erlang_a_agrees_with_the_exact_birth_death_chain(traffic, agents, aht, patience, answer):
    """All Erlang A metrics agree with a 50-digit summation of the M/M/N+M chain to 1e-9."""
    # when
    got = erlang.erlang_a_metrics(
        float(traffic), agents, float(aht), float(patience), float(answer)
    )
    want = erlang_a_chain(
        Decimal(traffic), agents, Decimal(aht), Decimal(patience), Decimal(answer)
    )
    # then
    assert got.probability_wait == pytest.approx(float(want["probability_wait"]), abs=TOL)
    assert got.abandon_rate == pytest.approx(float(want["abandon_rate"]), abs=TOL)
    assert got.service_level == pytest.approx(float(want["service_level"]), abs=TOL)
    assert got.asa_seconds == pytest.approx(float(want["asa_seconds"]), rel=TOL)
    assert got.occupancy == pytest.approx(float(want["occupancy"]), abs=TOL)


def test_erlang_a_at_5000_erlangs_agrees_with_the_exact_chain():
    """5,000 Erlangs, 5,050 agents, 3-minute calls, 1-minute patience: stable and exact to 1e-9."""
    # when
    got = erlang.erlang_a_metrics(5000.0, 5050, 180.0, 60.0, 20.0)
    want = erlang_a_chain(Decimal(5000), 5050, Decimal(180), Decimal(60), None)
    # then
    assert got.probability_wait == pytest.approx(float(want["probability_wait"]), abs=TOL)
    assert got.abandon_rate == pytest.approx(float(want["abandon_rate"]), abs=TOL)
    assert got.asa_seconds == pytest.approx(float(want["asa_seconds"]), rel=TOL)


@pytest.mark.parametrize("agents", [11, 12, 14])
def test_erlang_a_approaches_erlang_c_as_patience_grows(agents):
    """θ → 0 (mean patience 10⁷ s): Erlang A tends to Erlang C (Mandelbaum & Zeltyn 2007, §3)."""
    # when
    a = erlang.erlang_a_metrics(10.0, agents, 180.0, 1e7, 20.0)
    c = erlang.erlang_c_metrics(10.0, agents, 180.0, 20.0)
    # then
    assert a.probability_wait == pytest.approx(c.probability_wait, abs=1e-3)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-3)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-3)
    assert a.abandon_rate < 1e-4


def test_erlang_a_overloaded_abandons_the_excess_load():
    """Fluid limit (Garnett, Mandelbaum & Reiman 2002): with N < A and patient callers, the
    abandoned share tends to 1 − N/A and every agent is busy."""
    # when
    got = erlang.erlang_a_metrics(5000.0, 4000, 180.0, 3600.0, 20.0)
    # then
    assert got.abandon_rate == pytest.approx(0.2, abs=1e-6)
    assert got.occupancy == pytest.approx(1.0, abs=1e-6)
    assert got.probability_wait == pytest.approx(1.0, abs=1e-9)


def test_erlang_a_abandonment_equals_patience_rate_times_mean_wait():
    """Mandelbaum & Zeltyn, "The Palm/Erlang-A queue" §4.6: P(Ab) = θ·E[W] over all callers, and
    E[W] splits into answered callers' waits and abandoned callers' waits."""
    # given
    traffic, agents, aht, patience, answer = 10.0, 11, 180.0, 120.0, 20.0
    # when
    got = erlang.erlang_a_metrics(traffic, agents, aht, patience, answer)
    chain = erlang_a_chain(Decimal(10), 11, Decimal(180), Decimal(120), None)
    mean_wait_all = float(chain["abandon_rate"]) * patience
    # then
    answered_wait = got.asa_seconds * (1 - got.abandon_rate)
    assert 0 < answered_wait < mean_wait_all
    assert got.abandon_rate == pytest.approx(mean_wait_all / patience, abs=TOL)


def test_erlang_a_without_agents_answers_nobody():
    # when
    got = erlang.erlang_a_metrics(3.0, 0, 180.0, 60.0, 20.0)
    # then
    assert (got.service_level, got.abandon_rate, got.asa_seconds) == (0.0, 1.0, None)


@settings(max_examples=40, deadline=None)
@given(
    traffic=st.floats(min_value=0.05, max_value=300, allow_nan=False),
    agents=st.integers(min_value=1, max_value=320),
    patience=st.floats(min_value=1, max_value=3600),
    answer=st.floats(min_value=0, max_value=120),
)
def test_erlang_a_metrics_are_probabilities_and_improve_with_each_agent(
    traffic, agents, patience, answer
):
    # when
    here = erlang.erlang_a_metrics(traffic, agents, 180.0, patience, answer)
    more = erlang.erlang_a_metrics(traffic, agents + 1, 180.0, patience, answer)
    # then
    for m in (here, more):
        assert 0.0 <= m.service_level <= 1.0
        assert 0.0 <= m.abandon_rate <= 1.0
        assert 0.0 <= m.probability_wait <= 1.0
        assert 0.0 <= m.occupancy <= 1.0
        assert m.asa_seconds >= 0.0
    assert more.service_level >= here.service_level - 1e-12
    assert more.abandon_rate <= here.abandon_rate + 1e-12
