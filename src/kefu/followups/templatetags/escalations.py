"""``{% load escalations %}{% ticket_escalate ticket %}``: the ticket page's escalation by hand
(ESC-4/6): what was escalated, and the form for the levels above the user's role."""

from __future__ import annotations

from django import template

from kefu.core import scope
from kefu.followups import selectors
from kefu.followups.models import EscalationLevel, ManualEscalation

register = template.Library()


@register.inclusion_tag("followups/_escalate_panel.html", takes_context=True)
def ticket_escalate(context, ticket) -> dict:
    """The ticket came from ``ticket_get_for`` in the page's view (scope)."""
    user = context.get("user") or context["request"].user
    return {
        "ticket": ticket,
        "escalations": selectors.ticket_escalations(ticket),
        "levels": [(v, lbl) for v, lbl in EscalationLevel.choices if not scope.at_least(user, v)],
        "kinds": ManualEscalation.Reason.choices,
        "csrf_token": context.get("csrf_token"),
    }
