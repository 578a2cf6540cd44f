"""The web form's ticket number by mail (CH-10, issue 17 §3): when the visitor gave an e-mail
address, the number and the signed status link are also mailed to it from the line's mailbox
(``kefu.channels``), through the mail outbox (``customer_mail``): written with the submission,
sent after the commit (a rolled-back submission mails nothing), held in the line's quiet hours,
refused over the recipient's daily quota (the reason recorded and audited), retried when the
server is away. It is marked ``Auto-Submitted: auto-replied`` (the visitor's own robot does not
answer it) and kept in ``OutboundMail`` with its Message-ID, so a customer who answers it by mail
joins the same ticket. The page shows the number whatever happens to the mail.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.tickets.models import Ticket

NUMBER = "number"  # the outbox row's kind


def number_subject(ticket: Ticket) -> str:
    return _("We received your message [#%(number)s]") % {"number": ticket.number}


def schedule(ticket: Ticket, address: str, status_url: str):
    """Write the number's mail in the submission's transaction (None without an address)."""
    if not address:
        return None
    from kefu.channels import customer_mail

    line = ticket.business_line
    with translation.override(settings.LANGUAGE_CODE):
        subject = number_subject(ticket)
        body = _(
            "Hello,\n\nwe received your message. Your ticket number is %(number)s.\n"
            "Follow it and answer us here: %(link)s\n\n%(line)s"
        ) % {"number": ticket.number, "link": status_url, "line": line.name}
    return customer_mail.enqueue(
        line=line, address=address, kinds=NUMBER, text=body, subject=subject, ticket=ticket
    )
