"""The monthly QA sample (质检抽样) at scale: draw + cross-audit assignment for a month of
N tickets over A agents in T teams, with R reviewers (pure rules: kefu.inspections.sampling).

    .venv/bin/python bench/inspections_bench.py [--tickets 1000000] [--agents 200] [--teams 20]

Prints JSON: seconds for the draw and the assignment (best of 3), the units drawn, and a check
that the same seed reproduces the sample and that no unit is reviewed by its agent's team."""

from __future__ import annotations

import argparse
import json
import random
import time

from kefu.inspections import sampling


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--teams", type=int, default=20)
    ap.add_argument("--reviewers", type=int, default=40)
    ap.add_argument("--n", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(1)
    agents = {a: sampling.Person(a, a % args.teams) for a in range(1, args.agents + 1)}
    pools: dict[int, list[int]] = {a: [] for a in agents}
    for t in range(args.tickets):
        pools[rng.randint(1, args.agents)].append(t)
    mandatory = [
        sampling.Unit(rng.randint(1, args.agents), sampling.REPEAT, rng.randrange(args.tickets))
        for _ in range(args.tickets // 2000)
    ]
    reviewers = [
        sampling.Person(10_000 + r, r % args.teams if r % 4 else None)
        for r in range(args.reviewers)
    ]
    draws, assigns = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        units = sampling.draw(2026, pools, mandatory, args.n)
        t1 = time.perf_counter()
        out = sampling.assign(2026, units, agents, reviewers)
        t2 = time.perf_counter()
        draws.append(t1 - t0)
        assigns.append(t2 - t1)
    team = {r.id: r.team for r in reviewers}
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "agents": args.agents,
                "reviewers": args.reviewers,
                "units": len(units),
                "draw_s": round(min(draws), 4),
                "assign_s": round(min(assigns), 4),
                "reproducible": sampling.draw(2026, pools, mandatory, args.n) == units,
                "own_team_reviews": sum(team[r] == agents[u.agent].team for u, r in out),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
