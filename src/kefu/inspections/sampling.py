"""The monthly QA sample and its cross-audit assignment (pure: no Django import).

Per agent the sample holds every mandatory unit (each 重复/恶性 complaint and each 不满意
callback of the month) plus ``n`` contacts drawn at random from the agent's other tickets and
registered calls without a ticket (an enquiry answered on the phone, its recording referenced)
of the month. The draw is seeded: the same seed, agents and tickets give the same sample, whatever the
order they are listed in, so a stored seed reproduces a month's sample. Every unit is assigned
to a reviewer who is not the agent and not of the agent's team (cross-audit, not self-audit),
spreading the load evenly; ties are broken by the seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RANDOM = "random"
REPEAT = "repeat_complaint"
MALIGNANT = "malignant_complaint"
DISSATISFIED = "dissatisfied_callback"
SOURCES = (RANDOM, REPEAT, MALIGNANT, DISSATISFIED)
DEFAULT_N = 5


class NoReviewer(ValueError):
    """No reviewer outside the agent's team is available for ``agent``."""

    def __init__(self, agent: int):
        self.agent = agent
        super().__init__(f"no reviewer outside the team of agent {agent}")


@dataclass(frozen=True)
class Person:
    id: int
    team: int | None


@dataclass(frozen=True, order=True)
class Unit:
    agent: int
    source: str
    ticket: int | None
    callback: int | None = None
    call: int | None = None  # a registered call without a ticket (followups.CallRecord)


def eligible(reviewer: Person, agent: Person) -> bool:
    """A reviewer may review an agent who is not themselves and not of their team."""
    if reviewer.id == agent.id:
        return False
    return reviewer.team is None or reviewer.team != agent.team


def draw(
    seed: int,
    pools: Mapping[int, Iterable[int]],
    mandatory: Iterable[Unit],
    n: int = DEFAULT_N,
    call_pools: Mapping[int, Iterable[int]] | None = None,
) -> list[Unit]:
    """The sample: the mandatory units, then per agent ``n`` random contacts not already in it,
    drawn from the tickets ``pools[agent]`` and the ticketless calls ``call_pools[agent]``
    (ids) together. Sorted by agent, then source, then ticket."""
    if n < 0:
        raise ValueError("n must not be negative")
    call_pools = call_pools or {}
    units = sorted(set(mandatory), key=_order)
    taken: dict[int, set] = {}
    for u in units:
        taken.setdefault(u.agent, set()).add((_TICKET, u.ticket))
    for agent in sorted(set(pools) | set(call_pools)):
        # set arithmetic and one sort: order-independent, about 1 s per million tickets; tickets
        # sort before calls, so an agent without ticketless calls gets the draw tickets alone had
        keys = {(_TICKET, t) for t in pools.get(agent, ())}
        keys.update((_CALL, c) for c in call_pools.get(agent, ()))
        pool = sorted(keys.difference(taken.get(agent, ())))
        rng = random.Random(f"{seed}/{agent}")
        picked = sorted(rng.sample(pool, min(n, len(pool))))
        units.extend(
            Unit(agent, RANDOM, pk) if kind == _TICKET else Unit(agent, RANDOM, None, None, pk)
            for kind, pk in picked
        )
    return sorted(units, key=_order)


_TICKET, _CALL = 0, 1


def _order(unit: Unit) -> tuple:
    # a callback without a ticket (a reminder call, an inactivity call) has ticket None
    return (unit.agent, unit.source, unit.ticket or 0, unit.callback or 0, unit.call or 0)


def assign(
    seed: int,
    units: Iterable[Unit],
    agents: Mapping[int, Person],
    reviewers: Iterable[Person],
) -> list[tuple[Unit, int]]:
    """(unit, reviewer id) for every unit: the eligible reviewer with the fewest units so far,
    ties broken by an order drawn from ``seed``. Raises ``NoReviewer`` when an agent has none."""
    reviewers = sorted(set(reviewers), key=lambda r: r.id)
    order = list(range(len(reviewers)))
    random.Random(f"{seed}/assign").shuffle(order)
    rank = {r.id: order[i] for i, r in enumerate(reviewers)}
    load = {r.id: 0 for r in reviewers}
    out = []
    for unit in sorted(units, key=_order):
        agent = agents.get(unit.agent, Person(unit.agent, None))
        choices = [r for r in reviewers if eligible(r, agent)]
        if not choices:
            raise NoReviewer(unit.agent)
        best = min(choices, key=lambda r: (load[r.id], rank[r.id]))
        load[best.id] += 1
        out.append((unit, best.id))
    return out


def second_reviewer(
    agent: Person, first: int, reviewers: Iterable[Person], load: Mapping[int, int]
) -> int:
    """Who decides an appeal: eligible for the agent, not the first reviewer, least loaded
    (then lowest id). Raises ``NoReviewer``."""
    choices = [r for r in reviewers if r.id != first and eligible(r, agent)]
    if not choices:
        raise NoReviewer(agent.id)
    return min(choices, key=lambda r: (load.get(r.id, 0), r.id)).id
