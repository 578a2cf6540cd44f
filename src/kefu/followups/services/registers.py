"""The call and letter registers (跟踪服务电话登记表 / 信函登记表, LOG-1, LOG-2)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, events, scope
from kefu.core.errors import Invalid
from kefu.customers.models import Customer
from kefu.followups.models import (
    CallbackTask,
    CallRecord,
    CallResult,
    Direction,
    Kind,
    LetterChannel,
    LetterKind,
    LetterRecord,
    TaskStatus,
)

MAX_NOTES = 5000
MAX_DURATION = 24 * 3600
MAX_ID = 2**63 - 1


def _id(name: str, value) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    if isinstance(value, bool) or not 1 <= pk <= MAX_ID:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Enter a valid id.")})
    return pk


def _choice(name: str, value, choices) -> str:
    if value not in choices.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("Choose from %(c)s.") % {"c": ", ".join(choices.values)}},
        )
    return value


def _text(name: str, value, limit: int) -> str:
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Too long.")})
    return text


def _links(actor, customer, ticket, callback) -> tuple[Customer, int | None, int | None]:
    """The customer (of the actor's line), and a ticket and callback of that customer that the
    actor may see; anything else is refused as unknown."""
    from kefu.followups.selectors import callback_qs_for
    from kefu.tickets.selectors import ticket_qs_for

    customer_id = _id("customer", customer)
    found = (
        Customer.objects.select_related("business_line")
        .filter(scope.business_line_q(actor), pk=customer_id, merged_into=None)
        .first()
        if customer_id
        else None
    )
    if found is None:
        raise Invalid(
            _("Choose a customer of your business line."),
            fields={"customer": _("Unknown customer.")},
        )
    ticket_id = _id("ticket", ticket)
    if ticket_id and not ticket_qs_for(actor).filter(pk=ticket_id, customer_id=found.pk).exists():
        raise Invalid(
            _("Some fields are not valid."), fields={"ticket": _("Not a ticket of this customer.")}
        )
    callback_id = _id("callback", callback)
    if (
        callback_id
        and not callback_qs_for(actor).filter(pk=callback_id, customer_id=found.pk).exists()
    ):
        raise Invalid(
            _("Some fields are not valid."),
            fields={"callback": _("Not a callback of this customer.")},
        )
    return found, ticket_id, callback_id


def register_call(
    *,
    actor,
    customer_id: int,
    result: str,
    started_at: dt.datetime,
    duration_seconds: int = 0,
    direction: str = Direction.OUTBOUND,
    ticket_id: int | None = None,
    callback: CallbackTask | None = None,
    recording_ref: str = "",
    notes: str = "",
) -> CallRecord:
    """Write a validated call register entry (inside the caller's transaction)."""
    record = CallRecord.objects.create(
        business_line_id=callback.business_line_id
        if callback is not None
        else Customer.objects.values_list("business_line_id", flat=True).get(pk=customer_id),
        department_id=getattr(actor, "department_id", None),
        team_id=getattr(actor, "team_id", None),
        direction=direction,
        started_at=started_at,
        duration_seconds=duration_seconds,
        result=result,
        customer_id=customer_id,
        ticket_id=ticket_id,
        callback=callback,
        agent=actor if getattr(actor, "pk", None) else None,
        recording_ref=recording_ref,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="followups.call_register",
        obj=record,
        changes={"customer": customer_id, "direction": direction, "result": result},
    )
    # a contact with the customer: customers move its last-contact time (core.events)
    events.publish(
        "call.registered",
        object_id=record.pk,
        business_line_id=record.business_line_id,
        payload={
            "customer": customer_id,
            "ticket": ticket_id,
            "direction": direction,
            "result": result,
            "started_at": started_at.isoformat(),
        },
        actor=actor,
        subject=record,
    )
    return record


@transaction.atomic
def call_record_create(
    *,
    actor,
    customer,
    direction: str,
    result: str,
    started_at: dt.datetime | None = None,
    duration_seconds: int = 0,
    ticket=None,
    callback=None,
    recording_ref: str = "",
    notes: str = "",
) -> CallRecord:
    """Register an inbound or outbound call (every call, LOG-1)."""
    direction = _choice("direction", direction, Direction)
    result = _choice("result", result, CallResult)
    customer, ticket_id, callback_id = _links(actor, customer, ticket, callback)
    try:
        duration = int(duration_seconds or 0)
    except (TypeError, ValueError):
        duration = -1
    if isinstance(duration_seconds, bool) or not 0 <= duration <= MAX_DURATION:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"duration_seconds": _("Enter seconds from 0 to 86400.")},
        )
    now = timezone.now()
    started_at = started_at or now
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at)
    if started_at > now + dt.timedelta(minutes=5):
        raise Invalid(
            _("A call cannot start in the future."), fields={"started_at": _("In the future.")}
        )
    callback_obj = CallbackTask.objects.get(pk=callback_id) if callback_id else None
    return register_call(
        actor=actor,
        customer_id=customer.pk,
        result=result,
        started_at=started_at,
        duration_seconds=duration,
        direction=direction,
        ticket_id=ticket_id,
        callback=callback_obj,
        recording_ref=_text("recording_ref", recording_ref, 255),
        notes=_text("notes", notes, MAX_NOTES),
    )


@transaction.atomic
def letter_record_create(
    *,
    actor,
    customer,
    kind: str,
    channel: str,
    sent_on: dt.date | None = None,
    tracking_number: str = "",
    subject: str = "",
    ticket=None,
    callback=None,
    notes: str = "",
) -> LetterRecord:
    """Register an outgoing letter: notice, invitation, reply or dunning letter (LOG-2)."""
    kind = _choice("kind", kind, LetterKind)
    channel = _choice("channel", channel, LetterChannel)
    customer, ticket_id, callback_id = _links(actor, customer, ticket, callback)
    today = timezone.localdate()
    sent_on = sent_on or today
    if not isinstance(sent_on, dt.date) or sent_on > today:
        raise Invalid(
            _("Enter the date the letter was sent (not in the future)."),
            fields={"sent_on": _("Not a valid date.")},
        )
    record = LetterRecord.objects.create(
        business_line_id=customer.business_line_id,
        department_id=actor.department_id,
        team_id=actor.team_id,
        kind=kind,
        channel=channel,
        tracking_number=_text("tracking_number", tracking_number, 60),
        sent_on=sent_on,
        subject=_text("subject", subject, 200),
        customer=customer,
        ticket_id=ticket_id,
        callback_id=callback_id,
        agent=actor,
        notes=_text("notes", notes, MAX_NOTES),
    )
    if callback_id:
        # sending the letter is what an event-letter task asks for: it is done
        CallbackTask.objects.filter(
            pk=callback_id, kind=Kind.EVENT_LETTER, status=TaskStatus.OPEN
        ).update(
            status=TaskStatus.DONE,
            done_at=timezone.now(),
            done_by=actor,
            reached_at=timezone.now(),
            version=F("version") + 1,
        )
    audit.record(
        actor=actor,
        action="followups.letter_register",
        obj=record,
        changes={"customer": customer.pk, "kind": kind, "channel": channel},
    )
    events.publish(
        "letter.registered",
        object_id=record.pk,
        business_line_id=record.business_line_id,
        payload={
            "customer": customer.pk,
            "ticket": ticket_id,
            "kind": kind,
            "channel": channel,
            "sent_on": sent_on.isoformat(),
        },
        actor=actor,
        subject=record,
    )
    return record


def registers_export(
    *, actor, register: str, start=None, end=None, filters: dict | None = None
) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of the call or letter register in the actor's scope between
    two dates (and the page's ``filters``), newest first, at most exports.MAX_ROWS rows; the
    export is audited."""
    from kefu.followups import exports, selectors

    if register == "calls":
        rows = selectors.call_list_for(user=actor, start=start, end=end, filters=filters).order_by(
            "-started_at", "-id"
        )[: exports.MAX_ROWS]
        data = exports.calls_xlsx(user=actor, calls=rows.iterator(chunk_size=1000))
        name = "跟踪服务电话登记表"
    elif register == "letters":
        rows = selectors.letter_list_for(
            user=actor, start=start, end=end, filters=filters
        ).order_by("-sent_on", "-id")[: exports.MAX_ROWS]
        data = exports.letters_xlsx(user=actor, letters=rows.iterator(chunk_size=1000))
        name = "跟踪服务信函登记表"
    else:
        raise Invalid(_("Unknown register."), fields={"register": _("calls or letters")})
    audit.record(
        actor=actor,
        action=f"followups.export_{register}",
        business_line_id=actor.business_line_id,
        changes={"from": start, "to": end, **(filters or {})},
    )
    suffix = f"-{start or ''}-{end or ''}" if start or end else ""
    return f"{name}{suffix}.xlsx", data
