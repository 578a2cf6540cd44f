"""Channel auto-replies on the e-mail channel (CH-4, issue 17 §5): a customer's mail that opens
or joins a ticket is answered by the line's auto-replies — the acknowledgement with the ticket
number (a new ticket), the out-of-hours notice by the business calendar, the peak guidance —
in one mail, each kind at most once per address per window (4 h, as on SMS and IM). The texts
are the knowledge base's for the e-mail channel, else the line's policy, else the defaults
(``messaging.auto_texts``).

Never to an auto-reply or a bounce (those never reach here: ``services.ingest`` files them as
noise), nor to an address that bounced, nor to a mail written more than a day before it is read
(a mailbox's history on its first IMAP fetch); the mail is marked ``Auto-Submitted: auto-replied`` so
the customer's own robot stays silent, and a robot without such marks gets at most one of each
kind per window: two robots cannot loop. The line's rules hold as for every customer-facing
send: the per-recipient daily quota (refused over it) and the quiet hours (held, then sent by
``release_held`` every five minutes once they end; the web form's number mail is held here
too, as kind ``number``). The mail threads (In-Reply-To the
customer's mail, the ticket token in the subject), is kept in ``OutboundMail`` so an answer to
it joins the ticket, and is entered in the letter register as a notice (``mail.sent``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.channels import threading_rules
from kefu.channels.messaging import outbox, rules, web_mail
from kefu.channels.messaging import services as messaging
from kefu.channels.models import (
    AutoMail,
    AutoMailStatus,
    InboundMail,
    Mailbox,
    OutboundMail,
    Undeliverable,
)
from kefu.core import audit, events
from kefu.core.mail import header_safe

log = logging.getLogger("kefu.channels.auto_mail")

CHANNEL = "email"  # the knowledge base's channel of these texts
WINDOW = messaging.AUTO_WINDOW
COUNTED = (AutoMailStatus.QUEUED, AutoMailStatus.HELD, AutoMailStatus.SENT)
#: a mail written longer ago than this (its Date) gets no auto-reply: connecting a mailbox with
#: months of history must not acknowledge every old letter
STALE = dt.timedelta(days=1)
MAX_ERROR = 1000


def _sent_today(address: str) -> int:
    local = timezone.localtime()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return OutboundMail.objects.filter(to_address=address, created_at__gte=midnight).count()


def plan(*, mailbox: Mailbox, inbound: InboundMail, ticket, created: bool) -> AutoMail | None:
    """Inside the ingest's transaction: the auto-replies ``inbound`` earns, written as one
    ``AutoMail`` (queued, held for the quiet hours, or refused over the quota) and sent after
    the commit; None when it earns none."""
    address = (inbound.from_address or "").strip().lower()
    line = mailbox.business_line
    if not address or "@" not in address:
        return None
    if Undeliverable.objects.filter(business_line=line, address__iexact=address).exists():
        return None
    now = timezone.now()
    if inbound.sent_at is not None and now - inbound.sent_at > STALE:
        return None  # old mail read late (a mailbox's history on its first fetch): no answer
    recent = set()
    for kinds in AutoMail.objects.filter(
        to_address=address, created_at__gte=now - WINDOW, status__in=COUNTED
    ).values_list("kinds", flat=True):
        recent.update(kinds.split(","))
    situation = rules.Situation(
        new_ticket=created,
        in_hours=messaging.in_working_hours(line, now),
        peak=messaging.in_peak(line, now),
        from_robot=rules.is_auto_text(inbound.subject or ""),
        recent=frozenset(recent),
    )
    kinds = rules.auto_replies(situation)
    if not kinds:
        return None
    text = "\n\n".join(messaging.auto_text(line, kind, ticket, CHANNEL) for kind in kinds)
    row = AutoMail(
        business_line=line,
        ticket=ticket,
        inbound=inbound,
        to_address=address,
        kinds=",".join(kinds),
        text=text,
        status=AutoMailStatus.QUEUED,
    )
    local = timezone.localtime(now)
    quiet = outbox.quiet_for(line)
    if not rules.within_quota(_sent_today(address), outbox.quota_for(line)):
        row.status = AutoMailStatus.REFUSED
        with translation.override(settings.LANGUAGE_CODE):
            row.error = _("The daily limit of messages to this recipient is reached.")
    elif rules.in_quiet(local, quiet):
        row.status, row.send_after = AutoMailStatus.HELD, rules.quiet_ends(local, quiet)
    row.save(force_insert=True)
    _audit(row, row.status)
    if row.status == AutoMailStatus.QUEUED:
        transaction.on_commit(lambda: send(row.pk))
    return row


def _audit(row: AutoMail, status: str) -> None:
    audit.record(
        actor=None,
        action="mail.auto_reply",
        obj=row,
        business_line_id=row.business_line_id,
        changes={"kinds": row.kinds, "status": status, "ticket": row.ticket_id},
    )


def _compose(row: AutoMail) -> tuple[EmailMessage, str]:
    ticket = row.ticket
    line = row.business_line
    mailbox = (
        row.inbound.mailbox
        if row.inbound is not None and row.inbound.mailbox.is_active
        else Mailbox.objects.filter(business_line=line, is_active=True).order_by("id").first()
    )
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1] or "kefu.localhost"
    msgid = f"<{secrets.token_hex(8)}.{ticket.pk}.a{row.pk}@{domain}>"
    topic = threading_rules.clean_subject(row.inbound.subject) if row.inbound else ""
    with translation.override(settings.LANGUAGE_CODE):
        if row.kinds == web_mail.NUMBER:  # the web form's number, held for the quiet hours
            subject = web_mail.number_subject(ticket)
        else:
            subject = _("Re: %(title)s [#%(number)s]") % {
                "title": topic or ticket.title,
                "number": ticket.number,
            }
    headers = {"Message-ID": msgid, "X-Kefu-Ticket": ticket.number}
    headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: the customer's robot stays silent
    if row.inbound is not None:
        refs = [*mime_references(row.inbound), row.inbound.message_id]
        headers["In-Reply-To"] = f"<{row.inbound.message_id}>"
        headers["References"] = " ".join(f"<{i}>" for i in refs[-20:])
    mail = EmailMessage(
        subject=header_safe(subject, 250),
        body=row.text,
        from_email=formataddr((header_safe(line.name, 60), sender)),
        to=[row.to_address],
        headers=headers,
    )
    return mail, msgid.strip("<>")


def mime_references(inbound: InboundMail) -> list[str]:
    """The References of the customer's mail (read again from the original bytes)."""
    from kefu.channels import mime

    try:
        return list(mime.parse(bytes(inbound.raw)).references)
    except Exception:  # the original cannot be read again: the reply still names its parent
        return []


def send(pk: int, *, released: bool = False) -> str | None:
    """Send one queued (``released``: held) auto-reply mail; returns its new status, or None
    when it was not waiting (sent already, another worker took it)."""
    waiting = AutoMailStatus.HELD if released else AutoMailStatus.QUEUED
    if not AutoMail.objects.filter(pk=pk, status=waiting).update(status=AutoMailStatus.FAILED):
        return None  # claimed: failed until it is known to have left
    row = AutoMail.objects.select_related(
        "ticket", "business_line", "inbound", "inbound__mailbox"
    ).get(pk=pk)
    if released and not rules.within_quota(
        _sent_today(row.to_address), outbox.quota_for(row.business_line)
    ):
        with translation.override(settings.LANGUAGE_CODE):
            error = _("The daily limit of messages to this recipient is reached.")
        with transaction.atomic():
            AutoMail.objects.filter(pk=pk).update(status=AutoMailStatus.REFUSED, error=error)
            _audit(row, AutoMailStatus.REFUSED)
        return AutoMailStatus.REFUSED
    try:
        mail, msgid = _compose(row)
        mail.send(fail_silently=False)
    except Exception as exc:  # a server away, a refusal: recorded (an auto-reply is not retried)
        log.warning("auto-reply mail %s could not be sent", pk)
        error = f"{type(exc).__name__}: {exc}".strip()[:MAX_ERROR]
        with transaction.atomic():
            AutoMail.objects.filter(pk=pk).update(error=error)
            _audit(row, AutoMailStatus.FAILED)
        return AutoMailStatus.FAILED
    with transaction.atomic():
        AutoMail.objects.filter(pk=pk).update(
            status=AutoMailStatus.SENT, message_id=msgid, sent_at=timezone.now()
        )
        _audit(row, AutoMailStatus.SENT)
        sent = OutboundMail.objects.create(
            ticket=row.ticket,
            message_id=msgid,
            to_address=row.to_address,
            subject=mail.subject[:500],
        )
        # a notice to the customer: the letter register enters it (LOG-2)
        events.publish(
            "mail.sent",
            object_id=sent.pk,
            business_line_id=row.business_line_id,
            payload={
                "ticket": row.ticket_id,
                "customer": row.ticket.customer_id,
                "kind": "notice",
                "reply": None,
            },
            subject=sent,
        )
    return AutoMailStatus.SENT


def release_held(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the auto-reply mails whose quiet hours have ended (the five-minute job)."""
    now = now or timezone.now()
    due = list(
        AutoMail.objects.filter(status=AutoMailStatus.HELD, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send(pk, released=True) == AutoMailStatus.SENT for pk in due)
