"""Reads of the Double 11 page and the post-event report (PK-1, PK-5, PK-7, STF-4, RPT-6),
scoped to the user's business line; every figure is an aggregate in SQL over the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.accounts.models import Team
from kefu.commerce import peak, refund_forecast, returns_team, selectors
from kefu.commerce.models import (
    OPEN_RETURN_STATUSES,
    Campaign,
    Refund,
    RefundStatus,
    Reminder,
    ReminderStatus,
    Reshipment,
    ReshipResult,
    Return,
)
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.customers.models import Order
from kefu.tickets.models import OPEN_STATUSES, Ticket

# a team whose name holds this word works the group, unless the line's ``double11_groups``
# policy names the team ({"presale": "售前组", …})
GROUP_WORDS = {
    "presale": "售前",
    "reminders": "催付",
    "aftersales": "售后",
    "refunds": "退款",
    "vip": "VIP",
    "returns": "退换",
}


def campaigns_for(*, user):
    return Campaign.objects.filter(scope.business_line_q(user)).order_by("-starts_at", "-id")


def campaign_get_for(*, user, pk: int) -> Campaign:
    found = campaigns_for(user=user).filter(pk=pk).select_related("business_line").first()
    if found is None:
        raise NotFound()
    return found


def _orders(campaign: Campaign):
    return Order.objects.filter(shop__business_line_id=campaign.business_line_id)


def ship_days_for(campaign: Campaign) -> list[peak.ShipDay]:
    """PK-5: per day of payment within the campaign, paid orders and those shipped within 5
    days of payment (one grouped query)."""
    tz = timezone.get_default_timezone()
    rows = (
        _orders(campaign)
        .filter(paid_at__gte=campaign.starts_at, paid_at__lt=campaign.ends_at)
        .annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day")
        .annotate(
            paid=Count("id"),
            within=Count("id", filter=Q(shipped_at__lte=F("paid_at") + peak.SHIP_WITHIN)),
        )
        .order_by("day")
    )
    return [peak.ShipDay(r["day"], r["paid"], r["within"]) for r in rows]


def city_ratio_for(campaign: Campaign) -> dict:
    """STF-4: the five warehouse cities' share of the campaign's shipped orders."""
    rows = (
        _orders(campaign)
        .filter(shipped_at__gte=campaign.starts_at, shipped_at__lt=campaign.ends_at)
        .values("warehouse_city")
        .annotate(n=Count("id"))
    )
    counts = {r["warehouse_city"]: r["n"] for r in rows}
    total = sum(counts.values())
    other = total - sum(counts.get(c, 0) for c in peak.CITIES)
    ratio = {c: peak.percent(counts.get(c, 0), total) for c in peak.CITIES}
    ratio["其他"] = peak.percent(other, total)
    return ratio


def _team_for(line, code: str) -> Team | None:
    named = (line.policy("double11_groups") or {}).get(code)
    teams = Team.objects.filter(business_line=line).order_by("id")
    if named:
        return teams.filter(name=named).first()
    return teams.filter(name__contains=GROUP_WORDS[code]).first()


def group_queues_for(campaign: Campaign) -> list[dict]:
    """PK-1: each 双11 group, its team and the size of the queue it works right now."""
    line = campaign.business_line
    out = []
    for code, queue in peak.GROUPS:
        team = campaign.team if code == "reminders" and campaign.team_id else _team_for(line, code)
        if queue == "tickets":
            size = Ticket.objects.filter(team=team, status__in=OPEN_STATUSES).count() if team else 0
        elif queue == "phone_reminders":
            size = Reminder.objects.filter(
                business_line=line,
                channel="phone",
                status=ReminderStatus.PENDING,
                order__paid_at__isnull=True,
                order__closed_at__isnull=True,
            ).count()
        elif queue == "refund_queue":
            size = Refund.objects.filter(business_line=line, status=RefundStatus.SUBMITTED).count()
        else:
            size = Return.objects.filter(
                business_line=line, status__in=OPEN_RETURN_STATUSES, vip=(queue == "vip_returns")
            ).count()
        out.append({"code": code, "queue": queue, "team": team, "size": size})
    return out


def report_for(*, user, campaign: Campaign) -> dict:
    """RPT-6, the post-event report of the campaign's period, recomputed from the rows: 回款率,
    回款金额, 回单率 (per channel too), refunds, returns (turnaround, in time), 补发准确率 and the
    reshipments' turnaround, shipping within 5 days, and the PK-7 targets against them."""
    start, end = campaign.starts_at, campaign.ends_at
    line_id = campaign.business_line_id
    reminders = selectors.results_for(user=user, start=start, end=end)
    refunds = Refund.objects.filter(
        business_line_id=line_id, submitted_at__gte=start, submitted_at__lt=end
    ).aggregate(
        submitted=Count("id"),
        approved=Count("id", filter=Q(status=RefundStatus.APPROVED)),
        rejected=Count("id", filter=Q(status=RefundStatus.REJECTED)),
        amount=Sum("amount", filter=Q(status=RefundStatus.APPROVED)),
        hours=Avg(F("approved_at") - F("submitted_at"), filter=Q(status=RefundStatus.APPROVED)),
    )
    returns = Return.objects.filter(
        business_line_id=line_id, received_at__gte=start, received_at__lt=end
    ).aggregate(
        received=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        turnaround=Avg(F("resolved_at") - F("received_at"), filter=Q(resolved_at__isnull=False)),
    )
    # RET-9 补发准确率 of the reshipments sent in the period: correct ÷ all sent (one not yet
    # checked counts in the whole, not in the part), as on the returns team's page
    reships = Reshipment.objects.filter(
        business_line_id=line_id, sent_at__gte=start, sent_at__lt=end
    ).aggregate(
        sent=Count("id"),
        correct=Count("id", filter=Q(result=ReshipResult.CORRECT)),
        wrong=Count("id", filter=Q(result=ReshipResult.WRONG)),
        turnaround=Avg(F("sent_at") - F("requested_at")),
    )
    days = ship_days_for(campaign)
    paid = sum(d.paid for d in days)
    within = sum(d.within for d in days)
    on_time = peak.percent(returns["on_time"], returns["received"])
    targets = [
        peak.Progress(
            "reminder_order_rate", reminders.total.order_rate, campaign.target_order_rate
        ),
        peak.Progress("reminder_amount", reminders.total.paid_amount, campaign.target_amount),
        peak.Progress("refunds_completed", refunds["approved"], campaign.target_refunds),
        peak.Progress("returns_on_time", on_time, campaign.target_returns_on_time),
    ]
    return {
        "reminders": reminders,
        "refunds": {
            **refunds,
            "amount": refunds["amount"] or Decimal("0"),
            "hours": _hours(refunds["hours"]),
            "completion": peak.percent(refunds["approved"], refunds["submitted"]),
        },
        "returns": {
            **returns,
            "turnaround": _hours(returns["turnaround"]),
            "on_time_rate": on_time,
        },
        "reshipments": {
            **reships,
            "unchecked": reships["sent"] - reships["correct"] - reships["wrong"],
            "accuracy": returns_team.accuracy(reships["correct"], reships["sent"]),
            "turnaround": _hours(reships["turnaround"]),
        },
        "shipping": {"paid": paid, "within": within, "share": peak.percent(within, paid)},
        "targets": targets,
    }


def _hours(value) -> Decimal | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1e6
    return Decimal(seconds / 3600).quantize(Decimal("0.1"))


def refund_forecast_for(
    *, user, start: dt.datetime, end: dt.datetime, orders: int
) -> refund_forecast.Forecast:
    """STF-3: the refund workload to expect of ``orders`` (a sales forecast), from the reference
    cohort of the orders of the user's line paid in [start, end) and their refunds, each by the
    stage of its order when it was asked for (its 客户审核 moment); two queries."""
    cohort = Order.objects.filter(
        scope.business_line_q(user, field="shop__business_line_id"),
        paid_at__gte=start,
        paid_at__lt=end,
    )
    asked = F("created_at")
    shipped = Q(order__shipped_at__lte=asked)
    delivered = Q(order__delivered_at__lte=asked)
    counts = Refund.objects.filter(
        scope.business_line_q(user),
        order__in=cohort.values("id"),
    ).aggregate(
        unshipped=Count("id", filter=~shipped),
        shipped=Count("id", filter=shipped & ~delivered),
        received=Count("id", filter=shipped & delivered),
    )
    return refund_forecast.forecast(orders=orders, base_orders=cohort.count(), base_refunds=counts)
