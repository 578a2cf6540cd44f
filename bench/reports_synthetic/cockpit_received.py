"""The cockpit's received figures (counts by channel and type, median and p90 of both spans) on
the synthetic 1,000,000-row table: main's four ordered OFFSET reads against this branch's one read
of four columns sorted in Python. Prints both results (they must be equal) and the seconds.

    python bench/reports_synthetic/cockpit_received.py /tmp/synth/t.db [LINE]
    python bench/reports_synthetic/cockpit_received.py postgresql://postgres@127.0.0.1/DB [LINE]
"""

from __future__ import annotations

import math
import sqlite3
import sys
import time


def rank(n: int, p: float) -> int:
    return max(math.ceil(p * n) - 1, 0)


def main() -> None:
    target = sys.argv[1]
    pg = target.startswith("postgres")
    if pg:
        import psycopg

        db = psycopg.connect(target)
        start, end = "'2026-11-07 16:00:00+00'", "'2026-12-07 16:00:00+00'"
    else:
        db = sqlite3.connect(target)
        start, end = "'2026-11-07 16:00:00'", "'2026-12-07 16:00:00'"
    where = f"created_at >= {start} AND created_at < {end}"
    if len(sys.argv) > 2:
        where += f" AND business_line_id = {int(sys.argv[2])}"

    def span(field: str) -> str:
        if pg:
            return f"EXTRACT(EPOCH FROM ({field} - created_at))"
        return f"(julianday({field}) * 86400.0 - julianday(created_at) * 86400.0)"

    def ordered_reads() -> dict:
        split = db.execute(
            f"SELECT channel, type, COUNT(id), "  # nosec B608 (constants only)
            f"COUNT(id) FILTER (WHERE first_response_at IS NOT NULL), "
            f"COUNT(id) FILTER (WHERE resolved_at IS NOT NULL) "
            f"FROM tickets_ticket WHERE {where} GROUP BY 1, 2"
        ).fetchall()
        out = {"received": sum(r[2] for r in split)}
        for i, field in ((3, "first_response_at"), (4, "resolved_at")):
            n, s = sum(r[i] for r in split), span(field)
            base = f"SELECT {s} s FROM tickets_ticket WHERE {where} AND {field} IS NOT NULL"
            median = db.execute(f"{base} ORDER BY s, id LIMIT 1 OFFSET {rank(n, 0.5)}")
            p90 = db.execute(
                f"{base} ORDER BY s DESC, id DESC LIMIT 1 OFFSET {n - 1 - rank(n, 0.9)}"
            )
            values = [float(median.fetchone()[0]), float(p90.fetchone()[0])]
            out[field] = (n, *(round(v / 3600, 1) for v in values))
        return out

    def one_read() -> dict:
        rows = db.execute(
            f"SELECT channel, type, {span('first_response_at')}, {span('resolved_at')} "  # nosec B608
            f"FROM tickets_ticket WHERE {where}"
        ).fetchall()
        spans: dict = {"first_response_at": [], "resolved_at": []}
        by: dict = {}
        for channel, kind, first, resolved in rows:
            by[(channel, kind)] = by.get((channel, kind), 0) + 1
            for field, value in (("first_response_at", first), ("resolved_at", resolved)):
                if value is not None:
                    spans[field].append(float(value))
        out = {"received": sum(by.values())}
        for field, values in spans.items():
            values.sort()
            n = len(values)
            out[field] = (n, *(round(values[rank(n, p)] / 3600, 1) for p in (0.5, 0.9)))
        return out

    for fn in (ordered_reads, one_read, ordered_reads, one_read):
        t0 = time.monotonic()
        result = fn()
        print(fn.__name__, round(time.monotonic() - t0, 3), result)


if __name__ == "__main__":
    main()
