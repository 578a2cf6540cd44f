"""The day, week and year of the periodic reports: parsed from what a user types (a 4xx with a
clear message otherwise) and turned into local-time bounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid

FIRST_YEAR = 2000
LAST_YEAR = 9998  # a day or week of 9999 would end past the last date Python knows


@dataclass(frozen=True)
class Span:
    label: str  # 2026-11-05, 2026-W45 or 2026
    start: dt.date
    end: dt.date  # the first day after the span

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end, dt.time(), tzinfo=tz),
        )

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def day_of(day: dt.date) -> Span:
    return Span(day.isoformat(), day, day + dt.timedelta(days=1))


def week_of(day: dt.date) -> Span:
    monday = day - dt.timedelta(days=day.weekday())
    year, week, _weekday = monday.isocalendar()
    return Span(f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=7))


def year_of(year: int) -> Span:
    return Span(str(year), dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def _invalid(field: str, example: str) -> Invalid:
    return Invalid(
        _("Enter a period such as %(example)s.") % {"example": example},
        fields={field: _("Not valid.")},
    )


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_day(value, *, field: str = "day") -> Span:
    """``YYYY-MM-DD`` → the day."""
    try:
        day = dt.date.fromisoformat(_text(value))
    except ValueError:
        raise _invalid(field, "2026-11-05") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR or len(_text(value)) != 10:
        raise _invalid(field, "2026-11-05")
    return day_of(day)


def parse_week(value, *, field: str = "week") -> Span:
    """``YYYY-Www`` (ISO week, what a week input sends) or any day of it as ``YYYY-MM-DD``."""
    text = _text(value).upper()
    try:
        if "-W" in text:
            year, week = text.split("-W")
            if len(year) != 4 or len(week) != 2:
                raise ValueError(text)
            day = dt.date.fromisocalendar(int(year), int(week), 1)
        else:
            day = dt.date.fromisoformat(text)
            if len(text) != 10:
                raise ValueError(text)
    except ValueError:
        raise _invalid(field, "2026-W45") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _invalid(field, "2026-W45")
    return week_of(day)


def parse_year(value, *, field: str = "year") -> Span:
    text = _text(value) if not isinstance(value, int) else str(value)
    if len(text) != 4 or not text.isdigit() or not FIRST_YEAR <= int(text) <= 9998:
        raise _invalid(field, "2026")
    return year_of(int(text))
