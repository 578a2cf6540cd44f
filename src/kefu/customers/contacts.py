"""The customer's last contact (``Customer.last_contact_at``): every contact moves it forward.

A contact is anything that reached the customer or came from them: a ticket recorded for them
(tickets set it on intake), a reply sent on their ticket, a callback that reached them, a call
in the register that was answered or came in, a letter sent, a survey answer. Other apps announce
those as domain events (``core.events``); the subscribers below (``CustomersConfig.ready``) move
the time in the publisher's transaction, so segments (lost customers) and the 3-week inactivity
callback read real contact. The time only moves forward: a contact registered late never moves it
back. It is a fact derived from records that carry their own audit events, so it is not audited
again, and nothing else about the customer changes (no version bump: no open edit turns stale).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from kefu.customers.models import Customer


def customer_contacted(customer_id: int | None, at: dt.datetime | None = None) -> bool:
    """Move the customer's last contact to ``at`` (now by default) unless it is later already.
    One UPDATE; True when it moved."""
    if not customer_id:
        return False
    now = timezone.now()
    at = min(at or now, now)
    moved = (
        Customer.objects.filter(pk=customer_id)
        .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at))
        .update(last_contact_at=at)
    )
    return moved > 0


def _parse(value, default: dt.datetime) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return default
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def _ticket_customer(event) -> int | None:
    """The customer of the ticket a reply was written on: the reply (``event.subject``) holds
    its ticket; without it, one query by the ticket's id."""
    ticket = getattr(getattr(event, "subject", None), "ticket", None)
    if ticket is not None:
        return ticket.customer_id
    Ticket = apps.get_model("tickets", "Ticket")  # a read by id, not an import of the app
    return Ticket.objects.filter(pk=event.object_id).values_list("customer_id", flat=True).first()


def on_reply_created(event) -> None:
    customer_contacted(_ticket_customer(event), event.occurred_at)


def on_callback_logged(event) -> None:
    if event.payload.get("reached"):
        customer_contacted(event.payload.get("customer"), event.occurred_at)


def on_call_registered(event) -> None:
    payload = event.payload
    if payload.get("direction") == "in" or payload.get("result") == "answered":
        started = _parse(payload.get("started_at"), event.occurred_at)
        customer_contacted(payload.get("customer"), started)


def on_letter_registered(event) -> None:
    sent_on = event.payload.get("sent_on")
    at = event.occurred_at
    if sent_on and sent_on != timezone.localdate(at).isoformat():
        try:
            day = dt.date.fromisoformat(sent_on)
        except ValueError:
            day = None
        if day is not None:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    customer_contacted(event.payload.get("customer"), at)


def on_survey_answered(event) -> None:
    customer_contacted(event.payload.get("customer"), event.occurred_at)


SUBSCRIPTIONS = {
    "reply.created": on_reply_created,
    "callback.logged": on_callback_logged,
    "call.registered": on_call_registered,
    "letter.registered": on_letter_registered,
    "survey.answered": on_survey_answered,
}
