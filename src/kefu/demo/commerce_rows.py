"""The demo's e-commerce operations (issue 20): a Tmall shop of the online line with 30 days of
orders, the 催付 reminders those orders got (SMS, IM, phone calls by the 催付组) and the payments
that followed, today's phone list, returns in every state (one VIP parcel received) and refunds
waiting for the second key. Written in bulk; the figures the pages show are computed from these
rows."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.commerce import order_merge
from kefu.commerce.models import Campaign, Refund, Reminder, Return
from kefu.customers.models import Customer, Order, Shop

DAYS = 30
ORDERS_PER_DAY = 24
PAID_AFTER_REMINDER = 0.45  # about this share of reminded orders pay afterwards


def build_commerce_rows(lines, *, now, seed: int) -> int:
    line = next((x for x in lines if x.industry == "ecommerce"), None)
    if line is None:
        return 0
    rng = random.Random(seed + 20)
    tz = timezone.get_default_timezone()
    customers = list(
        Customer.objects.filter(business_line=line, merged_into=None)
        .order_by("id")
        .values_list("id", "tier")[:300]
    )
    if not customers:
        return 0
    team = Team.objects.filter(business_line=line, name="催付组").first()
    callers = list(User.objects.filter(team=team, is_active=True).order_by("id")) if team else []
    callers = callers or list(User.objects.filter(business_line=line, role="agent")[:2])
    shop = Shop.objects.create(business_line=line, name="天猫旗舰店", platform="tmall")
    campaign = Campaign.objects.create(
        business_line=line,
        name="双11催付",
        team=team,
        starts_at=now - dt.timedelta(days=DAYS),
        ends_at=now + dt.timedelta(days=10),
        training_on=(now - dt.timedelta(days=DAYS + 30)).date(),
        target_order_rate=Decimal("40.0"),
    )
    orders, plans = [], []
    for day in range(DAYS, -1, -1):
        date = (now - dt.timedelta(days=day)).astimezone(tz).date()
        for i in range(ORDERS_PER_DAY):
            hour = rng.choice((0, 1, 9, 10, 11, 14, 15, 20, 21, 22))
            placed = dt.datetime.combine(date, dt.time(hour, rng.randrange(60)), tzinfo=tz)
            if placed > now - dt.timedelta(hours=4):
                continue
            customer_id, tier = customers[rng.randrange(len(customers))]
            amount = Decimal(rng.choice((59, 99, 129, 199, 299, 399, 499, 899, 1299)))
            unpaid_at_first = rng.random() < 0.35
            orders.append(
                Order(
                    shop=shop,
                    customer_id=customer_id,
                    order_no=f"TM{date:%y%m%d}{i:04d}",
                    platform="tmall",
                    amount=amount,
                    placed_at=placed,
                    status="待付款",
                    buyer_online=rng.random() < 0.5,
                )
            )
            plans.append((unpaid_at_first, tier, day))
    Order.objects.bulk_create(orders, batch_size=1000)
    reminders, returns = [], []
    for order, (unpaid, tier, day) in zip(orders, plans, strict=True):
        if not unpaid:
            order.paid_at = order.placed_at + dt.timedelta(minutes=rng.randrange(2, 50))
        else:
            sms_at = order.placed_at + dt.timedelta(hours=1)
            local = sms_at.astimezone(tz)
            if local.hour < 9 or (local.hour, local.minute) >= (21, 30):
                nxt = local if local.hour < 9 else local + dt.timedelta(days=1)
                sms_at = nxt.replace(hour=9, minute=0, second=0, microsecond=0)
            touches = [("sms", None, sms_at, "sent", "")]
            phone_at = sms_at + dt.timedelta(hours=2, minutes=rng.randrange(60))
            today_pending = day == 0 and rng.random() < 0.8
            if order.amount >= 299 and callers:
                if today_pending:
                    touches.append(("phone", None, None, "pending", ""))
                else:
                    outcome = rng.choice(("promised", "promised", "no_intent", "no_answer"))
                    touches.append(("phone", rng.choice(callers), phone_at, "called", outcome))
            last = max(t[2] for t in touches if t[2] is not None)
            if not today_pending and rng.random() < PAID_AFTER_REMINDER and last < now:
                order.paid_at = min(last + dt.timedelta(minutes=rng.randrange(5, 240)), now)
            elif not today_pending and day > 1 and rng.random() < 0.5:
                order.closed_at = order.placed_at + dt.timedelta(hours=72)
            for channel, agent, sent_at, status, outcome in touches:
                reminders.append(
                    Reminder(
                        business_line=line,
                        order=order,
                        channel=channel,
                        status=status,
                        campaign=campaign,
                        team=team,
                        amount=order.amount,
                        placed_at=order.placed_at,
                        due_at=sent_at or now,
                        sent_at=sent_at,
                        agent=agent,
                        outcome=outcome,
                    )
                )
        if order.paid_at and day >= 3:
            order.shipped_at = order.paid_at + dt.timedelta(hours=10)
            order.courier, order.tracking_no = "顺丰", f"SF{order.pk:010d}"
            order.warehouse_city = rng.choice(("上海", "广州", "北京", "深圳", "杭州"))
            order.delivered_at = order.shipped_at + dt.timedelta(days=2)
            if day <= 10 and rng.random() < 0.08:
                returns.append((order, tier))
        order.status = order_merge.PLATFORM_WORDS[order_merge.status_of(order.__dict__)]
        order.status_at = order.closed_at or order.delivered_at or order.paid_at or order.placed_at
    Order.objects.bulk_update(
        orders,
        [
            "paid_at",
            "closed_at",
            "shipped_at",
            "delivered_at",
            "courier",
            "tracking_no",
            "warehouse_city",
            "status",
            "status_at",
        ],
        batch_size=1000,
    )
    Reminder.objects.bulk_create(reminders, batch_size=1000)
    _returns(line, returns, now=now, rng=rng, handler=callers[0] if callers else None)
    return len(orders)


def _returns(line, picked, *, now, rng, handler) -> None:
    states = ("requested", "approved", "shipped_back", "received", "received", "refunded")
    rows = []
    for k, (order, tier) in enumerate(picked):
        status = states[k % len(states)]
        requested = order.delivered_at + dt.timedelta(days=1)
        vip = tier == "vip" or k == 3
        ret = Return(
            business_line=line,
            order=order,
            customer_id=order.customer_id,
            status=status,
            reason=rng.choice(("尺码不合适", "不喜欢", "过敏", "质量问题")),
            amount=order.amount,
            vip=vip,
            rule="no_reason_window",
            requested_at=requested,
            handled_by=handler,
        )
        if status != "requested":
            ret.approved_at = requested + dt.timedelta(hours=2)
        if status in ("shipped_back", "received", "refunded"):
            ret.return_tracking_no = f"YT{order.pk:09d}"
        if status in ("received", "refunded"):
            ret.received_at = min(requested + dt.timedelta(days=2), now - dt.timedelta(hours=3))
            ret.due_at = ret.received_at + dt.timedelta(hours=24 if vip else 48)
        if status == "refunded":
            ret.inspected_at = ret.resolved_at = ret.received_at + dt.timedelta(hours=5)
            ret.intact = True
        rows.append(ret)
    Return.objects.bulk_create(rows)
    Refund.objects.bulk_create(
        Refund(
            business_line=line,
            order_id=r.order_id,
            ret=r,
            amount=r.amount,
            status="submitted",
            reviewed_by=handler,
            submitted_by=handler,
            submitted_at=r.resolved_at,
        )
        for r in rows
        if r.status == "refunded"
    )
