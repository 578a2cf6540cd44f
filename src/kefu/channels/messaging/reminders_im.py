"""IM payment reminders (催付, PAY-6): commerce publishes ``reminder.due`` for each reminder it
sends; for the IM ones (``channel == "im"``) this after-commit subscriber writes the message to
the outbox for the buyer's IM account (the order's buyer id, else the customer's IM account),
as a *reminder* of the order's business line, with the event's text (the campaign's IM script
filled in by commerce, else its default): quiet hours hold it, the per-recipient daily
quota and an opt-out refuse it (recorded on the outbox row), like every customer-facing send.
Run again for the same event (a retried job), it sends nothing twice: a reminder of the same
text to the same recipient on the same day is the one already written. The job of a send run
hands the handler the batch's events at once (``subscribe(batch=True)``): a fixed number of
queries for the batch, not five or six per reminder.
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
    """One event (a retried job, a test): what ``on_reminders_due`` does for a batch."""
    rows = on_reminders_due([event])
    return rows[0] if rows else None


def on_reminders_due(events) -> list[OutboundMessage]:
    """The IM reminders of a batch of ``reminder.due`` events, in a fixed number of queries:
    their orders, the buyers' IM accounts, the lines and today's reminders already written are
    read once each; the messages leave through ``outbox.send_many``, one batch per line.
    Returns the outbox rows of these events (those already written included)."""
    due = [e for e in events if (e.payload or {}).get("channel") == "im"]
    if not due:
        return []  # SMS reminders leave through core.sms, phone ones are called
    order_ids = {_int(e.payload.get("order")) for e in due}
    orders = Order.objects.only("id", "order_no", "buyer_id", "customer_id").in_bulk(order_ids)
    without_id = {o.customer_id for o in orders.values() if not (o.buyer_id or "").strip()}
    accounts: dict[int, str] = {}
    if without_id:
        # the customer's first IM account, as before: read newest first, the lowest id wins
        accounts = dict(
            BuyerAccount.objects.filter(customer_id__in=without_id)
            .order_by("-id")
            .values_list("customer_id", "platform_user_id")
        )
    lines = BusinessLine.objects.in_bulk({e.business_line_id for e in due if e.business_line_id})
    wanted: list[tuple[int | None, str, str]] = []  # (line, recipient, text)
    for e in due:
        order = orders.get(_int(e.payload.get("order")))
        if order is None:
            continue
        recipient = ((order.buyer_id or "").strip() or accounts.get(order.customer_id) or "")[
            :100
        ].strip()
        if not recipient:
            log.info("IM reminder of order %s: the buyer has no IM account", order.pk)
            continue
        # the campaign's IM script as commerce filled it in for this order
        text = str(e.payload.get("text") or "").replace("\x00", "").strip()
        text = text or IM_SCRIPT.format(order=order.order_no)
        wanted.append((e.business_line_id, recipient, text))
    if not wanted:
        return []
    # run again for the same events (a retried job), nothing leaves twice: a reminder of the
    # same text to the same recipient on the same day is the one already written
    written = {
        (row.recipient, row.text): row
        for row in OutboundMessage.objects.filter(
            channel=Channel.IM,
            kind=Kind.REMINDER,
            recipient__in={r for _l, r, _t in wanted},
            local_day=timezone.localdate(),
        ).order_by("-id")
    }
    out: list[OutboundMessage] = []
    batches: dict[int | None, list[tuple[str, str]]] = {}
    for line_id, recipient, text in wanted:
        row = written.get((recipient, text))
        if row is not None:
            out.append(row)
            continue
        items = batches.setdefault(line_id, [])
        if (recipient, text) not in items:
            items.append((recipient, text))
    for line_id, items in batches.items():
        out.extend(
            outbox.send_many(
                channel=Channel.IM,
                items=items,
                business_line=lines.get(line_id),
                kind=Kind.REMINDER,
            )
        )
    return out


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
