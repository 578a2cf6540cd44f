"""Business-time arithmetic over a business calendar (SLA clocks). Pure: no Django import.

A ``BusinessCalendar`` says which days are workdays and which windows of a workday count:

* ``kind="cn"``: a day is a workday when an override says so; otherwise as the
  ``chinese_calendar`` package says (public holidays and 调休 make-up workdays); for years the
  package has no data for (it raises ``NotImplementedError``), Monday to Friday. Such days are
  "not covered" (``covered()``), so the dashboard can ask an administrator to enter them.
* ``kind="24x7"``: every day, all day (calendar time); windows and holidays are ignored.
* ``kind="daily"``: every day is a workday with the working windows (a front desk open seven
  days a week, SCH-4: 07:00–14:00 and 14:00–21:00); public holidays do not close it, only an
  override does.

The arithmetic steps window by window, never minute by minute, and is exact to the second.
Windows are local wall-clock times in the calendar's time zone (Asia/Shanghai); inputs and
outputs are aware datetimes, outputs in that time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import chinese_calendar

from kefu.core.calendar.windows import DEFAULT_WINDOWS, FULL_DAY, CalendarError, Window
from kefu.core.calendar.windows import normalise_windows as _normalise

CN = "cn"
ALWAYS = "24x7"
DAILY = "daily"
KINDS = (CN, ALWAYS, DAILY)
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
# an SLA of more than this many hours is a typing mistake; it also bounds the work per call
MAX_HOURS = 100_000
# a calendar with no working time for this long cannot answer (e.g. every day overridden off)
MAX_DAYS = 366 * 100
# the first year chinese_calendar has data for (it has kept 2004 since its first release)
PACKAGE_FIRST_YEAR = 2004

Hours = int | float | Decimal | str


@functools.lru_cache(maxsize=256)
def package_covers_year(year: int) -> bool:
    """Whether the ``chinese_calendar`` package has holiday data for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def package_last_year() -> int:
    """The last year the installed ``chinese_calendar`` package has data for."""
    year = PACKAGE_FIRST_YEAR
    while package_covers_year(year + 1):
        year += 1
    return year


@functools.lru_cache(maxsize=8192)
def _package_workday(day: dt.date) -> bool:
    """chinese_calendar's answer for a covered day, remembered: the package validates its input
    on every call, which made it the largest cost of computing due times in bulk."""
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True)
class BusinessCalendar:
    """Working windows per workday, the holiday source, and explicit per-date overrides.

    ``overrides`` maps a date to ``True`` (a workday, e.g. a 调休 Saturday the package does not
    know) or ``False`` (a day off); overrides win over the package and over weekdays.
    """

    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    kind: str = CN
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    tz: dt.tzinfo = SHANGHAI

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CalendarError(f"calendar must be one of {', '.join(KINDS)}, not {self.kind!r}")
        windows = (FULL_DAY,) if self.kind == ALWAYS else _normalise(self.windows)
        object.__setattr__(self, "windows", windows)
        object.__setattr__(self, "overrides", types.MappingProxyType(dict(self.overrides)))

    @classmethod
    def always(cls, tz: dt.tzinfo = SHANGHAI) -> BusinessCalendar:
        """Calendar time: every hour of every day counts."""
        return cls(kind=ALWAYS, tz=tz)

    def is_workday(self, day: dt.date) -> bool:
        """Override first, then the package's holidays and 调休 days, then Monday–Friday."""
        if self.kind == ALWAYS:
            return True
        if day in self.overrides:
            return self.overrides[day]
        if self.kind == DAILY:
            return True
        if package_covers_year(day.year):
            return _package_workday(day)
        return day.weekday() < 5

    def covered(self, day: dt.date) -> bool:
        """Whether ``day`` is decided by data (an override or the package), not by weekday."""
        return (
            self.kind in (ALWAYS, DAILY) or day in self.overrides or package_covers_year(day.year)
        )

    def windows_on(self, day: dt.date) -> tuple[Window, ...]:
        """The working windows of ``day`` (none on a day off)."""
        return self.windows if self.is_workday(day) else ()

    def bounds(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The working windows of ``day`` as (start, end) aware datetimes in UTC."""
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
        for window in self.windows_on(day):
            # wall-clock addition, then conversion: correct for zones with a UTC offset change
            start = (midnight + dt.timedelta(seconds=window.start)).astimezone(UTC)
            end = (midnight + dt.timedelta(seconds=window.end)).astimezone(UTC)
            yield start, end

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


def to_seconds(hours: Hours) -> int:
    """A non-negative number of hours (fractions allowed) → whole seconds, rounded half up."""
    if isinstance(hours, bool):
        raise CalendarError("hours must be a number")
    try:
        value = Decimal(str(hours).strip())
    except InvalidOperation:
        raise CalendarError(f"hours must be a number, not {hours!r}")
    if not value.is_finite():
        raise CalendarError(f"hours must be a finite number, not {hours!r}")
    if value < 0:
        raise CalendarError(f"hours must not be negative ({hours})")
    if value > MAX_HOURS:
        raise CalendarError(f"hours must be at most {MAX_HOURS}")
    return int((value * 3600).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError("times must carry a time zone")
    return moment.astimezone(UTC)


def add_business_seconds(
    start: dt.datetime, seconds: int, calendar: BusinessCalendar
) -> dt.datetime:
    """The earliest instant ``t >= start`` with ``seconds`` of business time in [start, t].

    Consequences: a start outside working time starts the clock at the next window start; a
    due time that lands exactly on the end of a window is that end (18:00, not 09:00 next
    workday); zero seconds is ``start`` itself. The answer is in the calendar's time zone.
    """
    if seconds < 0:
        raise CalendarError("business time must not be negative")
    cursor = _aware(start)
    if seconds == 0:
        return cursor.astimezone(calendar.tz)
    remaining = dt.timedelta(seconds=seconds)
    if calendar.kind == ALWAYS:
        return (cursor + remaining).astimezone(calendar.tz)
    day = calendar.local_date(cursor)
    for _ in range(MAX_DAYS):
        for begin, end in calendar.bounds(day):
            if end <= cursor:
                continue
            begin = max(begin, cursor)
            available = end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(calendar.tz)
            remaining -= available
            cursor = end
        day += ONE_DAY
    raise CalendarError("the calendar has no working time for a hundred years")


def add_business_hours(start: dt.datetime, hours: Hours, calendar: BusinessCalendar) -> dt.datetime:
    """``start`` plus ``hours`` of business time (fractions allowed, exact to the second).

    See ``add_business_seconds`` for the rules (end of window, start outside working time, 0).
    """
    return add_business_seconds(start, to_seconds(hours), calendar)


def business_seconds_between(a: dt.datetime, b: dt.datetime, calendar: BusinessCalendar) -> float:
    """Business time from ``a`` to ``b`` in seconds (negative when ``b`` is before ``a``)."""
    a, b = _aware(a), _aware(b)
    if b < a:
        return -business_seconds_between(b, a, calendar)
    if calendar.kind == ALWAYS:
        return (b - a).total_seconds()
    total = dt.timedelta()
    day, last = calendar.local_date(a), calendar.local_date(b)
    while day <= last:
        for begin, end in calendar.bounds(day):
            low, high = max(begin, a), min(end, b)
            if high > low:
                total += high - low
        day += ONE_DAY
    return total.total_seconds()


def next_working_instant(moment: dt.datetime, calendar: BusinessCalendar) -> dt.datetime:
    """``moment`` if it is inside a working window, else the start of the next window.

    Windows are half-open: 18:00 at the end of 09:00–18:00 is outside, so it moves on.
    """
    cursor = _aware(moment)
    day = calendar.local_date(cursor)
    for _ in range(MAX_DAYS):
        for begin, end in calendar.bounds(day):
            if end > cursor:
                return max(begin, cursor).astimezone(calendar.tz)
        day += ONE_DAY
    raise CalendarError("the calendar has no working time for a hundred years")


def uncovered_days(calendar: BusinessCalendar, first: dt.date, days: int) -> list[dt.date]:
    """The days among ``first`` and the following ``days - 1`` that no data decides."""
    span = (first + dt.timedelta(days=n) for n in range(days))
    return [day for day in span if not calendar.covered(day)]


def covered_until(
    calendar: BusinessCalendar, first: dt.date, *, horizon_days: int = 3660
) -> dt.date | None:
    """The last day of the unbroken run of covered days from ``first`` (None if ``first`` is not).

    Looks at most ``horizon_days`` ahead, so a calendar covered beyond that answers that day.
    """
    if not calendar.covered(first):
        return None
    day = first
    for _ in range(horizon_days - 1):
        following = day + ONE_DAY
        if not calendar.covered(following):
            break
        day = following
    return day
