"""IM payment reminders (催付, PAY-6): commerce publishes ``reminder.due`` for each reminder it
sends; for the IM ones (``channel == "im"``) this after-commit subscriber writes the message to
the outbox for the buyer's IM account (the order's buyer id, else the customer's IM account),
as a *reminder* of the order's business line, with the event's text (the campaign's IM script
filled in by commerce, else its default): quiet hours hold it, the per-recipient daily
quota and an opt-out refuse it (recorded on the outbox row), like every customer-facing send.
Run again for the same event (a retried job), it sends nothing twice: a reminder of the same
text to the same recipient on the same day is the one already written.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from kefu.accounts.models import BusinessLine
from kefu.channels.messaging import outbox
from kefu.channels.messaging.models import Channel, Kind, OutboundMessage
from kefu.customers.models import BuyerAccount, Order

log = logging.getLogger("kefu.messaging.reminders")

#: commerce's default IM script, for events logged before they carried their text
IM_SCRIPT = "亲，您的订单{order}还未付款哦，有任何疑问随时联系我们，付款后马上为您安排发货~"


def on_reminder_due(event) -> OutboundMessage | None:
    payload = event.payload or {}
    if payload.get("channel") != "im":
        return None  # SMS reminders leave through core.sms, phone ones are called
    order = Order.objects.select_related("customer").filter(pk=payload.get("order") or 0).first()
    if order is None:
        return None
    recipient = (order.buyer_id or "").strip() or (
        BuyerAccount.objects.filter(customer_id=order.customer_id)
        .order_by("id")
        .values_list("platform_user_id", flat=True)
        .first()
    )
    if not recipient:
        log.info("IM reminder of order %s: the buyer has no IM account", order.pk)
        return None
    line = BusinessLine.objects.filter(pk=event.business_line_id).first()
    # the campaign's IM script as commerce filled it in for this order
    text = str(payload.get("text") or "").strip() or IM_SCRIPT.format(order=order.order_no)
    already = OutboundMessage.objects.filter(
        channel=Channel.IM,
        kind=Kind.REMINDER,
        recipient=recipient[:100],
        text=text,
        local_day=timezone.localdate(),
    ).first()
    if already is not None:
        return already
    return outbox.send(
        to=recipient, text=text, channel=Channel.IM, business_line=line, kind=Kind.REMINDER
    )
