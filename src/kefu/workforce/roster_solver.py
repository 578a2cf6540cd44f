"""Roster optimiser on OR-Tools CP-SAT (issue 6 §3; spec §1.12), no Django import.

Decision variables: ``x[a, d, s, g]`` — agent ``a`` works shift template ``s`` starting on day ``d``
for group ``g``. An agent with several skills is counted in exactly one group per worked shift, so
coverage per group is ``Σ x`` over the shifts covering the interval. Early classes (早课) are separate
booleans ``e[a, d, c]`` that cover nothing.

Objective, lexicographic: (1) fewest under-covered agent-intervals, (2) then fewest over-covered,
(3) then lowest cost. It is solved as three successive solves, each fixing the previous phase's
best value as a constraint (``Σ under ≤ U*``, then ``Σ over ≤ O*``) and hinting the previous
solution. A single weighted objective would need ``w_under > max(over)·w_over + max(cost)``: for
200 agents × 28 days that is about 10^11 per unit of under-coverage with objective values near
10^17, which weakens CP-SAT's LP bounds and leaves little int64 headroom; successive solves keep
every objective small and the order exact. When a phase stops at its time limit without proof,
the next phase keeps the best value found (never worse), and the result's status is ``feasible``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from ortools.sat.python import cp_model

from kefu.workforce.roster_explain import PhaseStat, RosterResult, build_result
from kefu.workforce.roster_model import (
    Assignment,
    Pin,
    RosterProblem,
    fully_available,
)

#: Share of the remaining time given to each phase; a phase proved optimal early leaves the rest
#: to the next one. Under-coverage matters most, so it gets the largest slice.
PHASE_SHARES = (("under", 0.6), ("over", 0.5), ("cost", 1.0))

_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


class _Model:
    """The CP-SAT model of one roster problem."""

    def __init__(self, problem: RosterProblem) -> None:
        self.p = problem
        self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int, int, str], cp_model.IntVar] = {}
        self.e: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.under: list[cp_model.IntVar] = []
        self.over: list[cp_model.IntVar] = []
        self.under_const = 0
        self.cost_terms: list[tuple[cp_model.IntVar, int]] = []
        self._build()

    # -- variables ------------------------------------------------------------------------------
    def _build(self) -> None:
        p, m = self.p, self.m
        shifts = list(p.shifts)
        pins = {(pin.agent_id, pin.day): pin for pin in p.pins}
        work_idx = [k for k, s in enumerate(shifts) if s.covers]
        early_idx = [k for k, s in enumerate(shifts) if not s.covers]
        # w[a][d][s]: a works template s on day d (any group)
        w: list[list[dict[int, cp_model.LinearExprT]]] = []
        for ai, agent in enumerate(p.agents):
            days: list[dict[int, cp_model.LinearExprT]] = []
            for d in range(p.days):
                row: dict[int, cp_model.LinearExprT] = {}
                pin = pins.get((agent.id, d))
                if d in agent.unavailable_days or (pin is not None and pin.shift is None):
                    days.append(row)
                    continue
                for si in work_idx:
                    shift = shifts[si]
                    if pin is not None and pin.shift != shift.code:
                        continue
                    if pin is None and agent.blocked(d, shift):
                        continue
                    groups = agent.groups
                    if pin is not None and pin.group is not None:
                        groups = (pin.group,)
                    xs = []
                    for g in groups:
                        var = m.new_bool_var(f"x_{ai}_{d}_{si}_{g}")
                        self.x[(ai, d, si, g)] = var
                        xs.append(var)
                    cost = p.cost_fen(agent, shift)
                    if len(xs) == 1:
                        row[si] = xs[0]
                        self.cost_terms.append((xs[0], cost))
                    else:
                        ws = m.new_bool_var(f"w_{ai}_{d}_{si}")
                        m.add(sum(xs) == ws)
                        row[si] = ws
                        self.cost_terms.append((ws, cost))
                    if pin is not None:
                        m.add(row[si] == 1)
                if row:
                    m.add_at_most_one(row.values())
                    for ci in early_idx:
                        compatible = [
                            v for si, v in row.items() if not shifts[si].overlaps(shifts[ci])
                        ]
                        if not compatible:
                            continue
                        ev = m.new_bool_var(f"e_{ai}_{d}_{ci}")
                        self.e[(ai, d, ci)] = ev
                        m.add(ev <= sum(compatible))
                        self.cost_terms.append((ev, p.cost_fen(agent, shifts[ci])))
                    early_today = [self.e[(ai, d, ci)] for ci in early_idx if (ai, d, ci) in self.e]
                    if len(early_today) > 1:
                        m.add_at_most_one(early_today)
                days.append(row)
            w.append(days)
        self._rules(w, shifts)
        self._coverage(shifts)

    def _rules(self, w, shifts) -> None:
        p, m, rules = self.p, self.m, self.p.rules
        early_by_agent_day: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(
            list
        )
        for (ai, d, ci), v in self.e.items():
            early_by_agent_day[(ai, d)].append((ci, v))
        nights: list[cp_model.LinearExprT] = []
        weekends: list[cp_model.LinearExprT] = []
        for ai, agent in enumerate(p.agents):

            def items(d: int, ai: int = ai) -> list[tuple[int, cp_model.LinearExprT]]:
                if not 0 <= d < p.days:
                    return []
                return list(w[ai][d].items()) + list(early_by_agent_day.get((ai, d), []))

            worked = [sum(w[ai][d].values()) if w[ai][d] else 0 for d in range(p.days)]
            # minimum rest between duties on different days (night shift ends the next morning)
            for d in range(p.days):
                for si, v in items(d):
                    for later in (d + 1, d + 2):
                        later_items = items(later)
                        work_conf = [
                            u
                            for ti, u in later_items
                            if shifts[ti].covers
                            and p.rest_conflict(shifts[si], d, shifts[ti], later)
                        ]
                        if work_conf:
                            m.add(v + sum(work_conf) <= 1)
                        for ti, u in later_items:
                            if not shifts[ti].covers and p.rest_conflict(
                                shifts[si], d, shifts[ti], later
                            ):
                                m.add(v + u <= 1)
            # consecutive workdays
            k = rules.max_consecutive_days
            for d in range(p.days - k):
                window = [worked[t] for t in range(d, d + k + 1)]
                m.add(sum(window) <= k)
            # weekly hours, days off, early classes
            for week in p.weeks():
                minutes = [shifts[si].paid_minutes * v for d in week for si, v in items(d)]
                if minutes:
                    m.add(sum(minutes) <= p.weekly_minutes_cap(agent, len(week)))
                    m.add(sum(worked[d] for d in week) <= len(week) - p.min_days_off(len(week)))
                need = rules.early_classes_per_week
                if need and len(week) == 7 and any(d not in agent.unavailable_days for d in week):
                    m.add(
                        sum(v for d in week for _, v in early_by_agent_day.get((ai, d), [])) >= need
                    )
            nights.append(
                sum(
                    v
                    for d in range(p.days)
                    for si, v in w[ai][d].items()
                    if shifts[si].kind == "night"
                )
            )
            weekends.append(sum(worked[d] for d in range(p.days) if p.is_weekend(d)))
        for counts, limit in (
            (nights, rules.max_nights_deviation),
            (weekends, rules.max_weekends_deviation),
        ):
            if limit is None or not p.agents:
                continue
            hi = m.new_int_var(0, p.days, "fair_hi")
            lo = m.new_int_var(0, p.days, "fair_lo")
            for agent, c in zip(p.agents, counts, strict=True):
                m.add(c <= hi)
                if fully_available(p, agent):
                    m.add(c >= lo)
            m.add(hi - lo <= limit)

    def _coverage(self, shifts) -> None:
        p, m = self.p, self.m
        # n[d, s, g]: agents on template s from day d for group g (aggregated to keep rows short)
        members: dict[tuple[int, int, str], list[cp_model.IntVar]] = defaultdict(list)
        for (_, d, si, g), v in self.x.items():
            members[(d, si, g)].append(v)
        n = {}
        for key, vs in members.items():
            nv = m.new_int_var(0, len(vs), f"n_{key[0]}_{key[1]}_{key[2]}")
            m.add(nv == sum(vs))
            n[key] = nv
        cover: dict[tuple[int, int, str], list[cp_model.IntVar]] = defaultdict(list)
        skilled = {g: sum(1 for a in p.agents if g in a.groups) for g in p.groups}
        for (d, si, g), nv in n.items():
            for cd, ci in p.covered_cells(shifts[si], d):
                cover[(cd, ci, g)].append(nv)
        for d in range(p.days):
            for i in range(p.intervals_per_day):
                for g in p.groups:
                    req = p.requirement.get(d, i, g)
                    terms = cover.get((d, i, g), [])
                    if not terms:
                        self.under_const += req
                        continue
                    over = m.new_int_var(0, skilled[g], f"over_{d}_{i}_{g}")
                    self.over.append(over)
                    if req:
                        under = m.new_int_var(0, req, f"under_{d}_{i}_{g}")
                        self.under.append(under)
                        m.add(sum(terms) + under - over == req)
                    else:
                        m.add(sum(terms) == over)

    # -- solving --------------------------------------------------------------------------------
    def hint(self, assignments: Iterable[Assignment]) -> None:
        index = {a.id: k for k, a in enumerate(self.p.agents)}
        codes = {s.code: k for k, s in enumerate(self.p.shifts)}
        on = set()
        for a in assignments:
            if a.agent_id not in index or a.shift not in codes:
                continue
            ai, si = index[a.agent_id], codes[a.shift]
            if a.group is None:
                on.add(("e", ai, a.day, si))
            else:
                on.add(("x", ai, a.day, si, a.group))
        for key, v in self.x.items():
            self.m.add_hint(v, ("x", *key) in on)
        for key, v in self.e.items():
            self.m.add_hint(v, ("e", *key) in on)

    def assignments(self, solver: cp_model.CpSolver) -> list[Assignment]:
        agents, shifts = self.p.agents, self.p.shifts
        out = [
            Assignment(agents[ai].id, d, shifts[si].code, g)
            for (ai, d, si, g), v in self.x.items()
            if solver.value(v)
        ]
        out += [
            Assignment(agents[ai].id, d, shifts[ci].code, None)
            for (ai, d, ci), v in self.e.items()
            if solver.value(v)
        ]
        return out


def solve_roster(
    problem: RosterProblem,
    *,
    time_limit_seconds: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    hint: Iterable[Assignment] | None = None,
) -> RosterResult:
    """Optimise a roster: under-coverage first, then over-coverage, then cost (see module doc).

    ``time_limit_seconds`` bounds model building plus the three solves; the explanation of the
    remaining gaps runs afterwards over the finished roster. ``hint`` (e.g. the previous roster)
    seeds the search. Infeasible pins or rules give status ``infeasible`` and an empty roster.
    """
    started = time.monotonic()
    deadline = started + time_limit_seconds
    model = _Model(problem)
    if hint is not None:
        model.hint(hint)
    phases: list[PhaseStat] = []
    best: list[Assignment] | None = None
    all_optimal = True
    for name, share in PHASE_SHARES:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05 and best is not None:
            all_optimal = False
            break
        objective = {
            "under": sum(model.under),
            "over": sum(model.over),
            "cost": sum(c * v for v, c in model.cost_terms),
        }[name]
        model.m.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, remaining * share)
        solver.parameters.num_search_workers = workers
        solver.parameters.random_seed = seed
        t0 = time.monotonic()
        code = solver.solve(model.m)
        status = _STATUS.get(code, "unknown")
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            phases.append(
                PhaseStat(
                    name,
                    status,
                    solver.objective_value,
                    solver.best_objective_bound,
                    time.monotonic() - t0,
                    solver.parameters.max_time_in_seconds,
                )
            )
        else:
            phases.append(
                PhaseStat(
                    name,
                    status,
                    float("nan"),
                    float("nan"),
                    time.monotonic() - t0,
                    solver.parameters.max_time_in_seconds,
                )
            )
            if best is None:
                message = (
                    "the rules and pins admit no roster"
                    if code == cp_model.INFEASIBLE
                    else "no roster found within the time limit"
                )
                return build_result(
                    problem,
                    [],
                    status=status,
                    wall_seconds=time.monotonic() - started,
                    phases=phases,
                    message=message,
                )
            all_optimal = False
            break
        all_optimal = all_optimal and code == cp_model.OPTIMAL
        best = model.assignments(solver)
        # fix this phase's value and hint the solution for the next phase
        model.m.add(objective <= round(solver.objective_value))
        model.m.clear_hints()
        for k in range(len(model.m.proto.variables)):
            var = model.m.get_int_var_from_proto_index(k)
            model.m.add_hint(var, solver.value(var))
    assert best is not None
    return build_result(
        problem,
        best,
        status="optimal" if all_optimal else "feasible",
        wall_seconds=time.monotonic() - started,
        phases=phases,
    )


def reoptimise(
    problem: RosterProblem,
    previous: Iterable[Assignment],
    pins: Iterable[Pin],
    *,
    time_limit_seconds: float = 60.0,
    workers: int = 2,
    seed: int = 0,
) -> RosterResult:
    """Re-solve around a manager's edits: ``pins`` stay fixed, the rest is solved from ``previous``."""
    pinned = replace(problem, pins=tuple(problem.pins) + tuple(pins))
    return solve_roster(
        pinned,
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        seed=seed,
        hint=previous,
    )
