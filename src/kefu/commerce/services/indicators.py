"""SAT-7, daily: each shop's DSR and after-sales composite indicators recorded for the day, so the
page can compare them with every platform event's entry threshold and warn before they fall
below. Recomputed from the rows (reviews, refunds, returns, orders); a rerun of a day replaces it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from kefu.commerce import indicators
from kefu.commerce.models import (
    IndicatorRecord,
    IndicatorWarning,
    Refund,
    RefundStatus,
    Return,
    Review,
)
from kefu.core import events
from kefu.customers.models import Order, Shop


def shop_values(shop: Shop, day: dt.date) -> dict:
    """{code: Decimal | None} of ``shop`` at the end of ``day`` (local time)."""
    tz = timezone.get_default_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    dsr_start = end - dt.timedelta(days=indicators.DSR_DAYS)
    rate_start = end - dt.timedelta(days=indicators.RATE_DAYS)
    stars = Review.objects.filter(
        shop=shop, reviewed_at__gte=dsr_start, reviewed_at__lt=end
    ).aggregate(
        **{f"{c}_sum": Sum(c) for c in indicators.DSR_CODES},
        **{f"{c}_n": Count(c) for c in indicators.DSR_CODES},
    )
    paid = Order.objects.filter(shop=shop, paid_at__gte=rate_start, paid_at__lt=end).count()
    refunds = Refund.objects.filter(
        order__shop=shop,
        status=RefundStatus.APPROVED,
        approved_at__gte=rate_start,
        approved_at__lt=end,
    ).count()
    disputes = Return.objects.filter(
        Q(status="disputed"),
        order__shop=shop,
        requested_at__gte=rate_start,
        requested_at__lt=end,
    ).count()
    values = {}
    for code in indicators.DSR_CODES:
        values[code] = indicators.average(stars[f"{code}_sum"] or 0, stars[f"{code}_n"])
    values["refund_rate"] = indicators.rate(refunds, paid)
    values["dispute_rate"] = indicators.rate(disputes, paid)
    return values


WARN_RECENT_DAYS = 2


def record_day(
    *, day: dt.date | None = None, business_line_id: int | None = None, warn: bool | None = None
) -> int:
    """Record every active shop's indicators of ``day`` (default yesterday); returns the rows.

    ``warn`` (default: for the last ``WARN_RECENT_DAYS`` days only) sends the SAT-7 warnings; a
    backfill of older days records them silently: a supervisor is not told of last spring."""
    day = day or timezone.localdate() - dt.timedelta(days=1)
    if warn is None:
        warn = day >= timezone.localdate() - dt.timedelta(days=WARN_RECENT_DAYS)
    shops = Shop.objects.filter(is_active=True)
    if business_line_id is not None:
        shops = shops.filter(business_line_id=business_line_id)
    written = 0
    for shop in shops:
        values = shop_values(shop, day)
        with transaction.atomic():
            IndicatorRecord.objects.filter(shop=shop, day=day).delete()
            IndicatorRecord.objects.bulk_create(
                IndicatorRecord(
                    business_line_id=shop.business_line_id,
                    shop=shop,
                    day=day,
                    code=code,
                    value=value,
                )
                for code, value in values.items()
            )
            if warn:
                warn_day(shop, day, values)
        written += len(values)
    return written


SEVERITY = {indicators.OK: 0, indicators.WARN: 1, indicators.BELOW: 2}


def warn_day(shop: Shop, day: dt.date, values: dict) -> list[IndicatorWarning]:
    """SAT-7: each indicator of ``day`` within the warning margin of an event's entry threshold
    (or past it) warns the line's supervisors, once per indicator and day: the unique row is
    the guard, a rerun of the day warns nobody again. The worst event of an indicator is
    named."""
    line = shop.business_line
    worst: dict = {}
    for check in indicators.checks(
        values, line.policy("platform_events"), line.policy("indicator_margins")
    ):
        if check.status == indicators.OK:
            continue
        if check.code not in worst or SEVERITY[check.status] > SEVERITY[worst[check.code].status]:
            worst[check.code] = check
    made = []
    for code, check in worst.items():
        if IndicatorWarning.objects.filter(shop=shop, day=day, code=code).exists():
            continue
        warning = IndicatorWarning.objects.create(
            business_line_id=shop.business_line_id,
            shop=shop,
            day=day,
            code=code,
            event=check.event[:100],
            value=check.value,
            threshold=check.threshold,
            status=check.status,
        )
        events.publish(
            "shop.indicator_warning",
            object_id=warning.pk,
            business_line_id=shop.business_line_id,
            payload={
                "shop": shop.pk,
                "day": day.isoformat(),
                "code": code,
                "event": warning.event,
                "value": str(check.value),
                "threshold": str(check.threshold),
                "status": check.status,
            },
            subject=warning,
        )
        made.append(warning)
    return made
