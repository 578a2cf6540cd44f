"""Report periods: a month (2026-11), a quarter (2026-Q4), a year (2026) or a custom range.
Pure: no Django import."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """Dates [start, end): ``end`` is the first day after the period."""

    label: str
    start: dt.date
    end: dt.date


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """A period from its text; ValueError for anything else."""
    text = (text or "").strip()
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12 or year < 1900:
            raise ValueError(text)
        return Period(text, _month_start(year, month), _month_start(year, month + 1))
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        if year < 1900:
            raise ValueError(text)
        first = (quarter - 1) * 3 + 1
        return Period(
            f"{year}-Q{quarter}", _month_start(year, first), _month_start(year, first + 3)
        )
    if m := _YEAR.match(text):
        year = int(m[1])
        if year < 1900:
            raise ValueError(text)
        return Period(text, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    raise ValueError(text)


def custom_range(start: dt.date, end: dt.date) -> Period:
    """From ``start`` to ``end`` inclusive."""
    if end < start:
        raise ValueError("end before start")
    return Period(f"{start.isoformat()}…{end.isoformat()}", start, end + dt.timedelta(days=1))


def month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before ``day``'s month."""
    return _month_start(day.year, day.month - months)
