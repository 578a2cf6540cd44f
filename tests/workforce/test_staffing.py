"""Staffing search and shrinkage gross-up (spec §1.11, issue 6 §1) and the sources' formulas
(STF-1, STF-2, decisions §9.4). Pure modules: no database."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kefu.workforce import erlang, source_formulas, staffing

from .reference import erlang_c_exact


def request(**overrides):
    values = {
        "arrivals": 100,
        "interval_seconds": 1800,
        "aht_seconds": 180,
        "answer_seconds": 20,
        "service_level": "0.8",
    }
    values.update(overrides)
    return staffing.staffing_request(**values)


def test_call_centre_helper_example_needs_14_on_the_queue_and_20_rostered():
    """Call Centre Helper worked example: 10 Erlangs, 80/20 → 14 agents; 30 % shrinkage → 20."""
    # when
    result = staffing.solve_erlang_c(request(shrinkage="0.3"))
    # then
    assert (result.raw_agents, result.agents) == (14, 20)
    assert result.traffic_erlangs == 10.0


@pytest.mark.parametrize(
    ("raw", "shrinkage", "agents"),
    [
        (21, "0.3", 30),
        (7, "0.3", 10),
        (14, "0.3", 20),
        (10, "0", 10),
        (1, "0.35", 2),
        (0, "0.3", 0),
    ],
)
def test_shrinkage_gross_up_is_exact(raw, shrinkage, agents):
    """21 ÷ (1 − 0.3) is exactly 30 (floating point would give 30.000000000000004 → 31)."""
    # when / then
    assert staffing.gross_up(raw, Fraction(shrinkage)) == agents


def test_shrinkage_given_as_a_float_is_read_as_its_decimal():
    # given: 21 agents needed on the queue, 0.3 shrinkage as a Python float
    req = request(shrinkage=0.3)
    # when / then
    assert staffing.gross_up(21, req.shrinkage) == 30


def test_solved_staffing_is_the_fewest_that_meet_the_target():
    """One agent fewer misses the target (checked in exact arithmetic)."""
    # given
    req = request(arrivals="333.3", aht_seconds="210", answer_seconds="15", service_level="0.9")
    traffic = req.traffic
    # when
    result = staffing.solve_erlang_c(req)
    # then
    n = result.raw_agents
    hit = erlang_c_exact(traffic, n, Fraction(210), Fraction(15))["service_level"]
    miss = erlang_c_exact(traffic, n - 1, Fraction(210), Fraction(15))["service_level"]
    assert float(miss) < 0.9 <= float(hit)


def test_zero_arrivals_need_no_agents():
    # when
    c = staffing.solve_erlang_c(request(arrivals=0, shrinkage="0.3"))
    a = staffing.solve_erlang_a(request(arrivals=0, patience_seconds=60))
    # then
    assert (c.raw_agents, c.agents) == (0, 0)
    assert (a.raw_agents, a.agents) == (0, 0)


def test_fractional_arrivals_from_a_forecast_are_staffed():
    """2.5 forecast calls in 30 minutes at 6 minutes each: 0.5 Erlang; one agent is not enough
    for 80 % in 20 s (P(wait) = 0.5 and the wait rarely ends that fast), two are."""
    # when
    result = staffing.solve_erlang_c(
        request(arrivals="2.5", aht_seconds="360", answer_seconds="20")
    )
    # then
    assert result.traffic_erlangs == 0.5
    assert result.raw_agents == 2
    assert erlang.erlang_c_metrics(0.5, 1, 360, 20).service_level < 0.8


def test_traffic_just_below_an_integer_needs_that_integer_at_least():
    """A = 9.9999 Erlangs: 10 agents are stable (barely); the 80/20 target still needs 14."""
    # when
    result = staffing.solve_erlang_c(request(arrivals="99.999"))
    # then
    assert result.traffic_erlangs == pytest.approx(9.9999)
    assert result.raw_agents == 14
    assert staffing.evaluate_erlang_c(request(arrivals="99.999"), 10).metrics.asa_seconds > 0


def test_occupancy_cap_that_binds_exactly_is_met_not_overshot():
    """A = 8.5 Erlangs with a 85 % cap: exactly 10 agents give 85 % occupancy, which is allowed;
    the loose 20 % in 60 s service-level target alone would need fewer."""
    # given
    req = request(arrivals=85, service_level="0.2", answer_seconds=60, max_occupancy="0.85")
    # when
    capped = staffing.solve_erlang_c(req)
    uncapped = staffing.solve_erlang_c(request(arrivals=85, service_level="0.2", answer_seconds=60))
    # then
    assert uncapped.raw_agents < 10
    assert capped.raw_agents == 10
    assert capped.metrics.occupancy == 0.85


def test_occupancy_cap_that_binds_exactly_for_decimal_traffic():
    """A = 0.7 × 3 = 2.1 Erlangs, cap 0.7: 3 agents is exactly 70 % (floats would say 70.0…01 %)."""
    # given
    req = request(
        arrivals="21",
        interval_seconds=1800,
        aht_seconds=180,
        service_level="0.01",
        answer_seconds=600,
        max_occupancy="0.7",
    )
    # when
    result = staffing.solve_erlang_c(req)
    # then
    assert req.traffic == Fraction(21, 10)
    assert result.raw_agents == 3


def test_asa_target_can_bind_beyond_the_service_level():
    # when
    sl_only = staffing.solve_erlang_c(request())
    with_asa = staffing.solve_erlang_c(request(max_asa_seconds=3))
    # then
    assert sl_only.raw_agents == 14
    assert with_asa.raw_agents > 14
    assert with_asa.metrics.asa_seconds <= 3


def test_hundred_percent_target_is_rejected_with_a_clear_message():
    # when / then
    with pytest.raises(staffing.Unreachable, match="100% service level cannot be met"):
        staffing.solve_erlang_c(request(service_level=1))
    with pytest.raises(staffing.Unreachable, match="100% service level cannot be met"):
        staffing.solve_erlang_a(request(service_level=1, patience_seconds=60))


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("arrivals", -1, "arrivals"),
        ("interval_seconds", 0, "interval_seconds"),
        ("aht_seconds", "abc", "aht"),
        ("answer_seconds", float("nan"), "target_answer"),
        ("service_level", "1.2", "service_level"),
        ("service_level", "-0.1", "service_level"),
        ("shrinkage", 1, "shrinkage"),
        ("max_occupancy", "inf", "max_occupancy"),
        ("patience_seconds", 0, "patience"),
    ],
)
def test_bad_input_is_refused_naming_the_field(field, value, named):
    # when / then
    with pytest.raises(staffing.InvalidInput) as caught:
        request(**{field: value})
    assert caught.value.field == named


def test_erlang_a_needs_fewer_agents_than_erlang_c_when_callers_abandon():
    """Erlang A staffs below Erlang C at the same 80/20 target (abandonment shortens the queue,
    Mandelbaum & Zeltyn 2007), and its answer is the fewest that meet the target."""
    # given
    req = request(patience_seconds=120)
    # when
    result = staffing.solve_erlang_a(req)
    # then
    assert result.raw_agents < 14
    assert result.metrics.service_level >= 0.8
    assert staffing.evaluate_erlang_a(req, result.raw_agents - 1).metrics.service_level < 0.8


def test_erlang_a_abandon_cap_can_bind():
    # when
    loose = staffing.solve_erlang_a(request(patience_seconds=60))
    strict = staffing.solve_erlang_a(request(patience_seconds=60, max_abandon="0.01"))
    # then
    assert strict.raw_agents > loose.raw_agents
    assert strict.metrics.abandon_rate <= 0.01
    previous = staffing.evaluate_erlang_a(request(patience_seconds=60), strict.raw_agents - 1)
    assert previous.metrics.abandon_rate > 0.01


def test_erlang_a_solves_5000_erlangs():
    # given
    req = request(arrivals=50_000, aht_seconds=180, patience_seconds=60)
    # when
    result = staffing.solve_erlang_a(req)
    # then
    assert result.traffic_erlangs == 5000.0
    assert result.metrics.service_level >= 0.8
    below = staffing.evaluate_erlang_a(req, result.raw_agents - 1)
    assert below.metrics.service_level < 0.8


def test_erlang_c_solves_5000_erlangs():
    # when
    result = staffing.solve_erlang_c(request(arrivals=50_000))
    # then
    assert 5000 < result.raw_agents < 5100
    assert (
        staffing.evaluate_erlang_c(
            request(arrivals=50_000), result.raw_agents - 1
        ).metrics.service_level
        < 0.8
    )


# --- the sources' formulas -----------------------------------------------------------------


def test_reception_agents_as_the_source_writes_it():
    """STF-1: 接待客服数 = 日均旺旺咨询量 ÷ 单个客服日均旺旺接单量, rounded up to whole people."""
    # when
    result = source_formulas.reception_agents(daily_enquiries=12_000, enquiries_per_agent_day=150)
    partial = source_formulas.reception_agents(daily_enquiries=12_001, enquiries_per_agent_day=150)
    # then
    assert (result.exact, result.agents) == (80, 80)
    assert partial.agents == 81


def test_refund_specialists_per_decision_and_as_written():
    """§9.4: monthly refunds ÷ (working days × refunds per specialist per day); STF-2 as written
    divides by the processing cycle instead and is kept beside it for comparison."""
    # when
    decided = source_formulas.refund_specialists(
        monthly_refunds=3000, refunds_per_agent_day=40, working_days=22
    )
    written = source_formulas.refund_specialists_as_written(
        monthly_refunds=3000, refunds_per_agent_day=40, processing_cycle_days=3
    )
    # then
    assert decided.exact == Fraction(3000, 880)
    assert decided.agents == 4
    assert written.exact == 25
    assert written.agents == 25


def test_source_formulas_refuse_zero_capacity():
    with pytest.raises(ValueError, match="enquiries_per_agent_day"):
        source_formulas.reception_agents(daily_enquiries=100, enquiries_per_agent_day=0)
