"""Reads of the business calendar pages: which calendar a user may open, the override days of a
year, and the month grid (what each day is, and whether data decides it)."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from kefu.accounts.models import BusinessLine
from kefu.core import scope
from kefu.core.calendar import BusinessCalendar
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import CalendarDay

# what a day of the month grid is
WORKDAY, HOLIDAY, MAKEUP, WEEKEND, UNCOVERED = (
    "workday",
    "holiday",
    "makeup",
    "weekend",
    "uncovered",
)


def require_calendar_editor(user) -> None:
    """The calendar pages are for administrators and managers (a manager: his line only)."""
    if not (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and scope.at_least(user, scope.MANAGER)
    ):
        raise PermissionDenied()


def calendar_line_get(*, actor, pk: int) -> BusinessLine:
    """A business line whose calendar ``actor`` may edit: any for an administrator, his own for a
    manager; another line is NotFound (its existence does not leak)."""
    require_calendar_editor(actor)
    line = (
        BusinessLine.objects.filter(scope.business_line_q(actor, field="id"), pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if line is None:
        raise NotFound()
    return line


def calendar_lines_for(*, actor) -> QuerySet[BusinessLine]:
    """The lines whose calendar ``actor`` may open, in id order."""
    require_calendar_editor(actor)
    return BusinessLine.objects.filter(scope.business_line_q(actor, field="id")).order_by("id")


def calendar_days_for(*, business_line, year: int) -> QuerySet[CalendarDay]:
    """The override days of one calendar (the global one without a line) in ``year``."""
    return CalendarDay.objects.filter(business_line=business_line, date__year=year).order_by("date")


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    status: str  # workday | holiday | makeup | weekend | uncovered
    overridden: bool
    today: bool


def month_grid(
    calendar: BusinessCalendar, year: int, month: int, today: dt.date
) -> list[list[GridDay | None]]:
    """Weeks (Monday first) of the month; ``None`` pads the days of the neighbouring months.

    A day no data decides (neither the holiday package nor an administrator) is ``uncovered``:
    SLA clocks treat it as Monday–Friday until the year is entered."""
    weeks = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row: list[GridDay | None] = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            weekend = day.weekday() >= 5
            if not calendar.covered(day):
                status = UNCOVERED
            elif calendar.is_workday(day):
                status = MAKEUP if weekend else WORKDAY
            else:
                status = WEEKEND if weekend else HOLIDAY
            row.append(GridDay(day, status, day in calendar.overrides, day == today))
        weeks.append(row)
    return weeks
