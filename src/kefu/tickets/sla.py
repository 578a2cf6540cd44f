"""SLA clocks (pure, no Django import): which policy applies, targets, pauses, warning and
breach thresholds, escalation levels, and the state a ticket page shows.

A clock counts *active* time from ``started``: business time on the line's calendar (or calendar
time for a calendar-time policy) minus the time it spent paused (待客户). Its deadline is the
instant at which the active time reaches the target, so a pause moves the deadline by exactly
the paused business time. Levels fire in order as active time passes their threshold:

* 0 warning at ``warning_percent`` of the target (default 80 %) → the assignee;
* 1 breach at 100 % → the team lead;
* 2 at 100 % + ``step_percent`` (default 150 %) → the supervisor;
* 3 at 100 % + 2 × ``step_percent`` (default 200 %) → the manager.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kefu.core.calendar import (
    BusinessCalendar,
    add_business_seconds,
    business_seconds_between,
    next_working_instant,
)

FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
CLOCKS = (FIRST_RESPONSE, RESOLUTION)
WARNING, BREACH, SUPERVISOR_LEVEL, MANAGER_LEVEL = 0, 1, 2, 3
LEVELS = (WARNING, BREACH, SUPERVISOR_LEVEL, MANAGER_LEVEL)
# who each level notifies: assignee → team lead → supervisor → manager
LEVEL_ROLES = {
    WARNING: "assignee",
    BREACH: "lead",
    SUPERVISOR_LEVEL: "supervisor",
    MANAGER_LEVEL: "manager",
}
DEFAULT_WARNING_PERCENT = 80
DEFAULT_STEP_PERCENT = 50
# first-response targets (minutes of business time) per priority of the generic defaults
DEFAULT_FIRST_RESPONSE = {"urgent": 60, "high": 120, "normal": 240, "low": 480}
DEFAULT_RESOLUTION_HOURS = {"low": 72, "normal": 48, "high": 24, "urgent": 4}
# the working days a clock may look ahead for an "end of the Nth working day" deadline
MAX_DAYS_AHEAD = 3660
# category names the property template's repair policies match (「小修不过夜,大修不过三」)
MINOR_REPAIR, MAJOR_REPAIR = "小修", "大修"
# 「大修不过三」: 3 days = 72 calendar hours (decision §9.13)
MAJOR_REPAIR_HOURS = 72
# a line's ``resolution_time`` policy: its default resolution hours are business or calendar hours
BUSINESS, CALENDAR = "business", "calendar"
# RET-1 「确保所有退件在48小时内完成处理」 and RET-2 VIP 「在收到退件的24小时内,完成退款或换货」:
# calendar hours from receipt (decision §9.6)
RETURN_HOURS, VIP_RETURN_HOURS = 48, 24


@dataclass(frozen=True)
class TicketFacts:
    """What a policy may match on: type × priority × customer tier × channel × category names
    (the ticket's category and its parent)."""

    type: str
    priority: str
    tier: str = ""
    channel: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyRule:
    """One SLA policy. Empty criteria match anything; a resolution target is minutes of active
    time, or ``resolution_days``: the end of the working day that many working days after the
    start (0 = the same day, 「小修不过夜」)."""

    name: str
    resolution_minutes: int | None = None
    resolution_days: int | None = None
    first_response_minutes: int | None = None
    ticket_type: str = ""
    priority: str = ""
    customer_tier: str = ""
    channel: str = ""
    category: str = ""
    business_time: bool = True
    warning_percent: int = DEFAULT_WARNING_PERCENT
    step_percent: int = DEFAULT_STEP_PERCENT
    position: int = 0
    pk: int | None = None

    @property
    def specificity(self) -> int:
        criteria = (
            self.ticket_type,
            self.priority,
            self.customer_tier,
            self.channel,
            self.category,
        )
        return sum(1 for value in criteria if value)

    def matches(self, facts: TicketFacts) -> bool:
        return (
            (not self.ticket_type or self.ticket_type == facts.type)
            and (not self.priority or self.priority == facts.priority)
            and (not self.customer_tier or self.customer_tier == facts.tier)
            and (not self.channel or self.channel == facts.channel)
            and (not self.category or self.category in facts.categories)
        )


def best_policy(policies: Iterable[PolicyRule], facts: TicketFacts) -> PolicyRule | None:
    """The most specific matching policy (most criteria set); ties go to the lower position,
    then to the one listed first."""
    best: PolicyRule | None = None
    for policy in policies:
        if not policy.matches(facts):
            continue
        if best is None or (policy.specificity, -policy.position) > (
            best.specificity,
            -best.position,
        ):
            best = policy
    return best


def line_builtin_policies(policy: Callable[[str], object], industry: str) -> list[PolicyRule]:
    """``builtin_policies`` for a line whose policies ``policy(key)`` reads."""
    return builtin_policies(
        industry,
        policy("resolution_hours"),  # type: ignore[arg-type]
        business_time=(policy("resolution_time") or BUSINESS) != CALENDAR,
        refunds=bool(policy("refunds_enabled")),
    )


def builtin_policies(
    industry: str,
    resolution_hours: Mapping[str, float] | None,
    *,
    business_time: bool = True,
    refunds: bool = False,
) -> list[PolicyRule]:
    """The defaults a business line starts with (its template's seed): per priority a first
    response (urgent 1 h, high 2 h, normal 4 h, low 8 h) and the line's resolution hours,
    counted in business time unless the line's ``resolution_time`` policy says calendar
    (``business_time``); an urgent complaint 1 h / 4 h.

    Lines that take returns (``refunds``): return and refund tickets within 48 calendar hours,
    a VIP's within 24 (RET-1, RET-2). Property lines 「小修不过夜,大修不过三」 (decision §9.13): a
    小修 repair by 23:59:59 local of the day it was reported, whatever the weekday or holiday, a
    大修 repair within 72 calendar hours; both count calendar time unless the line's policy
    says business time explicitly."""
    hours = {**DEFAULT_RESOLUTION_HOURS, **(resolution_hours or {})}
    rules: list[PolicyRule] = []
    if refunds:
        # listed (and seeded) first: a tie with a priority policy goes to the return window
        for ticket_type in ("return", "refund"):
            rules += [
                PolicyRule(
                    name=f"{ticket_type}:all",
                    ticket_type=ticket_type,
                    first_response_minutes=DEFAULT_FIRST_RESPONSE["normal"],
                    resolution_minutes=RETURN_HOURS * 60,
                    business_time=False,
                ),
                PolicyRule(
                    name=f"{ticket_type}:vip",
                    ticket_type=ticket_type,
                    customer_tier="vip",
                    first_response_minutes=DEFAULT_FIRST_RESPONSE["high"],
                    resolution_minutes=VIP_RETURN_HOURS * 60,
                    business_time=False,
                ),
            ]
    rules += [
        PolicyRule(
            name=f"priority:{priority}",
            priority=priority,
            first_response_minutes=DEFAULT_FIRST_RESPONSE[priority],
            resolution_minutes=round(float(hours[priority]) * 60),
            business_time=business_time,
        )
        for priority in ("urgent", "high", "normal", "low")
    ]
    rules.append(
        PolicyRule(
            name="complaint:urgent",
            ticket_type="complaint",
            priority="urgent",
            first_response_minutes=60,
            resolution_minutes=240,
            business_time=business_time,
        )
    )
    if industry == "property":
        rules += [
            PolicyRule(
                name="repair:minor",
                ticket_type="repair",
                category=MINOR_REPAIR,
                first_response_minutes=30,
                resolution_days=0,
                business_time=False,
            ),
            PolicyRule(
                name="repair:major",
                ticket_type="repair",
                category=MAJOR_REPAIR,
                first_response_minutes=60,
                resolution_minutes=MAJOR_REPAIR_HOURS * 60,
                business_time=False,
            ),
        ]
    return rules


# -- clock arithmetic ----------------------------------------------------------------------


def end_of_working_day(
    moment: dt.datetime, calendar: BusinessCalendar, days: int = 0
) -> dt.datetime:
    """The end of the working day ``moment`` falls in (the next one when it is outside working
    time), ``days`` working days later. For a 24×7 calendar (calendar time): 23:59:59 local of
    the day ``moment`` falls in, ``days`` days on, whatever the weekday or holiday."""
    start = next_working_instant(moment, calendar)
    day = calendar.local_date(start)
    if calendar.kind == "24x7":
        return dt.datetime.combine(
            day + dt.timedelta(days=days), dt.time(23, 59, 59), tzinfo=calendar.tz
        )
    counted = 0
    for _ in range(MAX_DAYS_AHEAD):
        if calendar.is_workday(day):
            if counted == days:
                bounds = list(calendar.bounds(day))
                return bounds[-1][1].astimezone(calendar.tz)
            counted += 1
        day += dt.timedelta(days=1)
    raise ValueError("no working day within ten years")


def target_seconds(
    policy: PolicyRule, clock: str, start: dt.datetime, calendar: BusinessCalendar
) -> int | None:
    """The clock's target in seconds of active time, or None when the policy sets none."""
    if clock == FIRST_RESPONSE:
        minutes = policy.first_response_minutes
        return None if minutes is None else int(minutes) * 60
    if policy.resolution_days is not None:
        deadline = end_of_working_day(start, calendar, int(policy.resolution_days))
        # rounded up: a start with a fraction of a second never moves the deadline before
        # 23:59:59 (the end of the day it was reported)
        return max(0, math.ceil(business_seconds_between(start, deadline, calendar)))
    if policy.resolution_minutes is None:
        return None
    return int(policy.resolution_minutes) * 60


def level_thresholds(target: int, warning_percent: int, step_percent: int) -> list[tuple[int, int]]:
    """[(level, seconds of active time)] for warning, breach and the two escalation steps."""
    warning = target * warning_percent // 100
    step = target * step_percent // 100
    return [
        (WARNING, warning),
        (BREACH, target),
        (SUPERVISOR_LEVEL, target + step),
        (MANAGER_LEVEL, target + 2 * step),
    ]


def at_active(
    start: dt.datetime, active: int, paused: int, calendar: BusinessCalendar
) -> dt.datetime:
    """The instant at which ``active`` seconds of active time have passed since ``start``,
    given ``paused`` seconds of counted time already spent paused."""
    return add_business_seconds(start, active + paused, calendar)


def deadline(
    start: dt.datetime, target: int, paused: int, calendar: BusinessCalendar
) -> dt.datetime:
    """The clock's deadline: ``target`` active seconds after ``start``, later by the paused time."""
    return at_active(start, target, paused, calendar)


def next_level_at(
    start: dt.datetime,
    target: int,
    paused: int,
    calendar: BusinessCalendar,
    *,
    after_level: int | None,
    warning_percent: int,
    step_percent: int,
) -> tuple[int, dt.datetime] | None:
    """The next level to fire after ``after_level`` (None: none fired yet) and when."""
    for level, seconds in level_thresholds(target, warning_percent, step_percent):
        if after_level is None or level > after_level:
            return level, at_active(start, seconds, paused, calendar)
    return None


def counted_seconds(a: dt.datetime, b: dt.datetime, calendar: BusinessCalendar) -> int:
    """Counted (business or calendar) time from ``a`` to ``b``, whole seconds, never negative."""
    return max(0, int(business_seconds_between(a, b, calendar)))


@dataclass(frozen=True)
class ClockState:
    """What the ticket page and the API show for one clock."""

    clock: str
    target: int
    elapsed: int
    remaining: int
    paused: bool
    stopped: bool
    due_at: dt.datetime | None
    warning: bool
    breached: bool

    @property
    def percent(self) -> int:
        return min(999, self.elapsed * 100 // self.target) if self.target else 100


def clock_state(
    *,
    clock: str,
    start: dt.datetime,
    target: int,
    paused_seconds: int,
    paused_since: dt.datetime | None,
    stopped_at: dt.datetime | None,
    now: dt.datetime,
    calendar: BusinessCalendar,
    warning_percent: int = DEFAULT_WARNING_PERCENT,
) -> ClockState:
    """Elapsed active time up to now (or to the stop, or to the start of the current pause)."""
    until = stopped_at or paused_since or now
    elapsed = max(0, counted_seconds(start, until, calendar) - paused_seconds)
    due = None if paused_since is not None else deadline(start, target, paused_seconds, calendar)
    return ClockState(
        clock=clock,
        target=target,
        elapsed=elapsed,
        remaining=target - elapsed,
        paused=paused_since is not None and stopped_at is None,
        stopped=stopped_at is not None,
        due_at=due,
        warning=elapsed >= target * warning_percent // 100 and elapsed < target,
        breached=elapsed > target or (elapsed == target and stopped_at is None),
    )
