"""The web form's ticket number by mail (CH-10, issue 17 §3): when the visitor gave an e-mail
address, the number and the signed status link are also mailed to it, after the commit, from
the line's mailbox (``kefu.channels``), as an auto-reply (``Auto-Submitted: auto-replied``, so
the visitor's own robot does not answer it). The mail is kept in ``OutboundMail`` with a
Message-ID, so a customer who answers it by mail joins the same ticket, and it counts toward
the per-recipient daily quota; over the quota it is not sent (the page shows the number anyway).
In the line's quiet hours it is held like every customer-facing send (an ``AutoMail`` of kind
``number``, sent by the five-minute release job when they end); the page showed the number.
"""

from __future__ import annotations

import logging
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.channels.messaging import outbox, rules
from kefu.channels.models import Mailbox, OutboundMail
from kefu.core import events
from kefu.core.mail import header_safe
from kefu.tickets.models import Ticket

log = logging.getLogger("kefu.messaging.web_mail")


NUMBER = "number"  # the AutoMail kind of this mail when the quiet hours hold it


def number_subject(ticket: Ticket) -> str:
    return _("We received your message [#%(number)s]") % {"number": ticket.number}


def schedule(ticket: Ticket, address: str, status_url: str) -> None:
    """Mail the number once the submission commits (a rolled-back one mails nothing)."""
    if address:
        transaction.on_commit(lambda: send_number(ticket.pk, address, status_url))


def send_number(ticket_id: int, address: str, status_url: str) -> str:
    """Send the mail; returns ``sent``, ``held`` (the quiet hours), ``refused`` (the daily
    quota) or ``failed``."""
    ticket = Ticket.objects.select_related("business_line").get(pk=ticket_id)
    line = ticket.business_line
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = OutboundMail.objects.filter(to_address=address, created_at__gte=midnight).count()
    if not rules.within_quota(sent_today, outbox.quota_for(line)):
        log.info("web form %s: the number is not mailed, the daily quota is reached", ticket_id)
        return "refused"
    mailbox = Mailbox.objects.filter(business_line=line, is_active=True).order_by("id").first()
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1] or "kefu.localhost"
    msgid = f"<{secrets.token_hex(8)}.{ticket.pk}.w@{domain}>"
    with translation.override(settings.LANGUAGE_CODE):
        subject = number_subject(ticket)
        body = _(
            "Hello,\n\nwe received your message. Your ticket number is %(number)s.\n"
            "Follow it and answer us here: %(link)s\n\n%(line)s"
        ) % {"number": ticket.number, "link": status_url, "line": line.name}
    local = timezone.localtime()
    quiet = outbox.quiet_for(line)
    if rules.in_quiet(local, quiet):
        from kefu.channels.models import AutoMail, AutoMailStatus

        AutoMail.objects.create(
            business_line=line,
            ticket=ticket,
            to_address=address,
            kinds=NUMBER,
            text=body,
            status=AutoMailStatus.HELD,
            send_after=rules.quiet_ends(local, quiet),
        )
        return "held"
    mail = EmailMessage(
        subject=header_safe(subject, 250),
        body=body,
        from_email=formataddr((header_safe(line.name, 60), sender)),
        to=[address],
        headers={
            "Message-ID": msgid,
            "X-Kefu-Ticket": ticket.number,
            "Auto-Submitted": "auto-replied",
        },
    )
    try:
        mail.send(fail_silently=False)
    except Exception:  # the mail server is away: the page showed the number and the link
        log.warning("web form %s: mailing the number failed", ticket_id, exc_info=True)
        return "failed"
    with transaction.atomic():
        sent = OutboundMail.objects.create(
            ticket=ticket, message_id=msgid.strip("<>"), to_address=address, subject=subject[:500]
        )
        # a notice to the customer: the letter register enters it (LOG-2)
        events.publish(
            "mail.sent",
            object_id=sent.pk,
            business_line_id=line.pk,
            payload={
                "ticket": ticket.pk,
                "customer": ticket.customer_id,
                "kind": "notice",
                "reply": None,
            },
            subject=sent,
        )
    return "sent"
