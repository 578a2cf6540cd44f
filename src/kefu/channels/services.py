"""E-mail in: the one ingest path (IMAP fetch, the SMTP endpoint and ``.eml`` files all end here)
and the mailbox settings. Every write is in a transaction and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import asdict, dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.channels import auto_mail, mime, threading_rules
from kefu.channels.models import (
    ClosedPolicy,
    InboundMail,
    InboundStatus,
    Mailbox,
    OutboundMail,
    Security,
    Undeliverable,
)
from kefu.core import audit, events, scope
from kefu.core.errors import Invalid, StaleWrite
from kefu.customers.models import Customer
from kefu.tickets import services as tickets
from kefu.tickets.models import Channel, Status, Ticket, TicketType

log = logging.getLogger("kefu.channels")

MAX_RAW = 40 * 1024 * 1024  # a message larger than this is refused whole (kept nowhere)
RATE_WINDOW = dt.timedelta(hours=1)
COUNTED = (InboundStatus.CREATED, InboundStatus.THREADED, InboundStatus.RATE_LIMITED)


@dataclass
class Ingested:
    ticket: str | None  # the ticket's number
    created: bool
    threaded: bool
    status: str  # an InboundStatus, or "duplicate"
    inbound: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def _find_ticket(line_id: int, parsed: mime.Parsed) -> Ticket | None:
    ids = threading_rules.candidates(parsed.in_reply_to, parsed.references)
    if ids:
        known: dict[str, int] = {}
        for mid, ticket_id in InboundMail.objects.filter(
            message_id__in=ids, mailbox__business_line_id=line_id, ticket__isnull=False
        ).values_list("message_id", "ticket_id"):
            known.setdefault(mid, ticket_id)
        for mid, ticket_id in OutboundMail.objects.filter(
            message_id__in=ids, ticket__business_line_id=line_id
        ).values_list("message_id", "ticket_id"):
            known.setdefault(mid, ticket_id)
        for mid in ids:
            if mid in known:
                return Ticket.objects.select_related("business_line").get(pk=known[mid])
    token = threading_rules.subject_token(parsed.subject)
    if token:
        return (
            Ticket.objects.select_related("business_line")
            .filter(business_line_id=line_id, number=token.replace("-", ""))
            .first()
        )
    return None


def _customer(mailbox: Mailbox, parsed: mime.Parsed) -> Customer:
    line = mailbox.business_line
    found = (
        Customer.objects.filter(
            business_line=line, email__iexact=parsed.from_address, merged_into__isnull=True
        )
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    name = parsed.from_name or parsed.from_address.split("@")[0] or parsed.from_address
    # an e-mail customer has no phone yet: the archive entry carries the address
    customer = Customer(
        business_line=line,
        name=name[:100],
        phone="",
        email=parsed.from_address,
        source_channel=Channel.EMAIL,
    )
    customer.save()
    audit.record(actor=None, action="customer.create", obj=customer, changes={"name": name})
    events.publish(
        "customer.created",
        object_id=customer.pk,
        business_line_id=line.pk,
        payload={"name": name},
        subject=customer,
    )
    return customer


def _new_ticket(mailbox: Mailbox, parsed: mime.Parsed, body: str, linked: Ticket | None):
    title = threading_rules.clean_subject(parsed.subject)
    with translation.override("zh-hans"):
        title = title or _("E-mail from %(name)s") % {"name": parsed.from_address}
        description = body or _("(no text)")
        if linked is not None:
            description = (
                _("Follows up closed ticket %(number)s.") % {"number": linked.number}
                + "\n\n"
                + description
            )
    return tickets.ticket_create(
        actor=mailbox.intake_user,
        title=title[:200],
        type=mailbox.ticket_type,
        channel=Channel.EMAIL,
        customer=_customer(mailbox, parsed),
        description=description[: tickets.MAX_BODY],
    )


def _reopen(mailbox: Mailbox, ticket: Ticket) -> None:
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        return
    try:
        with transaction.atomic():
            tickets.ticket_update(
                actor=mailbox.intake_user,
                ticket=ticket,
                version=ticket.version,
                changes={"status": Status.IN_PROGRESS},
            )
    except Exception:  # a guard refused: the mail is still on the ticket
        log.info("ticket %s: could not reopen for a customer's e-mail", ticket.pk)


def _note(mailbox: Mailbox, ticket: Ticket, parsed: mime.Parsed, body: str) -> None:
    with translation.override("zh-hans"):
        text = _("E-mail from the customer (%(address)s): %(subject)s") % {
            "address": parsed.from_address,
            "subject": parsed.subject,
        }
    text = f"{text}\n\n{body or ''}".strip()[: tickets.MAX_BODY]
    tickets.ticket_note(actor=None, ticket=ticket, body=text)


def _attach(mailbox: Mailbox, ticket: Ticket, parsed: mime.Parsed) -> list[dict]:
    out = []
    for part in parsed.attachments:
        row = {"name": part.filename, "size": len(part.data), "type": part.content_type}
        if not part.data:
            out.append({**row, "status": "empty"})
            continue
        try:
            added = tickets.attachment_add(
                actor=mailbox.intake_user,
                ticket=ticket,
                upload=ContentFile(part.data, name=part.filename),
            )
            out.append({**row, "status": "attached", "attachment": added.pk})
        except Invalid as exc:
            out.append({**row, "status": "refused", "reason": str(exc.message)})
    return out


def ingest(raw: bytes, *, mailbox: Mailbox, auto_reply: bool = True) -> Ingested:
    """Import one message into ``mailbox``'s business line; the same Message-ID once (a second
    delivery, a second worker, a re-run after a crash: ``status == "duplicate"``).
    ``auto_reply=False``: the line's auto-replies are not mailed (the demo's history)."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise Invalid(_("The message is empty."), fields={"file": _("The message is empty.")})
    if len(raw) > MAX_RAW:
        raise Invalid(_("The message is too large."), fields={"file": _("Too large.")})
    raw = bytes(raw)
    parsed = mime.parse(raw)
    if InboundMail.objects.filter(mailbox=mailbox, message_id=parsed.message_id).exists():
        return Ingested(None, False, False, "duplicate", None)
    line = mailbox.business_line
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMail.objects.create(
                    mailbox=mailbox,
                    message_id=parsed.message_id,
                    status=InboundStatus.AUTO_REPLY,
                    sent_at=parsed.date if isinstance(parsed.date, dt.datetime) else None,
                    from_address=parsed.from_address,
                    from_name=parsed.from_name,
                    subject=parsed.subject,
                    raw=raw,
                    size=len(raw),
                    sha256=hashlib.sha256(raw).hexdigest(),
                )
        except IntegrityError:  # another worker imported it first
            return Ingested(None, False, False, "duplicate", None)
        body, quoted = threading_rules.fold(parsed.text)
        ticket = _find_ticket(line.pk, parsed)
        created = threaded = False
        attachments: list[dict] = []
        if parsed.bounce:
            status = InboundStatus.BOUNCE
            for address in parsed.bounced:
                Undeliverable.objects.get_or_create(
                    business_line=line, address=address, defaults={"bounce": inbound}
                )
        elif parsed.auto_reply:
            status = InboundStatus.AUTO_REPLY
        elif mailbox.rate_limit and threading_rules.rate_exceeded(
            InboundMail.objects.filter(
                mailbox=mailbox,
                from_address=parsed.from_address,
                received_at__gte=timezone.now() - RATE_WINDOW,
                status__in=COUNTED,
            )
            .exclude(pk=inbound.pk)
            .count(),
            mailbox.rate_limit,
        ):
            status = InboundStatus.RATE_LIMITED
        elif ticket is not None and not (
            ticket.status == Status.CLOSED and mailbox.closed_policy == ClosedPolicy.LINKED
        ):
            status, threaded = InboundStatus.THREADED, True
            _reopen(mailbox, ticket)
            _note(mailbox, ticket, parsed, body)
            attachments = _attach(mailbox, ticket, parsed)
        else:
            ticket = _new_ticket(mailbox, parsed, body, linked=ticket)
            status, created = InboundStatus.CREATED, True
            attachments = _attach(mailbox, ticket, parsed)
        inbound.status = status
        inbound.ticket = ticket
        inbound.body = body
        inbound.quoted = quoted
        inbound.html_only = parsed.html_only
        inbound.charsets = ",".join(dict.fromkeys(parsed.charsets))[:200]
        inbound.attachments = attachments
        inbound.save(
            update_fields=[
                "status",
                "ticket",
                "body",
                "quoted",
                "html_only",
                "charsets",
                "attachments",
            ]
        )
        if created or threaded:
            # the line's auto-replies answer it by mail (CH-4), after the commit
            if auto_reply:
                auto_mail.plan(mailbox=mailbox, inbound=inbound, ticket=ticket, created=created)
            # a customer's letter: the letter register enters it (a followups subscriber)
            events.publish(
                "mail.received",
                object_id=inbound.pk,
                business_line_id=line.pk,
                payload={"ticket": ticket.pk, "customer": ticket.customer_id, "status": status},
                subject=inbound,
            )
        audit.record(
            actor=None,
            action="mail.ingest",
            obj=inbound,
            business_line_id=line.pk,
            changes={
                "message_id": parsed.message_id,
                "status": status,
                "ticket": ticket.pk if ticket else None,
            },
        )
    return Ingested(ticket.number if ticket else None, created, threaded, status, inbound.pk)


# -- mailboxes ------------------------------------------------------------------------------

FIELDS = (
    "name",
    "address",
    "intake_user",
    "ticket_type",
    "closed_policy",
    "rate_limit",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_user",
    "imap_password",
    "imap_folder",
    "is_active",
)


def require_manager(user) -> None:
    from kefu.core.errors import PermissionDenied

    if not scope.at_least(user, "manager"):
        raise PermissionDenied()


def _clean(line, data: dict, current: Mailbox | None = None) -> dict:
    from django.core.validators import validate_email

    errors: dict = {}
    out: dict = {}
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("name", "address", "imap_host", "imap_user", "imap_folder", "imap_password"):
            value = ("" if value is None else str(value)).strip()
        out[name] = value
    if "name" in out and not out["name"]:
        errors["name"] = _("Required.")
    if "address" in out:
        try:
            validate_email(out["address"])
            out["address"] = out["address"].lower()
            dup = Mailbox.objects.filter(address=out["address"])
            if current is not None:
                dup = dup.exclude(pk=current.pk)
            if dup.exists():
                errors["address"] = _("Another mailbox has this address.")
        except Exception:
            errors["address"] = _("Enter a valid e-mail address.")
    if "intake_user" in out:
        raw = out["intake_user"]
        pk = getattr(raw, "pk", raw)
        user = (
            User.objects.filter(pk=pk, business_line=line, is_active=True).first()
            if str(pk).isdigit()
            else None
        )
        if user is None:
            errors["intake_user"] = _("Choose an active user of this business line.")
        out["intake_user"] = user
    if "ticket_type" in out and out["ticket_type"] not in TicketType.values:
        errors["ticket_type"] = _("Not a ticket type.")
    if "closed_policy" in out and out["closed_policy"] not in ClosedPolicy.values:
        errors["closed_policy"] = _("Not a choice.")
    if "imap_security" in out and out["imap_security"] not in Security.values:
        errors["imap_security"] = _("Not a choice.")
    for name, low, high in (("rate_limit", 0, 10000), ("imap_port", 1, 65535)):
        if name in out:
            try:
                out[name] = int(out[name])
                if not low <= out[name] <= high:
                    raise ValueError
            except (TypeError, ValueError):
                errors[name] = _("Enter a number from %(low)d to %(high)d.") % {
                    "low": low,
                    "high": high,
                }
    if "is_active" in out:
        out["is_active"] = bool(out["is_active"])
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    return out


@transaction.atomic
def mailbox_create(*, actor, business_line, **data) -> Mailbox:
    require_manager(actor)
    for name in ("name", "address", "intake_user"):
        data.setdefault(name, "")
    values = _clean(business_line, data)
    mailbox = Mailbox.objects.create(business_line=business_line, **values)
    audit.record(
        actor=actor,
        action="mail.mailbox_create",
        obj=mailbox,
        changes={"name": mailbox.name, "address": mailbox.address},
    )
    return mailbox


@transaction.atomic
def mailbox_update(*, actor, mailbox: Mailbox, version, changes: dict) -> Mailbox:
    require_manager(actor)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Some fields are not valid."), fields={"version": _("Enter a number.")})
    values = _clean(mailbox.business_line, changes, current=mailbox)
    if values.get("imap_password") == "":
        values.pop("imap_password")  # an empty password field keeps the stored one
    reset = any(
        k in values and values[k] != getattr(mailbox, k)
        for k in ("imap_host", "imap_user", "imap_folder")
    )
    if reset:
        values.update(uidvalidity=None, last_uid=0)
    done = Mailbox.objects.filter(pk=mailbox.pk, version=version).update(
        version=version + 1, updated_at=timezone.now(), **values
    )
    if not done:
        raise StaleWrite()
    changed = {
        k: v.pk if hasattr(v, "pk") else v for k, v in values.items() if k != "imap_password"
    }
    mailbox.refresh_from_db()
    audit.record(actor=actor, action="mail.mailbox_update", obj=mailbox, changes=changed)
    return mailbox
