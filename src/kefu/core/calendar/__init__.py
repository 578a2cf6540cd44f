"""The business calendar (pure: no Django import): working windows, Chinese public holidays and
调休 make-up workdays, admin overrides, and SLA arithmetic in business hours.

Django-side construction for a business line lives in ``kefu.core.business_calendar``.
"""

from kefu.core.calendar.business import (
    ALWAYS,
    CN,
    DAILY,
    KINDS,
    MAX_HOURS,
    SHANGHAI,
    BusinessCalendar,
    add_business_hours,
    add_business_seconds,
    business_seconds_between,
    covered_until,
    next_working_instant,
    package_covers_year,
    package_last_year,
    to_seconds,
    uncovered_days,
)
from kefu.core.calendar.windows import (
    DEFAULT_WINDOWS,
    FULL_DAY,
    CalendarError,
    Window,
    parse_window,
    parse_windows,
)

__all__ = [
    "ALWAYS",
    "CN",
    "DAILY",
    "DEFAULT_WINDOWS",
    "FULL_DAY",
    "KINDS",
    "MAX_HOURS",
    "SHANGHAI",
    "BusinessCalendar",
    "CalendarError",
    "Window",
    "add_business_hours",
    "add_business_seconds",
    "business_seconds_between",
    "covered_until",
    "next_working_instant",
    "package_covers_year",
    "package_last_year",
    "parse_window",
    "parse_windows",
    "to_seconds",
    "uncovered_days",
]
