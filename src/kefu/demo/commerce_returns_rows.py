"""The demo's returns team and logistics cases (issue 20, RET-7…9): half a year of 补发 sent and
checked, parcels unpacked and inspected at the warehouse, refunds closed by the 退款组's
specialists and approved by finance, lost / short / damaged / anomalous parcels at every step,
and yesterday's after-sales issues for the daily registers (RET-8). Written in bulk after the
commerce rows (they make the shop, its orders and returns); every figure on the pages is
computed from these rows."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import User
from kefu.commerce.models import (
    Inspection,
    LogisticsCase,
    Refund,
    Reshipment,
    Return,
)
from kefu.customers.models import Order, Shop

WAREHOUSES = ("嘉兴仓", "广州仓", "武汉仓")
ITEMS = ("赠品小样 x1", "替换装 x1", "整单", "口红 x1", "面霜 x1", "洗面奶 x2")


def build_commerce_returns_rows(lines, *, now, seed: int) -> int:
    line = next((x for x in lines if x.industry == "ecommerce"), None)
    shop = Shop.objects.filter(business_line=line).order_by("id").first() if line else None
    if shop is None:
        return 0
    rng = random.Random(seed + 27)
    staff = list(
        User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
    )
    refunders = (
        list(
            User.objects.filter(team__business_line=line, team__name="退款组", is_active=True)
            .exclude(role="lead")
            .order_by("id")
        )
        or staff[:3]
    )
    approver = (
        User.objects.filter(business_line=line, role__in=("lead", "supervisor"))
        .exclude(pk__in=[u.pk for u in refunders])
        .order_by("role", "id")
        .first()
    )
    if not staff or approver is None:
        return 0
    done = list(
        Order.objects.filter(shop=shop, delivered_at__isnull=False, delivered_at__lt=now)
        .order_by("delivered_at")
        .only("id", "customer_id", "amount", "delivered_at", "shipped_at", "courier")
    )
    if not done:
        return 0
    written = _reshipments(line, done, staff, now=now, rng=rng)
    _history_returns(line, done, staff, now=now, rng=rng)
    written += _inspections(line, staff, rng=rng)
    written += _specialist_refunds(line, done, refunders, approver, now=now, rng=rng)
    written += _cases(line, done, staff, now=now, rng=rng)
    written += _yesterday(line, done, staff, now=now, rng=rng)
    return written


def _reshipments(line, done, staff, *, now, rng) -> int:
    rows = []
    for order in done:
        if rng.random() > 0.07:
            continue
        requested = order.delivered_at + dt.timedelta(hours=rng.randrange(6, 60))
        if requested > now - dt.timedelta(hours=2):
            continue
        sent = requested + dt.timedelta(hours=rng.choice((3, 5, 8, 20, 26, 45)))
        if sent > now:
            sent = None
        checked = sent + dt.timedelta(days=3) if sent else None
        result = "pending"
        if checked and checked < now:
            result = "wrong" if rng.random() < 0.05 else "correct"
        rows.append(
            Reshipment(
                business_line=line,
                order=order,
                reason=rng.choice(("short", "short", "damaged", "lost", "wrong")),
                items=rng.choice(ITEMS),
                requested_at=requested,
                requested_by=rng.choice(staff),
                sent_at=sent,
                tracking_no=f"SF{order.pk:010d}" if sent else "",
                result=result,
                checked_at=checked if result != "pending" else None,
            )
        )
    Reshipment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _history_returns(line, done, staff, *, now, rng) -> None:
    """Returns of the half year, received, unpacked and resolved (refund or exchange)."""
    rows = []
    for order in done:
        if rng.random() > 0.03:
            continue
        requested = order.delivered_at + dt.timedelta(days=rng.randrange(1, 6))
        received = requested + dt.timedelta(days=rng.choice((2, 3, 4)), hours=rng.randrange(8))
        inspected = received + dt.timedelta(hours=rng.choice((2, 4, 6, 20, 30)))
        if inspected > now - dt.timedelta(hours=2):
            continue
        exchange = rng.random() < 0.3
        intact = rng.random() > 0.08
        rows.append(
            Return(
                business_line=line,
                order=order,
                customer_id=order.customer_id,
                status="exchanged"
                if exchange and intact
                else ("refunded" if intact else "refused"),
                exchange=exchange,
                reason=rng.choice(("尺码不合适", "不喜欢", "过敏", "质量问题")),
                amount=order.amount,
                rule="no_reason_window",
                requested_at=requested,
                approved_at=requested + dt.timedelta(hours=2),
                return_tracking_no=f"YT{order.pk:09d}",
                received_at=received,
                due_at=received + dt.timedelta(hours=48),
                inspected_at=inspected,
                intact=intact,
                inspection_note="" if intact else "吊牌已剪",
                resolved_at=inspected,
                handled_by=rng.choice(staff),
            )
        )
    Return.objects.bulk_create(rows, batch_size=1000)


def _inspections(line, staff, *, rng) -> int:
    rows = [
        Inspection(
            business_line=line,
            ret=ret,
            warehouse=rng.choice(WAREHOUSES),
            inspector=rng.choice(staff),
            unpacked_at=ret.inspected_at,
            intact=bool(ret.intact),
            damaged=rng.random() < 0.1,
            note=rng.choice(("", "吊牌完好", "外箱轻微压痕", "")),
        )
        for ret in Return.objects.filter(business_line=line, inspected_at__isnull=False)
    ]
    Inspection.objects.bulk_create(rows)
    return len(rows)


def _specialist_refunds(line, done, refunders, approver, *, now, rng) -> int:
    """Refunds closed over the half year: each specialist at their own pace."""
    rows = []
    pace = {u.pk: 0.5 + 0.5 * (k % 3) for k, u in enumerate(refunders)}
    for order in done:
        if rng.random() > 0.08:
            continue
        who = rng.choice(refunders)
        reviewed = order.delivered_at + dt.timedelta(hours=rng.randrange(2, 48))
        approved = reviewed + dt.timedelta(hours=round(rng.uniform(1, 20) * pace[who.pk], 1))
        if approved > now - dt.timedelta(hours=1):
            continue
        rows.append(
            Refund(
                business_line=line,
                order=order,
                amount=order.amount
                if rng.random() < 0.7
                else (order.amount / 2).quantize(Decimal("0.01")),
                status="approved",
                reviewed_by=who,
                submitted_by=who,
                submitted_at=reviewed + dt.timedelta(minutes=20),
                approved_by=approver,
                approved_at=approved,
            )
        )
        rows[-1]._reviewed = reviewed
    made = Refund.objects.bulk_create(rows, batch_size=1000)
    for refund, row in zip(made, rows, strict=True):
        refund.created_at = row._reviewed  # the review, not the demo's build time
    Refund.objects.bulk_update(made, ["created_at"], batch_size=1000)
    return len(made)


def _cases(line, done, staff, *, now, rng) -> int:
    rows = []
    shipped = [o for o in done if o.shipped_at]
    for order in shipped:
        if rng.random() > 0.04:
            continue
        opened = order.shipped_at + dt.timedelta(days=rng.choice((2, 3, 4, 5)))
        if opened > now - dt.timedelta(hours=3):
            continue
        kind = rng.choice(("lost", "short", "short", "damaged", "anomaly", "anomaly"))
        age_days = (now - opened).days
        case = LogisticsCase(
            business_line=line,
            order=order,
            kind=kind,
            courier=order.courier,
            opened_at=opened,
            opened_by=rng.choice(staff),
            description={
                "lost": "物流停滞五天，客户未收到",
                "short": "客户反映少了一件",
                "damaged": "外箱破损，商品漏液",
                "anomaly": "物流信息三天未更新",
            }[kind],
        )
        _advance(case, order, age_days, rng=rng)
        rows.append(case)
    LogisticsCase.objects.bulk_create(rows, batch_size=1000)
    # the reshipments the cases' remedies sent
    reships = [
        Reshipment(
            business_line=line,
            order_id=c.order_id,
            case=c,
            reason={"lost": "lost", "short": "short", "damaged": "damaged"}[c.kind],
            items="整单" if c.kind == "lost" else rng.choice(ITEMS),
            requested_at=c.opened_at + dt.timedelta(days=1),
            requested_by=c.opened_by,
            sent_at=c.opened_at + dt.timedelta(days=1, hours=6),
            tracking_no=f"ZT{c.order_id:010d}",
            result="correct" if c.status == "closed" else "pending",
            checked_at=c.closed_at,
        )
        for c in rows
        if c.remedy == "reship"
    ]
    Reshipment.objects.bulk_create(reships)
    return len(rows) + len(reships)


def _advance(case, order, age_days: int, *, rng) -> None:
    """Move a case along its flow as far as its age allows (older cases are closed)."""
    kind = case.kind
    stage = min(age_days // 2, 4)
    note = []
    if kind == "anomaly":
        if stage >= 1:
            case.status = "queried"
            note.append("已联系快递查询")
        if stage >= 2:
            case.status = "closed"
            note.append("快递已恢复派送")
    elif kind == "short":
        if stage >= 1:
            case.status = "weighed"
            case.weight_warehouse = Decimal("1.250")
            case.weight_courier = Decimal(rng.choice(("0.900", "0.950", "1.250")))
        if stage >= 2:
            case.status, case.remedy = "remedied", "reship"
        if stage >= 3:
            case.status = "closed"
    else:  # lost, damaged
        steps = (["confirmed"] if kind == "lost" else []) + ["remedied", "claimed", "closed"]
        for step in steps[: stage if kind == "lost" else max(stage - 1, 0)]:
            case.status = step
            if step == "confirmed":
                note.append("快递确认丢件")
            if step == "remedied":
                case.remedy = "reship"
            if step == "claimed":
                case.claim_amount = order.amount
            if step == "closed":
                case.recovered_amount = (
                    order.amount * Decimal(rng.choice(("1", "0.8", "0.5")))
                ).quantize(Decimal("0.01"))
    case.note = "\n".join(note)
    if case.status == "closed":
        case.closed_at = case.opened_at + dt.timedelta(days=stage * 2)


def _yesterday(line, done, staff, *, now, rng) -> int:
    """A day's worth of after-sales issues for yesterday's registers: traces, a damaged parcel,
    returns, an exchange, refund requests and a customer dispute."""
    tz = timezone.get_default_timezone()
    day = now.astimezone(tz).date() - dt.timedelta(days=1)
    at = [
        dt.datetime.combine(day, dt.time(h, m), tzinfo=tz)
        for h, m in ((9, 12), (10, 40), (11, 5), (13, 30), (14, 50), (15, 20), (16, 45), (19, 10))
    ]
    recent = [o for o in done if o.delivered_at and o.delivered_at < at[0]][-12:]
    if len(recent) < 8:
        return 0
    agent = staff[0]
    cases = [
        LogisticsCase(
            business_line=line,
            order=recent[0],
            kind="anomaly",
            courier=recent[0].courier,
            opened_at=at[0],
            opened_by=agent,
            description="客户查件：物流两天未更新",
        ),
        LogisticsCase(
            business_line=line,
            order=recent[1],
            kind="lost",
            courier=recent[1].courier,
            opened_at=at[1],
            opened_by=agent,
            description="客户未收到，快递查无此件",
        ),
        LogisticsCase(
            business_line=line,
            order=recent[2],
            kind="damaged",
            courier=recent[2].courier,
            opened_at=at[2],
            opened_by=agent,
            description="收到时瓶身破裂",
        ),
    ]
    LogisticsCase.objects.bulk_create(cases)
    Reshipment.objects.create(
        business_line=line,
        order=recent[3],
        reason="short",
        items="赠品小样 x1",
        requested_at=at[3],
        requested_by=agent,
    )
    returns = [
        Return(
            business_line=line,
            order=o,
            customer_id=o.customer_id,
            status="requested",
            exchange=exchange,
            reason=reason,
            amount=o.amount,
            rule="no_reason_window",
            requested_at=t,
            handled_by=agent,
        )
        for o, exchange, reason, t in (
            (recent[4], False, "不喜欢", at[4]),
            (recent[5], True, "尺码不合适", at[5]),
        )
    ]
    Return.objects.bulk_create(returns)
    refund = Refund.objects.create(
        business_line=line, order=recent[6], amount=recent[6].amount, reviewed_by=agent
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=at[6])
    disputed = Return.objects.create(
        business_line=line,
        order=recent[7],
        customer_id=recent[7].customer_id,
        status="disputed",
        reason="质量问题",
        amount=recent[7].amount,
        rule="no_reason_window",
        requested_at=at[7] - dt.timedelta(days=3),
        intact=False,
        inspection_note="吊牌已剪，客户申请小二介入",
        handled_by=agent,
    )
    Return.objects.filter(pk=disputed.pk).update(updated_at=at[7])
    return 9
