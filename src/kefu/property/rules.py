"""The property office's rules (pure: no Django import).

* Repairs (SR-1, SR-2, RPR-4, §9.13): 小修不过夜 — a minor repair is due by 23:59:59 of the local
  day it was reported; 大修不过三 — a major repair is due 72 calendar hours after the report.
  Calendar time, not the line's working hours: a repair reported on Saturday is due on Saturday.
* Collection (FEE-3, §9.14): the unpaid statistics are due within 1 working day of a bill's
  due date, the door-to-door visits within 2 working days after the statistics (the line's
  business calendar: public holidays and 调休 make-up days).
* Letters (FEE-2): a 催缴函 goes to a household whose oldest unpaid bill has been due for more
  than one year: due 2025-11-23 → first eligible on 2026-11-24, not on 2026-11-23.
* Collection rate (FEE-4) = collected ÷ billed; target ≥ 95 % by year end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINOR = "minor"
MAJOR = "major"
REPAIR_KINDS = (MINOR, MAJOR)
MAJOR_HOURS = 72
STATS_WORKING_DAYS = 1
DOOR_VISIT_WORKING_DAYS = 2
DUNNING_YEARS = 1
TARGET_RATE = Decimal("0.95")


class RuleError(ValueError):
    """Input a rule cannot answer (an unknown kind, a naive time, a negative amount)."""


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleError("a time needs its time zone (e.g. 2026-11-23T10:00:00+08:00)")
    return moment


def repair_due(kind: str, reported_at: dt.datetime, tz: dt.tzinfo = SHANGHAI) -> dt.datetime:
    """When a repair reported at ``reported_at`` must be done (in ``tz``)."""
    reported_at = _aware(reported_at).astimezone(tz)
    if kind == MINOR:
        return dt.datetime.combine(reported_at.date(), dt.time(23, 59, 59), tzinfo=tz)
    if kind == MAJOR:
        return (reported_at.astimezone(dt.UTC) + dt.timedelta(hours=MAJOR_HOURS)).astimezone(tz)
    raise RuleError(f"kind must be one of {', '.join(REPAIR_KINDS)}, not {kind!r}")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def dunning_eligible_on(oldest_due: dt.date, years: int = DUNNING_YEARS) -> dt.date:
    """The first day a household whose oldest unpaid bill fell due on ``oldest_due`` is in
    arrears for *more than* ``years`` year(s): the day after the anniversary."""
    return add_years(oldest_due, years) + dt.timedelta(days=1)


def fee_review_due(reviewed_on: dt.date | None, today: dt.date) -> bool:
    """FEE-5: a fee standard is reviewed with the price authority every year (收费标准的年审);
    due when never reviewed or a year has passed since the last review."""
    return reviewed_on is None or today >= add_years(reviewed_on, 1)


def dunning_due(oldest_due: dt.date, as_of: dt.date, years: int = DUNNING_YEARS) -> bool:
    return as_of >= dunning_eligible_on(oldest_due, years)


def add_working_days(day: dt.date, n: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
    if n < 1:
        raise RuleError("n must be at least 1")
    found = 0
    for _step in range(366 * 2):
        day += dt.timedelta(days=1)
        if is_workday(day):
            found += 1
            if found == n:
                return day
    raise RuleError("no working day within two years")


def collection_deadlines(
    due_on: dt.date,
    is_workday: Callable[[dt.date], bool],
    stats_days: int = STATS_WORKING_DAYS,
    visit_days: int = DOOR_VISIT_WORKING_DAYS,
) -> tuple[dt.date, dt.date]:
    """(statistics due, door visits due) for bills due on ``due_on`` (FEE-3, §9.14)."""
    stats = add_working_days(due_on, stats_days, is_workday)
    return stats, add_working_days(stats, visit_days, is_workday)


def rate(collected: Decimal | int, billed: Decimal | int) -> Decimal | None:
    """collected ÷ billed to 4 places (0.9512 = 95.12 %); None when nothing was billed."""
    billed = Decimal(billed)
    if billed <= 0:
        return None
    return (Decimal(collected) / billed).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def meets_target(value: Decimal | None, target: Decimal = TARGET_RATE) -> bool:
    return value is not None and value >= target


# -- the daily cash ledger (FEE-6) ---------------------------------------------------------------


def reconcile_cash(recorded: Decimal, counted: Decimal, handed_over: Decimal) -> dict:
    """每日门店现金台帐 and 上缴金额表 (FEE-6): the cash counted at closing against the cash
    payments recorded that day, and the amount handed over against the cash counted. The day
    balances when both differences are zero (to the fen)."""
    difference = (Decimal(counted) - Decimal(recorded)).quantize(Decimal("0.01"))
    undelivered = (Decimal(counted) - Decimal(handed_over)).quantize(Decimal("0.01"))
    return {
        "difference": difference,
        "undelivered": undelivered,
        "balanced": difference == 0 and undelivered == 0,
    }


# -- door-to-door visits (SEG-11) ------------------------------------------------------------------

VISITS_A_MONTH = 4  # 「每人每月拜访户数不得少于4户」
VISIT_GAP_DAYS = 30  # visits spread out: a household is not visited again within 30 days


def visit_tally(households_by_agent: dict, target: int = VISITS_A_MONTH) -> list[dict]:
    """Per agent, the households visited in a month against the target: who is short and by how
    many, the shortest first (agents with no visit count 0)."""
    rows = [
        {"agent": agent, "households": n, "short": max(0, target - n)}
        for agent, n in households_by_agent.items()
    ]
    return sorted(rows, key=lambda r: (-r["short"], str(r["agent"])))


def visit_too_soon(last: dt.date | None, day: dt.date, gap_days: int = VISIT_GAP_DAYS) -> bool:
    return last is not None and abs((day - last).days) < gap_days


# -- the rental-housing register (PM-X5) ----------------------------------------------------------

NO_TENANT = "no_tenant"
NO_NAME = "name"
NO_PHONE = "phone"
NO_START = "lease_start"
NO_END = "lease_end"
LEASE_ENDED = "lease_ended"


def tenancy_gaps(tenancy: dict | None, today: dt.date) -> list[str]:
    """What a rented unit's register row lacks: a current tenant, the tenant's name and phone,
    the lease's start and end, or a lease that ended before ``today`` (renewed or moved out, the
    register does not say). An empty list is a complete row."""
    if tenancy is None:
        return [NO_TENANT]
    gaps = [
        code
        for code, field in (
            (NO_NAME, "tenant_name"),
            (NO_PHONE, "phone"),
            (NO_START, "lease_start"),
            (NO_END, "lease_end"),
        )
        if not tenancy.get(field)
    ]
    end = tenancy.get("lease_end")
    if end is not None and end < today:
        gaps.append(LEASE_ENDED)
    return gaps


def completeness(complete: int, rented: int) -> Decimal | None:
    """Complete register rows ÷ rented units, None when nothing is rented."""
    if rented <= 0:
        return None
    return (Decimal(complete) / rented).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


_DIGITS = re.compile(r"(\d+)")


def building_order(name: str) -> list:
    """Sort key of a building's name in the order people count them: 2栋 before 11栋."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(name)]
