"""The property office's fee benchmark (issue 21): collection rate and arrears for 50,000
households × 5 years of yearly property-fee bills (250,000 bills, ~235,000 payments).

Builds a throw-away database (SQLite in a temporary data dir, or the PostgreSQL of DATABASE_URL,
which must be an empty scratch database), then times, best of 3:
* ``collection_rate`` for one year: billed, collected (from the payment rows), per fee type and
  per building — three aggregate queries;
* ``arrears`` as of a day: owed per household with the oldest due date (one aggregate), the first
  page of 20 and the whole list counted;
* ``dunning_households``: the households in arrears for more than a year (the 催缴函 list);
and a baseline that loads every bill of the year into Python and sums it.

    .venv/bin/python bench/fees_bench.py [--households 50000] [--years 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("KEFU_DATA_DIR", tempfile.mkdtemp(prefix="kefu-fees-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kefu.accounts import services as account_services
    from kefu.accounts.models import BusinessLine
    from kefu.customers.models import Customer, PropertyUnit
    from kefu.property import selectors
    from kefu.property.models import Bill, FeeType, Payment

    call_command("migrate", verbosity=0)
    rng = random.Random(21)
    t0 = time.perf_counter()
    line = BusinessLine.objects.filter(code="wy-bench").first() or (
        account_services.business_line_create(name="物业基准", code="wy-bench", industry="property")
    )
    fee = FeeType.objects.create(
        business_line=line,
        code="wyf",
        name="物业管理费",
        kind="property",
        basis="area_month",
        unit_price=Decimal("2.50"),
    )
    n = args.households
    with transaction.atomic():
        Customer.objects.bulk_create(
            [Customer(business_line=line, name=f"业主{i}", phone=f"139{i:08d}") for i in range(n)],
            batch_size=5000,
        )
        ids = list(Customer.objects.filter(business_line=line).values_list("pk", flat=True))
        PropertyUnit.objects.bulk_create(
            [
                PropertyUnit(
                    customer_id=pk,
                    building=f"{i % 200 + 1}栋",
                    unit=str(i % 4 + 1),
                    room=str(100 + i % 3000),
                    area_m2=Decimal(rng.randint(60, 160)),
                )
                for i, pk in enumerate(ids)
            ],
            batch_size=5000,
        )
    units = list(
        PropertyUnit.objects.filter(customer__business_line=line).values_list("pk", "area_m2")
    )
    last_year = dt.date.today().year - 1
    years = list(range(last_year - args.years + 1, last_year + 1))
    stopped = {pk for pk, _ in units if rng.random() < 0.03}
    with transaction.atomic():
        for year in years:
            bills = [
                Bill(
                    business_line=line,
                    unit_id=pk,
                    fee_type=fee,
                    year=year,
                    period=dt.date(year, 1, 1),
                    due_on=dt.date(year, 1, 31),
                    amount=(area * 12 * Decimal("2.50")).quantize(Decimal("0.01")),
                )
                for pk, area in units
            ]
            Bill.objects.bulk_create(bills, batch_size=5000)
        paying = []
        for bill in (
            Bill.objects.filter(business_line=line)
            .only("pk", "amount", "unit_id", "year")
            .iterator(chunk_size=10000)
        ):
            if bill.unit_id in stopped and bill.year >= years[0] + 1:
                continue
            if rng.random() < 0.03:
                continue
            paying.append(
                Payment(
                    business_line=line,
                    bill_id=bill.pk,
                    amount=bill.amount,
                    paid_on=dt.date(bill.year, 1, 20),
                    method="transfer",
                )
            )
        Payment.objects.bulk_create(paying, batch_size=5000)
        paid_ids = [p.bill_id for p in paying]
        for i in range(0, len(paid_ids), 20000):
            Bill.objects.filter(pk__in=paid_ids[i : i + 20000]).update(paid=models_f("amount"))
    build_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    bills = Bill.objects.filter(business_line=line)
    as_of = dt.date(last_year + 1, 3, 1)
    rate_s, report = best(lambda: selectors.collection_rate(bills=bills, year=last_year))
    page_s, _page = best(lambda: list(selectors.arrears(bills=bills, as_of=as_of)[:20]))
    count_s, owing = best(lambda: selectors.arrears(bills=bills, as_of=as_of).count())
    dunning_s, dunning = best(lambda: len(selectors.dunning_households(bills=bills, as_of=as_of)))

    def baseline():
        billed = collected = Decimal(0)
        for amount, paid in bills.filter(year=last_year).values_list("amount", "paid"):
            billed += amount
            collected += paid
        return collected / billed

    base_s, base_rate = best(baseline)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "households": n,
                "years": len(years),
                "bills": bills.count(),
                "payments": Payment.objects.filter(business_line=line).count(),
                "build_s": round(build_s, 1),
                "collection_rate_s": round(rate_s, 3),
                "rate": float(report["rate"]),
                "buildings": len(report["by_building"]),
                "baseline_python_sum_s": round(base_s, 3),
                "baseline_rate": round(float(base_rate), 4),
                "arrears_first_page_s": round(page_s, 3),
                "arrears_households": owing,
                "arrears_count_s": round(count_s, 3),
                "dunning_households": dunning,
                "dunning_list_s": round(dunning_s, 3),
            },
            indent=2,
        )
    )
    return 0


def models_f(name):
    from django.db.models import F

    return F(name)


if __name__ == "__main__":
    raise SystemExit(main())
