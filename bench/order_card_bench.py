"""The ticket page with the order card (issue 20: Gorgias/Gladly, p95 < 300 ms).

A scratch database gets one shop line with ``--buyers`` buyers (default 20,000) and ``--orders``
orders (default 200,000: ten per buyer, paid, shipped and mostly delivered over the last 60 days);
one order in 10 has a return, one in 20 a refund, one in 30 a logistics case (one in 3 of those
an extended receipt time). ``--tickets`` tickets (default 300) are opened for as many buyers by an
agent of the line. The agent's ``GET /tickets/{id}/`` (the whole page: conversation, panels and
the order card with its five latest orders, what is under way and the §9.6 window) is timed
through Django's test client for each ticket, after a warm-up, ``--rounds`` times. Reported:
p50, p95, max (ms), SQL queries per page and those of the card (the commerce tables and the
orders); and the same page for as many buyers without orders (no card), p50 and p95.

    .venv/bin/python bench/order_card_bench.py [--orders N] [--tickets N] [--data-dir DIR]
    DATABASE_URL=postgres://… .venv/bin/python bench/order_card_bench.py   # on PostgreSQL

Prints JSON. Speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CARD_TABLES = ("commerce_", "customers_order")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--buyers", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    os.environ["KEFU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="kefu-card-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kefu.accounts import services as accounts
    from kefu.commerce.models import LogisticsCase, Refund, Return
    from kefu.customers.models import Customer, Order, Shop
    from kefu.tickets.services import ticket_create

    call_command("migrate", interactive=False, verbosity=0)
    line = accounts.business_line_create(name="网店", code="bench-card", industry="ecommerce")
    team = accounts.team_create(department=line.departments.first(), name="售后组(bench)")
    agent = accounts.user_create(
        username="card-agent", password="bench-pass-1", role="agent", team=team
    )
    shop = Shop.objects.create(business_line=line, name="天猫旗舰店", platform="tmall")
    t0 = time.perf_counter()
    Customer.objects.bulk_create(
        (
            Customer(business_line=line, name=f"买家{i}", phone=f"139{i:08d}", tier="normal")
            for i in range(args.buyers)
        ),
        batch_size=5000,
    )
    ids = list(Customer.objects.filter(business_line=line).values_list("id", flat=True))
    now = timezone.now().replace(microsecond=0)
    batch = []
    for i in range(args.orders):
        placed = now - dt.timedelta(days=60) + dt.timedelta(seconds=(i * 97) % (58 * 86400))
        delivered = placed + dt.timedelta(days=2) if i % 7 else None
        batch.append(
            Order(
                shop=shop,
                customer_id=ids[i % len(ids)],
                order_no=f"C{i:09d}",
                buyer_id=f"tb{i % args.buyers:06d}",
                platform="tmall",
                amount=Decimal(59 + (i * 37) % 2000),
                status="已签收" if delivered else "已发货",
                placed_at=placed,
                paid_at=placed + dt.timedelta(minutes=3),
                shipped_at=placed + dt.timedelta(days=1),
                delivered_at=delivered,
                courier="顺丰",
                tracking_no=f"SF{i:010d}",
            )
        )
        if len(batch) == 10_000:
            Order.objects.bulk_create(batch)
            batch = []
    Order.objects.bulk_create(batch)
    orders = list(
        Order.objects.filter(shop=shop).values_list("id", "customer_id", "amount", "placed_at")
    )
    rets, refunds, cases = [], [], []
    for n, (oid, cid, amount, placed) in enumerate(orders):
        at = placed + dt.timedelta(days=3)
        if n % 10 == 0:
            rets.append(
                Return(
                    business_line=line,
                    order_id=oid,
                    customer_id=cid,
                    amount=amount,
                    requested_at=at,
                    status="requested" if n % 20 else "refunded",
                    rule="no_reason_window",
                )
            )
        if n % 20 == 5:
            refunds.append(
                Refund(
                    business_line=line,
                    order_id=oid,
                    amount=amount,
                    status="submitted" if n % 40 == 5 else "approved",
                    reviewed_by=agent,
                    submitted_by=agent,
                    submitted_at=at,
                )
            )
        if n % 30 == 7:
            extend = n % 90 == 7
            cases.append(
                LogisticsCase(
                    business_line=line,
                    order_id=oid,
                    kind="extend" if extend else "anomaly",
                    status="closed" if extend else "open",
                    opened_at=at,
                    opened_by=agent,
                    extend_days=3 if extend else None,
                    closed_at=at if extend else None,
                )
            )
    Return.objects.bulk_create(rets, batch_size=5000)
    Refund.objects.bulk_create(refunds, batch_size=5000)
    LogisticsCase.objects.bulk_create(cases, batch_size=5000)
    load_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    buyers = Customer.objects.filter(business_line=line).order_by("id")[: args.tickets]
    tickets = [
        ticket_create(actor=agent, title="售后咨询", customer=c, type="consult", channel="im").pk
        for c in buyers
    ]
    # the same page for buyers without orders (the card renders nothing): the card's cost
    plain = Customer.objects.bulk_create(
        Customer(business_line=line, name=f"访客{i}", phone=f"137{i:08d}")
        for i in range(args.tickets)
    )
    plain_tickets = [
        ticket_create(actor=agent, title="售前咨询", customer=c, type="consult", channel="im").pk
        for c in plain
    ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)
    for pk in tickets[:10]:  # warm-up: templates, the line's settings, connections
        assert client.get(f"/tickets/{pk}/").status_code == 200
    times, queries, card_queries, plain_times = [], [], [], []
    for _round in range(args.rounds):
        for pk in plain_tickets:
            t = time.perf_counter()
            response = client.get(f"/tickets/{pk}/")
            plain_times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200 and b'id="order-card"' not in response.content
        for pk in tickets:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(f"/tickets/{pk}/")
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200 and b'id="order-card"' in response.content
            queries.append(len(ctx.captured_queries))
            card_queries.append(
                sum(
                    1
                    for q in ctx.captured_queries
                    if any(f'"{t}' in q["sql"] or f" {t}" in q["sql"] for t in CARD_TABLES)
                )
            )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "python": platform.python_version(),
                "load_average": os.getloadavg(),
                "orders": len(orders),
                "buyers": args.buyers,
                "returns": len(rets),
                "refunds": len(refunds),
                "cases": len(cases),
                "load_seconds": round(load_s, 1),
                "pages": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(pct(times, 95), 1),
                "max_ms": round(max(times), 1),
                "queries_per_page": statistics.median(queries),
                "card_queries_per_page": statistics.median(card_queries),
                "without_card_p50_ms": round(statistics.median(plain_times), 1),
                "without_card_p95_ms": round(pct(plain_times, 95), 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
