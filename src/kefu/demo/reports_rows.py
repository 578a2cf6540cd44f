"""The monthly statement's demo rows (issue 22): each line's responsible units (责任单位), the
complaints of the last 180 days handed to them, and each unit's base for the last six months
and this one, so a supervisor's first statement shows true complaint ratios and a ranking.

Rows are inserted in batches (linear in the number of complaints); idempotent: units and bases
that exist are kept, complaints already handed to a unit are left alone."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kefu.demo.bulk import historic_timestamps
from kefu.reports.models import BaseKind, UnitBase
from kefu.tickets.models import Ticket, TicketType
from kefu.tickets.models_sla import Handoff, ResponsibleUnit, UnitKind

BATCH = 2_000
DAYS = 180
MONTHS = 7  # six whole months and the running one
HANDED_SHARE = 0.8  # complaints handed to a unit; the rest the desk settled itself
# per industry: (unit name, kind, what the base counts, base range, weight of complaints)
UNITS = {
    "ecommerce": [
        ("华东仓", UnitKind.STATION, BaseKind.ORDERS, (38_000, 46_000), 5),
        ("华南仓", UnitKind.STATION, BaseKind.ORDERS, (18_000, 24_000), 3),
        ("华北仓", UnitKind.STATION, BaseKind.ORDERS, (9_000, 12_000), 2),
        ("售后维修部", UnitKind.DEPARTMENT, BaseKind.ORDERS, (4_000, 6_000), 1),
    ],
    "property": [
        ("一期物业服务中心", UnitKind.CAMPUS, BaseKind.HOUSEHOLDS, (1_800, 1_800), 3),
        ("二期物业服务中心", UnitKind.CAMPUS, BaseKind.HOUSEHOLDS, (1_200, 1_200), 3),
        ("工程维修部", UnitKind.DEPARTMENT, BaseKind.HOUSEHOLDS, (3_000, 3_000), 2),
    ],
    "auto": [
        ("机修车间", UnitKind.WORKSHOP, BaseKind.VEHICLES, (550, 700), 3),
        ("钣喷车间", UnitKind.WORKSHOP, BaseKind.VEHICLES, (180, 260), 2),
        ("销售部", UnitKind.DEPARTMENT, BaseKind.VEHICLES, (40, 70), 1),
    ],
}
# each unit's contact, with the address its weekly feedback letter is e-mailed to (FU-10)
CONTACTS = {
    "华东仓": "仓储部 王主管 huadong-wh@shop.example.cn",
    "华南仓": "仓储部 陈主管 huanan-wh@shop.example.cn",
    "华北仓": "仓储部 赵主管 huabei-wh@shop.example.cn",
    "售后维修部": "维修部 周经理 repair@shop.example.cn",
    "一期物业服务中心": "一期 林主任 phase1@wy.example.cn",
    "二期物业服务中心": "二期 何主任 phase2@wy.example.cn",
    "工程维修部": "工程部 郑经理 works@wy.example.cn",
    "机修车间": "车间主任 吴师傅 workshop@4s.example.cn",
    "钣喷车间": "钣喷主管 冯师傅 bodyshop@4s.example.cn",
    "销售部": "销售经理 韩经理 sales@4s.example.cn",
    "一部": "一部 主任 dept1@school.example.cn",
    "二部": "二部 主任 dept2@school.example.cn",
}
DEFAULT_UNITS = [
    ("一部", UnitKind.DEPARTMENT, BaseKind.CUSTOMERS, (2_000, 3_000), 2),
    ("二部", UnitKind.DEPARTMENT, BaseKind.CUSTOMERS, (1_000, 1_500), 1),
]


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(first)
    return out


def build_reports_rows(lines, *, now: dt.datetime | None = None, seed: int = 0) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(seed + 22)
    counts = {"units": 0, "handoffs": 0, "bases": 0}
    months = _months(timezone.localdate(now))
    for line in lines:
        spec = UNITS.get(line.industry, DEFAULT_UNITS)
        units = []
        for name, kind, _counted, _range, weight in spec:
            unit, created = ResponsibleUnit.objects.get_or_create(
                business_line=line,
                name=name,
                defaults={"kind": kind, "contact": CONTACTS.get(name, "")},
            )
            counts["units"] += created
            units.append((unit, weight))
        bases = []
        have = set(UnitBase.objects.filter(business_line=line).values_list("unit_id", "month"))
        for (unit, _w), (_n, _k, counted, (low, high), _weight) in zip(units, spec, strict=True):
            bases.extend(
                UnitBase(
                    business_line=line,
                    unit=unit,
                    month=month,
                    kind=counted,
                    base=rng.randint(low, high),
                )
                for month in months
                if (unit.pk, month) not in have
            )
        UnitBase.objects.bulk_create(bases, batch_size=BATCH)
        counts["bases"] += len(bases)
        counts["handoffs"] += _hand_off(line, units, now=now, rng=rng)
        counts["actuals"] = counts.get("actuals", 0) + _target_actuals(line, months[1:], rng)
    from kefu.demo.periodic_rows import build_periodic_rows

    counts.update(build_periodic_rows(lines, now=now, seed=seed))  # issue 22 §3
    return counts


# monthly actuals of the entered target metrics (issue 22 §5), around each template's target:
# (low, high) per month; lead completeness climbs from 68 % towards the 85 % target (TGT-4)
ACTUALS = {
    "revenue": (430_000, 560_000),
    "revenue_insurance": (150_000, 210_000),
    "revenue_workshop": (270_000, 350_000),
    "base_customers": (1_380, 1_560),
    "vehicles_per_day": (17, 24),
    "vehicles_per_month": (560, 720),
    "repair_ticket_avg": (700, 900),
    "insurance_ticket_avg": (1_600, 1_980),
    "comeback_rate": (1.1, 2.6),
    "warranty_claims": (92, 99),
    "parts_accuracy": (96.5, 99.6),
    "renewals": (22, 48),
    "collection_rate": (89, 97.5),
    "repair_good_rate": (96, 99.6),
    "conversion": (2.5, 3.3),
}


def _target_actuals(line, months: list[dt.date], rng: random.Random) -> int:
    """The last six whole months' actuals of the line's template metrics (kept when present)."""
    from decimal import Decimal

    from kefu.reports import target_rules
    from kefu.reports.target_models import TargetActual

    have = set(
        TargetActual.objects.filter(business_line=line, subject="").values_list("metric", "month")
    )
    rows = []
    metrics = {metric for metric, _kind, _value in target_rules.template(line.industry)}
    for metric in sorted(metrics):
        for i, month in enumerate(sorted(months)):
            if (metric, month) in have or (metric not in ACTUALS and metric != "lead_completeness"):
                continue
            if metric == "lead_completeness":
                value = 68 + i * 3 + rng.uniform(-1, 1)
            else:
                low, high = ACTUALS[metric]
                value = rng.uniform(low, high)
            rows.append(
                TargetActual(
                    business_line=line,
                    subject="",
                    metric=metric,
                    month=month,
                    value=Decimal(str(round(value, 2 if value < 100 else 0))),
                )
            )
    TargetActual.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _hand_off(line, units, *, now: dt.datetime, rng: random.Random) -> int:
    """Hand most of the line's complaints of the last 180 days to a unit (weighted)."""
    rows = (
        Ticket.objects.filter(
            business_line=line,
            type=TicketType.COMPLAINT,
            created_at__gte=now - dt.timedelta(days=DAYS),
            handoffs__isnull=True,
        )
        .order_by("id")
        .values_list("id", "created_at", "resolved_at", "first_owner_id")
    )
    choices = [u for u, _w in units]
    weights = [w for _u, w in units]
    batch: list[Handoff] = []
    total = 0
    with historic_timestamps(Handoff), transaction.atomic():
        for ticket_id, created_at, resolved_at, owner_id in rows.iterator(chunk_size=BATCH):
            if (ticket_id * 7919) % 100 >= HANDED_SHARE * 100:  # the same ones on every run
                continue
            at = created_at + dt.timedelta(hours=rng.randint(1, 6))
            due = at + dt.timedelta(days=2)
            done = resolved_at if resolved_at and resolved_at > at else None
            batch.append(
                Handoff(
                    ticket_id=ticket_id,
                    unit=rng.choices(choices, weights)[0],
                    due_at=due,
                    note="请核实并处理，按时反馈处理结果。",
                    created_by_id=owner_id,
                    done_at=done,
                    report="已核实处理，客户认可。" if done else "",
                    created_at=at,
                    updated_at=done or at,
                )
            )
            if len(batch) >= BATCH:
                Handoff.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        Handoff.objects.bulk_create(batch)
        total += len(batch)
    return total
