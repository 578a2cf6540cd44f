"""The lesson desk's and the repair centre's rules, pure (BK-3, BK-5, SR-10, RPR-1, RPR-2)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.booking import rules

SH = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 24, 19, 0, tzinfo=SH)


def test_bk3_cancel_exactly_12h_before_is_allowed():
    check = rules.check_cancel(START, START - dt.timedelta(hours=12))
    assert check.as_dict() == {
        "allowed": True,
        "hours_before": 12.0,
        "deducts_hours": False,
        "needs_approval": False,
    }


def test_bk3_cancel_11h59m59s_before_is_refused_and_deducts():
    check = rules.check_cancel(START, START - dt.timedelta(hours=11, minutes=59, seconds=59))
    assert not check.allowed and check.deducts_hours and check.needs_approval
    assert check.hours_before == pytest.approx(11.9997, abs=1e-4)


def test_bk3_teacher_cancellation_never_deducts():
    check = rules.check_cancel(START, START - dt.timedelta(hours=1), by="teacher")
    assert check.allowed and not check.deducts_hours


def test_bk3_naive_times_are_refused():
    with pytest.raises(rules.RuleError):
        rules.check_cancel(START.replace(tzinfo=None), START)


def test_sr10_balance_is_the_sum_of_entries():
    entries = [("purchase", Decimal(20)), ("deduction", Decimal(2)), ("restoration", Decimal(2))]
    assert rules.balance(entries) == Decimal(20)
    with pytest.raises(rules.RuleError):
        rules.balance([("deduction", Decimal(-1))])


def test_bk5_second_unmet_needs_an_alternative():
    assert rules.second_unmet_blocked(True, True, "")
    assert not rules.second_unmet_blocked(True, True, "下周二 10:00 王老师")
    assert not rules.second_unmet_blocked(False, True, "")


def test_rpr1_quota_example():
    assert rules.repair_quota([12000, 13000], "0.03", 5) == 100


def test_rpr1_quota_whole_units_never_below_zero():
    assert rules.repair_quota([1000, 1000], "0.03", 5) == 0  # 12 − 50 → 0
    assert rules.repair_quota([12001, 13000], "0.03", 5) == 100  # 100.006 → 100
    assert rules.repair_quota([12000, 13000], "0.03", 5, offset=0) == 150
    for bad in (
        ([], "0.03", 5),
        ([1, 1], "3", 5),
        ([1, 1], "0.03", 0),
        (["x", 1], "0.03", 1),
        ([12000], "0.03", 5),  # one month is not "the last 2 months"
        ([12000, 13000, 9000], "0.03", 5),
    ):
        with pytest.raises(rules.RuleError):
            rules.repair_quota(*bad)
    with pytest.raises(rules.RuleError):
        rules.repair_quota([12000, 13000], "0.03", 5, offset=-5)


def test_rpr1_every_unit_above_the_quota_earns_the_commission():
    assert rules.commission(130, 100, "8") == (30, Decimal("240.00"))
    assert rules.commission(100, 100, "8") == (0, Decimal("0.00"))
    assert rules.commission(60, 100, "8") == (0, Decimal("0.00"))  # below: nothing, never negative
    for bad in ((-1, 100, "8"), (130, 100, "-1"), (130, 100, "x")):
        with pytest.raises(rules.RuleError):
            rules.commission(*bad)


def test_rpr2_repeat_same_device_same_fault_within_90_days():
    day = dt.date(2026, 6, 1)
    jobs = [
        ("SN1", "screen", day),
        ("sn1", "screen", day + dt.timedelta(days=90)),  # repeat (90 days included)
        ("SN1", "screen", day + dt.timedelta(days=181)),  # 91 days after the last: not
        ("SN1", "battery", day + dt.timedelta(days=10)),  # another fault: not
        ("SN2", "screen", day + dt.timedelta(days=5)),  # another device: not
    ]
    assert rules.mark_repeats(jobs) == [False, True, False, False, False]
    assert rules.repeat_rate(1, 5) == Decimal("0.2000")
    assert rules.repeat_rate(0, 0) is None


@given(
    st.lists(
        st.tuples(st.sampled_from(["purchase", "deduction", "restoration"]), st.integers(0, 40))
    )
)
def test_sr10_balance_is_order_free(entries):
    shuffled = list(entries)
    random.Random(1).shuffle(shuffled)
    assert rules.balance(entries) == rules.balance(shuffled)


def test_esc4_warranty_from_purchase_date_and_term():
    bought = dt.date(2025, 1, 10)
    assert rules.in_warranty(bought, 12, dt.date(2026, 1, 9))
    assert not rules.in_warranty(bought, 12, dt.date(2026, 1, 10))
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_esc4_steps_follow_the_workflow():
    assert rules.may_move("received", "diagnosing")
    assert rules.may_move("qc", "repairing")  # QC sends it back
    assert not rules.may_move("received", "ready")
    assert not rules.may_move("collected", "received")


def test_bk6_suggestions_favour_weekday_mornings_and_back_to_back_lessons():
    """BK-6: a daytime-available student is offered weekday mornings first; then the times that
    pack the teacher's day; never a time over a booked lesson."""
    tz = dt.timezone(dt.timedelta(hours=8))
    monday = dt.datetime(2026, 12, 7, tzinfo=tz)

    def at(day: int, hour: int) -> dt.datetime:
        return monday + dt.timedelta(days=day, hours=hour)

    busy = [(at(0, 14), at(0, 16))]  # Monday 14:00–16:00
    candidates = [at(0, 9), at(0, 13), at(0, 15), at(0, 16), at(0, 19), at(5, 9)]
    # a student free only in the evenings and weekends: back-to-back first, never 15:00
    assert rules.suggest_slots(candidates, busy, Decimal(1), daytime_available=False, n=3) == [
        at(0, 13),
        at(0, 16),
        at(0, 9),
    ]
    # a daytime-available student: Monday 09:00 before anything else, Saturday morning is no
    # weekday morning
    assert rules.suggest_slots(candidates, busy, Decimal(1), daytime_available=True, n=2) == [
        at(0, 9),
        at(0, 13),
    ]
