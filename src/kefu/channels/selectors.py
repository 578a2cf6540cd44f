"""Reads of the e-mail channel, scoped: mailboxes to the line's manager (all to administrators),
a ticket's mail to whoever sees the ticket."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.channels.models import InboundMail, Mailbox, OutboundMail
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.tickets.selectors import ticket_get_for

MAX_ID = 2**63 - 1


def mailbox_qs_for(user) -> QuerySet[Mailbox]:
    if scope.is_admin(user):
        return Mailbox.objects.all()
    if scope.at_least(user, "manager") and user.business_line_id:
        return Mailbox.objects.filter(business_line_id=user.business_line_id)
    return Mailbox.objects.none()


def mailbox_get_for(*, user, pk) -> Mailbox:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    mailbox = (
        mailbox_qs_for(user).select_related("business_line", "intake_user").filter(pk=pk).first()
    )
    if mailbox is None:
        raise NotFound()
    return mailbox


def recent_inbound(mailboxes: QuerySet[Mailbox], limit: int = 20) -> list[InboundMail]:
    return list(
        InboundMail.objects.filter(mailbox__in=mailboxes)
        .select_related("ticket", "mailbox")
        .defer("raw", "body", "quoted")
        .order_by("-id")[:limit]
    )


def mailbox_figures(mailboxes: QuerySet[Mailbox]) -> dict[int, dict]:
    """Per mailbox: mails received, tickets opened, mails threaded, noise (auto-replies,
    bounces, over the limit) — the first figures a supervisor reads."""
    from django.db.models import Count, Q

    rows = (
        InboundMail.objects.filter(mailbox__in=mailboxes)
        .values("mailbox_id")
        .annotate(
            total=Count("id"),
            created=Count("id", filter=Q(status="created")),
            threaded=Count("id", filter=Q(status="threaded")),
            noise=Count("id", filter=~Q(status__in=("created", "threaded"))),
        )
    )
    return {r["mailbox_id"]: r for r in rows}


def ticket_mail_for(*, user, ticket_pk):
    """The ticket (in ``user``'s scope, else NotFound) and its mail, oldest first."""
    ticket = ticket_get_for(user=user, pk=ticket_pk)
    inbound = list(
        InboundMail.objects.filter(ticket=ticket)
        .defer("raw")
        .select_related("mailbox")
        .order_by("id")
    )
    outbound = list(
        OutboundMail.objects.filter(ticket=ticket).select_related("reply").order_by("id")
    )
    return ticket, inbound, outbound


def inbound_raw_for(*, user, ticket_pk, pk) -> InboundMail:
    ticket = ticket_get_for(user=user, pk=ticket_pk)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = InboundMail.objects.filter(ticket=ticket, pk=pk).first()
    if found is None:
        raise NotFound()
    return found
