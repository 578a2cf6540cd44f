"""The demo's repair centre (维修中心, ESC-4, RPR-2): the online shop's after-sales desk repairs
the phones, tablets and earphones it sold. 180 days of repair orders, about eight a working day,
taken in by the agents of 售后二组 in turn; a device comes back with the same fault now and then,
so a few per cent are repeat repairs, marked by the same rule as the intake
(``booking.rules.mark_repeats``: same serial and fault within 90 days). Each order carries the
steps it went through with the intake's message to the customer (in Chinese). The same seed gives the same rows; a
second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, User
from kefu.booking import rules
from kefu.booking.models import RepairOrder, RepairStepLog, Step
from kefu.customers.models import Customer
from kefu.demo.bulk import historic_timestamps

DAYS = 180
LINE, TEAM = "shop", "售后二组"
DEVICES = ("云帆手机", "云帆轻薄手机", "云帆平板", "云帆无线耳机", "云帆智能手环")
FAULTS = ("屏幕不显示", "无法充电", "电池鼓包", "听筒无声", "按键失灵", "进水", "蓝牙断连")
# a repairer who skips the root cause sees the device again: each repairer's share of comebacks
CARE = (0.03, 0.05, 0.08, 0.12)
FLOW = ("received", "diagnosing", "repairing", "qc", "ready", "collected")


def build_repair_centre_rows(*, now: dt.datetime, seed: int) -> int:
    """Build the rows above on the shop line; the number of repair orders written."""
    line = BusinessLine.objects.filter(code=LINE).first()
    if line is None or RepairOrder.objects.filter(business_line=line).exists():
        return 0
    repairers = list(
        User.objects.filter(business_line=line, team__name=TEAM, is_active=True).order_by("id")
    )
    customers = list(
        Customer.objects.filter(business_line=line, merged_into=None)
        .order_by("id")
        .values_list("pk", flat=True)[:2000]
    )
    if not repairers or not customers:
        return 0
    with transaction.atomic(), translation.override("zh-hans"):
        return _build(line, repairers, customers, now, random.Random(seed * 17 + 5))


def _build(line, repairers, customers, now, rng: random.Random) -> int:
    today = timezone.localtime(now).date()
    jobs = []  # (received_on, repairer, customer, device, serial, fault)
    seen: list[tuple] = []  # devices repaired before, which may come back
    for offset in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=offset)
        for _job in range(rng.randint(2, 6) if day.weekday() >= 5 else rng.randint(6, 10)):
            index = rng.randrange(len(repairers))
            if seen and rng.random() < CARE[index % len(CARE)]:
                _when, customer, device, serial, fault = rng.choice(seen[-400:])
            else:
                customer, device = rng.choice(customers), rng.choice(DEVICES)
                serial, fault = str(rng.randrange(86 * 10**13, 87 * 10**13)), rng.choice(FAULTS)
            jobs.append((day, repairers[index], customer, device, serial, fault))
            seen.append((day, customer, device, serial, fault))
    repeats = rules.mark_repeats([(j[4], j[5], j[0]) for j in jobs])
    orders = []
    for (day, repairer, customer, device, serial, fault), repeat in zip(jobs, repeats, strict=True):
        purchased = day - dt.timedelta(days=rng.randint(20, 700))
        covered = rules.in_warranty(purchased, 12, day)
        age = (today - day).days
        orders.append(
            RepairOrder(
                business_line=line,
                department_id=repairer.department_id,
                team_id=repairer.team_id,
                customer_id=customer,
                device=device,
                serial=serial,
                fault=fault,
                purchased_on=purchased,
                warranty_months=12,
                in_warranty=covered,
                quote_yuan=None if covered else Decimal(rng.randrange(80, 600)),
                received_on=day,
                step=FLOW[min(len(FLOW) - 1, age // 2)],
                is_repeat=repeat,
                repairer=repairer,
            )
        )
    made = RepairOrder.objects.bulk_create(orders, batch_size=1000)
    tz = timezone.get_current_timezone()
    logs = []
    for order in made:
        steps = FLOW[: FLOW.index(order.step) + 1]
        if not order.in_warranty:  # the customer approved the quote before the diagnosis
            steps = (steps[0], Step.QUOTED.value, *steps[1:])
        at = dt.datetime.combine(order.received_on, dt.time(9 + rng.randrange(8)), tzinfo=tz)
        for step in steps:
            logs.append(
                RepairStepLog(
                    order=order,
                    step=step,
                    message=_("Your repair: %(step)s.") % {"step": Step(step).label},
                    actor=order.repairer,
                    created_at=min(at, now),
                )
            )
            at += dt.timedelta(hours=rng.randint(3, 20))
    with historic_timestamps(RepairStepLog):
        RepairStepLog.objects.bulk_create(logs, batch_size=2000)
    return len(made)
