"""The property office's rules, pure (SR-1, SR-2, RPR-4, FEE-2, FEE-3, FEE-4, §9.13, §9.14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu.core.calendar import BusinessCalendar
from kefu.property import rules

SH = rules.SHANGHAI


def test_sr2_minor_repair_reported_10h_is_due_235959_that_day():
    due = rules.repair_due("minor", dt.datetime(2026, 11, 21, 10, 0, tzinfo=SH))
    assert due == dt.datetime(2026, 11, 21, 23, 59, 59, tzinfo=SH)


def test_sr2_minor_repair_on_saturday_is_due_saturday_calendar_time():
    # 2026-11-21 is a Saturday: calendar time, not Monday as a 09:00-18:00 calendar would say
    reported = dt.datetime(2026, 11, 21, 17, 30, tzinfo=SH)
    assert rules.repair_due("minor", reported).date() == dt.date(2026, 11, 21)


def test_sr2_minor_repair_day_is_the_local_day_not_utc():
    # 2026-11-21 00:30 in Shanghai is 2026-11-20 16:30 UTC
    reported = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)
    assert rules.repair_due("minor", reported) == dt.datetime(2026, 11, 21, 23, 59, 59, tzinfo=SH)


def test_sr2_major_repair_is_due_72_calendar_hours_later():
    reported = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # across National Day too
    assert rules.repair_due("major", reported) == dt.datetime(2026, 10, 3, 10, 0, tzinfo=SH)


def test_repair_due_refuses_unknown_kind_and_naive_time():
    with pytest.raises(rules.RuleError):
        rules.repair_due("huge", dt.datetime(2026, 1, 1, tzinfo=SH))
    with pytest.raises(rules.RuleError):
        rules.repair_due("minor", dt.datetime(2026, 1, 1))


def test_fee2_dunning_letter_only_after_more_than_one_year():
    due = dt.date(2025, 11, 23)
    assert rules.dunning_eligible_on(due) == dt.date(2026, 11, 24)
    assert not rules.dunning_due(due, dt.date(2026, 11, 23))
    assert rules.dunning_due(due, dt.date(2026, 11, 24))


def test_fee2_leap_day_arrears():
    assert rules.dunning_eligible_on(dt.date(2024, 2, 29)) == dt.date(2025, 3, 1)


def test_fee3_statistics_and_door_visits_across_national_day_2025():
    cn = BusinessCalendar()
    # due Tuesday 30 September 2025; 1-8 October off; Saturday 11 October a make-up workday
    stats, visits = rules.collection_deadlines(dt.date(2025, 9, 30), cn.is_workday)
    assert stats == dt.date(2025, 10, 9)
    assert visits == dt.date(2025, 10, 11)


def test_fee3_statistics_and_door_visits_on_an_ordinary_week():
    cn = BusinessCalendar()
    # due Thursday 19 November 2026 → statistics Friday, door visits by Tuesday
    stats, visits = rules.collection_deadlines(dt.date(2026, 11, 19), cn.is_workday)
    assert (stats, visits) == (dt.date(2026, 11, 20), dt.date(2026, 11, 24))


def test_fee3_a_line_holiday_override_moves_the_dates():
    line = BusinessCalendar(overrides={dt.date(2026, 11, 20): False})
    stats, visits = rules.collection_deadlines(dt.date(2026, 11, 19), line.is_workday)
    assert (stats, visits) == (dt.date(2026, 11, 23), dt.date(2026, 11, 25))


def test_fee4_rate():
    assert rules.rate(Decimal("95"), Decimal("100")) == Decimal("0.9500")
    assert rules.rate(1, 3) == Decimal("0.3333")
    assert rules.rate(0, 0) is None
    assert rules.meets_target(Decimal("0.95")) and not rules.meets_target(Decimal("0.9499"))
