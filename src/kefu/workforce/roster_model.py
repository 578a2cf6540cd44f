"""Roster data model and rule checker (spec §1.12 SCH-1…SCH-9): plain dataclasses, no Django.

Time is counted in minutes from 00:00 of the first day of the horizon. Day ``d`` starts at minute
``d * 1440``; a shift that starts on day ``d`` belongs to day ``d`` even when it ends the next
morning (the night shift 21:00–07:00). A "week" is a block of 7 days counted from the first day
of the horizon (the instance generator starts horizons on a Monday).

The solver (``roster_solver``), the greedy baseline (``roster_greedy``) and the diagnostics
(``roster_explain``) all use the rule helpers here, and ``roster_violations`` re-checks any finished
roster against every rule independently of how it was built.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

MINUTES_PER_DAY = 1440

ShiftKind = Literal["day", "night", "early_class"]


class RosterInputError(ValueError):
    """The roster problem is inconsistent (unknown agent or shift in a pin, bad template…)."""


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift pattern: start minute of the day, duration, optional second part (split shift).

    ``kind`` is ``night`` for shifts counted in the fair share of nights and ``early_class`` for the
    1-hour 早课 training slot (SCH-3): it is paid and counts towards weekly hours, but it covers no
    requirement, and it is only attended on a day the agent also works a shift it does not overlap.
    """

    code: str
    start: int
    duration: int
    second_start: int | None = None
    second_duration: int = 0
    kind: ShiftKind = "day"
    label: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise RosterInputError(f"shift {self.code}: start must be within the day")
        if not 0 < self.duration <= MINUTES_PER_DAY:
            raise RosterInputError(f"shift {self.code}: duration must be 1–1440 minutes")
        if self.second_start is not None:
            if self.second_duration <= 0:
                raise RosterInputError(f"shift {self.code}: the second part needs a duration")
            if self.second_start < self.start + self.duration:
                raise RosterInputError(f"shift {self.code}: the second part must follow the first")
            if self.second_start + self.second_duration > 2 * MINUTES_PER_DAY:
                raise RosterInputError(f"shift {self.code}: the second part ends too late")
        elif self.second_duration:
            raise RosterInputError(f"shift {self.code}: second duration without a second start")

    @property
    def parts(self) -> tuple[tuple[int, int], ...]:
        """Worked periods as (start, end) minutes from 00:00 of the shift's day; end may pass 1440."""
        first = (self.start, self.start + self.duration)
        if self.second_start is None:
            return (first,)
        return (first, (self.second_start, self.second_start + self.second_duration))

    @property
    def end(self) -> int:
        """End minute of the last part, from 00:00 of the shift's day."""
        return self.parts[-1][1]

    @property
    def paid_minutes(self) -> int:
        return self.duration + self.second_duration

    @property
    def covers(self) -> bool:
        """Whether the shift counts towards coverage (the early class is training, not coverage)."""
        return self.kind != "early_class"

    def overlaps(self, other: ShiftTemplate) -> bool:
        """Whether two templates on the same day overlap in time."""
        return any(a < d and c < b for a, b in self.parts for c, d in other.parts)


@dataclass(frozen=True)
class Agent:
    """An agent: skill groups (售前/催付/售后/退款), weekly hours limit, leave days, cost per hour (yuan)."""

    id: str
    groups: tuple[str, ...]
    cost_per_hour: float = 0.0
    max_weekly_hours: float | None = None
    unavailable_days: frozenset[int] = frozenset()
    name: str = ""
    #: busy periods within days (a booked training class): (start, end) minutes from 00:00 of
    #: the horizon's first day, optionally with a reason code third ("in_training"); no
    #: covering shift may overlap one
    busy: tuple[tuple, ...] = ()

    def blocked(self, day: int, shift: ShiftTemplate) -> bool:
        """Whether the agent cannot work ``shift`` on ``day``: leave, or busy time it overlaps."""
        if day in self.unavailable_days:
            return True
        return self.busy_reason(day, shift) is not None

    def busy_reason(self, day: int, shift: ShiftTemplate) -> str | None:
        """The reason code of the first busy period ``shift`` on ``day`` overlaps ("busy" when
        the period names none), or None when it overlaps none."""
        if not self.busy or not shift.covers:
            return None
        base = day * MINUTES_PER_DAY
        for start, end, *why in self.busy:
            if any(base + a < end and start < base + b for a, b in shift.parts):
                return why[0] if why else "busy"
        return None

    def __post_init__(self) -> None:
        if not self.groups:
            raise RosterInputError(f"agent {self.id}: needs at least one group")
        if self.cost_per_hour < 0:
            raise RosterInputError(f"agent {self.id}: cost per hour cannot be negative")


@dataclass(frozen=True)
class Rules:
    """Working-time rules; every value is a per-business-line policy (spec §9 preamble)."""

    max_consecutive_days: int = 6
    min_rest_hours: float = 11
    weekly_hours_cap: float = 44
    min_days_off_per_week: int = 1
    max_nights_deviation: int | None = 2
    max_weekends_deviation: int | None = 2
    early_classes_per_week: int = 0

    @property
    def min_rest_minutes(self) -> int:
        return round(self.min_rest_hours * 60)


@dataclass(frozen=True)
class Requirement:
    """Required agents per (day, interval, group); missing keys mean 0."""

    need: Mapping[tuple[int, int, str], int]

    def get(self, day: int, interval: int, group: str) -> int:
        return self.need.get((day, interval, group), 0)

    @property
    def total(self) -> int:
        return sum(self.need.values())


@dataclass(frozen=True)
class Pin:
    """A manager's fixed decision: this agent works this shift (for this group) on this day.

    ``shift`` None pins a day off. ``group`` None lets the optimiser choose among the agent's groups.
    """

    agent_id: str
    day: int
    shift: str | None
    group: str | None = None


@dataclass(frozen=True)
class Assignment:
    """One agent working one shift on one day for one group (None for the early class)."""

    agent_id: str
    day: int
    shift: str
    group: str | None


@dataclass(frozen=True)
class RosterProblem:
    start_date: dt.date
    days: int
    groups: tuple[str, ...]
    shifts: tuple[ShiftTemplate, ...]
    agents: tuple[Agent, ...]
    requirement: Requirement
    rules: Rules = field(default_factory=Rules)
    pins: tuple[Pin, ...] = ()
    interval_minutes: int = 30

    def __post_init__(self) -> None:
        if self.days <= 0:
            raise RosterInputError("the horizon needs at least one day")
        if MINUTES_PER_DAY % self.interval_minutes:
            raise RosterInputError("the interval length must divide a day")
        codes = [s.code for s in self.shifts]
        if len(set(codes)) != len(codes):
            raise RosterInputError("shift codes must be unique")
        ids = [a.id for a in self.agents]
        if len(set(ids)) != len(ids):
            raise RosterInputError("agent ids must be unique")
        for a in self.agents:
            unknown = set(a.groups) - set(self.groups)
            if unknown:
                raise RosterInputError(f"agent {a.id}: unknown group {sorted(unknown)[0]}")
        for d, i, g in self.requirement.need:
            if not (0 <= d < self.days and 0 <= i < self.intervals_per_day and g in self.groups):
                raise RosterInputError(f"requirement outside the horizon: {(d, i, g)}")
        agents = self.agent_by_id
        shifts = self.shift_by_code
        seen: set[tuple[str, int]] = set()
        for p in self.pins:
            if p.agent_id not in agents:
                raise RosterInputError(f"pin for unknown agent {p.agent_id}")
            if not 0 <= p.day < self.days:
                raise RosterInputError(f"pin for {p.agent_id} outside the horizon")
            if (p.agent_id, p.day) in seen:
                raise RosterInputError(f"conflicting pins for {p.agent_id} on day {p.day}")
            seen.add((p.agent_id, p.day))
            if p.shift is None:
                continue
            if p.shift not in shifts:
                raise RosterInputError(f"pin for unknown shift {p.shift}")
            agent = agents[p.agent_id]
            if p.day in agent.unavailable_days:
                raise RosterInputError(f"pin for {p.agent_id} on a leave day")
            if p.group is not None and p.group not in agent.groups:
                raise RosterInputError(f"pin for {p.agent_id} in a group outside their skills")

    # -- lookups -------------------------------------------------------------------------------
    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def agent_by_id(self) -> dict[str, Agent]:
        return {a.id: a for a in self.agents}

    @property
    def shift_by_code(self) -> dict[str, ShiftTemplate]:
        return {s.code: s for s in self.shifts}

    @property
    def work_shifts(self) -> tuple[ShiftTemplate, ...]:
        return tuple(s for s in self.shifts if s.kind != "early_class")

    @property
    def early_classes(self) -> tuple[ShiftTemplate, ...]:
        return tuple(s for s in self.shifts if s.kind == "early_class")

    def is_weekend(self, day: int) -> bool:
        return (self.start_date + dt.timedelta(days=day)).weekday() >= 5

    def weeks(self) -> list[range]:
        """7-day blocks from the first day; the last one may be shorter."""
        return [range(w, min(w + 7, self.days)) for w in range(0, self.days, 7)]

    def weekly_minutes_cap(self, agent: Agent, week_len: int) -> int:
        """Weekly paid-minutes cap (rules cap or the agent's own limit, whichever is lower).

        A short last week keeps the full cap: the rest of that week lies outside the horizon.
        """
        hours = self.rules.weekly_hours_cap
        if agent.max_weekly_hours is not None:
            hours = min(hours, agent.max_weekly_hours)
        return math.floor(hours * 60)

    def min_days_off(self, week_len: int) -> int:
        """Days off required in a block of ``week_len`` days (prorated, rounded down)."""
        return self.rules.min_days_off_per_week * week_len // 7

    def covered_cells(self, shift: ShiftTemplate, day: int) -> list[tuple[int, int]]:
        """(day, interval) cells inside the horizon covered by ``shift`` starting on ``day``.

        An interval counts as covered when the shift spans all of it (templates are expected on the
        interval grid; a shift starting mid-interval does not cover that interval).
        """
        if not shift.covers:
            return []
        n = self.interval_minutes
        cells = []
        for a, b in shift.parts:
            first = -(-a // n)
            for k in range(first, b // n):
                d, i = divmod(k, self.intervals_per_day)
                if day + d < self.days:
                    cells.append((day + d, i))
        return cells

    def cost_fen(self, agent: Agent, shift: ShiftTemplate) -> int:
        """Cost of one shift in fen (integer, for the solver)."""
        return round(agent.cost_per_hour * 100 * shift.paid_minutes / 60)

    def rest_conflict(self, s: ShiftTemplate, day_s: int, t: ShiftTemplate, day_t: int) -> bool:
        """Whether ``s`` on ``day_s`` and ``t`` on a later ``day_t`` leave less than the minimum rest."""
        if day_t <= day_s:
            raise ValueError("rest_conflict needs day_t after day_s")
        gap = day_t * MINUTES_PER_DAY + t.start - (day_s * MINUTES_PER_DAY + s.end)
        return gap < self.rules.min_rest_minutes


# -- independent rule check ----------------------------------------------------------------------
@dataclass(frozen=True)
class Violation:
    rule: str
    agent_id: str
    day: int
    detail: str


def roster_violations(problem: RosterProblem, assignments: Iterable[Assignment]) -> list[Violation]:
    """Every broken rule in a finished roster (used by tests and to vet the greedy baseline)."""
    shifts = problem.shift_by_code
    rules = problem.rules
    out: list[Violation] = []
    by_agent: dict[str, dict[int, list[Assignment]]] = defaultdict(lambda: defaultdict(list))
    for a in assignments:
        by_agent[a.agent_id][a.day].append(a)
    pins = {(p.agent_id, p.day): p for p in problem.pins}
    for (agent_id, day), pin in pins.items():
        work = [a for a in by_agent[agent_id][day] if shifts[a.shift].covers]
        if pin.shift is None and work:
            out.append(Violation("pin", agent_id, day, "pinned day off is worked"))
        elif pin.shift is not None and not any(
            a.shift == pin.shift and (pin.group is None or a.group == pin.group) for a in work
        ):
            out.append(Violation("pin", agent_id, day, f"pinned {pin.shift} missing"))
    nights: dict[str, int] = {}
    weekends: dict[str, int] = {}
    for agent in problem.agents:
        days = by_agent[agent.id]
        worked = [False] * problem.days
        for day, items in days.items():
            work = [a for a in items if shifts[a.shift].covers]
            early = [a for a in items if not shifts[a.shift].covers]
            if day in agent.unavailable_days:
                out.append(Violation("leave", agent.id, day, "works on a leave day"))
            elif (agent.id, day) not in pins and any(
                agent.blocked(day, shifts[a.shift]) for a in work
            ):
                out.append(Violation("leave", agent.id, day, "works during busy time"))
            if len(work) > 1:
                out.append(Violation("one_shift", agent.id, day, "more than one shift a day"))
            out.extend(
                Violation("skill", agent.id, day, f"works for {a.group}")
                for a in work
                if a.group not in agent.groups
            )
            if len(early) > 1:
                out.append(Violation("early_class", agent.id, day, "two early classes a day"))
            out.extend(
                Violation("early_class", agent.id, day, "no compatible shift")
                for e in early
                if not work or any(shifts[e.shift].overlaps(shifts[w.shift]) for w in work)
            )
            worked[day] = bool(work)
        # rest between consecutive duties on different days (including across midnight)
        for day, items in days.items():
            out.extend(
                Violation("rest", agent.id, later, f"{a.shift} → {b.shift}")
                for later in (day + 1, day + 2)
                for a in items
                for b in days.get(later, [])
                if problem.rest_conflict(shifts[a.shift], day, shifts[b.shift], later)
            )
        run = 0
        for day in range(problem.days):
            run = run + 1 if worked[day] else 0
            if run > rules.max_consecutive_days:
                out.append(Violation("consecutive_days", agent.id, day, f"{run} days in a row"))
        for week in problem.weeks():
            minutes = sum(shifts[a.shift].paid_minutes for d in week for a in days.get(d, []))
            if minutes > problem.weekly_minutes_cap(agent, len(week)):
                out.append(Violation("weekly_hours", agent.id, week[0], f"{minutes / 60:g} h"))
            off = sum(1 for d in week if not worked[d])
            if off < problem.min_days_off(len(week)):
                out.append(Violation("days_off", agent.id, week[0], f"{off} days off"))
            early = sum(1 for d in week for a in days.get(d, []) if not shifts[a.shift].covers)
            if (
                early < rules.early_classes_per_week
                and len(week) == 7
                and _early_class_possible(problem, agent, week)
            ):
                out.append(Violation("early_class", agent.id, week[0], "missing early class"))
        nights[agent.id] = sum(
            1 for items in days.values() for a in items if shifts[a.shift].kind == "night"
        )
        weekends[agent.id] = sum(
            1 for d in range(problem.days) if worked[d] and problem.is_weekend(d)
        )
    for rule, counts, limit in (
        ("fair_nights", nights, rules.max_nights_deviation),
        ("fair_weekends", weekends, rules.max_weekends_deviation),
    ):
        lo, hi = fair_share_range(problem, counts)
        if limit is not None and hi - lo > limit:
            out.append(Violation(rule, "", 0, f"range {lo}–{hi} exceeds {limit}"))
    return out


def fully_available(problem: RosterProblem, agent: Agent) -> bool:
    """Agents without leave in the horizon; fair-share lower bounds apply only to them."""
    return not any(0 <= d < problem.days for d in agent.unavailable_days)


def fair_share_range(problem: RosterProblem, counts: Mapping[str, int]) -> tuple[int, int]:
    """(min over fully available agents, max over all agents) of a per-agent count.

    Fair share of nights and weekends: the busiest agent may exceed the least busy fully available
    agent by at most the rule's deviation. Agents with leave are only held to the upper end.
    """
    hi = max(counts.values(), default=0)
    full = [counts.get(a.id, 0) for a in problem.agents if fully_available(problem, a)]
    lo = min(full) if full else 0
    return lo, hi


def _early_class_possible(problem: RosterProblem, agent: Agent, week: range) -> bool:
    """An agent on leave the whole week is not required to attend an early class."""
    return any(d not in agent.unavailable_days for d in week)
