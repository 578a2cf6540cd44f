"""Outbound delivery of replies to the customer: e-mail for e-mail tickets, SMS for SMS tickets.

E-mail replies are sent by ``kefu.channels.outbound``, a ``reply.created`` / ``reply.requeued``
subscriber (threading headers, the mailbox's address, retries); SMS replies are sent here. A reply is written with its first delivery state (``initial_state``); when it is
queued, the Huey job ``tickets.tasks.deliver_reply_job`` is enqueued after the transaction
commits (``schedule``) and sends it outside any transaction (``deliver``), recording sent or
failed with the error text and the time. ``reply_retry`` queues a failed reply again.

A web-form ticket's reply is mailed (by ``kefu.channels``, as an e-mail reply) when the visitor
gave an e-mail address on the form: the messaging app registers where it keeps that address
(``register_ticket_address``); without one the reply is recorded (the visitor reads it on the
form's status page). Channels without an outbound (phone, visit, IM, letter, API) record the
reply only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, events, sms
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.mail import header_safe
from kefu.tickets.models import (
    Channel,
    DeliveryChannel,
    DeliveryStatus,
    Ticket,
    TicketMessage,
)

log = logging.getLogger("kefu.tickets.outbound")

OUTBOUND = {Channel.EMAIL: DeliveryChannel.EMAIL, Channel.SMS: DeliveryChannel.SMS}
MAX_ERROR = 1000


#: ticket channels whose replies go by e-mail to an address another app keeps per ticket (the
#: web form's visitor address, ``kefu.channels.messaging``): channel → lookup(ticket) → address
_TICKET_ADDRESSES: dict[str, Callable[[Ticket], str]] = {}


def register_ticket_address(channel: str, lookup: Callable[[Ticket], str]) -> None:
    """Replies on tickets of ``channel`` are mailed to ``lookup(ticket)`` when it names one."""
    _TICKET_ADDRESSES[channel] = lookup


def _address(customer, channel: str) -> str:
    if channel == DeliveryChannel.EMAIL:
        return (customer.email or "").strip()
    return (customer.phone or "").strip()


def reply_address(ticket: Ticket, channel: str) -> str:
    """Where a reply on ``ticket`` goes by ``channel``: for a channel that keeps its own address
    per ticket (the web form) that address only, else the customer's e-mail or phone."""
    lookup = _TICKET_ADDRESSES.get(ticket.channel)
    if lookup is not None and channel == DeliveryChannel.EMAIL:
        return (lookup(ticket) or "").strip()
    return _address(ticket.customer, channel)


def initial_state(ticket: Ticket) -> dict:
    """The delivery fields of a new reply on ``ticket`` (its customer loaded)."""
    now = timezone.now()
    if ticket.is_practice:  # a drill's reply is recorded, never sent to anybody's phone or mail
        return {"delivery_status": DeliveryStatus.RECORDED, "delivery_at": now}
    channel = OUTBOUND.get(ticket.channel)
    if (
        channel is None
        and ticket.channel in _TICKET_ADDRESSES
        and reply_address(ticket, DeliveryChannel.EMAIL)
    ):
        channel = DeliveryChannel.EMAIL
    if channel is None:
        return {"delivery_status": DeliveryStatus.RECORDED, "delivery_at": now}
    status = DeliveryStatus.QUEUED
    if not reply_address(ticket, channel):
        status = DeliveryStatus.NOT_SENT
    return {"delivery_channel": channel, "delivery_status": status, "delivery_at": now}


def schedule(message: TicketMessage) -> None:
    """Enqueue the delivery job once the current transaction commits (a rolled-back reply sends
    nothing). A queue that cannot be reached marks the reply failed, so it can be retried."""
    if message.delivery_status != DeliveryStatus.QUEUED:
        return
    if message.delivery_channel == DeliveryChannel.EMAIL:
        return  # kefu.channels sends it: a subscriber of the reply's event
    pk = message.pk

    def enqueue() -> None:
        from kefu.tickets.tasks import deliver_reply_job

        try:
            deliver_reply_job(pk)
        except Exception as exc:  # the queue (Redis, the Huey file) is down: say so, keep the reply
            log.exception("reply %s: could not queue its delivery", pk)
            _finish(pk, DeliveryStatus.FAILED, _error_text(exc), expect=DeliveryStatus.QUEUED)

    transaction.on_commit(enqueue)


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:MAX_ERROR]


def _finish(pk: int, status: str, error: str = "", *, expect: str) -> bool:
    done = TicketMessage.objects.filter(pk=pk, delivery_status=expect).update(
        delivery_status=status, delivery_error=error, delivery_at=timezone.now()
    )
    return bool(done)


def _send_sms(message: TicketMessage, phone: str) -> str:
    """Hand the reply to ``core.sms`` with its business line, so the line's quiet hours and the
    per-recipient daily quota apply; returns ``sms.HELD`` when the outbox holds it (it sends it,
    and marks the reply sent, when the quiet hours end). A refusal raises ``sms.NotSent``."""
    ticket = message.ticket
    line = header_safe(ticket.business_line.name, 20)
    result = sms.send_sms(
        phone,
        f"【{line}】{message.body}" if line else message.body,
        business_line_id=ticket.business_line_id,
        kind="reply",
        ticket=ticket,
        reply_id=message.pk,
    )
    return getattr(result, "status", "") or ""


def deliver(message_id: int) -> str | None:
    """Send one queued reply (the Huey job's body); returns its new state, or None when it was
    not queued (already sent, or another worker took it). Never raises for a sending problem:
    the error text is recorded on the reply for the agent to see and retry."""
    claimed = TicketMessage.objects.filter(
        pk=message_id, delivery_status=DeliveryStatus.QUEUED, delivery_channel=DeliveryChannel.SMS
    ).update(
        delivery_status=DeliveryStatus.SENDING,
        delivery_at=timezone.now(),
        delivery_attempts=F("delivery_attempts") + 1,
    )
    if not claimed:
        return None
    message = TicketMessage.objects.select_related("ticket__customer", "ticket__business_line").get(
        pk=message_id
    )
    status, error = DeliveryStatus.SENT, ""
    address = _address(message.ticket.customer, message.delivery_channel)
    try:
        if not address:
            status = DeliveryStatus.NOT_SENT
        else:
            if _send_sms(message, address) == sms.HELD:
                status = DeliveryStatus.QUEUED
                error = _("Held for the business line's quiet hours: it goes out when they end.")
    except Exception as exc:  # SMTP refusals, a bad address, the SMS gateway: all recorded
        log.warning("reply %s: delivery by %s failed", message_id, message.delivery_channel)
        status, error = DeliveryStatus.FAILED, _error_text(exc)
    with transaction.atomic():
        if _finish(message_id, status, error, expect=DeliveryStatus.SENDING):
            # the reply's new state is a change of the ticket for incremental exports
            Ticket.all_objects.filter(pk=message.ticket_id).update(updated_at=timezone.now())
        audit.record(
            actor=None,
            action="ticket.reply_delivery",
            obj=message.ticket,
            changes={"message": message_id, "status": status, "channel": message.delivery_channel},
        )
    return status


def reply_get(*, ticket: Ticket, pk) -> TicketMessage:
    """One reply of ``ticket`` (which the caller got through ``ticket_get_for``); NotFound else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    message = TicketMessage.objects.filter(
        pk=pk, ticket_id=ticket.pk, kind=TicketMessage.Kind.REPLY
    ).first()
    if message is None:
        raise NotFound()
    message.ticket = ticket
    return message


@transaction.atomic
def reply_retry(*, actor, ticket: Ticket, message: TicketMessage) -> TicketMessage:
    """Queue a failed (or unsent, or stuck) reply again; audited as ``ticket.reply_retry``.

    A reply that was sent or is on its way is refused (Conflict), and so is a reply whose
    customer still has no address for its channel (Invalid): nothing changes."""
    if not message.delivery_retryable:
        raise Conflict(_("This reply is not waiting to be sent again."), code="not_retryable")
    channel = message.delivery_channel
    if not reply_address(ticket, channel):
        raise Invalid(
            _("The customer has no e-mail address: add one to the customer, then retry.")
            if channel == DeliveryChannel.EMAIL
            else _("The customer has no phone number: add one to the customer, then retry."),
            fields={"customer": _("No address for this channel.")},
        )
    before = message.delivery_status
    written = TicketMessage.objects.filter(pk=message.pk, delivery_status=before).update(
        delivery_status=DeliveryStatus.QUEUED, delivery_error="", delivery_at=timezone.now()
    )
    if not written:
        raise Conflict(_("This reply is not waiting to be sent again."), code="not_retryable")
    message.refresh_from_db()
    Ticket.all_objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="ticket.reply_retry",
        obj=ticket,
        changes={"message": message.pk, "status": [before, DeliveryStatus.QUEUED]},
    )
    events.publish(
        "reply.requeued",
        object_id=ticket.pk,
        business_line_id=ticket.business_line_id,
        payload={"message": message.pk, "channel": channel},
        actor=actor,
        subject=message,
    )
    schedule(message)
    return message


def describe(message: TicketMessage) -> str:
    """What happened to a reply just written, for the agent's success message."""
    status, channel = message.delivery_status, message.delivery_channel
    if status == DeliveryStatus.RECORDED:
        return _("Your reply is recorded. This channel sends nothing to the customer.")
    if status == DeliveryStatus.NOT_SENT:
        if channel == DeliveryChannel.EMAIL:
            return _("Your reply is saved but not sent: the customer has no e-mail address.")
        return _("Your reply is saved but not sent: the customer has no phone number.")
    if status == DeliveryStatus.FAILED:
        return _("Your reply is saved but sending it failed. Retry it from the timeline.")
    if status == DeliveryStatus.SENT:
        if channel == DeliveryChannel.EMAIL:
            return _("Your reply is sent to the customer by e-mail.")
        return _("Your reply is sent to the customer by SMS.")
    if channel == DeliveryChannel.EMAIL:
        return _("Your reply is saved and is being sent by e-mail.")
    return _("Your reply is saved and is being sent by SMS.")
