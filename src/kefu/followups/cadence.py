"""Callback windows, retries, grades and rates: pure arithmetic over dates (no Django import).

Every number is a default of a business line's cadence policy (spec §1.7, decisions §9.1, §9.2,
§9.9, §9.12); the services read the line's numbers and call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

RESOLUTION_FIRST = "resolution_first"
RESOLUTION_SECOND = "resolution_second"
EVENT_NOTICE = "event_notice"
EVENT_LETTER = "event_letter"
MAINTENANCE = "maintenance"
INACTIVITY = "inactivity"
NO_SHOW = "no_show"
REVIEW = "review"
FIRST_LESSON = "first_lesson"
FIRST_CONTACT = "first_contact"

ORDINARY, REPEAT, MALIGNANT = "ordinary", "repeat", "malignant"

IsWorkday = Callable[[dt.date], bool]


class Numbers(Protocol):
    start_days: int
    end_days: int
    second_days: int | None
    working_days: bool
    max_attempts: int
    retry_days: int


@dataclass(frozen=True)
class Default:
    start_days: int
    end_days: int
    second_days: int | None = None
    working_days: bool = False
    max_attempts: int = 3
    retry_days: int = 1
    # industries where the policy starts enabled; None = every industry
    industries: tuple[str, ...] | None = None


DEFAULTS: dict[str, Default] = {
    # FU-1, §9.1: days 3–7 after the ticket is resolved (calendar days; working days optional)
    RESOLUTION_FIRST: Default(3, 7),
    # FU-2, §9.1: days 7–14 after the first callback was completed
    RESOLUTION_SECOND: Default(7, 14),
    # workflow 5: phone 2 weeks (14 days) before the event …
    EVENT_NOTICE: Default(-14, -14),
    # … then a letter within 2 days of the call
    EVENT_LETTER: Default(0, 2),
    # 2 weeks before the next 保养期, again 3 days before (near the date)
    MAINTENANCE: Default(-14, -4, second_days=3, industries=("auto",)),
    # FU-6: no visit or lesson for ≥ 3 weeks (21 days); call within the next 2 days
    INACTIVITY: Default(21, 23, industries=("education",)),
    # FU-6, §9.7: a no-show is called the same day
    NO_SHOW: Default(0, 0),
    # FU-11: a medium/negative review is called back within a day
    REVIEW: Default(0, 1),
    # FU-6: after the first lesson, within a day
    FIRST_LESSON: Default(0, 1),
    # ARC-6: the agent a new customer is allocated to contacts them within one week
    FIRST_CONTACT: Default(0, 7),
}

# line-wide settings kept in BusinessLine.policies, with these defaults
LINE_DEFAULTS: dict[str, object] = {
    "complaint_close_requires_callback": True,
    "complaint_close_on_satisfied": True,
    "repeat_after_failed_callbacks": 2,
    "malignant_after_repeats": 3,
    # §9.9: a new complaint of the same customer on the same subject within these days repeats it
    "repeat_window_days": 30,
    "followup_escalate_days": 2,
    # FU-5: 「确保回访率100%」 / 「保修期内客户回访率为100%」: the 回访率 target in percent
    "callback_rate_target": 100,
    # ARC-1: a new customer's archive is complete within 2 days of the visit
    "archive_complete_days": 2,
}


def weekday_is_workday(day: dt.date) -> bool:
    return day.weekday() < 5


def add_days(
    start: dt.date, days: int, *, working: bool = False, is_workday: IsWorkday | None = None
) -> dt.date:
    """``start`` moved by ``days`` calendar days, or by working days (skipping days that
    ``is_workday`` rejects; Monday–Friday when none is given). Negative days go back."""
    if not working or days == 0:
        return start + dt.timedelta(days=days)
    check = is_workday or weekday_is_workday
    step = 1 if days > 0 else -1
    day, left = start, abs(days)
    while left:
        day += dt.timedelta(days=step)
        if check(day):
            left -= 1
    return day


def window(
    anchor: dt.date, numbers: Numbers, is_workday: IsWorkday | None = None
) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a window that opens ``start_days`` and closes ``end_days``
    after ``anchor`` (negative: before it)."""
    start = add_days(
        anchor, numbers.start_days, working=numbers.working_days, is_workday=is_workday
    )
    end = add_days(anchor, numbers.end_days, working=numbers.working_days, is_workday=is_workday)
    return start, max(start, end)


def maintenance_windows(
    due_on: dt.date, numbers: Numbers, is_workday: IsWorkday | None = None
) -> list[tuple[int, dt.date, dt.date]]:
    """[(sequence, first day, last day)]: the 2-weeks-ahead reminder and the near-date one.

    The first reminder closes the day before the second one opens, so the two never overlap.
    """
    first_start, first_end = window(due_on, numbers, is_workday)
    result = []
    if numbers.second_days is not None:
        second_start = due_on - dt.timedelta(days=numbers.second_days)
        first_end = min(first_end, second_start - dt.timedelta(days=1))
        result.append((2, second_start, due_on))
    if first_end >= first_start:
        result.insert(0, (1, first_start, first_end))
    return result


def retry_window(today: dt.date, numbers: Numbers) -> tuple[dt.date, dt.date]:
    """The next attempt after an unreached call: ``retry_days`` later, a one-day window."""
    day = today + dt.timedelta(days=numbers.retry_days)
    return day, day


def may_retry(attempt: int, numbers: Numbers) -> bool:
    """Whether an unreached attempt number ``attempt`` gets another one (at most max_attempts)."""
    return attempt < numbers.max_attempts


def clamp(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """A window that opened in the past starts today (an event created late still gets its call)."""
    start = max(start, today)
    return start, max(start, end)


def grade_after_repeat(repeat_count: int, malignant_after: int) -> str:
    """The grade once a complaint has been repeated ``repeat_count`` times (§9.9)."""
    if repeat_count <= 0:
        return ORDINARY
    if malignant_after and repeat_count >= malignant_after:
        return MALIGNANT
    return REPEAT


def higher(a: str, b: str) -> str:
    order = {ORDINARY: 0, REPEAT: 1, MALIGNANT: 2}
    return a if order[a] >= order[b] else b


def rate(completed: int, due: int) -> float | None:
    """回访率 = completed ÷ due as a percentage with one decimal; None when nothing was due."""
    if due <= 0:
        return None
    return round(100.0 * completed / due, 1)


def rate_met(rate: float | None, target: float | None) -> bool | None:
    """FU-5: whether a 回访率 reaches its target (100.0 % meets 100 %); None when unknown."""
    if rate is None or target is None:
        return None
    return rate >= float(target)


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """'2026-11' → (2026-11-01, 2026-12-01); ValueError for anything else."""
    year_s, _sep, month_s = period.partition("-")
    if len(year_s) != 4 or len(month_s) != 2 or not (year_s + month_s).isdigit():
        raise ValueError(period)
    first = dt.date(int(year_s), int(month_s), 1)
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt


# §9.9 "same subject": words of two complaints (title and description, segmented by the search's
# jieba) that share at least this share of the shorter text's words, and at least two words
SAME_SUBJECT_SHARE = 0.5
SAME_SUBJECT_MIN_WORDS = 2


def subject_words(tokens: list[str]) -> frozenset[str]:
    """The words that carry a subject: segmented tokens of two or more characters."""
    return frozenset(t for t in tokens if len(t) >= 2)


def same_subject(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two complaints' words (``subject_words``) name the same subject."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= SAME_SUBJECT_MIN_WORDS and shared >= SAME_SUBJECT_SHARE * min(len(a), len(b))
