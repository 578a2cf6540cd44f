"""Reads of the property office, scoped to the user: fees, bills and letters belong to the
business line as a whole; repairs to the team that recorded them (agents and leads see their
team's, supervisors their department's, managers the line's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum

from kefu.core import scope
from kefu.customers.models import PropertyUnit
from kefu.property import rules
from kefu.property.models import (
    Bill,
    DunningLetter,
    FeeType,
    LetterBatch,
    LetterKind,
    Payment,
    Possession,
    RepairJob,
)

ZERO = Decimal("0.00")


def units_for(user):
    return PropertyUnit.objects.filter(
        scope.business_line_q(user, "customer__business_line_id"), customer__merged_into=None
    )


def fee_types_for(user):
    return FeeType.objects.filter(scope.business_line_q(user))


def bills_for(user):
    return Bill.objects.filter(scope.business_line_q(user))


def repairs_for(user):
    return RepairJob.objects.filter(scope.records_q(user, owners=("reported_by_id",)))


def batches_for(user):
    return LetterBatch.objects.filter(scope.business_line_q(user)).annotate(
        letter_count=Count("letters"), arrears_total=Sum("letters__arrears")
    )


def with_results(batches) -> list:
    """LOG-5: what each letter batch brought in, tracked to results: the households written to
    that paid anything of the arrears the letter named (bills due before the batch's date) on or
    after that date, and the yuan they paid. One query for all the batches given."""
    batches = list(batches)
    paid = (
        Payment.objects.filter(
            bill__unit=OuterRef("unit"),
            bill__due_on__lt=OuterRef("batch__as_of"),
            paid_on__gte=OuterRef("batch__as_of"),
        )
        .order_by()
        .values("bill__unit")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    results = {b.pk: [0, ZERO] for b in batches}
    letters = DunningLetter.objects.filter(batch_id__in=results).annotate(paid=Subquery(paid))
    for batch_id, amount in letters.values_list("batch_id", "paid"):
        if amount:
            results[batch_id][0] += 1
            results[batch_id][1] += _money(amount)
    for batch in batches:
        batch.paid_households, batch.paid_yuan = results[batch.pk]
    return batches


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def collection_rate(*, bills, year: int, fee_code: str | None = None) -> dict:
    """Billed, collected and rate for the bills of ``year``, recomputed from the bill and
    payment rows (FEE-4): total, per fee type and per building. Three aggregate queries."""
    bills = bills.filter(year=year)
    if fee_code:
        bills = bills.filter(fee_type__code=fee_code)
    payments = Payment.objects.filter(bill__in=bills.values("pk"))
    billed_by_fee = {
        r["fee_type__code"]: (r["fee_type__name"], r["billed"])
        for r in bills.values("fee_type__code", "fee_type__name").annotate(billed=Sum("amount"))
    }
    collected_by_fee = dict(
        payments.values("bill__fee_type__code")
        .annotate(total=Sum("amount"))
        .values_list("bill__fee_type__code", "total")
    )
    by_building: dict[str, dict] = {}
    for r in bills.values("unit__building").annotate(billed=Sum("amount"), paid=Sum("paid")):
        by_building[r["unit__building"]] = {
            "building": r["unit__building"],
            "billed_yuan": _money(r["billed"]),
            "collected_yuan": _money(r["paid"]),
            "rate": rules.rate(r["paid"] or 0, r["billed"] or 0),
        }
    by_fee = []
    for code in sorted(billed_by_fee):
        name, billed = billed_by_fee[code]
        collected = collected_by_fee.get(code) or ZERO
        by_fee.append(
            {
                "code": code,
                "name": name,
                "billed_yuan": _money(billed),
                "collected_yuan": _money(collected),
                "rate": rules.rate(collected, billed or 0),
            }
        )
    billed = sum((f["billed_yuan"] for f in by_fee), ZERO)
    collected = sum((f["collected_yuan"] for f in by_fee), ZERO)
    return {
        "year": year,
        "billed_yuan": billed,
        "collected_yuan": collected,
        "rate": rules.rate(collected, billed),
        "meets_target": rules.meets_target(rules.rate(collected, billed)),
        "by_fee_type": by_fee,
        "by_building": sorted(
            by_building.values(), key=lambda b: rules.building_order(b["building"] or "")
        ),
    }


def arrears(*, bills, as_of: dt.date, oldest_before: dt.date | None = None):
    """Households owing on ``as_of``: per unit the amount still owed on bills due before that
    day and the oldest such due date, largest first (RPT-7). One aggregate query."""
    owed = bills.filter(due_on__lt=as_of, paid__lt=F("amount"))
    rows = owed.values("unit_id").annotate(
        arrears=Sum(F("amount") - F("paid")), oldest_due=Min("due_on")
    )
    if oldest_before is not None:
        rows = rows.filter(oldest_due__lte=oldest_before)
    return rows.order_by("-arrears", "unit_id")


def with_units(rows) -> list[dict]:
    rows = list(rows)
    units = {
        u.pk: u
        for u in PropertyUnit.objects.filter(pk__in=[r["unit_id"] for r in rows]).select_related(
            "office_profile"
        )
    }
    out = []
    for r in rows:
        unit = units[r["unit_id"]]
        profile = getattr(unit, "office_profile", None)
        out.append(
            {
                "unit_id": unit.pk,
                "unit": str(unit),
                "building": unit.building,
                "area_m2": unit.area_m2,
                "customer_id": unit.customer_id,
                "possession": profile.possession if profile else Possession.TAKEN,
                "reason": profile.arrears_reason if profile else "",
                "arrears": _money(r["arrears"]),
                "oldest_due": r["oldest_due"],
            }
        )
    return out


def dunning_households(*, bills, as_of: dt.date, limit: int | None = None) -> list[dict]:
    """Households whose oldest unpaid bill has been due for more than a year on ``as_of``
    (FEE-2): the 催缴函 list."""
    # a day's slack in SQL (29 February), the exact rule in Python
    rough = rules.add_years(as_of, -1)
    rows = arrears(bills=bills, as_of=as_of, oldest_before=rough)
    if limit:
        rows = rows[:limit]
    return [
        r
        for r in with_units(rows)
        if rules.dunning_due(r["oldest_due"], as_of) and r["possession"] == Possession.TAKEN
    ]


def letter_candidates(*, line, kind: str, as_of: dt.date) -> list[dict]:
    bills = Bill.objects.filter(business_line=line)
    if kind == LetterKind.DUNNING:
        return dunning_households(bills=bills, as_of=as_of)
    not_taken = bills.filter(unit__office_profile__possession=Possession.NOT_TAKEN)
    return with_units(arrears(bills=not_taken, as_of=as_of))


def repair_figures(jobs) -> dict:
    """Open, overdue, done on time and called back (SR-1, SR-2)."""
    from django.utils import timezone

    now = timezone.now()
    return jobs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(done_at__isnull=True)),
        overdue=Count("pk", filter=Q(done_at__isnull=True, due_at__lt=now)),
        done=Count("pk", filter=Q(done_at__isnull=False)),
        on_time=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
        called_back=Count("pk", filter=Q(called_back_at__isnull=False)),
    )


def arrears_reasons(*, bills, as_of: dt.date) -> list[dict]:
    """FEE-1 / ARC-12: the households owing on ``as_of`` counted by their reason for not paying
    ('' = not asked yet), the commonest first."""
    from kefu.property.models import ArrearsReason, UnitProfile

    owing = bills.filter(due_on__lt=as_of, paid__lt=F("amount")).values("unit_id")
    known = dict(
        UnitProfile.objects.filter(unit_id__in=owing)
        .exclude(arrears_reason="")
        .values("arrears_reason")
        .annotate(n=Count("pk"))
        .values_list("arrears_reason", "n")
    )
    total = owing.order_by().values("unit_id").distinct().count()
    labels = dict(ArrearsReason.choices)
    rows = [{"reason": k, "label": labels[k], "households": n} for k, n in known.items()]
    rows.sort(key=lambda r: -r["households"])
    return [*rows, {"reason": "", "label": "", "households": total - sum(known.values())}]
