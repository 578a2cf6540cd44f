"""Report builder benchmark (万能报表, issue 22 §6): each built-in analysis (RPT-11) run for the
shop's manager, the administrator (every line) and an agent, best of --repeat, with the SQL
query count and the tickets in the report's period.

    .venv/bin/python bench/builder_bench.py --tickets 10000                # SQLite scratch db
    .venv/bin/python bench/builder_bench.py --data-dir DIR --no-build      # an existing demo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench .venv/bin/python \
        bench/builder_bench.py --tickets 10000                             # an empty PostgreSQL db

Prints JSON."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    os.environ["KEFU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="kefu-builder-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kefu.accounts.models import User
    from kefu.reports import builder
    from kefu.reports import builder_defs as defs

    if not args.no_build:
        from kefu.demo.builder import build_demo

        call_command("migrate", interactive=False, verbosity=0)
        build_demo(tickets=args.tickets)
    results: dict = {"database": connection.vendor}
    for code, _label, raw in defs.BUILTINS:
        definition = defs.validate(raw)
        start, end = defs.period_of(definition, timezone.localdate())
        for username in ("manager", "admin", "agent"):
            user = User.objects.get(username=username)
            best = float("inf")
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.monotonic()
                    builder.run(user, definition)
                    best = min(best, time.monotonic() - t0)
            results[f"{code} · {username}"] = {
                "seconds": round(best, 3),
                "queries": len(queries),
                "tickets": builder.base_qs(user, definition, start, end).count(),
            }
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
