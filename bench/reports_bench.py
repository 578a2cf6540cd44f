"""Monthly statement benchmark: time and query count of ``kefu reports monthly`` at scale.

    .venv/bin/python bench/reports_bench.py --tickets 20000            # SQLite scratch database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench .venv/bin/python \
        bench/reports_bench.py --tickets 20000                          # an empty PostgreSQL db

Builds the demo (``kefu demo``: tickets over 180 days, complaints handed to responsible units,
their monthly bases, callbacks, surveys, SLA events) into a scratch database (its own
KEFU_DATA_DIR), then times the statement of last month for the shop's manager (scoped) and for
the command line (every line), best of --repeat runs, and counts the SQL queries. Prints JSON.
Last month has closed, so its counts are kept after the first run (``reports.month_cache``):
``first_seconds`` is that first run with nothing kept, ``seconds`` the best of the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the tickets already in the database (no build)"
    )
    args = parser.parse_args()
    os.environ["KEFU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="kefu-reports-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kefu.accounts.models import User
    from kefu.demo.builder import build_demo
    from kefu.reports import exports, month_cache, statement

    call_command("migrate", interactive=False, verbosity=0)
    from kefu.tickets.models import Ticket

    started = time.monotonic()
    if not (args.reuse and Ticket.objects.exists()):
        build_demo(tickets=args.tickets)
    built = time.monotonic() - started
    tickets = Ticket.objects.count()
    month = statement.month_of(timezone.localdate()).previous()
    viewers = {
        "manager (one line, scoped)": User.objects.get(username="manager"),
        "command line (every line)": statement.SystemViewer(),
    }
    results = {}
    for name, viewer in viewers.items():
        # last month has closed: its counts are kept (reports.month_cache) after the first run
        month_cache.clear()
        t0 = time.monotonic()
        statement.monthly(viewer, period=month)
        first = time.monotonic() - t0
        best = float("inf")
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.monotonic()
                data = statement.monthly(viewer, period=month)
                best = min(best, time.monotonic() - t0)
        t0 = time.monotonic()
        pdf = exports.statement_pdf(data)
        pdf_s = time.monotonic() - t0
        results[name] = {
            "first_seconds": round(first, 3),
            "seconds": round(best, 3),
            "queries": len(queries),
            "complaints": data["complaints"]["total"],
            "units": len(data["complaints"]["by_unit"]),
            "pdf_seconds": round(pdf_s, 3),
            "pdf_bytes": len(pdf),
        }
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "tickets": tickets,
                "month": month.label,
                "build_seconds": round(built, 1),
                "statement": results,
                "cockpit": cockpit_figures(args.repeat),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


def cockpit_figures(repeat: int) -> dict:
    """The cockpit of each role (uncached: the figures a viewer waits for once a minute at most),
    best of ``repeat``, with its query count; and the drill-down page's count of the largest
    figure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.accounts.models import User
    from kefu.reports import cockpit

    out = {}
    for username in ("agent", "lead", "supervisor", "manager"):
        viewer = User.objects.get(username=username)
        best, n = float("inf"), 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.monotonic()
                data = cockpit.figures(viewer, cockpit.window(30))
                best = min(best, time.monotonic() - t0)
            n = len(queries)
        t0 = time.monotonic()
        drilled = cockpit.drill(
            viewer, cockpit.window(30), "queue_open" if username != "agent" else "my_open"
        ).count()
        out[username] = {
            "seconds": round(best, 3),
            "queries": n,
            "received_30_days": data.get("manager", {}).get("received"),
            "drill_count_seconds": round(time.monotonic() - t0, 3),
            "drill_count": drilled,
        }
    return out


if __name__ == "__main__":
    main()
