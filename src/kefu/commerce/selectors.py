"""Every read of e-commerce operations, scoped to the user (core.scope).

Orders, returns and refunds belong to the business line as a whole (like the archive); the phone
reminder list belongs to the campaign's team (an agent sees their team's list, a supervisor the
department's, a manager the line's).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from kefu.commerce import results as results_rules
from kefu.commerce.models import (
    OPEN_RETURN_STATUSES,
    Refund,
    RefundStatus,
    Reminder,
    ReminderStatus,
    Return,
)
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.customers.models import Order, Shop


def reminders_q(user) -> Q:
    return scope.records_q(user, department="team__department_id", owners=("agent_id",))


def phone_list_for(*, user, limit: int = 50):
    """The live phone list (PAY-3): pending phone reminders of unpaid open orders, amount
    descending, the earlier order first; a paid order drops out."""
    return (
        Reminder.objects.filter(reminders_q(user), channel="phone", status=ReminderStatus.PENDING)
        .filter(order__paid_at__isnull=True, order__closed_at__isnull=True)
        .select_related("order__customer", "order__shop")
        .order_by("-amount", "placed_at", "id")[:limit]
    )


def reminder_get_for(*, user, pk: int) -> Reminder:
    found = Reminder.objects.filter(reminders_q(user), pk=pk).select_related("order").first()
    if found is None:
        raise NotFound()
    return found


def results_for(*, user, start: dt.datetime, end: dt.datetime) -> results_rules.Results:
    """回单率 / 回款率 / 回款金额 of the reminders made in [start, end), recomputed from rows."""
    rows = (
        Reminder.objects.filter(
            scope.business_line_q(user),
            sent_at__gte=start,
            sent_at__lt=end,
            status__in=(ReminderStatus.SENT, ReminderStatus.CALLED),
        )
        .values_list("order_id", "amount", "order__paid_at", "channel", "agent_id", "sent_at")
        .iterator(chunk_size=5000)
    )
    touches = [results_rules.Touch(*row) for row in rows]
    return results_rules.compute(touches, timezone.get_default_timezone())


def shops_for(*, user):
    return Shop.objects.filter(scope.business_line_q(user)).order_by("id")


def shop_get_for(*, user, pk: int) -> Shop:
    shop = shops_for(user=user).filter(pk=pk).select_related("business_line").first()
    if shop is None:
        raise NotFound()
    return shop


def orders_for(*, user):
    return (
        Order.objects.filter(scope.business_line_q(user, "shop__business_line_id"))
        .select_related("shop", "customer")
        .order_by("-placed_at", "-id")
    )


def order_get_for(*, user, pk: int) -> Order:
    order = (
        Order.objects.filter(scope.business_line_q(user, "customer__business_line_id"), pk=pk)
        .select_related("customer__business_line", "shop")
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def customer_orders_for(*, user, customer_id: int, limit: int = 10):
    """The order card beside a conversation: the customer's latest orders and their status."""
    return (
        Order.objects.filter(
            scope.business_line_q(user, "customer__business_line_id"), customer_id=customer_id
        )
        .select_related("shop")
        .order_by("-placed_at")[:limit]
    )


def order_card_for(*, user, customer_id: int, limit: int = 5):
    """The order card beside a conversation, with what is under way per order: the latest
    orders, and per order its returns, refunds and logistics cases, newest first (four queries
    whatever the number of orders)."""
    from kefu.commerce.models import LogisticsCase

    orders = list(
        Order.objects.filter(
            scope.business_line_q(user, "customer__business_line_id"), customer_id=customer_id
        )
        .select_related("shop__business_line", "customer")
        .order_by("-placed_at")[:limit]
    )
    ids = [o.pk for o in orders]
    by_order: dict[int, dict[str, list]] = {
        pk: {"returns": [], "refunds": [], "cases": []} for pk in ids
    }
    if ids:
        for r in Return.objects.filter(order_id__in=ids).order_by("-requested_at", "-id"):
            by_order[r.order_id]["returns"].append(r)
        for f in Refund.objects.filter(order_id__in=ids).order_by("-created_at", "-id"):
            by_order[f.order_id]["refunds"].append(f)
        for c in LogisticsCase.objects.filter(order_id__in=ids).order_by("-opened_at", "-id"):
            by_order[c.order_id]["cases"].append(c)
    return orders, by_order


def order_page_for(*, user, pk: int):
    """An order with its reminders, returns, refunds and logistics cases (the order page)."""
    from kefu.commerce.models import LogisticsCase

    order = (
        Order.objects.filter(scope.business_line_q(user, "customer__business_line_id"), pk=pk)
        .select_related("customer__business_line", "shop")
        .first()
    )
    if order is None:
        raise NotFound()
    return order, {
        "reminders": list(Reminder.objects.filter(order=order).order_by("channel")),
        "returns": list(Return.objects.filter(order=order).order_by("-requested_at", "-id")),
        "refunds": list(
            Refund.objects.filter(order=order)
            .select_related("reviewed_by", "submitted_by", "approved_by")
            .order_by("-created_at", "-id")
        ),
        "cases": list(LogisticsCase.objects.filter(order=order).order_by("-opened_at", "-id")),
    }


def returns_sweep_for(*, user, limit: int = 100):
    """The daily sweep of open returns (RET-1): VIP first, then the oldest."""
    return (
        Return.objects.filter(scope.business_line_q(user), status__in=OPEN_RETURN_STATUSES)
        .select_related("order", "customer")
        .order_by("-vip", "received_at", "requested_at", "id")[:limit]
    )


def return_get_for(*, user, pk: int) -> Return:
    ret = (
        Return.objects.filter(scope.business_line_q(user), pk=pk)
        .select_related("order", "customer", "business_line")
        .first()
    )
    if ret is None:
        raise NotFound()
    return ret


def overdue_returns_count(*, user, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return Return.objects.filter(
        scope.business_line_q(user), status__in=OPEN_RETURN_STATUSES, due_at__lt=now
    ).count()


def refund_queue_for(*, user, limit: int = 100):
    """The back-office refund queue (kept apart from reception, CH-3): refunds waiting for the
    second key."""
    return (
        Refund.objects.filter(scope.business_line_q(user), status=RefundStatus.SUBMITTED)
        .select_related("order", "submitted_by")
        .order_by("-priority", "submitted_at", "id")[:limit]
    )


def refund_get_for(*, user, pk: int) -> Refund:
    refund = Refund.objects.filter(scope.business_line_q(user), pk=pk).first()
    if refund is None:
        raise NotFound()
    return refund
