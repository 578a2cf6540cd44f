"""Properties of business-time arithmetic (issue 4 §1), over several calendars and random starts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.core.calendar import (
    SHANGHAI,
    BusinessCalendar,
    add_business_hours,
    business_seconds_between,
    next_working_instant,
    parse_windows,
)

CALENDARS = st.sampled_from(
    [
        BusinessCalendar(),
        BusinessCalendar(windows=parse_windows("07:00-14:00,14:00-21:00")),
        BusinessCalendar(windows=parse_windows("09:00-12:00,13:30-18:00")),
        BusinessCalendar(windows=parse_windows("00:00-08:00,20:00-24:00")),
        BusinessCalendar(overrides={dt.date(2027, 1, 1): False, dt.date(2027, 2, 6): True}),
        BusinessCalendar.always(),
    ]
)
# starts to the second across 2026 (holidays, 调休) into 2027 (no package data)
STARTS = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2027, 3, 1),
    timezones=st.just(SHANGHAI),
).map(lambda moment: moment.replace(microsecond=0))
# durations in whole seconds, up to 400 hours, given as (possibly fractional) hours
SECONDS = st.integers(min_value=0, max_value=400 * 3600)


def hours(seconds: int) -> float:
    return seconds / 3600


@settings(max_examples=150, deadline=None)
@given(calendar=CALENDARS, start=STARTS, a=SECONDS, b=SECONDS)
def test_due_time_grows_with_the_hours(calendar, start, a, b):
    low, high = sorted((a, b))
    assert add_business_hours(start, hours(low), calendar) <= add_business_hours(
        start, hours(high), calendar
    )


@settings(max_examples=150, deadline=None)
@given(calendar=CALENDARS, start=STARTS, a=SECONDS, b=SECONDS)
def test_adding_in_two_steps_equals_adding_at_once(calendar, start, a, b):
    at_once = add_business_hours(start, hours(a + b), calendar)
    in_two_steps = add_business_hours(
        add_business_hours(start, hours(a), calendar), hours(b), calendar
    )
    assert at_once == in_two_steps


@settings(max_examples=150, deadline=None)
@given(calendar=CALENDARS, start=STARTS, seconds=SECONDS)
def test_business_time_between_start_and_due_is_the_hours(calendar, start, seconds):
    due = add_business_hours(start, hours(seconds), calendar)
    assert business_seconds_between(start, due, calendar) == seconds


@settings(max_examples=100, deadline=None)
@given(calendar=CALENDARS, start=STARTS, seconds=SECONDS.filter(bool))
def test_a_positive_due_time_is_on_a_workday_inside_or_at_the_end_of_a_window(
    calendar, start, seconds
):
    due = add_business_hours(start, hours(seconds), calendar)
    # the instant one second before the due time is working time
    just_before = due - dt.timedelta(seconds=1)
    assert next_working_instant(just_before, calendar) == just_before
    assert due.utcoffset() == dt.timedelta(hours=8)
