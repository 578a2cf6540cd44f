"""Care notices (CARE-1) and the daily shipment check (CARE-2).

Planning is one ``INSERT … SELECT`` per notice kind and business line, like the 催付 job: the
orders whose status time makes them due, without a notice of that kind yet. The unique
constraint (order, kind) makes two racing workers write one notice. Sending claims a batch of
pending notices, publishes ``care.notice`` for each (the event log, webhooks) and, after the
commit, hands each SMS to ``kefu.core.sms`` — the messaging outbox and its adapter, with the
line's signature, quota, opt-outs and quiet hours. A refusal there is recorded on the notice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from kefu.accounts.models import BusinessLine
from kefu.commerce import care_rules
from kefu.commerce.models import CareNotice, NoticeStatus, ShipmentCheck
from kefu.core import events
from kefu.core.sms import send_sms
from kefu.customers.models import Order, Shop

log = logging.getLogger("kefu.commerce")
# notices handed to the outbox per run (the SMS gateway's throttle, PAY-6 alike)
SEND_BATCH = 2000

_PLAN_SQL = """
INSERT INTO commerce_carenotice (business_line_id, order_id, kind, status, due_at, error)
SELECT %s, o.id, %s, 'pending', %s, ''
FROM customers_order o
WHERE o.shop_id IN ({shops}) AND (o.closed_at IS NULL OR o.closed_at > %s)
  AND o.{anchor} <= %s AND o.{anchor} >= %s {later}
  AND NOT EXISTS (SELECT 1 FROM commerce_carenotice n WHERE n.order_id = o.id AND n.kind = %s)
ON CONFLICT DO NOTHING
"""
_LATER = {care_rules.UNSHIPPED: "shipped_at", care_rules.SHIPPED: "delivered_at"}


def rules_for(line: BusinessLine) -> care_rules.CareRules:
    return care_rules.CareRules.from_policy(line.policy("care"), tz=timezone.get_default_timezone())


def _lines_with_shops(business_line_id: int | None) -> dict[int, list[int]]:
    qs = Shop.objects.filter(is_active=True)
    if business_line_id is not None:
        qs = qs.filter(business_line_id=business_line_id)
    shops: dict[int, list[int]] = {}
    for shop_id, line_id in qs.values_list("id", "business_line_id"):
        shops.setdefault(line_id, []).append(shop_id)
    return shops


def plan_notices(*, at: dt.datetime | None = None, business_line_id: int | None = None) -> dict:
    """Write the care notices due at ``at`` (default now), inside the SMS window only;
    idempotent. Returns {kind: notices written}."""
    at = at or timezone.now()
    written = dict.fromkeys(care_rules.KINDS, 0)
    shops = _lines_with_shops(business_line_id)
    adapt = connection.ops.adapt_datetimefield_value
    for line in BusinessLine.objects.filter(pk__in=shops):
        rules = rules_for(line)
        if not rules.in_window(at):
            continue
        lookback = dt.timedelta(hours=rules.lookback_hours)
        for kind in care_rules.KINDS:
            anchor, wait = rules.anchor(kind)
            later = _LATER.get(kind)
            sql = _PLAN_SQL.format(
                shops=",".join(str(int(s)) for s in shops[line.pk]),
                anchor=anchor,
                later=f"AND (o.{later} IS NULL OR o.{later} > %s)" if later else "",
            )
            params = [line.pk, kind, adapt(at), adapt(at), adapt(at - wait)]
            params.append(adapt(at - wait - lookback))
            if later:
                params.append(adapt(at))
            params.append(kind)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                written[kind] += max(cursor.rowcount, 0)
    return written


def _text(notice: CareNotice, rules: care_rules.CareRules) -> str:
    order = notice.order
    values = {
        "name": order.customer.name,
        "shop": order.shop.name if order.shop_id else "",
        "order": order.order_no,
        "courier": order.courier or "快递",
        "tracking": order.tracking_no or "-",
    }
    return care_rules.render(
        rules.scripts.get(notice.kind, ""), care_rules.DEFAULT_SCRIPTS[notice.kind], **values
    )


def _deliver(batch: list[tuple[int, int, str, str]]) -> None:
    """After the commit: each SMS through the outbox; a refusal or a failure is recorded."""
    for notice_id, line_id, phone, text in batch:
        try:
            send_sms(phone, text, business_line_id=line_id, kind="notice")
        except Exception as exc:  # the outbox refused (quota, opt-out) or the gateway failed
            log.info("care notice %s not sent: %s", notice_id, exc)
            CareNotice.objects.filter(pk=notice_id).update(
                status=NoticeStatus.REFUSED, error=str(exc)[:200]
            )


def send_notices(*, at: dt.datetime | None = None, limit: int = SEND_BATCH) -> dict:
    """Send up to ``limit`` pending care notices inside their window; those whose order moved on
    meanwhile (shipped before the 'not shipped' notice left, closed) are cancelled."""
    at = at or timezone.now()
    sent = dict.fromkeys(care_rules.KINDS, 0)
    with transaction.atomic():
        pending = list(
            CareNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=NoticeStatus.PENDING)
            .select_related("order__customer", "order__shop")
            .order_by("id")[:limit]
        )
        lines = {n.business_line_id for n in pending}
        rules = {b.pk: rules_for(b) for b in BusinessLine.objects.filter(pk__in=lines)}
        stop, ready = [], []
        for notice in pending:
            order = notice.order
            times = {f: getattr(order, f) for f in ("shipped_at", "delivered_at", "closed_at")}
            moved_on = (times["closed_at"] is not None and times["closed_at"] <= at) or (
                notice.kind in _LATER
                and times[_LATER[notice.kind]] is not None
                and times[_LATER[notice.kind]] <= at
            )
            if moved_on:
                stop.append(notice.pk)
            elif rules[notice.business_line_id].in_window(at):
                ready.append(notice)
        if stop:
            CareNotice.objects.filter(pk__in=stop, status=NoticeStatus.PENDING).update(
                status=NoticeStatus.CANCELLED
            )
        claimed = CareNotice.objects.filter(
            pk__in=[n.pk for n in ready], status=NoticeStatus.PENDING
        ).update(status=NoticeStatus.SENT, sent_at=at)
        if claimed != len(ready):
            transaction.set_rollback(True)  # another sender took some (SQLite): next run
            return sent
        batch = [
            (
                n.pk,
                n.business_line_id,
                n.order.customer.phone,
                _text(n, rules[n.business_line_id]),
            )
            for n in ready
        ]
        events.publish_many(
            "care.notice",
            [
                {
                    "object_id": n.pk,
                    "business_line_id": n.business_line_id,
                    "payload": {
                        "order": n.order_id,
                        "customer": n.order.customer_id,
                        "kind": n.kind,
                    },
                }
                for n in ready
            ],
        )
        transaction.on_commit(lambda: _deliver(batch))
        for n in ready:
            sent[n.kind] += 1
    return sent


def check_shipments(*, day: dt.date | None = None, business_line_id: int | None = None) -> dict:
    """CARE-2, daily: every shipment of ``day`` (default yesterday, local time) is checked once; a
    parcel without a courier or tracking number cannot be traced and gets its receipt time
    extended by the line's ``extend_days``. Idempotent. Returns {"checked", "untraceable"}."""
    tz = timezone.get_default_timezone()
    day = day or timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = start + dt.timedelta(days=1)
    now = timezone.now()
    out = {"checked": 0, "untraceable": 0}
    for line_id, shop_ids in _lines_with_shops(business_line_id).items():
        rules = rules_for(BusinessLine.objects.get(pk=line_id))
        orders = Order.objects.filter(
            shop_id__in=shop_ids, shipped_at__gte=start, shipped_at__lt=end
        ).values_list("id", "courier", "tracking_no")
        rows = []
        for order_id, courier, tracking_no in orders.iterator(chunk_size=2000):
            traceable = bool(courier.strip() and tracking_no.strip())
            rows.append(
                ShipmentCheck(
                    business_line_id=line_id,
                    order_id=order_id,
                    shipped_on=day,
                    traceable=traceable,
                    extended_days=0 if traceable else rules.extend_days,
                    checked_at=now,
                )
            )
        with transaction.atomic():
            before = ShipmentCheck.objects.filter(business_line_id=line_id, shipped_on=day)
            had = set(before.values_list("order_id", flat=True))
            ShipmentCheck.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        fresh = [r for r in rows if r.order_id not in had]
        out["checked"] += len(fresh)
        out["untraceable"] += sum(1 for r in fresh if not r.traceable)
    return out
