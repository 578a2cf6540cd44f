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
from kefu.commerce.models import (
    Campaign,
    CareNotice,
    Refund,
    Reminder,
    Return,
    Review,
    ShipmentCheck,
)
from kefu.customers.models import Customer, Order, Shop

DAYS = 30
HISTORY_DAYS = 180  # completed orders before the 催付 month: reviews, care SMS, DSR
HISTORY_PER_DAY = 7
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
        target_refunds=5,
        target_returns_on_time=Decimal("95.0"),
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
            # the last day's unpaid big orders still wait on the phone list
            today_pending = order.placed_at > now - dt.timedelta(hours=30) and rng.random() < 0.8
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
    _early_refunds(
        line,
        orders,
        {o.pk for o, _t in returns},
        now=now,
        rng=rng,
        handler=callers[0] if callers else None,
    )
    history = _history(shop, customers, now=now, rng=rng)
    _care_and_reviews(line, shop, now=now, rng=rng, replier=callers[0] if callers else None)
    return len(orders) + history


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


def _early_refunds(line, orders, returned: set, *, now, rng, handler) -> None:
    """Refunds asked before dispatch (仅退款) and while the parcel travels, so the refund
    workload forecast (STF-3) shows each stage with figures of its own: about one paid order in
    thirty, each at its moment (the review, 客户审核)."""
    made = []
    for order in orders:
        if order.paid_at is None or order.closed_at or order.pk in returned:
            continue
        if rng.random() >= 1 / 30:
            continue
        if order.shipped_at is None or rng.random() < 0.6:
            asked = order.paid_at + dt.timedelta(hours=rng.choice((1, 2, 3)))
            if order.shipped_at is not None:
                asked = min(asked, order.shipped_at - dt.timedelta(hours=1))
        else:
            asked = order.shipped_at + dt.timedelta(hours=rng.randrange(6, 30))
        if asked >= now:
            continue
        refund = Refund(business_line=line, order=order, amount=order.amount, reviewed_by=handler)
        refund.asked = asked
        made.append(refund)
    Refund.objects.bulk_create(made, batch_size=1000)
    for refund in made:
        refund.created_at = refund.asked  # the review, not the demo's build time
    Refund.objects.bulk_update(made, ["created_at"], batch_size=1000)


def _history(shop, customers, *, now, rng) -> int:
    """Completed orders of the 150 days before the 催付 month (paid, shipped, delivered,
    confirmed), so reviews, care SMS and the DSR have half a year of history."""
    tz = timezone.get_default_timezone()
    rows = []
    for day in range(HISTORY_DAYS, DAYS, -1):
        date = (now - dt.timedelta(days=day)).astimezone(tz).date()
        for i in range(HISTORY_PER_DAY + rng.randrange(-2, 3)):
            placed = dt.datetime.combine(date, dt.time(rng.randrange(8, 23), rng.randrange(60)))
            placed = placed.replace(tzinfo=tz)
            paid = placed + dt.timedelta(minutes=rng.randrange(1, 40))
            shipped = paid + dt.timedelta(hours=rng.choice((6, 10, 20, 30, 52)))
            delivered = shipped + dt.timedelta(days=rng.choice((1, 2, 2, 3)))
            closed = delivered + dt.timedelta(days=rng.choice((1, 3, 5, 10)))
            traced = rng.random() > 0.03
            rows.append(
                Order(
                    shop=shop,
                    customer_id=customers[rng.randrange(len(customers))][0],
                    order_no=f"TH{date:%y%m%d}{i:04d}",
                    platform="tmall",
                    amount=Decimal(rng.choice((59, 99, 129, 199, 299, 399, 899))),
                    placed_at=placed,
                    paid_at=paid,
                    shipped_at=shipped,
                    delivered_at=delivered,
                    closed_at=closed,
                    courier=rng.choice(("顺丰", "中通", "圆通")),
                    tracking_no=f"T{date:%y%m%d}{i:05d}" if traced else "",
                    warehouse_city=rng.choice(("上海", "广州", "北京", "深圳", "杭州")),
                    status=order_merge.PLATFORM_WORDS["closed"],
                    status_at=closed,
                )
            )
    Order.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _care_and_reviews(line, shop, *, now, rng, replier) -> None:
    """Care SMS of every shipped order (CARE-1), the daily shipment checks (CARE-2), reviews with
    replies, a few 中差评 and the 5-star + photo cash-back (CARE-3), then the shop's daily
    indicators recorded by the SAT-7 job for the half year."""
    from kefu.commerce.services import indicators

    orders = list(
        Order.objects.filter(shop=shop, shipped_at__isnull=False, shipped_at__lt=now).only(
            "id",
            "customer_id",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "closed_at",
            "tracking_no",
            "courier",
        )
    )
    tz = timezone.get_default_timezone()
    notices, checks, reviews = [], [], []
    for order in orders:
        times = {
            "shipped": order.shipped_at,
            "delivered": order.delivered_at,
            "confirm": order.delivered_at + dt.timedelta(days=3) if order.delivered_at else None,
        }
        if order.shipped_at - order.paid_at > dt.timedelta(hours=24):
            times["unshipped"] = order.paid_at + dt.timedelta(hours=24)
        if order.closed_at and times["confirm"] and order.closed_at <= times["confirm"]:
            times["confirm"] = None
        for kind, due in times.items():
            if due is None or due > now:
                continue
            local = due.astimezone(tz)
            if local.hour < 9 or (local.hour, local.minute) >= (21, 30):
                nxt = local if local.hour < 9 else local + dt.timedelta(days=1)
                due = nxt.replace(hour=9, minute=0, second=0, microsecond=0)
            if due > now:
                continue
            refused = rng.random() < 0.02
            notices.append(
                CareNotice(
                    business_line=line,
                    order_id=order.pk,
                    kind=kind,
                    status="refused" if refused else "sent",
                    due_at=due,
                    sent_at=None if refused else due,
                    error="回复TD退订" if refused else "",
                )
            )
        shipped_on = order.shipped_at.astimezone(tz).date()
        if shipped_on < now.astimezone(tz).date():
            traceable = bool(order.tracking_no)
            checks.append(
                ShipmentCheck(
                    business_line=line,
                    order_id=order.pk,
                    shipped_on=shipped_on,
                    traceable=traceable,
                    extended_days=0 if traceable else 3,
                    checked_at=dt.datetime.combine(
                        shipped_on + dt.timedelta(days=1), dt.time(8), tzinfo=tz
                    ),
                )
            )
        if order.delivered_at is None or rng.random() > 0.6:
            continue
        reviewed = order.delivered_at + dt.timedelta(hours=rng.randrange(6, 96))
        if reviewed > now:
            continue
        rating = rng.choices((5, 4, 3, 2, 1), weights=(80, 12, 4, 2, 2))[0]
        photo = rating == 5 and rng.random() < 0.3
        replied = rng.random() < (0.97 if reviewed < now - dt.timedelta(days=2) else 0.4)
        grade = "good" if rating >= 4 else "medium" if rating == 3 else "poor"
        reviews.append(
            Review(
                business_line=line,
                shop=shop,
                order_id=order.pk,
                customer_id=order.customer_id,
                rating=rating,
                grade=grade,
                text=rng.choice(REVIEW_TEXTS[grade]),
                has_photo=photo,
                dsr_item=min(5, max(1, rating + rng.choice((0, 0, 0, 1, -1)))),
                dsr_service=min(5, max(1, rating + rng.choice((0, 0, 1)))),
                dsr_logistics=rng.choices((5, 4, 3), weights=(85, 12, 3))[0],
                reviewed_at=reviewed,
                reply=rng.choice(REPLIES[grade]) if replied else "",
                replied_at=reviewed + dt.timedelta(hours=rng.randrange(1, 20)) if replied else None,
                replied_by=replier if replied else None,
                cashback="paid"
                if photo and reviewed < now - dt.timedelta(days=3)
                else ("eligible" if photo else "none"),
                cashback_amount=Decimal("5.00") if photo else None,
                cashback_paid_at=reviewed + dt.timedelta(days=2)
                if photo and reviewed < now - dt.timedelta(days=3)
                else None,
            )
        )
    CareNotice.objects.bulk_create(notices, batch_size=1000)
    ShipmentCheck.objects.bulk_create(checks, batch_size=1000)
    Review.objects.bulk_create(reviews, batch_size=1000)
    today = now.astimezone(tz).date()
    for back in range(HISTORY_DAYS, 0, -1):
        indicators.record_day(day=today - dt.timedelta(days=back), business_line_id=line.pk)


REVIEW_TEXTS = {
    "good": (
        "质量很好，物流很快",
        "回购第三次了，一如既往的好用",
        "包装精美，送人很有面子",
        "客服态度好，推荐",
    ),
    "medium": ("一般般吧，和图片有点差别", "物流有点慢", "味道有点重"),
    "poor": ("用了过敏，很失望", "包装破损，漏液了", "等了一周才发货"),
}
REPLIES = {
    "good": ("感谢亲的支持，期待您再次光临~", "谢谢亲的好评，我们会继续努力哦~"),
    "medium": ("亲，非常抱歉没有让您满意，客服会尽快联系您处理~",),
    "poor": ("亲，实在抱歉给您带来不好的体验，客服已联系您为您处理~",),
}
