"""Deterministic roster instances for tests and benchmarks (issue 6 §3), no Django import.

An online shop's customer-service department around 双11: groups 售前/催付/售后/退款, 48 half-hour
intervals a day, a requirement with a weekday × time-of-day shape, a peak on Nov 10–11 (24 h
coverage, SCH-1) and a tail of after-sales and refund work on Nov 12–17 (SCH-2), the property-desk
style 07:00–14:00 / 14:00–21:00 shifts (SCH-4), a 09:00–18:00 day shift, a 21:00–07:00 night, a
10:00–14:00 + 17:00–21:00 split shift and the 1-hour 早课 slot 08:00–09:00 (SCH-3).
"""

from __future__ import annotations

import datetime as dt
import math
import random

from kefu.workforce.roster_model import (
    Agent,
    Requirement,
    RosterProblem,
    Rules,
    ShiftTemplate,
)

GROUPS = ("售前", "催付", "售后", "退款")

#: Share of the department's workload per group, and the group it is most often cross-trained with.
GROUP_SHARE = {"售前": 0.40, "催付": 0.10, "售后": 0.35, "退款": 0.15}
SECOND_SKILL = {"售前": "催付", "催付": "售前", "售后": "退款", "退款": "售后"}

#: Monday first; e-commerce traffic dips a little at the weekend.
WEEKDAY_FACTOR = (1.0, 0.95, 0.95, 1.0, 1.05, 0.9, 0.85)

#: Event factors by date offset from Nov 11, per group kind (sales vs after-sales).
PEAK_SALES = {-1: 1.6, 0: 2.0, 1: 1.2}
PEAK_AFTER = {0: 1.2, 1: 1.5, 2: 1.6, 3: 1.5, 4: 1.4, 5: 1.3, 6: 1.2}
SALES_GROUPS = frozenset({"售前", "催付"})


def standard_shifts() -> tuple[ShiftTemplate, ...]:
    """The shift templates of the generated instances."""
    return (
        ShiftTemplate("E", 7 * 60, 7 * 60, label="07:00–14:00"),
        ShiftTemplate("L", 14 * 60, 7 * 60, label="14:00–21:00"),
        ShiftTemplate("D", 9 * 60, 9 * 60, label="09:00–18:00"),
        ShiftTemplate("N", 21 * 60, 10 * 60, kind="night", label="21:00–07:00"),
        ShiftTemplate("S", 10 * 60, 4 * 60, 17 * 60, 4 * 60, label="10:00–14:00 + 17:00–21:00"),
        ShiftTemplate("K", 8 * 60, 60, kind="early_class", label="早课 08:00–09:00"),
    )


def time_of_day_shape(minute: int, *, round_the_clock: bool) -> float:
    """Relative contact volume at a minute of the day (1.0 at the morning peak)."""
    h = minute / 60
    if h < 7 or h >= 23.5:
        return 0.12 if round_the_clock else 0.0
    if h < 8:
        return 0.15
    if h < 9:
        return 0.45
    if h < 12:
        return 1.0
    if h < 13.5:
        return 0.7
    if h < 18:
        return 0.9
    if h < 19:
        return 0.65
    if h < 22.5:
        return 0.95  # the evening shopping peak
    return 0.4


def generate_instance(
    n_agents: int,
    days: int = 28,
    *,
    seed: int = 0,
    start_date: dt.date = dt.date(2025, 11, 3),
    load: float = 0.85,
    early_classes_per_week: int = 1,
    rules: Rules | None = None,
) -> RosterProblem:
    """A reproducible instance: same arguments, same problem.

    ``load`` scales the requirement so that its total is that share of what the agents could
    cover in ordinary 7-hour day shifts with the weekly cap (≈ 5 shifts of 14 intervals a week);
    peak days still exceed capacity, so some under-coverage is expected.
    """
    rng = random.Random(seed)
    agents = []
    groups = list(GROUP_SHARE)
    weights = [GROUP_SHARE[g] for g in groups]
    for k in range(n_agents):
        primary = rng.choices(groups, weights)[0]
        skills = (primary, SECOND_SKILL[primary]) if rng.random() < 0.3 else (primary,)
        leave: set[int] = set()
        r = rng.random()
        if r < 0.1:
            first = rng.randrange(days)
            leave.update(range(first, min(days, first + 5)))
        elif r < 0.6:
            leave.update(rng.randrange(days) for _ in range(rng.randint(1, 3)))
        part_time = rng.random() < 0.1
        agents.append(
            Agent(
                id=f"a{k:03d}",
                groups=skills,
                cost_per_hour=float(rng.choice((25, 28, 30, 32, 35, 40))),
                max_weekly_hours=float(rng.choice((20, 24, 30))) if part_time else None,
                unavailable_days=frozenset(leave),
            )
        )
    ipd = 48
    event_day = (dt.date(start_date.year, 11, 11) - start_date).days
    raw: dict[tuple[int, int, str], float] = {}
    for d in range(days):
        date = start_date + dt.timedelta(days=d)
        offset = d - event_day
        round_the_clock = offset in (-1, 0)
        for i in range(ipd):
            shape = time_of_day_shape(i * 30, round_the_clock=round_the_clock)
            for g in groups:
                peak = (PEAK_SALES if g in SALES_GROUPS else PEAK_AFTER).get(offset, 1.0)
                raw[(d, i, g)] = shape * WEEKDAY_FACTOR[date.weekday()] * peak * GROUP_SHARE[g]
    capacity = n_agents * days * 5 / 7 * 14
    scale = load * capacity / sum(raw.values())
    need = {}
    for key, v in raw.items():
        jitter = 1 + (rng.random() - 0.5) * 0.1
        count = math.floor(v * scale * jitter + 0.5)
        if count > 0:
            need[key] = count
    return RosterProblem(
        start_date=start_date,
        days=days,
        groups=GROUPS,
        shifts=standard_shifts(),
        agents=tuple(agents),
        requirement=Requirement(need),
        rules=rules or Rules(early_classes_per_week=early_classes_per_week),
    )
