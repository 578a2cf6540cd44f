"""``{% load followups %}{% ticket_followups ticket %}``: the ticket page's callbacks and grade."""

from __future__ import annotations

from django import template

from kefu.core import scope
from kefu.followups import selectors
from kefu.followups.models import Flag, Grade
from kefu.tickets.models import TicketType

register = template.Library()


@register.inclusion_tag("followups/_ticket_panel.html", takes_context=True)
def ticket_followups(context, ticket) -> dict:
    """The ticket's callbacks, its complaint grade with history, and the flag/severe forms.
    The ticket came from ``ticket_get_for`` in the page's view (scope)."""
    data = selectors.ticket_followups(ticket=ticket)
    grade = data.grade.grade if data.grade else Grade.ORDINARY
    user = context.get("user") or context["request"].user
    return {
        "ticket": ticket,
        "data": data,
        "grade": grade,
        "grade_label": Grade(grade).label,
        "is_complaint": ticket.type == TicketType.COMPLAINT,
        "flags": Flag.choices,
        "can_mark_severe": scope.at_least(user, scope.SUPERVISOR),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
