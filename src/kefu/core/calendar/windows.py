"""Working windows of a day ("09:00-18:00"), parsed and validated. Pure: no Django import."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DAY_SECONDS = 24 * 3600
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """A calendar that cannot be built: a bad window, overlapping windows, a bad start or duration."""


@dataclass(frozen=True, order=True)
class Window:
    """Working time of one day from ``start`` to ``end``, in seconds after local midnight.

    ``end`` may be 86400 (24:00), so a 24-hour window is ``Window(0, 86400)``.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_SECONDS:
            raise CalendarError(f"window {self} must start before it ends, within 00:00-24:00")

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


FULL_DAY = Window(0, DAY_SECONDS)
DEFAULT_WINDOWS = (Window(9 * 3600, 18 * 3600),)


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _seconds(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise CalendarError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return h * 3600 + m * 60


def parse_window(text: str) -> Window:
    """``"07:00-14:00"`` → ``Window``; the end may be ``24:00``; the end must follow the start."""
    match = _WINDOW.match(text)
    if match is None:
        raise CalendarError(f"{text!r} is not a window like 09:00-18:00")
    start = _seconds(match[1], match[2], text)
    end = _seconds(match[3], match[4], text)
    if end <= start:
        raise CalendarError(f"window {text.strip()!r} ends before it starts")
    return Window(start, end)


def normalise_windows(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Sorted windows with touching ones joined (07:00-14:00 + 14:00-21:00 = 07:00-21:00).

    Overlapping windows are refused: they are almost always a typing mistake in a shift plan.
    """
    ordered = sorted(windows)
    if not ordered:
        raise CalendarError("a calendar needs at least one working window")
    joined = [ordered[0]]
    for window in ordered[1:]:
        last = joined[-1]
        if window.start < last.end:
            raise CalendarError(f"windows {last} and {window} overlap")
        if window.start == last.end:
            joined[-1] = Window(last.start, window.end)
        else:
            joined.append(window)
    return tuple(joined)


def parse_windows(spec: str | Iterable[str]) -> tuple[Window, ...]:
    """``"07:00-14:00,14:00-21:00"`` or ``["09:00-12:00", "13:00-18:00"]`` → normalised windows."""
    try:
        parts = spec.split(",") if isinstance(spec, str) else list(spec)
    except TypeError:
        raise CalendarError("working hours must be texts like 09:00-18:00")
    if not all(isinstance(part, str) for part in parts):
        raise CalendarError("working hours must be texts like 09:00-18:00")
    return normalise_windows(parse_window(part) for part in parts if part.strip())
