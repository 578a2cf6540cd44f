"""Due time of a ticket (pure, no Django import).

The resolution target counts business hours on the business line's calendar (working windows,
Chinese holidays and 调休, administrators' overrides: ``core.calendar``); the caller builds the
calendar once (``core.business_calendar.calendar_for``) and passes it in, so this stays pure.
Without a calendar the hours are calendar hours.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from kefu.core.calendar import BusinessCalendar, add_business_hours

DEFAULT_HOURS = 48


class HasPolicy(Protocol):
    def policy(self, key: str) -> Any: ...


def resolution_hours(business_line: HasPolicy, priority: str) -> float:
    """The resolution target in hours for ``priority`` (policy ``resolution_hours``)."""
    table = business_line.policy("resolution_hours") or {}
    hours = table.get(priority, table.get("normal", DEFAULT_HOURS))
    return float(hours)


def compute_due(
    business_line: HasPolicy,
    priority: str,
    start: dt.datetime,
    calendar: BusinessCalendar | None = None,
) -> dt.datetime:
    """When a ticket of ``priority`` opened at ``start`` must be resolved."""
    hours = resolution_hours(business_line, priority)
    if calendar is None:
        return start + dt.timedelta(hours=hours)
    return add_business_hours(start, hours, calendar)
