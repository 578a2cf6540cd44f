"""Scoped reads of the outbox and the inbound messages: an administrator sees every line, anyone
else only their business line (the rows without a line, from ``send_sms`` callers that name
none, are administrators' too)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kefu.accounts.models import BusinessLine
from kefu.channels.messaging.models import InboundMessage, OutboundMessage
from kefu.core import scope
from kefu.core.errors import NotFound


def _line_q(user) -> Q:
    if scope.is_admin(user):
        return Q()
    return Q(business_line_id=user.business_line_id or -1)


def outbox_for(user) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(_line_q(user))


def inbound_for(user) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(_line_q(user)).select_related("ticket")


def outbox_figures(user) -> dict:
    """Counts by status of the scoped outbox, and the SMS parts sent — what the SMS provider
    bills; IM messages are not SMS parts (one aggregate query)."""
    from django.db.models import Sum

    rows = outbox_for(user).values("status", "channel").annotate(n=Count("id"), parts=Sum("parts"))
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    parts = sum(
        row["parts"] or 0
        for row in rows
        if row["status"] in ("sent", "delivered") and row["channel"] == "sms"
    )
    return {
        "by_status": by_status,
        "total": sum(by_status.values()),
        "parts_sent": parts,
        "sent": by_status.get("sent", 0) + by_status.get("delivered", 0),
        "stopped": sum(by_status.get(s, 0) for s in ("held", "refused", "failed")),
    }


def line_for(user, pk) -> BusinessLine:
    line = BusinessLine.objects.filter(pk=pk).first() if pk else user.business_line
    if line is None or not (scope.is_admin(user) or line.pk == user.business_line_id):
        raise NotFound()
    return line
