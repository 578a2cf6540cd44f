"""The lesson desk's and the repair centre's rules (pure: no Django import).

* Cancellation cut-off (BK-3, §9.7): agents and the app may cancel until 12 hours before the
  start, exactly 12 h included (12:00:00 before: yes; 11:59:59: no). Later the lesson is frozen:
  its hours are deducted unless a leader approves an exception with evidence (BK-4).
  A teacher's cancellation never deducts.
* Hours are a ledger (SR-10): the balance is the sum of the entries, never a stored number.
* Never twice unbookable (BK-5): a student's second unmet request in a row cannot be closed
  without an alternative.
* Repair base quota (RPR-1, §9.3) = (retail sales of the last 2 months × fault rate) ÷ repairers
  − offset (50), whole units (rounded down), never below 0. The source's literal wording is
  "÷ fault %"; the multiplicative reading is the default.
* Repeat repair (RPR-2): the same device back with the same fault within 90 days of the
  previous repair; repeat-repair rate = repeats ÷ repairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

CUTOFF_HOURS = 12
QUOTA_OFFSET = 50
QUOTA_MONTHS = 2  # RPR-1: the retail sales of the last two months
REPEAT_DAYS = 90
# SEG-8: at or below this many free hours (about a month of weekly lessons) the desk prompts a
# renewal or 升班; our reading of "when the prepaid lesson balance is low"
LOW_BALANCE_HOURS = Decimal(4)
PURCHASE, DEDUCTION, RESTORATION, ADJUSTMENT = "purchase", "deduction", "restoration", "adjustment"
STUDENT, TEACHER, COMPANY = "student", "teacher", "company"


class RuleError(ValueError):
    """Input a rule cannot answer."""


@dataclass(frozen=True)
class CancelCheck:
    allowed: bool
    hours_before: float
    deducts_hours: bool
    needs_approval: bool

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "hours_before": self.hours_before,
            "deducts_hours": self.deducts_hours,
            "needs_approval": self.needs_approval,
        }


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleError("a time needs its time zone (e.g. 2026-11-23T10:00:00+08:00)")
    return moment


def check_cancel(
    start: dt.datetime,
    at: dt.datetime,
    *,
    by: str = STUDENT,
    cutoff_hours: int = CUTOFF_HOURS,
) -> CancelCheck:
    """May a lesson starting at ``start`` be cancelled at ``at`` without a leader?"""
    left = _aware(start) - _aware(at)
    hours_before = round(left.total_seconds() / 3600, 4)
    if by in (TEACHER, COMPANY):
        # the school's own cancellation: allowed, never deducts, a make-up lesson is offered
        return CancelCheck(True, hours_before, False, False)
    if by != STUDENT:
        raise RuleError(f"by must be one of student, teacher, company, not {by!r}")
    allowed = left >= dt.timedelta(hours=cutoff_hours)
    return CancelCheck(allowed, hours_before, not allowed, not allowed)


def balance(entries: Iterable[tuple[str, Decimal]]) -> Decimal:
    """The hours left: purchases and restorations add, deductions subtract (entries are signed
    by kind, so a ledger can be summed in SQL the same way)."""
    total = Decimal(0)
    for kind, hours in entries:
        total += signed(kind, hours)
    return total


def signed(kind: str, hours: Decimal) -> Decimal:
    hours = Decimal(hours)
    if hours < 0:
        raise RuleError("hours are never negative; the kind gives the sign")
    if kind in (PURCHASE, RESTORATION):
        return hours
    if kind == DEDUCTION:
        return -hours
    raise RuleError(f"unknown ledger entry {kind!r}")


def low_balance(free_hours: Decimal, threshold: Decimal = LOW_BALANCE_HOURS) -> bool:
    """SEG-8: prompt a renewal or an upgrade (升班) when the hours not yet promised run low."""
    return Decimal(free_hours) <= threshold


def second_unmet_blocked(previous_unmet: bool, this_unmet: bool, alternative: str) -> bool:
    """True when closing this request would leave the student unbooked twice in a row."""
    return previous_unmet and this_unmet and not alternative.strip()


def _decimal(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleError(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise RuleError(f"{name} is not a number: {value!r}")
    return number


def repair_quota(sales: Sequence, fault_rate, repairers: int, offset=QUOTA_OFFSET) -> int:
    """Each repairer's monthly base quota (RPR-1, §9.3)."""
    if len(sales) != QUOTA_MONTHS:
        raise RuleError(f"give the retail sales of the last {QUOTA_MONTHS} months, one figure each")
    amounts = [_decimal(s, "sales") for s in sales]
    if any(a < 0 for a in amounts):
        raise RuleError("sales are never negative")
    rate = _decimal(fault_rate, "fault rate")
    if not 0 <= rate <= 1:
        raise RuleError("the fault rate is a share between 0 and 1 (0.03 = 3 %)")
    if int(repairers) != repairers or repairers < 1:
        raise RuleError("there is at least one repairer")
    offset = _decimal(offset, "offset")
    if offset < 0:
        raise RuleError("the offset is the units taken off the quota, never negative")
    quota = sum(amounts) * rate / Decimal(repairers) - offset
    return max(0, int(quota.to_integral_value(rounding=ROUND_FLOOR)))


def commission(done: int, quota: int, per_unit) -> tuple[int, Decimal]:
    """RPR-1: every unit repaired above the base quota earns ``per_unit`` yuan; (units above,
    commission in yuan)."""
    if int(done) != done or done < 0:
        raise RuleError("the units repaired are a whole number, never negative")
    rate = _decimal(per_unit, "commission per unit")
    if rate < 0:
        raise RuleError("the commission per unit is never negative")
    above = max(0, int(done) - int(quota))
    return above, (rate * above).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_repeat(received_on: dt.date, previous_on: dt.date | None, days: int = REPEAT_DAYS) -> bool:
    """The same device with the same fault received again within ``days`` of the last time."""
    return previous_on is not None and 0 <= (received_on - previous_on).days <= days


def mark_repeats(jobs: Iterable[tuple[str, str, dt.date]], days: int = REPEAT_DAYS) -> list[bool]:
    """For (device serial, fault, received on) in any order: whether each job is a repeat."""
    indexed = sorted(enumerate(jobs), key=lambda item: (item[1][2], item[0]))
    last: dict[tuple[str, str], dt.date] = {}
    marks = [False] * len(indexed)
    for position, (serial, fault, received) in indexed:
        key = (serial.strip().upper(), fault)
        marks[position] = is_repeat(received, last.get(key), days)
        last[key] = received
    return marks


def repeat_rate(repeats: int, total: int) -> Decimal | None:
    if total <= 0:
        return None
    return (Decimal(repeats) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# -- repair centre (ESC-4, RPR-2) ---------------------------------------------------------------

STEPS = (
    "received",
    "quoted",
    "diagnosing",
    "waiting_parts",
    "repairing",
    "qc",
    "ready",
    "collected",
)
# the steps a job may move to from each step (waiting for parts is optional; QC may send it back)
NEXT_STEPS = {
    "received": ("quoted", "diagnosing"),
    "quoted": ("diagnosing",),
    "diagnosing": ("waiting_parts", "repairing"),
    "waiting_parts": ("repairing",),
    "repairing": ("qc",),
    "qc": ("ready", "repairing"),
    "ready": ("collected",),
    "collected": (),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise RuleError("not a date")  # pragma: no cover


def in_warranty(purchased_on: dt.date, term_months: int, received_on: dt.date) -> bool:
    """Covered when received before the term's end: bought 2025-01-10 with 12 months → covered
    until 2026-01-09 inclusive."""
    if term_months < 0:
        raise RuleError("the warranty term is never negative")
    return purchased_on <= received_on < add_months(purchased_on, term_months)


def may_move(step: str, to: str) -> bool:
    return to in NEXT_STEPS.get(step, ())


# -- suggestions (BK-6) --------------------------------------------------------------------------

MORNING_ENDS = 12


def weekday_morning(start: dt.datetime) -> bool:
    return start.weekday() < 5 and start.hour < MORNING_ENDS


def suggest_slots(
    candidates: Iterable[dt.datetime],
    busy: Iterable[tuple[dt.datetime, dt.datetime]],
    hours: Decimal,
    *,
    daytime_available: bool,
    n: int = 5,
) -> list[dt.datetime]:
    """The lesson times to offer first (BK-6): never over the teacher's booked lessons; for a
    student free in the daytime (older adults, homemakers, pre-school children) weekday mornings
    first; then times that pack the teacher's lessons back-to-back; then the earliest."""
    length = dt.timedelta(hours=float(hours))
    blocks = [(_aware(s), _aware(e)) for s, e in busy]
    ranked = []
    for start in candidates:
        end = _aware(start) + length
        if any(s < end and start < e for s, e in blocks):
            continue
        adjacent = any(e == start or s == end for s, e in blocks)
        morning_first = not (daytime_available and weekday_morning(start))
        ranked.append(((morning_first, not adjacent, start), start))
    return [start for _key, start in sorted(ranked)[:n]]
