"""Reads of care notices, shipment checks, reviews and shop indicators (issue 20 §4), scoped to
the user's business line like orders and returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone

from kefu.commerce import care_rules, indicators
from kefu.commerce.models import (
    CareNotice,
    IndicatorRecord,
    Review,
    ReviewGrade,
    ShipmentCheck,
)
from kefu.core import scope
from kefu.core.errors import NotFound


def local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def notice_counts_for(*, user, start: dt.datetime, end: dt.datetime) -> dict:
    """{kind: {status: count}} of the care notices due in [start, end)."""
    rows = (
        CareNotice.objects.filter(scope.business_line_q(user), due_at__gte=start, due_at__lt=end)
        .values("kind", "status")
        .annotate(n=Count("id"))
    )
    out = {kind: {} for kind in care_rules.KINDS}
    for row in rows:
        out[row["kind"]][row["status"]] = row["n"]
    return out


def shipment_check_for(*, user, day: dt.date, limit: int = 50) -> dict:
    """The check of ``day``'s shipments: how many, how many untraceable, and those parcels."""
    qs = ShipmentCheck.objects.filter(scope.business_line_q(user), shipped_on=day)
    figures = qs.aggregate(checked=Count("id"), untraceable=Count("id", filter=Q(traceable=False)))
    parcels = list(
        qs.filter(traceable=False).select_related("order__customer").order_by("order_id")[:limit]
    )
    return {**figures, "parcels": parcels}


def reviews_for(*, user, grade: str = "", unreplied: bool = False, limit: int | None = 50):
    qs = Review.objects.filter(scope.business_line_q(user))
    if grade in ReviewGrade.values:
        qs = qs.filter(grade=grade)
    if unreplied:
        qs = qs.filter(replied_at__isnull=True)
    qs = qs.select_related("order", "customer").order_by("-reviewed_at", "-id")
    return qs if limit is None else qs[:limit]


def review_get_for(*, user, pk: int) -> Review:
    found = Review.objects.filter(scope.business_line_q(user), pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def review_figures_for(*, user, start: dt.datetime, end: dt.datetime) -> dict:
    """Reviews of [start, end): total, replied, reply rate (%), by grade, cash-back owed/paid."""
    figures = Review.objects.filter(
        scope.business_line_q(user), reviewed_at__gte=start, reviewed_at__lt=end
    ).aggregate(
        total=Count("id"),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
        medium=Count("id", filter=Q(grade=ReviewGrade.MEDIUM)),
        poor=Count("id", filter=Q(grade=ReviewGrade.POOR)),
        cashback_due=Count("id", filter=Q(cashback="eligible")),
        cashback_paid=Count("id", filter=Q(cashback="paid")),
    )
    figures["reply_rate"] = care_rules.reply_rate(figures["replied"], figures["total"])
    return figures


def poor_reviews_for(*, user, start: dt.datetime, end: dt.datetime):
    """The 中差评 of [start, end) for the statistics workbook (CARE-3), oldest first."""
    return (
        Review.objects.filter(
            scope.business_line_q(user),
            grade__in=(ReviewGrade.MEDIUM, ReviewGrade.POOR),
            reviewed_at__gte=start,
            reviewed_at__lt=end,
        )
        .select_related("order", "customer", "shop")
        .order_by("reviewed_at", "id")
    )


def indicator_board_for(*, user) -> list[dict]:
    """Each shop's latest recorded indicators against every event's entry threshold (SAT-7):
    [{"shop", "day", "values", "checks"}]; the line's ``platform_events`` policy names the
    events and thresholds, ``indicator_margins`` the warning margins."""
    latest = (
        IndicatorRecord.objects.filter(scope.business_line_q(user))
        .values("shop_id")
        .annotate(day=Max("day"))
    )
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(shop_id=row["shop_id"], day=row["day"])
    board: dict[int, dict] = {}
    for rec in (
        IndicatorRecord.objects.filter(wanted)
        .select_related("shop__business_line")
        .order_by("shop_id", "code")
    ):
        entry = board.setdefault(
            rec.shop_id, {"shop": rec.shop, "day": rec.day, "values": {}, "checks": []}
        )
        entry["values"][rec.code] = None if rec.value is None else Decimal(rec.value)
    for entry in board.values():
        line = entry["shop"].business_line
        entry["checks"] = indicators.checks(
            entry["values"], line.policy("platform_events"), line.policy("indicator_margins")
        )
    return list(board.values())
