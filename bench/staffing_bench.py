"""Staffing speed (issue 6 §1): a week of 30-minute intervals (336) for 4 groups, Erlang C and A.

Each interval is solved for the fewest agents meeting its group's service-level target (plus a
maximum occupancy, and for Erlang A a maximum abandon rate), then grossed up for shrinkage — the
same call the CLI and the forecast pages make. The arrival curves are an e-commerce shop's week:
quiet nights, a morning and an afternoon peak, an evening IM peak, busier Monday and Sunday.

Baselines, measured in the same run on the same machine:
- Erlang C: the textbook formula with factorials and powers in floats
  (A^N/N! · N/(N−A) over Σ A^k/k! + …), searched linearly from N = 1 with each N evaluated from
  scratch; where A^N or N! overflows a float the interval is counted as failed.
- Erlang A: our own exact Erlang A metrics, but searched linearly from N = 1 with Erlang B
  recomputed from scratch for every N (no warm start, no bisection).
Both baselines must find the same agent counts (checked and reported).

    .venv/bin/python bench/staffing_bench.py            # prints JSON
"""

from __future__ import annotations

import json
import math
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kefu.workforce import erlang, staffing

INTERVAL = 1800
GROUPS = {
    # name: (peak arrivals per 30 min, AHT s, patience s, target answer s, service level)
    "presale": (620, 240, 90, 20, "0.8"),
    "payment_reminders": (160, 150, 60, 30, "0.8"),
    "aftersales": (380, 360, 120, 20, "0.8"),
    "refunds": (130, 420, 150, 60, "0.9"),
}
MAX_OCCUPANCY = "0.9"
MAX_ABANDON = "0.05"
SHRINKAGE = "0.3"
DAY_FACTOR = [1.15, 1.0, 0.95, 0.95, 1.0, 1.05, 1.2]  # Monday … Sunday


def day_shape(half_hour: int) -> float:
    """Share of the peak in a half hour: night trough, 10:30, 15:00 and 21:00 peaks."""
    hour = half_hour / 2 + 0.25
    peaks = (
        0.85 * math.exp(-(((hour - 10.5) / 1.6) ** 2))
        + 0.8 * math.exp(-(((hour - 15.0) / 2.0) ** 2))
        + 1.0 * math.exp(-(((hour - 21.0) / 1.5) ** 2))
    )
    return 0.03 + min(1.0, peaks)


def week() -> list[tuple[str, float]]:
    rows = []
    for name, (peak, *_rest) in GROUPS.items():
        for day in range(7):
            for half_hour in range(48):
                arrivals = round(peak * DAY_FACTOR[day] * day_shape(half_hour), 2)
                rows.append((name, arrivals))
    return rows


def request(name: str, arrivals: float, *, abandonment: bool) -> staffing.StaffingRequest:
    _peak, aht, patience, answer, level = GROUPS[name]
    return staffing.staffing_request(
        arrivals=str(arrivals),
        interval_seconds=INTERVAL,
        aht_seconds=aht,
        answer_seconds=answer,
        service_level=level,
        shrinkage=SHRINKAGE,
        max_occupancy=MAX_OCCUPANCY,
        patience_seconds=patience if abandonment else None,
        max_abandon=MAX_ABANDON if abandonment else None,
    )


# --- baselines ------------------------------------------------------------------------------------


def naive_erlang_c(a: float, n: int) -> float:
    """Textbook Erlang C with factorials and powers in floats (raises OverflowError when big)."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def naive_solve_c(req: staffing.StaffingRequest) -> int | None:
    a = float(req.traffic)
    if a == 0:
        return 0
    aht, answer, level = float(req.aht_seconds), float(req.answer_seconds), req.service_level
    n = 1
    while True:
        if n > a:
            try:
                c = naive_erlang_c(a, n)
            except OverflowError:
                return None
            sl = 1 - c * math.exp(-(n - a) * answer / aht)
            if sl >= level and req.traffic <= req.max_occupancy * n:
                return n
        n += 1


def naive_solve_a(req: staffing.StaffingRequest) -> int:
    if req.traffic == 0:
        return 0
    n = 1
    while True:
        m = erlang.erlang_a_metrics(
            req.traffic,
            n,
            float(req.aht_seconds),
            float(req.patience_seconds),
            float(req.answer_seconds),
        )
        if staffing._meets(req, m):
            return n
        n += 1


# --- measuring -----------------------------------------------------------------------------------


def timed(fn, items, repeats: int = 3) -> tuple[float, list]:
    best = math.inf
    out: list = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = [fn(item) for item in items]
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    rows = week()
    c_reqs = [request(name, arrivals, abandonment=False) for name, arrivals in rows]
    a_reqs = [request(name, arrivals, abandonment=True) for name, arrivals in rows]
    c_time, c_results = timed(staffing.solve_erlang_c, c_reqs)
    a_time, a_results = timed(staffing.solve_erlang_a, a_reqs)
    cb_time, cb_results = timed(naive_solve_c, c_reqs)
    ab_time, ab_results = timed(naive_solve_a, a_reqs, repeats=1)
    c_raw = [r.raw_agents for r in c_results]
    a_raw = [r.raw_agents for r in a_results]
    big = staffing.staffing_request(
        arrivals=50_000,
        interval_seconds=INTERVAL,
        aht_seconds=180,
        answer_seconds=20,
        service_level="0.8",
        patience_seconds=60,
    )
    big_c_time, _ = timed(staffing.solve_erlang_c, [big])
    big_a_time, _ = timed(staffing.solve_erlang_a, [big])
    n = len(rows)
    traffic = [float(r.traffic) for r in c_reqs]
    report = {
        "intervals": n,
        "groups": len(GROUPS),
        "traffic_erlangs": {"min": min(traffic), "max": round(max(traffic), 2)},
        "erlang_c": {
            "seconds": round(c_time, 4),
            "intervals_per_second": round(n / c_time),
            "baseline": "textbook factorial formula in floats, linear search from N = 1",
            "baseline_intervals_per_second": round(n / cb_time),
            "speedup_vs_baseline": round(cb_time / c_time, 1),
            "baseline_failed_intervals": sum(1 for r in cb_results if r is None),
            "baseline_disagreements": sum(
                1
                for mine, base in zip(c_raw, cb_results, strict=True)
                if base is not None and base != mine
            ),
            "rostered_agent_half_hours": sum(r.agents for r in c_results),
        },
        "erlang_a": {
            "seconds": round(a_time, 4),
            "intervals_per_second": round(n / a_time),
            "baseline": "same Erlang A metrics, linear search from N = 1, Erlang B from scratch",
            "baseline_intervals_per_second": round(n / ab_time),
            "speedup_vs_baseline": round(ab_time / a_time, 1),
            "baseline_disagreements": sum(
                1 for mine, base in zip(a_raw, ab_results, strict=True) if base != mine
            ),
            "rostered_agent_half_hours": sum(r.agents for r in a_results),
        },
        "one_interval_5000_erlangs_ms": {
            "erlang_c": round(big_c_time * 1000, 2),
            "erlang_a": round(big_a_time * 1000, 2),
            "textbook_baseline": "overflows" if naive_solve_c(big) is None else "solved",
        },
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
