"""/api/v1/commerce: orders (idempotent upsert by shop and order id, the order card), the phone
reminder list and its one-click outcomes, PAY-5 results, returns and two-key refunds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from kefu.accounts.desks import COMMERCE, gate_api
from kefu.commerce import care_selectors, order_merge, selectors
from kefu.commerce.schemas import (
    Id,
    IndicatorBoardOut,
    OrderListOut,
    OrderPageOut,
    OrdersUpsertIn,
    OrdersUpsertOut,
    RefundCreateIn,
    RefundDecisionIn,
    RefundDecisionOut,
    RefundOut,
    ReminderListOut,
    ReminderOut,
    ReminderOutcomeIn,
    ReminderResultsOut,
    ReturnCreateIn,
    ReturnListOut,
    ReturnOut,
    ReturnStepIn,
    ReviewCreateIn,
    ReviewOut,
    ReviewPageOut,
    ReviewReplyIn,
)
from kefu.commerce.services import orders, reminders, returns, reviews
from kefu.commerce.values import parse_time
from kefu.core import scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.pagination import paginate
from kefu.customers.selectors import customer_get_for
from kefu.tickets.selectors import ticket_get_for

router = Router(tags=["commerce"])
# a line that does not work at the desk gets 403 on every call (accounts.desks)
gate_api(router, COMMERCE)


def _iso(value):
    return value.isoformat() if value else None


def order_out(o) -> dict:
    return {
        "id": o.pk,
        "shop": o.shop_id,
        "order_id": o.order_no,
        "customer": o.customer_id,
        "amount": str(o.amount),
        "status": order_merge.status_of(o.__dict__),
        "status_label": _status_label(order_merge.status_of(o.__dict__)),
        "platform_status": o.status,
        "placed_at": _iso(o.placed_at),
        "paid_at": _iso(o.paid_at),
        "shipped_at": _iso(o.shipped_at),
        "delivered_at": _iso(o.delivered_at),
        "closed_at": _iso(o.closed_at),
        "courier": o.courier,
        "tracking_no": o.tracking_no,
        "warehouse_city": o.warehouse_city,
        "brand": o.brand,
        "buyer_online": o.buyer_online,
    }


def _status_label(code: str) -> str:
    from kefu.commerce.words import order_status_label

    return order_status_label(code)


@router.post("/shops/{shop_id}/orders", response=OrdersUpsertOut)
def orders_upsert(request, shop_id: Id, data: OrdersUpsertIn):
    """Create or update orders by (shop, order id); any row error loads nothing (400) unless
    ``partial``; a late status update never overwrites a newer one."""
    shop = selectors.shop_get_for(user=request.user, pk=shop_id)
    if not scope.at_least(request.user, scope.LEAD):
        raise PermissionDenied()
    result = orders.orders_upsert(
        actor=request.user, shop=shop, rows=data.rows, partial=data.partial
    )
    if result.errors and not data.partial:
        raise Invalid(
            _("%(n)s rows have errors; nothing was loaded.") % {"n": len(result.errors)},
            fields={f"row {e['row']}": e["message"] for e in result.errors[:100]},
            code="invalid_rows",
        )
    return result.as_dict()


@router.get("/orders", response=OrderPageOut)
def order_list(request, cursor: str | None = None, limit: int | None = None):
    page = paginate(
        selectors.orders_for(user=request.user), ordering="-placed_at", cursor=cursor, limit=limit
    )
    return {"items": [order_out(o) for o in page.items], "next": page.next}


@router.get("/customers/{customer_id}/orders", response=OrderListOut)
def customer_orders(request, customer_id: Id):
    """The order card beside a conversation: the customer's latest orders and their status."""
    customer = customer_get_for(user=request.user, pk=customer_id)  # 404 outside the scope
    items = selectors.customer_orders_for(user=request.user, customer_id=customer.pk)
    return {"items": [order_out(o) for o in items]}


def reminder_out(r) -> dict:
    return {
        "id": r.pk,
        "order": r.order_id,
        "order_id": r.order.order_no,
        "channel": r.channel,
        "status": r.status,
        "amount": str(r.amount),
        "placed_at": _iso(r.placed_at),
        "sent_at": _iso(r.sent_at),
        "outcome": r.outcome,
    }


@router.get("/reminders/phone", response=ReminderListOut)
def phone_list(request, limit: int = 50):
    """The live phone list: amount descending, the earlier order first."""
    items = selectors.phone_list_for(user=request.user, limit=max(1, min(limit, 200)))
    return {"items": [reminder_out(r) for r in items]}


@router.post("/reminders/{reminder_id}/outcome", response=ReminderOut)
def reminder_outcome(request, reminder_id: Id, data: ReminderOutcomeIn):
    reminder = selectors.reminder_get_for(user=request.user, pk=reminder_id)
    done = reminders.reminder_call_outcome(
        actor=request.user, reminder=reminder, outcome=data.outcome
    )
    return reminder_out(done)


def _figures(f) -> dict:
    return {
        "reminded_orders": f.reminded_orders,
        "reminded_amount": str(f.reminded_amount),
        "paid_orders": f.paid_orders,
        "paid_amount": str(f.paid_amount),
        "order_rate": None if f.order_rate is None else str(f.order_rate),
        "amount_rate": None if f.amount_rate is None else str(f.amount_rate),
    }


def day_range(start: str | None, end: str | None) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    try:
        first = dt.date.fromisoformat(start) if start else timezone.localdate()
        last = dt.date.fromisoformat(end) if end else first
    except ValueError:
        raise Invalid(_("Dates are written YYYY-MM-DD.")) from None
    if last < first or (last - first).days > 92:
        raise Invalid(_("Choose at most 92 days, the end not before the start."))
    begin = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    return begin, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)


@router.get("/reminders/results", response=ReminderResultsOut)
def reminder_results(request, start: str | None = None, end: str | None = None):
    """回单率, 回款率 and 回款金额 in total and per channel, agent and day (PAY-5)."""
    begin, stop = day_range(start, end)
    r = selectors.results_for(user=request.user, start=begin, end=stop)
    return {
        "total": _figures(r.total),
        "channels": {k: _figures(v) for k, v in r.by_channel.items()},
        "agents": {str(k): _figures(v) for k, v in r.by_agent.items() if k is not None},
        "days": {k.isoformat(): _figures(v) for k, v in sorted(r.by_day.items())},
    }


def return_out(r) -> dict:
    return {
        "id": r.pk,
        "order": r.order_id,
        "status": r.status,
        "exchange": r.exchange,
        "vip": r.vip,
        "rule": r.rule,
        "amount": str(r.amount),
        "requested_at": _iso(r.requested_at),
        "received_at": _iso(r.received_at),
        "due_at": _iso(r.due_at),
        "resolved_at": _iso(r.resolved_at),
        "ticket": r.ticket_id,
        "version": r.version,
    }


@router.get("/returns", response=ReturnListOut)
def return_sweep(request):
    """Open returns, VIP first, then the oldest (the daily sweep, RET-1)."""
    return {"items": [return_out(r) for r in selectors.returns_sweep_for(user=request.user)]}


@router.post("/returns", response={201: ReturnOut})
def return_create(request, data: ReturnCreateIn):
    """Open a return or exchange (the §9.6 policy decides: 400 naming the rule); 409 while the
    order has an open return. ``ticket``: the conversation it came from (its timeline says so)."""
    order = selectors.order_get_for(user=request.user, pk=data.order)
    ticket = ticket_get_for(user=request.user, pk=data.ticket) if data.ticket else None
    ret = returns.return_request(
        actor=request.user,
        order=order,
        reason=data.reason,
        opened=data.opened,
        exchange=data.exchange,
        allergy=data.allergy,
        ticket=ticket,
    )
    return Status(201, return_out(ret))


def refund_out(f) -> dict:
    return {
        "id": f.pk,
        "order": f.order_id,
        "amount": str(f.amount),
        "status": f.status,
        "ticket": f.ticket_id,
        "reviewed_by": f.reviewed_by_id,
        "submitted_by": f.submitted_by_id,
        "approved_by": f.approved_by_id,
        "version": f.version,
    }


@router.post("/refunds", response={201: RefundOut})
def refund_create(request, data: RefundCreateIn):
    """A refund reviewed and submitted by the caller (客户审核 + 提交退款), waiting for the second
    key (``/refunds/{id}/decision`` by somebody else); 409 while another refund of the order
    waits; 400 when refunds are off or the amount is not within the order's."""
    order = selectors.order_get_for(user=request.user, pk=data.order)
    ticket = ticket_get_for(user=request.user, pk=data.ticket) if data.ticket else None
    refund = returns.refund_request(
        actor=request.user, order=order, amount=data.amount, ticket=ticket
    )
    return Status(201, refund_out(refund))


@router.post("/returns/{return_id}/steps", response=ReturnOut)
def return_step(request, return_id: Id, data: ReturnStepIn):
    ret = selectors.return_get_for(user=request.user, pk=return_id)
    ret = returns.return_step(
        actor=request.user,
        ret=ret,
        version=data.version,
        step=data.step,
        tracking_no=data.tracking_no,
        intact=data.intact,
        note=data.note,
    )
    return return_out(ret)


@router.post("/refunds/{refund_id}/decision", response=RefundDecisionOut)
def refund_decision(request, refund_id: Id, data: RefundDecisionIn):
    refund = selectors.refund_get_for(user=request.user, pk=refund_id)
    refund = returns.refund_decide(
        actor=request.user, refund=refund, version=data.version, approve=data.approve
    )
    return {"id": refund.pk, "status": refund.status, "version": refund.version}


def review_out(r) -> dict:
    return {
        "id": r.pk,
        "order": r.order_id,
        "customer": r.customer_id,
        "rating": r.rating,
        "grade": r.grade,
        "text": r.text,
        "has_photo": r.has_photo,
        "reviewed_at": _iso(r.reviewed_at),
        "reply": r.reply,
        "replied_at": _iso(r.replied_at),
        "callback": r.callback_id,
        "cashback": r.cashback,
        "cashback_amount": None if r.cashback_amount is None else str(r.cashback_amount),
        "version": r.version,
    }


@router.post("/reviews", response={201: ReviewOut})
def review_create(request, data: ReviewCreateIn):
    """Record a buyer's review from the platform (lead and above): 中差评 make a callback task
    (FU-11), 5 stars with a photo the cash-back."""
    order = selectors.order_get_for(user=request.user, pk=data.order)
    if not scope.at_least(request.user, scope.LEAD):
        raise PermissionDenied()
    try:
        reviewed_at = parse_time(data.reviewed_at)
        if reviewed_at is not None and not 2000 <= reviewed_at.year <= 2100:
            raise ValueError(data.reviewed_at)
    except (ValueError, OverflowError):
        raise Invalid(
            _("A time is not readable: %(v)s") % {"v": data.reviewed_at},
            fields={"reviewed_at": _("Not a time.")},
        ) from None
    review = reviews.review_record(
        actor=request.user,
        order=order,
        rating=data.rating,
        text=data.text,
        has_photo=data.has_photo,
        dsr={
            "dsr_item": data.dsr_item,
            "dsr_service": data.dsr_service,
            "dsr_logistics": data.dsr_logistics,
        },
        reviewed_at=reviewed_at,
    )
    return Status(201, review_out(review))


@router.get("/reviews", response=ReviewPageOut)
def review_list(
    request, unreplied: bool = False, cursor: str | None = None, limit: int | None = None
):
    """Reviews, newest first; ``unreplied`` for the ones still waiting for a reply (CARE-3)."""
    qs = care_selectors.reviews_for(user=request.user, unreplied=unreplied, limit=None)
    page = paginate(qs, ordering="-reviewed_at", cursor=cursor, limit=limit)
    return {"items": [review_out(r) for r in page.items], "next": page.next}


@router.post("/reviews/{review_id}/reply", response=ReviewOut)
def review_reply(request, review_id: Id, data: ReviewReplyIn):
    review = care_selectors.review_get_for(user=request.user, pk=review_id)
    review = reviews.review_reply(
        actor=request.user, review=review, version=data.version, text=data.text
    )
    return review_out(review)


@router.get("/indicators", response=IndicatorBoardOut)
def indicator_board(request):
    """Each shop's latest DSR and after-sales indicators against every event's entry threshold:
    ``warn`` before they fall ``below`` (SAT-7)."""
    board = care_selectors.indicator_board_for(user=request.user)

    def text(value):
        return None if value is None else str(value)

    return {
        "items": [
            {
                "shop": e["shop"].pk,
                "day": e["day"].isoformat(),
                "values": {k: text(v) for k, v in e["values"].items()},
                "checks": [
                    {
                        "event": c.event,
                        "code": c.code,
                        "value": text(c.value),
                        "threshold": str(c.threshold),
                        "status": c.status,
                    }
                    for c in e["checks"]
                ],
            }
            for e in board
        ]
    }


# the returns team, logistics cases and registers (RET-7, RET-8, RET-9) live in their own module
from kefu.commerce.api_team import router as team_router  # noqa: E402

router.add_router("", team_router)

# platform disputes (CMP-11)
from kefu.commerce.api_disputes import router as disputes_router  # noqa: E402

router.add_router("", disputes_router)

# the warehouse's plan for an event (PK-5)
from kefu.commerce.api_warehouse import router as warehouse_router  # noqa: E402

router.add_router("", warehouse_router)
