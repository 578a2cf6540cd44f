"""The demo's property office (issue 21): the 物业管理费 and 停车费 standards, two years of monthly
bills for the office's units with their payments, a few households in arrears (some for more
than a year: 催缴函; some units never taken over: 催收函), a 催缴函 batch printed a month ago and
entered in the letter register, and 180 days of repairs on 「小修不过夜,大修不过三」 clocks, done
and called back. About 15,000 rows whatever the size of the build (at most 600 units); the
same seed gives the same data."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from kefu.accounts.models import BusinessLine, User
from kefu.customers.models import PropertyUnit
from kefu.demo.bulk import historic_timestamps
from kefu.property import rules, selectors, services
from kefu.property.models import Bill, LetterBatch, Payment, Possession, RepairJob, UnitProfile

MAX_UNITS = 600
MONTHS = 24
REPAIR_DAYS = 180
REPAIRS = (
    ("home", "minor", "卫生间水龙头滴水"),
    ("home", "minor", "厨房灯不亮"),
    ("home", "minor", "入户门锁卡顿"),
    ("home", "major", "楼上渗水导致天花板发霉"),
    ("public", "minor", "电梯厅灯管闪烁"),
    ("public", "minor", "单元门禁失灵"),
    ("public", "major", "地下车库排水泵故障"),
)


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return sorted(out)


def build_property_rows(*, now: dt.datetime, seed: int) -> int:
    """Build the rows above on every property line; the number of bills written."""
    written = 0
    for line in BusinessLine.objects.filter(industry="property").order_by("id"):
        supervisor = User.objects.filter(
            business_line=line, role="supervisor", is_active=True
        ).first()
        if supervisor is None:
            continue
        with transaction.atomic():
            written += _build_line(line, supervisor, now=now, rng=random.Random(seed + line.pk))
    # the same issue's 4S workshop (booking app), built here so builder.py stays untouched
    from kefu.demo.booking_rows import build_booking_rows

    build_booking_rows(now=now, seed=seed)
    return written


def _build_line(line, supervisor, *, now, rng: random.Random) -> int:
    today = timezone.localdate(now)
    fee = services.fee_type_save(
        actor=supervisor,
        code="wyf",
        name="物业管理费",
        kind="property",
        basis="area_month",
        unit_price="2.50",
        reviewed_on=dt.date(today.year, 1, 15),
    )
    parking = services.fee_type_save(
        actor=supervisor,
        code="tcf",
        name="停车费",
        kind="parking",
        basis="month",
        unit_price="150.00",
        reviewed_on=dt.date(today.year, 1, 15),
    )
    services.fee_type_save(
        actor=supervisor,
        code="lstc",
        name="临时停车费",
        kind="temp_parking",
        basis="month",
        unit_price="10.00",
    )
    units = list(
        PropertyUnit.objects.filter(
            customer__business_line=line, customer__merged_into=None
        ).order_by("id")[:MAX_UNITS]
    )
    missing = [u for u in units if u.area_m2 is None]
    for unit in missing:
        unit.area_m2 = Decimal(rng.randint(60, 160))
    PropertyUnit.objects.bulk_update(missing, ["area_m2"], batch_size=1000)
    # who pays: most on time, some late, 4 % stopped paying over a year ago, 2 % never moved in
    kinds = {}
    for unit in units:
        r = rng.random()
        kinds[unit.pk] = (
            "not_taken" if r < 0.02 else "stopped" if r < 0.06 else "late" if r < 0.16 else "good"
        )
    UnitProfile.objects.bulk_create(
        [
            UnitProfile(
                unit=unit,
                business_line=line,
                possession=Possession.NOT_TAKEN
                if kinds[unit.pk] == "not_taken"
                else Possession.TAKEN,
            )
            for unit in units
        ],
        ignore_conflicts=True,
    )
    parkers = {u.pk for u in units if rng.random() < 0.3}
    months = _months_back(today, MONTHS)
    stop_after = {u.pk: rng.randint(0, 6) for u in units}  # months paid before stopping
    bills, paying = [], []
    for i, period in enumerate(months):
        due = (period + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        for unit in units:
            for f in (fee, parking) if unit.pk in parkers else (fee,):
                amount = services.bill_amount(f, unit.area_m2)
                bill = Bill(
                    business_line=line,
                    unit=unit,
                    fee_type=f,
                    year=period.year,
                    period=period,
                    due_on=due,
                    amount=amount,
                )
                bills.append(bill)
                kind = kinds[unit.pk]
                if due >= today:  # this month's bill: half the paying households paid early
                    pays = kind in ("good", "late") and rng.random() < 0.5
                elif kind == "good":
                    pays = True
                elif kind == "late":
                    pays = rng.random() < 0.8 or i < MONTHS - 3
                elif kind == "stopped":
                    pays = i < stop_after[unit.pk]
                else:
                    pays = False
                if pays:
                    # any day of the billing month up to the due date (or today), so the
                    # cash ledger has takings every day, not a lump on the day of the build
                    last = min(due, today)
                    paid_on = period + dt.timedelta(days=rng.randint(0, (last - period).days))
                    paying.append((bill, paid_on))
    with historic_timestamps(Bill):
        for bill in bills:
            bill.created_at = bill.updated_at = timezone.make_aware(
                dt.datetime.combine(bill.period, dt.time(9))
            )
        Bill.objects.bulk_create(bills, batch_size=2000)
    methods = ("cash", "card", "transfer", "mobile", "mobile")
    payments = []
    for bill, paid_on in paying:
        bill.paid = bill.amount
        payments.append(
            Payment(
                business_line=line,
                bill=bill,
                amount=bill.amount,
                paid_on=paid_on,
                method=rng.choice(methods),
                agent=supervisor,
            )
        )
    Payment.objects.bulk_create(payments, batch_size=2000)
    Bill.objects.bulk_update([b for b, _ in paying], ["paid"], batch_size=2000)
    # a 催缴函 batch a month ago, in the letter register
    as_of = today - dt.timedelta(days=30)
    if selectors.letter_candidates(line=line, kind="dunning", as_of=as_of):
        with translation.override("zh-hans"):  # the register's subjects, as the office wrote them
            batch = services.letter_batch_print(actor=supervisor, kind="dunning", as_of=as_of)
        # printed on the day it is dated, not when the demo was built
        printed = timezone.make_aware(dt.datetime.combine(as_of, dt.time(10, 30)))
        LetterBatch.objects.filter(pk=batch.pk).update(created_at=printed, updated_at=printed)
        _letters_answered(batch, supervisor, today=today, rng=rng)
    _repairs(line, units, supervisor, now=now, rng=rng)
    _cash_days(line, supervisor, today=today, rng=rng)
    from kefu.demo.archive_rows import build_archive_rows  # ARC-9 e-archive, PM-X5 register

    agent = (
        User.objects.filter(business_line=line, role="agent", is_active=True).first() or supervisor
    )
    build_archive_rows(line=line, supervisor=supervisor, agent=agent, units=units, now=now, rng=rng)
    return len(bills)


def _letters_answered(batch, supervisor, *, today: dt.date, rng: random.Random) -> None:
    """LOG-5: about one household in eight settles what its 催缴函 named in the weeks after
    (246 letters → 30 households in the source), by transfer or mobile payment."""
    letters = list(batch.letters.order_by("id"))
    for letter in rng.sample(letters, max(1, round(len(letters) * 0.12))):
        paid_on = min(batch.as_of + dt.timedelta(days=rng.randint(3, 25)), today)
        owed = Bill.objects.filter(
            unit_id=letter.unit_id, due_on__lt=batch.as_of, paid__lt=F("amount")
        )
        for bill in owed.order_by("due_on", "id"):
            services.payment_record(
                actor=supervisor,
                bill_id=bill.pk,
                amount=bill.amount - bill.paid,
                paid_on=paid_on,
                method=rng.choice(("transfer", "mobile")),
            )


CASH_DAYS = 180
CASH_SHORTFALLS = (
    "找零多付，已向业主追回并登记",
    "一张50元假币，已报备派出所",
    "收款时少收，次日补收",
)


def _cash_days(line, supervisor, *, today: dt.date, rng: random.Random) -> None:
    """每日门店现金台帐 (FEE-6): every past day with cash taken is closed and handed over; about
    one day in twenty was counted short, closed with its explanation. Today stays open."""
    from django.db.models import Sum

    from kefu.property.models import CashDay

    recorded = dict(
        Payment.objects.filter(
            business_line=line,
            method="cash",
            paid_on__gte=today - dt.timedelta(days=CASH_DAYS),
            paid_on__lt=today,
        )
        .values("paid_on")
        .annotate(s=Sum("amount"))
        .values_list("paid_on", "s")
    )
    days = []
    for day, cash in sorted(recorded.items()):
        short = Decimal(rng.choice((10, 20, 50))) if rng.random() < 0.05 else Decimal(0)
        counted = cash - short
        days.append(
            CashDay(
                business_line=line,
                day=day,
                recorded_yuan=cash,
                counted_yuan=counted,
                handed_over_yuan=counted,
                difference_yuan=-short,
                note=rng.choice(CASH_SHORTFALLS) if short else "",
                closed_by=supervisor,
            )
        )
    CashDay.objects.bulk_create(days, batch_size=1000, ignore_conflicts=True)


def _repairs(line, units, supervisor, *, now, rng: random.Random) -> None:
    agent = (
        User.objects.filter(business_line=line, role="agent", is_active=True).first() or supervisor
    )
    jobs = []
    today = timezone.localdate(now)
    for day in range(REPAIR_DAYS, -1, -1):
        # households and patrols report in the day and the evening (08:00–20:59), not at night
        opens = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=day), dt.time(8)))
        for _ in range(rng.randint(1, 4)):
            scope_, size, text = rng.choice(REPAIRS)
            reported = opens + dt.timedelta(minutes=rng.randint(0, 13 * 60 - 1))
            if reported > now:
                continue
            due = rules.repair_due(size, reported)
            done = None
            if day > 3 or (day > 0 and rng.random() < 0.7):
                room = (due - reported).total_seconds() / 3600  # hours left on the promise
                hours = (
                    rng.uniform(0.5, min(8, room * 0.9))
                    if size == "minor"
                    else rng.uniform(10, min(70, room * 0.95))
                )
                late = rng.random() < 0.04
                done = (
                    min(due + dt.timedelta(hours=5), now)
                    if late
                    else min(reported + dt.timedelta(hours=hours), due, now)
                )
            unit = rng.choice(units) if scope_ == "home" and units else None
            jobs.append(
                RepairJob(
                    business_line=line,
                    department_id=agent.department_id,
                    team_id=agent.team_id,
                    unit=unit,
                    customer_id=unit.customer_id if unit else None,
                    scope=scope_,
                    size=size,
                    description=text,
                    reported_at=reported,
                    due_at=due,
                    done_at=done,
                    called_back_at=min(done + dt.timedelta(hours=20), now)
                    if done and day > 2
                    else None,
                    callback_satisfied=(rng.random() < 0.95) if done and day > 2 else None,
                    reported_by=agent,
                    created_at=reported,
                    updated_at=done or reported,
                )
            )
    with historic_timestamps(RepairJob):
        RepairJob.objects.bulk_create(jobs, batch_size=1000)
