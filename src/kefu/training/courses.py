"""Course lengths and series (TRN-1, TRN-2), pure: a micro-course is 1 hour by default; 15 and
30 minutes and 2–3 hour 准微课 are allowed; a series of courses combines into a half-day or
1-day theme course, or runs over 5 early classes (早课) of an hour."""

from __future__ import annotations

MICRO_DEFAULT_MINUTES = 60
MICRO_MINUTES = (15, 30, 60)
QUASI_MICRO_MINUTES = (120, 150, 180)  # 准微课, 2–3 h
HALF_DAY_MINUTES = 240
ONE_DAY_MINUTES = 480
EARLY_CLASS_MINUTES = 60
EARLY_CLASSES_PER_SERIES = 5

MICRO, QUASI_MICRO, HALF_DAY, ONE_DAY = "micro", "quasi_micro", "half_day", "one_day"
ALLOWED_MINUTES = (*MICRO_MINUTES, *QUASI_MICRO_MINUTES, HALF_DAY_MINUTES, ONE_DAY_MINUTES)


def length_kind(minutes: int) -> str | None:
    """The kind of a course of ``minutes``: micro (15, 30, 60), quasi-micro (2–3 h in half
    hours), a half-day or 1-day (classroom or theme) course; None for any other length."""
    if minutes in MICRO_MINUTES:
        return MICRO
    if minutes in QUASI_MICRO_MINUTES:
        return QUASI_MICRO
    if minutes == HALF_DAY_MINUTES:
        return HALF_DAY
    if minutes == ONE_DAY_MINUTES:
        return ONE_DAY
    return None


def is_micro(minutes: int) -> bool:
    """Micro-courses in the satisfaction comparison (SAT-6): micro and quasi-micro lengths."""
    return length_kind(minutes) in (MICRO, QUASI_MICRO)


def series_formats(minutes: list[int]) -> list[str]:
    """How a series of courses can run (TRN-1): as one half-day theme course when its courses
    fit in 4 hours, as a 1-day theme course when they fit in 8, and over early classes when
    every course is a 1-hour micro-course and there are at most 5 of them."""
    total = sum(minutes)
    formats = []
    if not minutes:
        return formats
    if total <= HALF_DAY_MINUTES:
        formats.append(HALF_DAY)
    if total <= ONE_DAY_MINUTES:
        formats.append(ONE_DAY)
    if len(minutes) <= EARLY_CLASSES_PER_SERIES and all(m == EARLY_CLASS_MINUTES for m in minutes):
        formats.append("early_classes")
    return formats
