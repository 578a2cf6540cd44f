"""The registers fill themselves from the channels (LOG-1, LOG-2, issue 17 §2): every e-mail
sent to a customer (a reply, a notice) and every customer's mail that opened or joined a ticket
is a letter register entry (channel e-mail, direction out or in); every ticket taken on the
phone (an inbound enquiry or complaint call) is a call register entry. Subscribed to the
channels' and tickets' domain events in ``FollowupsConfig.ready``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core import audit, events
from kefu.followups.models import (
    CallRecord,
    CallResult,
    Direction,
    LetterChannel,
    LetterDirection,
    LetterKind,
    LetterRecord,
)
from kefu.tickets.models import Channel, Ticket

SUBJECT_MAX = 200


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


def _subject(event) -> str:
    # the publisher hands over its mail row (channels sit above followups: no import of it)
    return str(getattr(getattr(event, "subject", None), "subject", "") or "")


def _letter(event, *, direction: str, kind: str, subject: str, agent: User | None) -> None:
    ticket = (
        Ticket.objects.filter(pk=event.payload["ticket"])
        .values("business_line_id", "department_id", "team_id", "customer_id")
        .first()
    )
    if ticket is None and event.payload.get("customer") and event.business_line_id:
        # a mail about no ticket (a campaign's survey invitation) is still a letter to them
        ticket = {
            "business_line_id": event.business_line_id,
            "department_id": None,
            "team_id": None,
            "customer_id": event.payload["customer"],
        }
    if ticket is None or ticket["customer_id"] is None:
        return  # a register entry names its customer; a mail without one is not a contact
    record = LetterRecord.objects.create(
        business_line_id=ticket["business_line_id"],
        department_id=ticket["department_id"],
        team_id=ticket["team_id"],
        direction=direction,
        kind=kind,
        channel=LetterChannel.EMAIL,
        sent_on=timezone.localdate(),
        subject=subject[:SUBJECT_MAX],
        customer_id=ticket["customer_id"],
        ticket_id=event.payload["ticket"],
        agent=agent,
    )
    audit.record(
        actor=agent,
        action="followups.letter_register",
        obj=record,
        changes={"customer": record.customer_id, "kind": kind, "channel": record.channel},
    )
    events.publish(
        "letter.registered",
        object_id=record.pk,
        business_line_id=record.business_line_id,
        payload={
            "customer": record.customer_id,
            "ticket": record.ticket_id,
            "kind": kind,
            "channel": record.channel,
            "sent_on": record.sent_on.isoformat(),
        },
        actor=agent,
        subject=record,
    )


def on_mail_sent(event) -> None:
    """``mail.sent`` (in the sender's transaction): an outgoing letter by e-mail."""
    kind = LetterKind.REPLY if event.payload["kind"] == "reply" else LetterKind.NOTICE
    agent = getattr(event, "actor", None) or _user(event.actor_id)
    _letter(event, direction=LetterDirection.SENT, kind=kind, subject=_subject(event), agent=agent)


def on_mail_received(event) -> None:
    """``mail.received`` (in the ingest transaction): a customer's letter by e-mail."""
    _letter(
        event,
        direction=LetterDirection.RECEIVED,
        kind=LetterKind.CUSTOMER,
        subject=_subject(event),
        agent=None,
    )


def on_ticket_created(event) -> None:
    """``ticket.created`` after the commit: a ticket taken on the phone was an inbound call
    (an enquiry, a complaint …) and enters the call register once (a re-run finds it)."""
    if event.payload.get("channel") != Channel.PHONE or not event.payload.get("customer"):
        return
    from kefu.followups.services.registers import register_call

    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=event.object_id).first()
        if ticket is None or ticket.customer_id is None:
            return
        if CallRecord.objects.filter(ticket=ticket, direction=Direction.INBOUND).exists():
            return
        agent = _user(event.actor_id) or _user(ticket.first_owner_id)
        register_call(
            actor=agent,
            customer_id=ticket.customer_id,
            result=CallResult.ANSWERED,
            started_at=ticket.created_at,
            direction=Direction.INBOUND,
            ticket_id=ticket.pk,
            notes=ticket.title[:SUBJECT_MAX],
        )
