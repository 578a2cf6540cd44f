"""Roster benchmark (issue 6 §3): CP-SAT optimiser vs a greedy baseline on generated instances.

Instances from ``kefu.workforce.roster_instances.generate_instance``: N agents × 28 days × 48
half-hour intervals, 4 groups, a 双11 peak, seven shift templates incl. night, split and 早课. For
each size it builds the greedy roster (largest gap first), then the optimiser's roster within the
time limit, re-checks both against every rule, and prints JSON.

    .venv/bin/python bench/roster_bench.py                       # 50, 100, 200 agents, 60 s each
    .venv/bin/python bench/roster_bench.py --sizes 50 --time-limit 20
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

from kefu.workforce.roster_greedy import greedy_roster
from kefu.workforce.roster_instances import generate_instance
from kefu.workforce.roster_model import RosterProblem, roster_violations
from kefu.workforce.roster_solver import solve_roster


def measure(problem: RosterProblem, result) -> dict[str, object]:
    out = result.summary()
    violations = roster_violations(problem, result.assignments)
    out["violations"] = dict(Counter(v.rule for v in violations))
    out["gap_reasons"] = dict(Counter(e.reason for e in result.explanations).most_common())
    if result.phases:
        out["phases"] = [
            {
                "phase": ph.name,
                "status": ph.status,
                "objective": ph.objective,
                "bound": ph.bound,
                "seconds": round(ph.seconds, 2),
            }
            for ph in result.phases
        ]
    return out


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def run(size: int, days: int, time_limit: float, seed: int) -> dict[str, object]:
    problem = generate_instance(size, days, seed=seed)
    t0 = time.monotonic()
    greedy = greedy_roster(problem)
    greedy_seconds = time.monotonic() - t0
    opt = solve_roster(problem, time_limit_seconds=time_limit, seed=seed)
    g, o = measure(problem, greedy), measure(problem, opt)
    g["seconds_with_explanations"] = round(greedy_seconds, 2)
    return {
        "agents": size,
        "days": days,
        "intervals_per_day": problem.intervals_per_day,
        "groups": list(problem.groups),
        "required_agent_intervals": problem.requirement.total,
        "time_limit": time_limit,
        "optimiser": o,
        "greedy": g,
        "optimiser_over_greedy": {
            "under": ratio(opt.under_total, greedy.under_total),
            "over": ratio(opt.over_total, greedy.over_total),
            "cost": ratio(opt.cost, greedy.cost),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    report = {
        "bench": "roster",
        "python": platform.python_version(),
        "workers": 2,
        "runs": [run(int(n), args.days, args.time_limit, args.seed) for n in args.sizes.split(",")],
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
