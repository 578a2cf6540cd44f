"""Year-end summary, weekly report and daily close benchmark (issue 22 §3): time and query
count at scale.

    .venv/bin/python bench/reports_periodic_bench.py --tickets 20000       # SQLite scratch db
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench .venv/bin/python \
        bench/reports_periodic_bench.py --tickets 20000                     # an empty PostgreSQL db
    .venv/bin/python bench/reports_periodic_bench.py --data-dir DIR --no-build  # an existing demo

Builds the demo into a scratch database (its own KEFU_DATA_DIR) unless --no-build, then times
this year's summary, last week's report and yesterday's close for the shop's manager (scoped)
and for the command line (every line), best of --repeat runs, with the SQL query count. Prints
JSON.

The year-end summary keeps its closed months (``reports.month_cache``): for it the JSON has the
first run with nothing kept (``first_seconds``: every month of this year and last counted once),
the run right after a late change to last month (``after_late_change_seconds``: last month and
this one counted again) and the best of --repeat with every closed month kept (``seconds``:
the running month alone counted)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    os.environ["KEFU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="kefu-periodic-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kefu.accounts.models import User
    from kefu.reports import month_cache, periodic_reports, statement
    from kefu.tickets.models import Ticket

    built = None
    if not args.no_build:
        from kefu.demo.builder import build_demo

        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        build_demo(tickets=args.tickets)
        built = round(time.monotonic() - started, 1)
    today = timezone.localdate()
    values = {
        "yearly": str(today.year),
        "weekly": (today - dt.timedelta(days=7)).isoformat(),
        "daily": (today - dt.timedelta(days=1)).isoformat(),
    }
    viewers = {
        "manager (one line, scoped)": User.objects.get(username="manager"),
        "command line (every line)": statement.SystemViewer(),
    }
    results: dict = {}
    for kind, value in values.items():
        for name, viewer in viewers.items():
            extra = {}
            if kind == "yearly":
                month_cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.monotonic()
                    periodic_reports.build(viewer, kind, value)
                    extra["first_seconds"] = round(time.monotonic() - t0, 3)
                    extra["first_queries"] = len(queries)
                # a late change to a ticket of last month: last month and this one are counted
                month_cache.late_change(today.replace(day=1) - dt.timedelta(days=1))
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.monotonic()
                    periodic_reports.build(viewer, kind, value)
                    extra["after_late_change_seconds"] = round(time.monotonic() - t0, 3)
            best = float("inf")
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.monotonic()
                    report = periodic_reports.build(viewer, kind, value)
                    best = min(best, time.monotonic() - t0)
            t0 = time.monotonic()
            pdf = periodic_reports.export(report, "pdf")
            results[f"{kind} · {name}"] = {
                "seconds": round(best, 3),
                "queries": len(queries),
                "pdf_seconds": round(time.monotonic() - t0, 3),
                "pdf_bytes": len(pdf),
                **extra,
            }
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "tickets": Ticket.objects.count(),
                "build_seconds": built,
                "reports": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
