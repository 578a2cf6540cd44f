"""Roster results and the under-coverage diagnostic (spec §1.12; issue 6 §3), no Django import.

For every (day, interval, group) left short, ``explain_gaps`` looks at each agent with that skill and
asks, against the finished roster, why that agent is not on a shift covering the interval: on leave,
already covering it for another group, pinned elsewhere, busy on another shift, or — had they been
given a covering shift — which rule would break (rest, consecutive days, days off, weekly hours, fair
share). The reasons are computed from the data, not guessed; ``unused`` only appears when the solver
stopped at its time limit before finding a better roster.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kefu.workforce.roster_model import (
    Agent,
    Assignment,
    RosterProblem,
    ShiftTemplate,
    fair_share_range,
)

#: Reason codes, in the order the text lists them; views translate them by code.
REASONS = {
    "no_shift_covers": "no shift template covers this interval",
    "no_skill": "no agent has this skill",
    "on_leave": "on leave",
    "in_training": "in a booked training class",
    "busy": "busy at that time",
    "covering_other_group": "covering it for another group",
    "pinned_elsewhere": "pinned to another shift or day off",
    "assigned_elsewhere": "working a shift that does not cover it",
    "rest": "would break the minimum rest",
    "consecutive_days": "at the consecutive-days limit",
    "days_off": "would lose a required day off",
    "weekly_hours": "at the weekly-hours limit",
    "fair_share": "at the fair share of nights or weekends",
    "unused": "free (the solver stopped at its time limit)",
}
#: reasons that take the agent out of an option altogether (leave, busy time of other apps)
BLOCKED = frozenset({"on_leave", "in_training", "busy"})


@dataclass(frozen=True)
class Explanation:
    """Why (day, interval, group) is short: a primary reason and skilled agents counted per reason."""

    day: int
    interval: int
    group: str
    required: int
    scheduled: int
    reason: str
    agents: dict[str, int]
    text: str

    @property
    def short(self) -> int:
        return self.required - self.scheduled


@dataclass(frozen=True)
class PhaseStat:
    name: str
    status: str
    objective: float
    bound: float
    seconds: float
    limit: float = float("nan")  # the time limit CP-SAT was given for this phase


@dataclass
class RosterResult:
    """A roster with its coverage figures; cost in yuan, time in seconds."""

    status: str
    assignments: list[Assignment]
    scheduled: dict[tuple[int, int, str], int]
    required_total: int
    under_total: int
    over_total: int
    cost: float
    wall_seconds: float
    explanations: list[Explanation] = field(default_factory=list)
    phases: list[PhaseStat] = field(default_factory=list)
    message: str = ""

    def summary(self) -> dict[str, object]:
        """Figures for JSON output."""
        req = self.required_total or 1
        return {
            "status": self.status,
            "required": self.required_total,
            "under": self.under_total,
            "over": self.over_total,
            "under_pct": round(100 * self.under_total / req, 2),
            "over_pct": round(100 * self.over_total / req, 2),
            "cost": round(self.cost, 2),
            "shifts": sum(1 for a in self.assignments if a.group is not None),
            "seconds": round(self.wall_seconds, 2),
            "explained_gaps": len(self.explanations),
        }


def coverage(
    problem: RosterProblem, assignments: Iterable[Assignment]
) -> dict[tuple[int, int, str], int]:
    """Scheduled agents per (day, interval, group)."""
    shifts = problem.shift_by_code
    out: dict[tuple[int, int, str], int] = defaultdict(int)
    for a in assignments:
        if a.group is None:
            continue
        for d, i in problem.covered_cells(shifts[a.shift], a.day):
            out[(d, i, a.group)] += 1
    return dict(out)


def build_result(
    problem: RosterProblem,
    assignments: list[Assignment],
    *,
    status: str,
    wall_seconds: float,
    phases: list[PhaseStat] | None = None,
    message: str = "",
) -> RosterResult:
    """Coverage, under/over totals, cost and an explanation for every short interval."""
    scheduled = coverage(problem, assignments)
    under = over = 0
    for d in range(problem.days):
        for i in range(problem.intervals_per_day):
            for g in problem.groups:
                diff = scheduled.get((d, i, g), 0) - problem.requirement.get(d, i, g)
                under += max(0, -diff)
                over += max(0, diff)
    agents = problem.agent_by_id
    shifts = problem.shift_by_code
    cost = sum(problem.cost_fen(agents[a.agent_id], shifts[a.shift]) for a in assignments) / 100
    return RosterResult(
        status=status,
        assignments=sorted(assignments, key=lambda a: (a.day, a.agent_id, a.shift)),
        scheduled=scheduled,
        required_total=problem.requirement.total,
        under_total=under,
        over_total=over,
        cost=cost,
        wall_seconds=wall_seconds,
        explanations=explain_gaps(problem, assignments, scheduled),
        phases=phases or [],
        message=message,
    )


class RosterState:
    """Index of a roster for what-if checks: which rule would adding one shift break?"""

    def __init__(self, problem: RosterProblem, assignments: Iterable[Assignment]) -> None:
        self.problem = problem
        self.shifts = problem.shift_by_code
        self.work: dict[tuple[str, int], Assignment] = {}
        self.items: dict[tuple[str, int], list[ShiftTemplate]] = defaultdict(list)
        for a in assignments:
            shift = self.shifts[a.shift]
            self.items[(a.agent_id, a.day)].append(shift)
            if shift.covers:
                self.work[(a.agent_id, a.day)] = a
        self.pinned = {(p.agent_id, p.day) for p in problem.pins}
        self.nights: dict[str, int] = defaultdict(int)
        self.weekends: dict[str, int] = defaultdict(int)
        self.highest: dict[str, int] = {}
        for a in self.work.values():
            self._count(a)

    def _count(self, a: Assignment) -> None:
        for key, counts, hit in (
            ("nights", self.nights, self.shifts[a.shift].kind == "night"),
            ("weekends", self.weekends, self.problem.is_weekend(a.day)),
        ):
            if hit:
                counts[a.agent_id] += 1
                self.highest[key] = max(self.highest.get(key, 0), counts[a.agent_id])

    def add(self, a: Assignment) -> None:
        """Put one more assignment on the roster (the greedy baseline builds it this way)."""
        shift = self.shifts[a.shift]
        self.items[(a.agent_id, a.day)].append(shift)
        if shift.covers:
            self.work[(a.agent_id, a.day)] = a
            self._count(a)

    def broken_rule(self, agent: Agent, day: int, shift: ShiftTemplate) -> str | None:
        """The first rule broken by adding ``shift`` on ``day`` to a free agent, else None."""
        p = self.problem
        for other_day in (day - 2, day - 1):
            for s in self.items.get((agent.id, other_day), []):
                if p.rest_conflict(s, other_day, shift, day):
                    return "rest"
        for other_day in (day + 1, day + 2):
            for s in self.items.get((agent.id, other_day), []):
                if p.rest_conflict(shift, day, s, other_day):
                    return "rest"
        run = 1
        d = day - 1
        while d >= 0 and (agent.id, d) in self.work:
            run, d = run + 1, d - 1
        d = day + 1
        while d < p.days and (agent.id, d) in self.work:
            run, d = run + 1, d + 1
        if run > p.rules.max_consecutive_days:
            return "consecutive_days"
        week = p.weeks()[day // 7]
        worked = sum(1 for d in week if (agent.id, d) in self.work)
        if worked + 1 > len(week) - p.min_days_off(len(week)):
            return "days_off"
        minutes = sum(s.paid_minutes for d in week for s in self.items.get((agent.id, d), []))
        if minutes + shift.paid_minutes > p.weekly_minutes_cap(agent, len(week)):
            return "weekly_hours"
        for key, counts, limit, applies in (
            ("nights", self.nights, p.rules.max_nights_deviation, shift.kind == "night"),
            ("weekends", self.weekends, p.rules.max_weekends_deviation, p.is_weekend(day)),
        ):
            if limit is None or not applies:
                continue
            # the range only widens when this agent becomes the new maximum
            if counts[agent.id] + 1 <= self.highest.get(key, 0):
                continue
            after = {a.id: counts[a.id] for a in p.agents}
            after[agent.id] += 1
            lo, hi = fair_share_range(p, after)
            if hi - lo > limit:
                return "fair_share"
        return None

    def agent_reason(
        self, agent: Agent, group: str, options: list[tuple[int, ShiftTemplate]]
    ) -> str | None:
        """Why ``agent`` is not covering the cell for ``group``; None when they already are.

        ``options`` are the (start day, template) pairs covering the cell, nearest first; an
        agent free on several of them gets the reason of the first one not blocked by leave.
        """
        reasons = []
        for day, shift in options:
            if day in agent.unavailable_days:
                reasons.append("on_leave")
                continue
            busy = agent.busy_reason(day, shift)
            if busy is not None:
                reasons.append(busy)
                continue
            current = self.work.get((agent.id, day))
            if current is not None and current.shift == shift.code:
                if current.group == group:
                    return None
                reasons.append("covering_other_group")
            elif (agent.id, day) in self.pinned:
                reasons.append("pinned_elsewhere")
            elif current is not None:
                reasons.append("assigned_elsewhere")
            else:
                reasons.append(self.broken_rule(agent, day, shift) or "unused")
        if "covering_other_group" in reasons:
            return "covering_other_group"
        # leave and busy time only explain the gap when every covering option is blocked
        free = [r for r in reasons if r not in BLOCKED]
        if free:
            return free[0]
        return next((r for r in reasons if r != "on_leave"), "on_leave")


def explain_gaps(
    problem: RosterProblem,
    assignments: Iterable[Assignment],
    scheduled: dict[tuple[int, int, str], int] | None = None,
) -> list[Explanation]:
    """One explanation per under-covered (day, interval, group), in time order."""
    assignments = list(assignments)
    if scheduled is None:
        scheduled = coverage(problem, assignments)
    roster = RosterState(problem, assignments)
    covering: dict[tuple[int, int], list[tuple[int, ShiftTemplate]]] = defaultdict(list)
    for day in range(problem.days):
        for shift in problem.work_shifts:
            for cell in problem.covered_cells(shift, day):
                covering[cell].append((day, shift))
    skilled = {g: [a for a in problem.agents if g in a.groups] for g in problem.groups}
    out = []
    for (d, i, g), req in sorted(problem.requirement.need.items()):
        have = scheduled.get((d, i, g), 0)
        if have >= req:
            continue
        options = sorted(covering.get((d, i), []), key=lambda o: (abs(o[0] - d), o[0]))
        counts: Counter[str] = Counter()
        if not options:
            primary = "no_shift_covers"
        elif not skilled[g]:
            primary = "no_skill"
        else:
            for agent in skilled[g]:
                reason = roster.agent_reason(agent, g, options)
                if reason is not None:
                    counts[reason] += 1
            primary = _primary(counts)
        out.append(
            Explanation(
                day=d,
                interval=i,
                group=g,
                required=req,
                scheduled=have,
                reason=primary,
                agents=dict(counts),
                text=_text(problem, d, i, g, req, have, primary, counts),
            )
        )
    return out


def _primary(counts: Counter[str]) -> str:
    """The reason holding back most skilled agents (ties by the order of REASONS)."""
    if not counts:
        return "no_skill"
    order = list(REASONS)
    return min(counts, key=lambda r: (-counts[r], order.index(r)))


def _text(
    problem: RosterProblem,
    d: int,
    i: int,
    g: str,
    req: int,
    have: int,
    primary: str,
    counts: Counter[str],
) -> str:
    minute = i * problem.interval_minutes
    when = f"day {d} {minute // 60:02d}:{minute % 60:02d} {g}"
    if not counts:
        return f"{when}: {req - have} short; {REASONS[primary]}"
    order = list(REASONS)
    parts = ", ".join(
        f"{n} {REASONS[r]}" for r, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
    )
    return f"{when}: {req - have} short of {req}; other agents with the skill: {parts}"
