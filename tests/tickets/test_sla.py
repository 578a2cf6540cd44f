"""The pure SLA clock (tickets.sla): policy choice, holidays and 调休, pauses, thresholds."""

from __future__ import annotations

import datetime as dt

from kefu.core.calendar import BusinessCalendar
from kefu.tickets import sla

SH = dt.timezone(dt.timedelta(hours=8))
CAL = BusinessCalendar()  # 09:00–18:00 on Chinese workdays


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_sla_spans_national_day_2026_and_the_tiaoxiu_saturday():
    """§1.5/§9: 2 h on Wed 30 Sep, Oct 1–7 off, 9 h on Thu 8 and Fri 9, then Saturday 10 Oct is
    a 调休 make-up workday: 24 business hours from 30 Sep 16:00 end on Sat 10 Oct 13:00."""
    # given a policy of 24 business hours
    policy = sla.PolicyRule(name="p", resolution_minutes=24 * 60)
    start = at(2026, 9, 30, 16, 0)
    # when
    target = sla.target_seconds(policy, sla.RESOLUTION, start, CAL)
    due = sla.deadline(start, target, 0, CAL)
    # then
    assert due == at(2026, 10, 10, 13, 0)
    assert sla.deadline(start, 8 * 3600, 0, CAL) == at(2026, 10, 8, 15, 0)


def test_pause_shifts_the_deadline_by_exactly_the_paused_business_time():
    start = at(2026, 11, 23, 10, 0)  # Monday
    target = 24 * 3600
    paused = sla.counted_seconds(at(2026, 11, 23, 15, 0), at(2026, 11, 24, 11, 0), CAL)
    assert paused == 5 * 3600  # Mon 15–18 and Tue 09–11
    assert sla.deadline(start, target, 0, CAL) == at(2026, 11, 25, 16, 0)
    assert sla.deadline(start, target, paused, CAL) == at(2026, 11, 26, 12, 0)


def test_levels_warn_at_80_percent_then_breach_then_two_escalation_steps():
    assert sla.level_thresholds(3600, 80, 50) == [
        (sla.WARNING, 2880),
        (sla.BREACH, 3600),
        (sla.SUPERVISOR_LEVEL, 5400),
        (sla.MANAGER_LEVEL, 7200),
    ]
    assert sla.LEVEL_ROLES == {0: "assignee", 1: "lead", 2: "supervisor", 3: "manager"}
    start = at(2026, 11, 23, 10, 0)
    kwargs = {"warning_percent": 80, "step_percent": 50}
    assert sla.next_level_at(start, 3600, 0, CAL, after_level=None, **kwargs) == (
        sla.WARNING,
        at(2026, 11, 23, 10, 48),
    )
    assert sla.next_level_at(start, 3600, 0, CAL, after_level=sla.MANAGER_LEVEL, **kwargs) is None


def test_most_specific_policy_wins():
    rules = sla.builtin_policies("ecommerce", {"urgent": 4, "high": 24, "normal": 48, "low": 72})
    urgent_complaint = sla.TicketFacts(type="complaint", priority="urgent")
    urgent_refund = sla.TicketFacts(type="refund", priority="urgent")
    chosen = sla.best_policy(rules, urgent_complaint)
    assert (chosen.first_response_minutes, chosen.resolution_minutes) == (60, 240)
    assert chosen.name == "complaint:urgent"
    assert sla.best_policy(rules, urgent_refund).name == "priority:urgent"


def test_builtin_defaults_per_priority_and_property_repairs():
    """Defaults: first response urgent 1 h, high 2 h, normal 4 h, low 8 h; resolution = the
    line's resolution hours; property 小修 same day, 大修 within 3 working days (§9.13)."""
    rules = {r.name: r for r in sla.builtin_policies("property", {"normal": 24})}
    assert [
        rules[f"priority:{p}"].first_response_minutes for p in ("urgent", "high", "normal", "low")
    ] == [60, 120, 240, 480]
    assert rules["priority:normal"].resolution_minutes == 24 * 60
    assert rules["priority:low"].resolution_minutes == 72 * 60
    assert rules["repair:minor"].resolution_days == 0
    assert rules["repair:major"].resolution_minutes == 72 * 60  # issue 23: calendar hours
    assert not rules["repair:major"].business_time
    assert "repair:minor" not in {r.name for r in sla.builtin_policies("ecommerce", None)}


def test_minor_repair_by_the_end_of_the_same_day_major_within_three_working_days():
    minor = sla.PolicyRule(name="m", resolution_days=0)
    major = sla.PolicyRule(name="M", resolution_days=3)
    wednesday = at(2026, 11, 25, 10, 0)
    for policy, expected in ((minor, at(2026, 11, 25, 18, 0)), (major, at(2026, 11, 30, 18, 0))):
        target = sla.target_seconds(policy, sla.RESOLUTION, wednesday, CAL)
        assert sla.deadline(wednesday, target, 0, CAL) == expected
    # a minor repair reported after hours is due by the end of the next working day
    evening = at(2026, 11, 25, 19, 30)
    target = sla.target_seconds(minor, sla.RESOLUTION, evening, CAL)
    assert sla.deadline(evening, target, 0, CAL) == at(2026, 11, 26, 18, 0)


def test_clock_state_while_paused_is_frozen_and_shows_no_deadline():
    start = at(2026, 11, 23, 10, 0)
    state = sla.clock_state(
        clock=sla.RESOLUTION,
        start=start,
        target=4 * 3600,
        paused_seconds=0,
        paused_since=at(2026, 11, 23, 13, 0),
        stopped_at=None,
        now=at(2026, 11, 24, 17, 0),
        calendar=CAL,
    )
    assert (state.elapsed, state.remaining, state.paused, state.due_at) == (
        3 * 3600,
        3600,
        True,
        None,
    )
    assert state.warning is False  # 75 % < 80 %
