"""E-mail out: a reply on an e-mail ticket is sent after the commit by the ``reply.created`` (and
``reply.requeued``) subscriber, through ``EMAIL_URL`` from the business line's mailbox address.

The mail carries a fresh Message-ID (kept in ``OutboundMail``, so the customer's answer threads
back), In-Reply-To and References of the ticket's mail, and the ticket token ``[#T…]`` in the
subject; Django encodes Chinese names and subjects (RFC 2047). A failed send is recorded on the
reply (``failed`` with the error) and retried by a job with back-off, at most ``MAX_ATTEMPTS``
times; the agent may also retry it from the ticket. An address that bounced is not mailed.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.channels import customer_mail, threading_rules
from kefu.channels.models import (
    AutoMailStatus,
    HeldMail,
    InboundMail,
    Mailbox,
    OutboundMail,
    Undeliverable,
)
from kefu.core import audit, events
from kefu.core.mail import header_safe
from kefu.tickets.models import DeliveryChannel, DeliveryStatus, Ticket, TicketMessage
from kefu.tickets.outbound import reply_address

log = logging.getLogger("kefu.channels.outbound")

MAX_ATTEMPTS = 4
BACKOFF = (60, 300, 1800)  # seconds before the 2nd, 3rd and 4th attempt
MAX_ERROR = 1000


def on_reply(event) -> None:
    """After-commit subscriber of ``reply.created`` / ``reply.requeued``."""
    deliver(int(event.payload["message"]))


def _mailbox(ticket: Ticket) -> Mailbox | None:
    last = (
        InboundMail.objects.filter(ticket=ticket).select_related("mailbox").order_by("-id").first()
    )
    if last is not None and last.mailbox.is_active:
        return last.mailbox
    return (
        Mailbox.objects.filter(business_line_id=ticket.business_line_id, is_active=True)
        .order_by("id")
        .first()
    )


def thread_ids(ticket: Ticket) -> list[str]:
    """The Message-IDs of the ticket's mail, oldest first (the References of a reply)."""
    got = list(
        InboundMail.objects.filter(ticket=ticket).values_list("received_at", "message_id")
    ) + list(OutboundMail.objects.filter(ticket=ticket).values_list("created_at", "message_id"))
    return [mid for _at, mid in sorted(got)]


def compose(message: TicketMessage, address: str) -> tuple[EmailMessage, str]:
    ticket = message.ticket
    mailbox = _mailbox(ticket)
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1] or "kefu.localhost"
    last = InboundMail.objects.filter(ticket=ticket).order_by("-id").first()
    topic = threading_rules.clean_subject(last.subject) if last else ""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Re: %(title)s [#%(number)s]") % {
            "title": topic or ticket.title,
            "number": ticket.number,
        }
    ids = thread_ids(ticket)
    # short enough that "Message-ID: <…>" fits one 78-character line for a usual domain (a
    # folded header is legal, but some clients thread a folded id badly)
    msgid = f"<{secrets.token_hex(8)}.{ticket.pk}.{message.pk}@{domain}>"
    headers = {"Message-ID": msgid, "X-Kefu-Ticket": ticket.number, "Auto-Submitted": "no"}
    if ids:
        headers["In-Reply-To"] = f"<{ids[-1]}>"
        headers["References"] = " ".join(f"<{i}>" for i in ids[-20:])
    body = message.body
    link = web_status_link(ticket)
    if link:
        with translation.override(settings.LANGUAGE_CODE):
            body += "\n\n-- \n" + _("Ticket %(number)s: follow it and answer us here: %(link)s") % {
                "number": ticket.number,
                "link": link,
            }
    mail = EmailMessage(
        subject=header_safe(subject, 250),
        body=body,
        from_email=formataddr((header_safe(ticket.business_line.name, 60), sender)),
        to=[address],
        headers=headers,
    )
    return mail, msgid.strip("<>")


def web_status_link(ticket: Ticket) -> str:
    """The signed status link the web form gave the visitor of a web ticket ('' otherwise)."""
    from kefu.channels.messaging.models import WebSubmission

    if ticket.channel != "web":
        return ""
    row = WebSubmission.objects.filter(ticket=ticket).exclude(status_url="").order_by("id").first()
    return row.status_url if row else ""


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()[:MAX_ERROR]


def deliver(message_id: int, *, retry: bool = False, released: bool = False) -> str | None:
    """Send one queued e-mail reply (``retry``: also a failed one, the back-off job;
    ``released``: its quiet hours are over, the release job); returns the new state, or None
    when it was not waiting (sent already, another worker took it)."""
    waiting = [DeliveryStatus.QUEUED] + ([DeliveryStatus.FAILED] if retry else [])
    claimed = TicketMessage.objects.filter(
        pk=message_id,
        delivery_channel=DeliveryChannel.EMAIL,
        delivery_status__in=waiting,
        delivery_attempts__lt=MAX_ATTEMPTS if retry else 10_000,
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
    ticket = message.ticket
    address = reply_address(ticket, DeliveryChannel.EMAIL)
    status, error, msgid, subject = DeliveryStatus.SENT, "", "", ""
    held_until = None
    try:
        if not address:
            status = DeliveryStatus.NOT_SENT
        elif Undeliverable.objects.filter(
            business_line_id=ticket.business_line_id, address__iexact=address
        ).exists():
            status = DeliveryStatus.FAILED
            with translation.override(settings.LANGUAGE_CODE):
                error = _("Mail to %(address)s bounced before: the address is undeliverable.") % {
                    "address": address
                }
        elif (gate := _gate(ticket, address, quiet=not released)) is not None:
            status, error, held_until = gate
        else:
            mail, msgid = compose(message, address)
            subject = mail.subject
            mail.send(fail_silently=False)
    except Exception as exc:  # SMTP refusals, a server away, a bad address: all recorded
        log.warning("reply %s: e-mail delivery failed", message_id)
        status, error = DeliveryStatus.FAILED, _error_text(exc)
    with transaction.atomic():
        done = TicketMessage.objects.filter(
            pk=message_id, delivery_status=DeliveryStatus.SENDING
        ).update(delivery_status=status, delivery_error=error, delivery_at=timezone.now())
        if done:
            Ticket.all_objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        if done and held_until is not None:
            # waiting for the quiet hours to end is not an attempt
            TicketMessage.objects.filter(pk=message_id).update(
                delivery_attempts=F("delivery_attempts") - 1
            )
            HeldMail.objects.update_or_create(reply=message, defaults={"send_after": held_until})
        if status == DeliveryStatus.SENT:
            sent = OutboundMail.objects.create(
                ticket=ticket,
                reply=message,
                message_id=msgid,
                to_address=address,
                subject=subject[:500],
            )
            # the letter register enters every mail sent (LOG-2, a followups subscriber)
            events.publish(
                "mail.sent",
                object_id=sent.pk,
                business_line_id=ticket.business_line_id,
                payload={
                    "ticket": ticket.pk,
                    "customer": ticket.customer_id,
                    "kind": "reply",
                    "reply": message_id,
                },
                actor=message.author,
                subject=sent,
            )
        audit.record(
            actor=None,
            action="ticket.reply_delivery",
            obj=ticket,
            changes={"message": message_id, "status": status, "channel": DeliveryChannel.EMAIL},
        )
    attempts = message.delivery_attempts
    final = "bounced" in error or error == _quota_text()
    if status == DeliveryStatus.FAILED and address and not final and attempts < MAX_ATTEMPTS:
        _schedule_retry(message_id, BACKOFF[min(attempts, len(BACKOFF)) - 1])
    return status


def _quota_text() -> str:
    return customer_mail.quota_text()


def _gate(
    ticket: Ticket, address: str, *, quiet: bool = True
) -> tuple[str, str, dt.datetime | None] | None:
    """The business line's rules for a customer-facing mail, the mail outbox's
    (``customer_mail.gate``, as for SMS): over the per-recipient daily quota the reply is
    failed (not retried by itself: the agent may send it again another day); in the quiet
    hours it stays queued until they end. None: send it now."""
    found = customer_mail.gate(ticket.business_line, address, quiet=quiet)
    if found is None:
        return None
    status, note, until = found
    if status == AutoMailStatus.REFUSED:
        return DeliveryStatus.FAILED, note, None
    return DeliveryStatus.QUEUED, note, until


def release_held_mail(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the e-mail replies whose quiet hours have ended (the periodic job; each held row is
    taken by one worker: the one whose delete removed it). Returns how many were sent."""
    now = now or timezone.now()
    due = list(
        HeldMail.objects.filter(send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", "reply_id")[:limit]
    )
    sent = 0
    for pk, reply_id in due:
        deleted, _rows = HeldMail.objects.filter(pk=pk).delete()
        if deleted and deliver(reply_id, released=True) == DeliveryStatus.SENT:
            sent += 1
    return sent


def _schedule_retry(message_id: int, delay: int) -> None:
    from kefu.channels.tasks import retry_reply_job

    try:
        retry_reply_job.schedule(args=(message_id,), delay=delay)
    except Exception:  # the queue is away: the failed reply stays visible and retryable by hand
        log.exception("reply %s: could not schedule its retry", message_id)
