"""The ticket an order action came from (the order card beside a conversation): the return,
refund or logistics case keeps the ticket, and the ticket's timeline says what was done.

Commerce sits above tickets in the layers, so it writes the timeline line itself; tickets
imports nothing of commerce (its timeline shows the field ``order`` in words of its own)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from kefu.core.errors import Invalid
from kefu.tickets.models import TicketEvent

TIMELINE_FIELD = "order"


def check_ticket(ticket, order) -> None:
    """An action from a ticket acts on that ticket's customer's orders only (400 otherwise)."""
    from django.utils.translation import gettext as _

    if ticket is not None and ticket.customer_id != order.customer_id:
        raise Invalid(
            _("This order is not the ticket customer's."), fields={"ticket": _("Invalid.")}
        )


def note_on_ticket(*, actor, ticket, words) -> None:
    """One timeline line on ``ticket`` (if any), in the site's language like every stored
    timeline value; ``words`` is a callable returning the text (called under that language)."""
    if ticket is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = str(words())
    TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=TicketEvent.Kind.FIELD,
        field=TIMELINE_FIELD,
        after=text[:500],
    )
