"""The demo's platform disputes and order-card links (issue 20, CMP-11 and the order card): half
a year of refused returns the buyers took to the platform (淘宝小二介入) — each negotiated
contact by contact, most with an appeal pack (进货凭证, 品牌授权, chat logs; small files in the
media storage) and, once the platform decided, won, lost (the amount paid to the buyer) or
withdrawn; yesterday's dispute still in negotiation. Returns opened while the buyer had a ticket
open keep that ticket and show on its timeline, as the card's actions do. Written in bulk after
the returns rows; the disputes page's figures are computed from these rows."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from kefu.accounts.models import User
from kefu.commerce.models import Dispute, DisputeContact, DisputeEvidence, Return
from kefu.tickets.models import Ticket, TicketEvent

OFFERS = (
    ("部分退款 30 元，商品留用", "不同意，要求全额退款"),
    ("补发赠品小样一份", "不需要赠品，只要退款"),
    ("退款 50% 并承担来回运费", "考虑一下"),
    ("说明吊牌已剪不符合七天无理由，可以换货", "不接受换货"),
    ("发送质检照片并解释拒绝原因", "仍要求平台介入"),
)
REASONS = (
    "商品吊牌已剪、有洗涤痕迹，不符合七天无理由退货条件；附进货凭证与聊天记录。",
    "商品为正品，附品牌授权与进货凭证；买家所述质量问题无凭证。",
    "已多次协商并提出部分退款方案，买家拒绝；附完整聊天记录。",
)


def build_commerce_dispute_rows(lines, *, now, seed: int) -> int:
    line = next((x for x in lines if x.industry == "ecommerce"), None)
    if line is None:
        return 0
    rng = random.Random(seed + 41)
    staff = list(
        User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
    )
    if not staff:
        return 0
    written = _disputes(line, staff, now=now, rng=rng)
    written += _ticket_links(line, now=now)
    return written


def _disputes(line, staff, *, now, rng) -> int:
    refused = list(
        Return.objects.filter(business_line=line, status="refused", resolved_at__isnull=False)
        .select_related("order")
        .order_by("resolved_at")
    )
    chosen = [r for r in refused if rng.random() < 0.7]
    latest = (
        Return.objects.filter(business_line=line, status="disputed", dispute__isnull=True)
        .select_related("order")
        .order_by("id")
    )
    rows: list[tuple[Return, dt.datetime]] = []
    for ret in chosen:
        opened = ret.resolved_at + dt.timedelta(days=rng.randrange(1, 4), hours=rng.randrange(9))
        if opened < now - dt.timedelta(hours=6):
            rows.append((ret, opened))
    # the day's dispute (yesterday's register): opened when it was recorded
    rows.extend((ret, ret.updated_at) for ret in latest)
    disputes, contacts, evidence = [], [], []
    for ret, opened in rows:
        agent = ret.handled_by or rng.choice(staff)
        d = Dispute(
            business_line=line,
            ret=ret,
            order_id=ret.order_id,
            platform_case_no=f"TB{ret.order_id:08d}{rng.randrange(10, 99)}",
            opened_at=opened,
            opened_by=agent,
        )
        at = opened
        for i in range(rng.choice((1, 2, 2, 3))):
            at = at + dt.timedelta(hours=rng.choice((2, 5, 20, 26)))
            if at > now - dt.timedelta(hours=1):
                break
            offer, answer = OFFERS[(ret.pk + i) % len(OFFERS)]
            contact = DisputeContact(
                at=at,
                channel=rng.choice(("phone", "im", "im")),
                offer=offer,
                answer=answer,
                by=agent,
            )
            contacts.append((d, contact))
        appealed = opened + dt.timedelta(days=rng.randrange(3, 7))
        if appealed < now - dt.timedelta(days=2) and contacts and contacts[-1][0] is d:
            d.stage = "appealing"
            d.reasons = REASONS[ret.pk % len(REASONS)]
            d.appealed_at = appealed
            d.appealed_by = agent
            kinds = ["purchase", "chat"] + (["brand"] if rng.random() < 0.5 else [])
            evidence.extend((d, kind, agent) for kind in kinds)
            decided = appealed + dt.timedelta(days=rng.randrange(3, 10))
            if decided < now - dt.timedelta(hours=12):
                roll = rng.random()
                d.stage = "closed"
                d.closed_at = decided
                d.closed_by = agent
                if roll < 0.55:
                    d.outcome, d.amount = "won", Decimal("0.00")
                elif roll < 0.85:
                    part = rng.choice((Decimal("1"), Decimal("0.5"), Decimal("0.3")))
                    d.outcome, d.amount = "lost", (ret.amount * part).quantize(Decimal("0.01"))
                else:
                    d.outcome, d.amount = "withdrawn", Decimal("0.00")
        disputes.append(d)
    Dispute.objects.bulk_create(disputes, batch_size=500)
    Return.objects.filter(pk__in=[r.pk for r, _o in rows], status="refused").update(
        status="disputed"
    )
    for d, c in contacts:
        c.dispute = d
    DisputeContact.objects.bulk_create([c for _d, c in contacts], batch_size=1000)
    names = {"purchase": "进货凭证", "chat": "聊天记录", "brand": "品牌授权书"}
    files = []
    for d, kind, agent in evidence:
        ext = "png" if kind == "chat" else "pdf"
        name = f"{names[kind]}-{d.order_id}.{ext}"
        body = f"demo {names[kind]} · 订单 {d.order_id}\n".encode()
        path = default_storage.save(f"commerce/disputes/{d.pk}/{name}", ContentFile(body))
        files.append(
            DisputeEvidence(
                dispute=d,
                kind=kind,
                file=path,
                name=name,
                size=len(body),
                content_type="application/pdf" if ext == "pdf" else "image/png",
                uploaded_by=agent,
            )
        )
    DisputeEvidence.objects.bulk_create(files, batch_size=500)
    return len(disputes) + len(contacts) + len(files)


def _ticket_links(line, *, now) -> int:
    """Returns opened while the buyer had a ticket of the last 3 days keep that ticket and its
    timeline says so (the order card's actions do the same)."""
    rets = list(
        Return.objects.filter(
            business_line=line, ticket__isnull=True, requested_at__gte=now - dt.timedelta(days=180)
        ).select_related("order")
    )
    by_customer: dict[int, list] = {}
    for t in (
        Ticket.objects.filter(customer_id__in={r.customer_id for r in rets})
        .order_by("created_at")
        .values_list("pk", "customer_id", "created_at", "first_owner_id")
    ):
        by_customer.setdefault(t[1], []).append(t)
    linked, events = [], []
    for ret in rets:
        found = [
            t
            for t in by_customer.get(ret.customer_id, ())
            if ret.requested_at - dt.timedelta(days=3) <= t[2] <= ret.requested_at
        ]
        if not found:
            continue
        pk, _c, _created, owner = found[-1]
        ret.ticket_id = pk
        linked.append(ret)
        kind = "换货" if ret.exchange else "退货"
        events.append(
            TicketEvent(
                ticket_id=pk,
                actor_id=owner,
                kind=TicketEvent.Kind.FIELD,
                field="order",
                after=f"订单 {ret.order.order_no} 已申请{kind} R{ret.pk}（¥{ret.amount}）",
            )
        )
    Return.objects.bulk_update(linked, ["ticket"], batch_size=500)
    made = TicketEvent.objects.bulk_create(events, batch_size=500)
    for ret, event in zip(linked, made, strict=True):  # the timeline line at the request's time
        TicketEvent.objects.filter(pk=event.pk).update(created_at=ret.requested_at)
    return len(linked)
