"""Greedy roster baseline (the benchmark's yardstick for the CP-SAT optimiser), no Django import.

Largest gap first: repeatedly take the (day, interval, group) with the most missing agents, pick
the covering shift that fills most still-open intervals of that group (minus the intervals it would
over-cover), and give it to the cheapest agent with the skill who can take it without breaking a
rule (the least-used one on ties). An hour a week is held back for the early class; early classes
are placed afterwards on compatible workdays. Pins are placed first. Every rule is respected.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict

from kefu.workforce.roster_explain import RosterResult, RosterState, build_result
from kefu.workforce.roster_model import Assignment, RosterProblem, ShiftTemplate


def greedy_roster(problem: RosterProblem) -> RosterResult:
    """A rule-abiding roster built by filling the largest gaps first (status ``heuristic``)."""
    started = time.monotonic()
    p = problem
    shifts = p.shift_by_code
    state = RosterState(p, [])
    assignments: list[Assignment] = []
    pinned_days = {(pin.agent_id, pin.day) for pin in p.pins}
    for pin in p.pins:
        if pin.shift is not None:
            agent = p.agent_by_id[pin.agent_id]
            a = Assignment(pin.agent_id, pin.day, pin.shift, pin.group or agent.groups[0])
            state.add(a)
            assignments.append(a)
    gap: dict[tuple[int, int, str], int] = dict(p.requirement.need)
    for a in assignments:
        for d, i in p.covered_cells(shifts[a.shift], a.day):
            gap[(d, i, a.group)] = gap.get((d, i, a.group), 0) - 1
    covering: dict[tuple[int, int], list[tuple[int, ShiftTemplate]]] = defaultdict(list)
    for day in range(p.days):
        for shift in p.work_shifts:
            for cell in p.covered_cells(shift, day):
                covering[cell].append((day, shift))
    skilled = {g: [a for a in p.agents if g in a.groups] for g in p.groups}
    minutes_used: dict[str, int] = defaultdict(int)
    reserve = 60 * p.rules.early_classes_per_week if p.early_classes else 0
    heap = [(-n, d, i, g) for (d, i, g), n in gap.items() if n > 0]
    heapq.heapify(heap)
    while heap:
        neg, d, i, g = heapq.heappop(heap)
        if gap.get((d, i, g), 0) != -neg:
            continue  # stale entry; the current value was pushed when it changed
        options = sorted(
            covering.get((d, i), []),
            key=lambda o, g=g: (
                -sum(
                    1 if gap.get((cd, ci, g), 0) > 0 else -1
                    for cd, ci in p.covered_cells(o[1], o[0])
                )
            ),
        )
        chosen = None
        for day, shift in options:
            for agent in sorted(
                skilled[g], key=lambda a, s=shift: (p.cost_fen(a, s), minutes_used[a.id], a.id)
            ):
                if (
                    agent.blocked(day, shift)
                    or (agent.id, day) in pinned_days
                    or (agent.id, day) in state.work
                    or state.broken_rule(agent, day, shift)
                ):
                    continue
                if reserve:
                    week = p.weeks()[day // 7]
                    used = sum(
                        s.paid_minutes for x in week for s in state.items.get((agent.id, x), [])
                    )
                    if used + shift.paid_minutes + reserve > p.weekly_minutes_cap(agent, len(week)):
                        continue
                chosen = Assignment(agent.id, day, shift.code, g)
                break
            if chosen:
                break
        if chosen is None:
            continue  # nobody can fill this gap; leave it to the explanation
        state.add(chosen)
        assignments.append(chosen)
        minutes_used[chosen.agent_id] += shifts[chosen.shift].paid_minutes
        for cell in p.covered_cells(shifts[chosen.shift], chosen.day):
            key = (*cell, g)
            gap[key] = gap.get(key, 0) - 1
            if gap[key] > 0:
                heapq.heappush(heap, (-gap[key], *key))
    assignments += _early_classes(p, state)
    return build_result(p, assignments, status="heuristic", wall_seconds=time.monotonic() - started)


def _early_classes(p: RosterProblem, state: RosterState) -> list[Assignment]:
    """Place the weekly early classes on workdays where they fit the rest and hours rules."""
    out = []
    need = p.rules.early_classes_per_week
    for klass in p.early_classes[:1]:
        for agent in p.agents:
            for week in p.weeks():
                placed = 0
                for day in week:
                    if placed >= need:
                        break
                    work = state.work.get((agent.id, day))
                    if work is None or klass.overlaps(p.shift_by_code[work.shift]):
                        continue
                    if any(
                        p.rest_conflict(s, day - k, klass, day)
                        for k in (1, 2)
                        for s in state.items.get((agent.id, day - k), [])
                    ):
                        continue
                    used = sum(
                        s.paid_minutes for d in week for s in state.items.get((agent.id, d), [])
                    )
                    if used + klass.paid_minutes > p.weekly_minutes_cap(agent, len(week)):
                        continue
                    a = Assignment(agent.id, day, klass.code, None)
                    state.add(a)
                    out.append(a)
                    placed += 1
    return out
