"""E-commerce benchmark (issue 20): the 催付 job over many orders at 09:00 on 11 November, and the
order import rate.

1. ``--orders N`` open unpaid orders (default 1,000,000) placed between 00:00 and 08:59 on
   11 November (the night of Double 11), a third of the buyers online, are bulk-loaded into a
   scratch database; then the reminder job (``commerce.services.reminders.plan_due``) runs at
   09:00:00 Asia/Shanghai — the SMS and IM windows open, the phone window not yet — and again at
   10:00:00 (phone opens). Reported: seconds, SQL queries, reminders written; a second run at the
   same moment (idempotent: writes nothing) is timed too; then a send run of 2,000 SMS and IM
   reminders and the worker's ``reminder.due`` job of that batch (the IM reminders).
2. ``--import-rows N`` rows (default 20,000) of a platform export go through
   ``orders_upsert`` (the path of ``kefu orders import`` and the API): first as new orders of
   known buyers, then the same rows again with a payment time (updates). Reported: rows/s.

    .venv/bin/python bench/commerce_bench.py [--orders N] [--import-rows N] [--data-dir DIR]
    DATABASE_URL=postgres://… .venv/bin/python bench/commerce_bench.py   # on PostgreSQL

Prints JSON. Speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SH = ZoneInfo("Asia/Shanghai")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    os.environ["KEFU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="kefu-commerce-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    import logging

    for name in ("kefu.sms", "kefu.messaging"):  # 2,000 SMS lines are not the figure
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.accounts import services as accounts
    from kefu.commerce.models import Reminder
    from kefu.commerce.services import orders as order_services
    from kefu.commerce.services import reminders
    from kefu.customers.models import Customer, Order, Shop

    call_command("migrate", interactive=False, verbosity=0)
    line = accounts.business_line_create(name="网店", code="bench-shop", industry="ecommerce")
    shop = Shop.objects.create(business_line=line, name="天猫旗舰店", platform="tmall")
    buyers = 20_000
    Customer.objects.bulk_create(
        (Customer(business_line=line, name=f"买家{i}", phone=f"139{i:08d}") for i in range(buyers)),
        batch_size=5000,
    )
    ids = list(Customer.objects.filter(business_line=line).values_list("id", flat=True))
    start = dt.datetime(2026, 11, 11, 0, 0, tzinfo=SH)
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        _load_orders_sql(connection, shop, ids, buyers, args.orders, start)
    else:
        batch = []
        for i in range(args.orders):
            batch.append(
                Order(
                    shop=shop,
                    customer_id=ids[i % len(ids)],
                    order_no=f"D11{i:09d}",
                    buyer_id=f"tb{i % buyers:06d}",  # the IM account of the buyer
                    platform="tmall",
                    amount=Decimal(59 + (i * 37) % 2000),
                    status="待付款",
                    placed_at=start + dt.timedelta(seconds=(i * 7) % (9 * 3600)),
                    buyer_online=i % 3 == 0,
                )
            )
            if len(batch) == 10_000:
                Order.objects.bulk_create(batch)
                batch = []
        Order.objects.bulk_create(batch)
    load_s = time.perf_counter() - t0
    # fresh tables have no statistics: the planner would guess (issue 20 asks for ANALYZE)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyze_s = time.perf_counter() - t0

    def run(at):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            written = reminders.plan_due(at=at)
            seconds = time.perf_counter() - t
        return {"seconds": round(seconds, 2), "queries": len(ctx.captured_queries), **written}

    job = {
        "09:00": run(dt.datetime(2026, 11, 11, 9, 0, tzinfo=SH)),
        "09:00 again": run(dt.datetime(2026, 11, 11, 9, 0, tzinfo=SH)),
        "10:00": run(dt.datetime(2026, 11, 11, 10, 0, tzinfo=SH)),
    }
    from kefu.channels.messaging.models import OutboundMessage
    from kefu.core.models import DomainEvent
    from kefu.core.tasks import event_dispatch_many_job

    def send(label: str) -> None:
        """A send run of 2,000 (PAY-6), then the worker's reminder.due job of that batch (the
        IM reminders leave through the outbox): the bench enqueues the job, so it is run here
        as the job runner would."""
        last = DomainEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            sent = reminders.send_due(at=dt.datetime(2026, 11, 11, 9, 1, tzinfo=SH), limit=2000)
            send_s = time.perf_counter() - t
        job[label] = {"seconds": round(send_s, 2), "queries": len(ctx.captured_queries), **sent}
        ids = list(
            DomainEvent.objects.filter(type="reminder.due", id__gt=last).values_list(
                "id", flat=True
            )
        )
        im_before = OutboundMessage.objects.filter(kind="reminder", channel="im").count()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            event_dispatch_many_job.call_local(ids)
            job_s = time.perf_counter() - t
        job[label + ": reminder.due job"] = {
            "seconds": round(job_s, 2),
            "queries": len(ctx.captured_queries),
            "events": len(ids),
            "im_written": OutboundMessage.objects.filter(kind="reminder", channel="im").count()
            - im_before,
        }

    send("send 2000")  # the oldest pending first: SMS
    # the next batch all IM: the SMS still pending are set aside (cancelled) for the measure
    Reminder.objects.filter(status="pending", channel="sms").update(status="cancelled")
    send("send 2000 IM")
    rows = [
        {
            "order_id": f"IMP{i:08d}",
            "phone": f"139{i % buyers:08d}",
            "amount": "199.00",
            "placed_at": "2026-11-11 00:10:00",
        }
        for i in range(args.import_rows)
    ]
    t = time.perf_counter()
    created = order_services.orders_upsert(actor=None, shop=shop, rows=rows)
    create_s = time.perf_counter() - t
    for r in rows:
        r["paid_at"] = "2026-11-11 09:30:00"
    t = time.perf_counter()
    updated = order_services.orders_upsert(actor=None, shop=shop, rows=rows)
    update_s = time.perf_counter() - t
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "python": platform.python_version(),
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "orders": args.orders,
                "load_seconds": round(load_s, 1),
                "analyze_seconds": round(analyze_s, 1),
                "reminder_job": job,
                "reminders_total": Reminder.objects.count(),
                "import": {
                    "rows": args.import_rows,
                    "create_rows_per_s": round(created.created / create_s),
                    "update_rows_per_s": round(updated.updated / update_s),
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def _load_orders_sql(connection, shop, ids, buyers, count, start) -> None:
    """The same orders as the SQLite path's bulk_create, made by PostgreSQL itself from
    generate_series in one INSERT … SELECT (bulk_create of a million rows through Django was
    heading for an hour on the shared machine). Columns not set here take the model's default."""
    from kefu.customers.models import Order

    made = {
        "shop_id": "%(shop)s",
        "customer_id": "(%(ids)s::bigint[])[1 + i %% %(n_ids)s]",
        "order_no": "'D11' || lpad(i::text, 9, '0')",
        "buyer_id": "'tb' || lpad((i %% %(buyers)s)::text, 6, '0')",
        "platform": "'tmall'",
        "amount": "59 + (i * 37) %% 2000",
        "status": "'待付款'",
        "placed_at": "%(start)s + ((i * 7) %% 32400) * interval '1 second'",
        "buyer_online": "i %% 3 = 0",
        "created_at": "now()",
        "updated_at": "now()",
    }
    params = {"shop": shop.pk, "ids": list(ids), "n_ids": len(ids), "buyers": buyers}
    params.update(start=start, count=count)
    columns, values = [], []
    for field in Order._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in made:
            values.append(made[field.attname])
        else:
            key = f"d_{field.column}"
            default = field.get_default()
            params[key] = field.get_db_prep_save(default, connection)
            values.append(f"%({key})s")
    sql = (
        f"INSERT INTO {Order._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(0, %(count)s - 1) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


if __name__ == "__main__":
    main()
