"""The business calendar (issue 4 §1): working windows, Chinese holidays and 调休, SLA arithmetic.

Pure module, no database. Expected values are worked out by hand in the comments, from the
chinese_calendar 2026 data: 中秋 holidays Fri 25 – Sun 27 Sep with Sun 20 Sep worked; 国庆
holidays Thu 1 – Wed 7 Oct with Sat 10 Oct worked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.calendar import (
    SHANGHAI,
    BusinessCalendar,
    CalendarError,
    Window,
    add_business_hours,
    business_seconds_between,
    covered_until,
    next_working_instant,
    package_last_year,
    parse_windows,
    uncovered_days,
)

OFFICE = BusinessCalendar()  # 09:00–18:00 on Chinese workdays
SHIFTS = BusinessCalendar(windows=parse_windows("07:00-14:00,14:00-21:00"))
ALWAYS = BusinessCalendar.always()


def at(text: str) -> dt.datetime:
    """Shanghai wall-clock time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


# --- holidays and 调休 -------------------------------------------------------------------------


def test_sla_spanning_national_day_lands_on_the_make_up_saturday():
    """§1: an SLA that starts before 国庆 and ends after it, on the 调休 Saturday 10 Oct 2026."""
    # given Wed 30 Sep 14:00 and a 24-hour target
    # when: 30 Sep 14–18 = 4 h; 1–7 Oct holidays; Thu 8 Oct 9 h (13); Fri 9 Oct 9 h (22);
    #       Sat 10 Oct is a make-up workday: 2 h more → 11:00
    due = add_business_hours(at("2026-09-30T14:00"), 24, OFFICE)
    # then
    assert iso(due) == "2026-10-10T11:00:00+08:00"
    assert due.weekday() == 5


def test_plain_weekdays_would_have_answered_monday_without_the_holiday_data():
    """The same SLA on a calendar whose overrides make 1–7 Oct workdays and 10 Oct a day off."""
    # given the package's decisions reversed by overrides
    overrides = {dt.date(2026, 10, d): True for d in (1, 2, 5, 6, 7)} | {
        dt.date(2026, 10, 10): False
    }
    calendar = BusinessCalendar(overrides=overrides)
    # when: 30 Sep 4 h, Thu 1 Oct 9 h (13), Fri 2 Oct 9 h (22), Sat/Sun 3–4 Oct off, Mon 5 Oct +2 h
    due = add_business_hours(at("2026-09-30T14:00"), 24, calendar)
    # then
    assert iso(due) == "2026-10-05T11:00:00+08:00"


def test_make_up_sunday_before_mid_autumn_counts_as_a_workday():
    # Fri 18 Sep 17:00 + 2 h: 1 h on Friday, Sat 19 off, Sun 20 Sep is worked (调休) → 10:00
    assert iso(add_business_hours(at("2026-09-18T17:00"), 2, OFFICE)) == "2026-09-20T10:00:00+08:00"


def test_mid_autumn_holiday_is_skipped():
    # Thu 24 Sep 17:00 + 2 h: 1 h on Thursday, 25–27 Sep holidays → Mon 28 Sep 10:00
    assert iso(add_business_hours(at("2026-09-24T17:00"), 2, OFFICE)) == "2026-09-28T10:00:00+08:00"


def test_workday_decisions_follow_the_package_then_overrides():
    assert OFFICE.is_workday(dt.date(2026, 10, 10)) is True  # 调休 Saturday
    assert OFFICE.is_workday(dt.date(2026, 10, 1)) is False  # 国庆
    assert OFFICE.is_workday(dt.date(2026, 11, 28)) is False  # ordinary Saturday
    override = BusinessCalendar(overrides={dt.date(2026, 11, 28): True})
    assert override.is_workday(dt.date(2026, 11, 28)) is True


# --- the end of a window, fractions, starts outside working time --------------------------------


def test_due_exactly_at_the_end_of_the_window_is_that_end():
    """§1: 09:00 + 9 h is 18:00 the same day, not 09:00 the next workday."""
    start = at("2026-11-23T09:00")  # Monday
    assert iso(add_business_hours(start, 8, OFFICE)) == "2026-11-23T17:00:00+08:00"
    assert iso(add_business_hours(start, 9, OFFICE)) == "2026-11-23T18:00:00+08:00"
    # one second more spills into Tuesday
    assert iso(add_business_hours(start, 9 + 1 / 3600, OFFICE)) == "2026-11-24T09:00:01+08:00"


def test_fractional_hours():
    start = at("2026-11-23T09:00")
    assert iso(add_business_hours(start, 0.5, OFFICE)) == "2026-11-23T09:30:00+08:00"
    assert iso(add_business_hours(start, "1.25", OFFICE)) == "2026-11-23T10:15:00+08:00"
    # 17:45 + 0.5 h: 15 min today, 15 min on Tuesday morning
    assert (
        iso(add_business_hours(at("2026-11-23T17:45"), 0.5, OFFICE)) == "2026-11-24T09:15:00+08:00"
    )


def test_start_at_night_starts_the_clock_next_morning():
    # Mon 22:30 + 1 h → Tue 10:00; Mon 06:00 + 1 h → Mon 10:00
    assert iso(add_business_hours(at("2026-11-23T22:30"), 1, OFFICE)) == "2026-11-24T10:00:00+08:00"
    assert iso(add_business_hours(at("2026-11-23T06:00"), 1, OFFICE)) == "2026-11-23T10:00:00+08:00"


def test_start_on_a_holiday_starts_the_clock_on_the_next_workday():
    # Sat 3 Oct (国庆) 10:00 + 1 h → Thu 8 Oct 10:00
    assert iso(add_business_hours(at("2026-10-03T10:00"), 1, OFFICE)) == "2026-10-08T10:00:00+08:00"


def test_zero_hours_is_the_start_itself():
    """Documented choice: the due time is the earliest instant with enough business time."""
    night = at("2026-11-23T22:30")
    assert add_business_hours(night, 0, OFFICE) == night
    assert iso(next_working_instant(night, OFFICE)) == "2026-11-24T09:00:00+08:00"
    assert iso(next_working_instant(at("2026-11-23T18:00"), OFFICE)) == "2026-11-24T09:00:00+08:00"
    assert iso(next_working_instant(at("2026-11-23T10:00"), OFFICE)) == "2026-11-23T10:00:00+08:00"


def test_an_aware_start_in_another_zone_answers_in_shanghai_time():
    # 01:00 UTC is 09:00 in Shanghai
    start = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    assert iso(add_business_hours(start, 2, OFFICE)) == "2026-11-23T11:00:00+08:00"


def test_a_long_sla_is_counted_window_by_window():
    # 1,000 h = 111 workdays of 9 h (999 h) + 1 h, from Mon 23 Nov 2026 09:00.
    # 2026: 23 Nov – 31 Dec has 29 workdays (6 in Nov, 23 in Dec), leaving 82 full days.
    # 2027 is not in the package, so weekdays count: Jan 21 + Feb 20 + Mar 23 = 64, and
    # Apr 1–26 has 18 more → the 111th full day is Mon 26 Apr; the last hour is Tue 27 Apr 09–10.
    assert (
        iso(add_business_hours(at("2026-11-23T09:00"), 1000, OFFICE)) == "2027-04-27T10:00:00+08:00"
    )


# --- shifts and 24×7 ----------------------------------------------------------------------------


def test_two_touching_shifts_behave_as_one_continuous_day():
    assert SHIFTS.windows == (Window(7 * 3600, 21 * 3600),)
    # 13:30 + 1 h runs through the shift change → 14:30
    assert iso(add_business_hours(at("2026-11-23T13:30"), 1, SHIFTS)) == "2026-11-23T14:30:00+08:00"
    # 07:00 + 14 h ends with the late shift at 21:00, + 15 h is 08:00 on Tuesday
    assert (
        iso(add_business_hours(at("2026-11-23T07:00"), 14, SHIFTS)) == "2026-11-23T21:00:00+08:00"
    )
    assert (
        iso(add_business_hours(at("2026-11-23T07:00"), 15, SHIFTS)) == "2026-11-24T08:00:00+08:00"
    )


def test_a_lunch_break_is_not_working_time():
    lunch = BusinessCalendar(windows=parse_windows(["09:00-12:00", "13:00-18:00"]))
    # 11:30 + 1 h: 30 min before lunch, 30 min after → 13:30
    assert iso(add_business_hours(at("2026-11-23T11:30"), 1, lunch)) == "2026-11-23T13:30:00+08:00"
    # and a due time at exactly 12:00 stays 12:00
    assert (
        iso(add_business_hours(at("2026-11-23T11:30"), 0.5, lunch)) == "2026-11-23T12:00:00+08:00"
    )


def test_24x7_counts_calendar_hours_through_holidays():
    # Thu 1 Oct (国庆) 10:00 + 30 h → Fri 2 Oct 16:00
    assert (
        iso(add_business_hours(at("2026-10-01T10:00"), 30, ALWAYS)) == "2026-10-02T16:00:00+08:00"
    )
    assert (
        business_seconds_between(at("2026-10-01T00:00"), at("2026-10-08T00:00"), ALWAYS)
        == 7 * 86400
    )


# --- years outside the package ------------------------------------------------------------------


def test_a_year_outside_the_package_counts_weekdays_until_an_override_says_otherwise():
    """§1: 2027 is not in chinese_calendar; an admin override for 1 Jan 2027 changes the answer."""
    assert package_last_year() == 2026
    start = at("2026-12-31T17:00")  # Thursday, a workday in the package
    # without data: 1 h on 31 Dec, Fri 1 Jan 2027 counts as a weekday → 10:00
    assert iso(add_business_hours(start, 2, OFFICE)) == "2027-01-01T10:00:00+08:00"
    # with 元旦 entered as a holiday: Fri 1 Jan off, Sat/Sun off → Mon 4 Jan 10:00
    new_year = BusinessCalendar(overrides={dt.date(2027, 1, 1): False})
    assert iso(add_business_hours(start, 2, new_year)) == "2027-01-04T10:00:00+08:00"


def test_coverage_of_the_next_sixty_days():
    # 23 Nov 2026 + 59 days = 21 Jan 2027; 1–21 Jan 2027 are not covered by the package
    missing = uncovered_days(OFFICE, dt.date(2026, 11, 23), 60)
    assert missing[0] == dt.date(2027, 1, 1)
    assert missing[-1] == dt.date(2027, 1, 21)
    assert len(missing) == 21
    assert covered_until(OFFICE, dt.date(2026, 11, 23)) == dt.date(2026, 12, 31)
    assert covered_until(OFFICE, dt.date(2027, 1, 5)) is None
    entered = BusinessCalendar(overrides={dt.date(2027, 1, 1): False, dt.date(2027, 1, 2): False})
    assert covered_until(entered, dt.date(2026, 11, 23)) == dt.date(2027, 1, 2)
    assert uncovered_days(ALWAYS, dt.date(2030, 1, 1), 60) == []


# --- between ------------------------------------------------------------------------------------


def test_business_seconds_between_counts_only_working_time():
    # Fri 25 Sep (holiday) … Tue 29 Sep 10:00: Mon 28 9 h + Tue 1 h = 10 h
    seconds = business_seconds_between(at("2026-09-25T12:00"), at("2026-09-29T10:00"), OFFICE)
    assert seconds == 10 * 3600
    assert (
        business_seconds_between(at("2026-09-29T10:00"), at("2026-09-25T12:00"), OFFICE)
        == -10 * 3600
    )


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("18:00-09:00", "ends before it starts"),
        ("09:00-12:00,11:00-18:00", "overlap"),
        ("9 to 5", "not a window"),
        ("09:00-24:30", "not a time of day"),
        ("", "at least one working window"),
        (900, "must be texts"),
        ([9, 18], "must be texts"),
    ],
)
def test_bad_windows_are_refused_with_a_clear_message(spec, message):
    with pytest.raises(CalendarError, match=message):
        parse_windows(spec)


def test_a_window_may_end_at_midnight():
    assert str(parse_windows("18:00-24:00")[0]) == "18:00-24:00"


@pytest.mark.parametrize("hours", [-1, "abc", "nan", float("inf"), True, 100_001])
def test_bad_hours_are_refused(hours):
    with pytest.raises(CalendarError):
        add_business_hours(at("2026-11-23T09:00"), hours, OFFICE)


def test_a_naive_start_is_refused_by_the_pure_module():
    with pytest.raises(CalendarError, match="time zone"):
        add_business_hours(dt.datetime(2026, 11, 23, 9), 1, OFFICE)


def test_the_calendar_package_imports_no_django():
    """Pure module rule: SLA arithmetic is usable without Django (CLI, workers, benchmarks)."""
    import subprocess
    import sys

    code = "import sys, kefu.core.calendar; print(any(m.startswith('django') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
