"""The deadline of an appeal (申诉) on the business calendar (pure: no Django import)."""

from __future__ import annotations

import datetime as dt

from kefu.core.calendar import BusinessCalendar

DEFAULT_APPEAL_WORKDAYS = 3


def appeal_deadline(filed_at: dt.datetime, workdays: int, calendar: BusinessCalendar) -> dt.date:
    """The ``workdays``-th workday after the day the appeal was filed (the second reviewer
    decides by the end of it): holidays and weekends are skipped, 调休 make-up days count."""
    if workdays < 1:
        raise ValueError("workdays must be at least 1")
    day = calendar.local_date(filed_at)
    left = workdays
    for _ in range(366 * 2):
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
            if left == 0:
                return day
    raise ValueError("no workday within two years")
