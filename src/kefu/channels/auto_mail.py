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
send, through the mail outbox (``customer_mail``): the per-recipient daily quota (refused over
it), the quiet hours (held, then sent by the five-minute job once they end), after the commit,
retried with back-off. The mail threads (In-Reply-To the
customer's mail, the ticket token in the subject), is kept in ``OutboundMail`` so an answer to
it joins the ticket, and is entered in the letter register as a notice (``mail.sent``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.channels import customer_mail, threading_rules
from kefu.channels.messaging import rules
from kefu.channels.messaging import services as messaging
from kefu.channels.models import AutoMail, AutoMailStatus, InboundMail, Mailbox, Undeliverable

CHANNEL = "email"  # the knowledge base's channel of these texts
WINDOW = messaging.AUTO_WINDOW
#: what counts as "already answered" in the window (a failed one is tried again)
COUNTED = (
    AutoMailStatus.QUEUED,
    AutoMailStatus.SENDING,
    AutoMailStatus.HELD,
    AutoMailStatus.SENT,
    AutoMailStatus.FAILED,
)
#: a mail written longer ago than this (its Date) gets no auto-reply: connecting a mailbox with
#: months of history must not acknowledge every old letter
STALE = dt.timedelta(days=1)


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
    topic = threading_rules.clean_subject(inbound.subject or "")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Re: %(title)s [#%(number)s]") % {
            "title": topic or ticket.title,
            "number": ticket.number,
        }
    # the mail outbox: the quota refuses it, the quiet hours hold it, it leaves after the commit
    return customer_mail.enqueue(
        line=line,
        address=address,
        kinds=",".join(kinds),
        text=text,
        subject=subject,
        ticket=ticket,
        inbound=inbound,
    )


def release_held(now: dt.datetime | None = None, limit: int = 500) -> int:
    """The five-minute job's part for customer mail (``customer_mail.release_due``)."""
    return customer_mail.release_due(now, limit)
