"""The mail outbox (issue 17): every mail to a customer that is not a ticket reply — the channel
auto-replies (``auto_mail``), the web form's number (``messaging.web_mail``), survey invitations
(``kefu.core.mail.send_customer_mail``) — is an ``AutoMail`` row written in the caller's
transaction and sent after the commit, under the business line's rules as every SMS
(``messaging.outbox``):

* over the per-recipient daily quota (the line's ``message_daily_quota``) it is *refused*, the
  reason on the row and in the audit log;
* in the line's quiet hours it is *held*, and the five-minute job sends it when they end;
* a failed send is tried again by the same job with back-off (``BACKOFF``, ``MAX_ATTEMPTS`` in
  all), and a row whose after-commit send never ran (the process died) or died mid-send is
  taken up by it too: nothing is lost (at worst a mail cut off mid-send goes twice).

Ticket replies have their own path (``outbound``: the state lives on the reply) with the same
``gate``. The quota counts the mail sent to the address since local midnight (``OutboundMail``)
and the rows still waiting to go today.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.channels import threading_rules
from kefu.channels.messaging import outbox, rules
from kefu.channels.models import (
    AutoMail,
    AutoMailStatus,
    InboundMail,
    Mailbox,
    OutboundMail,
    Undeliverable,
)
from kefu.core import audit, events
from kefu.core import mail as core_mail
from kefu.core.mail import header_safe

log = logging.getLogger("kefu.channels.customer_mail")

MAX_ATTEMPTS = 4
BACKOFF = (300, 900, 3600)  # seconds before the 2nd, 3rd and 4th attempt (the job runs every 5)
#: a send that has not finished after this long died with its process: the job takes it over
LEASE = dt.timedelta(minutes=15)
#: a queued row older than this lost its after-commit send (the process died after the commit)
STRANDED = dt.timedelta(minutes=2)
MAX_ERROR = 1000
PENDING = (AutoMailStatus.QUEUED, AutoMailStatus.SENDING, AutoMailStatus.HELD)
#: kinds that are not auto-replies; everything else in ``kinds`` answers the customer's mail
NUMBER, SURVEY = "number", "survey"
AUDIT_NOTICE = "mail.notice"
AUDIT_AUTO_REPLY = "mail.auto_reply"


def quota_text() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("The daily limit of messages to this recipient is reached.")


def mails_today(address: str, *, exclude: int | None = None) -> int:
    """The mail to ``address`` that counts toward today's quota: sent since local midnight, and
    waiting to go (queued, being sent, held) written today, but ``exclude`` (the row asking)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = OutboundMail.objects.filter(to_address=address, created_at__gte=midnight).count()
    waiting = AutoMail.objects.filter(
        to_address=address, status__in=PENDING, created_at__gte=midnight
    )
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude)
    return sent + waiting.count()


def gate(
    line, address: str, *, quiet: bool = True, exclude: int | None = None
) -> tuple[str, str, dt.datetime | None] | None:
    """The business line's rules for a mail to a customer, as for SMS: (``refused``, the reason,
    None) over the daily quota; (``held``, the note, when the quiet hours end) in them
    (``quiet=False``: they just ended, the release job); None: send it now."""
    if not rules.within_quota(mails_today(address, exclude=exclude), outbox.quota_for(line)):
        return AutoMailStatus.REFUSED, quota_text(), None
    hours = outbox.quiet_for(line) if quiet else None
    local = timezone.localtime()
    if not rules.in_quiet(local, hours):
        return None
    until = rules.quiet_ends(local, hours)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Held for the business line's quiet hours: it goes out at %(time)s.") % {
            "time": f"{until:%H:%M}"
        }
    return AutoMailStatus.HELD, note, until


def _audit(row: AutoMail, status: str, error: str = "") -> None:
    changes = {"kinds": row.kinds, "status": status, "ticket": row.ticket_id}
    if error:
        changes["reason"] = error
    audit.record(
        actor=None,
        action=AUDIT_NOTICE if row.kinds in (NUMBER, SURVEY) else AUDIT_AUTO_REPLY,
        obj=row,
        business_line_id=row.business_line_id,
        changes=changes,
    )


def _valid(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def enqueue(
    *,
    line,
    address: str,
    kinds: str,
    text: str,
    subject: str = "",
    ticket=None,
    customer_id: int | None = None,
    inbound: InboundMail | None = None,
) -> AutoMail:
    """Write one mail to a customer (queued, held or refused, audited) in the caller's
    transaction; a queued one is sent once it commits (a rolled-back caller mails nothing)."""
    address = (address or "").strip()
    row = AutoMail(
        business_line=line,
        ticket=ticket,
        customer_id=customer_id if customer_id else getattr(ticket, "customer_id", None),
        inbound=inbound,
        to_address=address[:254],
        kinds=kinds,
        subject=header_safe(subject, 250),
        text=text,
        status=AutoMailStatus.QUEUED,
    )
    with translation.override(settings.LANGUAGE_CODE):
        if not _valid(address):
            row.status, row.error = AutoMailStatus.REFUSED, _("Not a valid e-mail address.")
        elif Undeliverable.objects.filter(business_line=line, address__iexact=address).exists():
            row.status = AutoMailStatus.REFUSED
            row.error = _("Mail to %(address)s bounced before: the address is undeliverable.") % {
                "address": address
            }
    if row.status == AutoMailStatus.QUEUED and (found := gate(line, address)) is not None:
        row.status, note, row.send_after = found
        row.error = note if row.status == AutoMailStatus.REFUSED else ""
    with transaction.atomic():
        row.save(force_insert=True)
        _audit(row, row.status, row.error)
    if row.status == AutoMailStatus.QUEUED:
        transaction.on_commit(lambda: send(row.pk))
    return row


def _mailbox(row: AutoMail) -> Mailbox | None:
    if row.inbound is not None and row.inbound.mailbox.is_active:
        return row.inbound.mailbox
    return (
        Mailbox.objects.filter(business_line_id=row.business_line_id, is_active=True)
        .order_by("id")
        .first()
    )


def mime_references(inbound: InboundMail) -> list[str]:
    """The References of the customer's mail (read again from the original bytes)."""
    from kefu.channels import mime

    try:
        return list(mime.parse(bytes(inbound.raw)).references)
    except Exception:  # the original cannot be read again: the reply still names its parent
        return []


def compose(row: AutoMail) -> tuple[EmailMessage, str]:
    ticket = row.ticket
    line = row.business_line
    mailbox = _mailbox(row)
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1] or "kefu.localhost"
    msgid = f"<{secrets.token_hex(8)}.{row.ticket_id or 0}.a{row.pk}@{domain}>"
    subject = row.subject
    if not subject and ticket is not None:  # rows written before subjects were kept
        topic = threading_rules.clean_subject(row.inbound.subject) if row.inbound else ""
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Re: %(title)s [#%(number)s]") % {
                "title": topic or ticket.title,
                "number": ticket.number,
            }
    # RFC 3834: an answer to the customer's mail (or form) is auto-replied, an invitation
    # auto-generated; either way the customer's own robot stays silent
    marker = "auto-generated" if row.kinds == SURVEY else "auto-replied"
    headers = {"Message-ID": msgid, "Auto-Submitted": marker}
    if ticket is not None:
        headers["X-Kefu-Ticket"] = ticket.number
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


def _claim(pk: int, waiting: str, due_by: dt.datetime | None) -> bool:
    now = timezone.now()
    due = Q(status=waiting)
    if waiting != AutoMailStatus.QUEUED:
        due &= Q(send_after__lte=max(now, due_by or now))
    return bool(
        AutoMail.objects.filter(due, pk=pk).update(
            status=AutoMailStatus.SENDING, send_after=now + LEASE, attempts=F("attempts") + 1
        )
    )


def send(
    pk: int, *, waiting: str = AutoMailStatus.QUEUED, due_by: dt.datetime | None = None
) -> str | None:
    """Send one row that is ``waiting`` (queued; held, failed or sending: due by ``due_by``, the
    job's now); returns its new status, or None when it was not waiting (another worker took
    it)."""
    if not _claim(pk, waiting, due_by):
        return None
    row = AutoMail.objects.select_related(
        "ticket", "business_line", "inbound", "inbound__mailbox"
    ).get(pk=pk)
    # the rules again at the moment it leaves: a held row's quiet hours just ended, a retry may
    # fall in the next ones, and the day's quota may be spent meanwhile
    found = gate(
        row.business_line, row.to_address, quiet=waiting != AutoMailStatus.HELD, exclude=pk
    )
    if found is not None:
        status, note, until = found
        with transaction.atomic():
            AutoMail.objects.filter(pk=pk).update(
                status=status,
                error=note if status == AutoMailStatus.REFUSED else "",
                send_after=until,
                attempts=F("attempts") - 1,  # waiting for the quiet hours is not an attempt
            )
            _audit(row, status, note if status == AutoMailStatus.REFUSED else "")
        return status
    try:
        mail, msgid = compose(row)
        mail.send(fail_silently=False)
    except Exception as exc:  # a server away, a refusal: recorded, tried again with back-off
        log.warning("mail %s to a customer could not be sent", pk)
        error = f"{type(exc).__name__}: {exc}".strip()[:MAX_ERROR]
        attempts = row.attempts
        again = (
            timezone.now() + dt.timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])
            if attempts < MAX_ATTEMPTS
            else None
        )
        with transaction.atomic():
            AutoMail.objects.filter(pk=pk).update(
                status=AutoMailStatus.FAILED, error=error, send_after=again
            )
            _audit(row, AutoMailStatus.FAILED, error)
        return AutoMailStatus.FAILED
    with transaction.atomic():
        AutoMail.objects.filter(pk=pk).update(
            status=AutoMailStatus.SENT,
            error="",
            message_id=msgid,
            sent_at=timezone.now(),
            send_after=None,
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
                "customer": row.customer_id,
                "kind": "notice",
                "reply": None,
            },
            subject=sent,
        )
    return AutoMailStatus.SENT


def release_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """The five-minute job: send what is due — held rows whose quiet hours ended, failed ones
    whose back-off passed (fewer than ``MAX_ATTEMPTS`` tries), queued ones whose after-commit
    send was lost and sends whose lease ran out. Returns how many were sent."""
    now = now or timezone.now()
    due = (
        AutoMail.objects.filter(
            Q(status=AutoMailStatus.HELD, send_after__lte=now)
            | Q(
                status=AutoMailStatus.FAILED,
                send_after__lte=now,
                attempts__lt=MAX_ATTEMPTS,
            )
            | Q(status=AutoMailStatus.SENDING, send_after__lte=now)
            | Q(status=AutoMailStatus.QUEUED, created_at__lte=now - STRANDED)
        )
        .order_by("id")
        .values_list("pk", "status")[:limit]
    )
    return sum(
        send(pk, waiting=status, due_by=now) == AutoMailStatus.SENT for pk, status in list(due)
    )


def send_from_core(
    address: str,
    subject: str,
    body: str,
    *,
    business_line_id: int,
    kind: str,
    ticket_id: int | None = None,
    customer_id: int | None = None,
) -> str:
    """``kefu.core.mail.send_customer_mail``: a mail of an app below channels (a survey
    invitation) through this outbox."""
    from kefu.accounts.models import BusinessLine
    from kefu.tickets.models import Ticket

    line = BusinessLine.objects.get(pk=business_line_id)
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    row = enqueue(
        line=line,
        address=address,
        kinds=kind,
        text=body,
        subject=subject,
        ticket=ticket,
        customer_id=customer_id,
    )
    return {
        AutoMailStatus.HELD: core_mail.HELD,
        AutoMailStatus.REFUSED: core_mail.REFUSED,
    }.get(row.status, core_mail.QUEUED)
