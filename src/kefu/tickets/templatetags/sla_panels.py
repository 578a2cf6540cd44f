"""``{% load sla_panels %}{% ticket_sla_panels ticket %}``: the ticket page's SLA clocks, complaint
stage, hand-offs and promises. The ticket came from ``ticket_get_for`` in the page's view."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from kefu.tickets import complaints, sla_selectors, sla_services
from kefu.tickets.models import TicketType
from kefu.tickets.models_sla import Stage, Validity

register = template.Library()


@register.inclusion_tag("tickets/sla/_panel.html", takes_context=True)
def ticket_sla_panels(context, ticket) -> dict:
    try:
        reverse("sla:ticket_stage", args=[ticket.pk])
        forms = True
    except NoReverseMatch:  # the pages are not mounted: show the state without forms
        forms = False
    is_complaint = ticket.type == TicketType.COMPLAINT
    case = complaints.complaint_case(ticket) if is_complaint else None
    next_stage = None
    if case is not None:
        order = list(complaints.STAGES)
        index = order.index(Stage(case.stage))
        next_stage = order[index + 1] if index + 1 < len(order) else None
    return {
        "ticket": ticket,
        "clocks": sla_services.sla_states(ticket=ticket),
        "is_complaint": is_complaint,
        "case": case,
        "stages": complaints.STAGES,
        "next_stage": next_stage,
        "validities": Validity.choices,
        "handoffs": sla_selectors.handoffs_of(ticket) if is_complaint else [],
        "units": list(
            sla_selectors.units_for(context["request"].user).filter(
                business_line_id=ticket.business_line_id, is_active=True
            )
        )
        if is_complaint
        else [],
        "tasks": sla_selectors.tasks_of(ticket),
        "forms": forms,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notifications (one COUNT on the notification index)."""
    request = context.get("request")
    return sla_selectors.unread_count(getattr(request, "user", None))


@register.filter
def policy_label(name: str) -> str:
    """A clock's policy name as people read it (a default policy's code → its conditions)."""
    from kefu.tickets.models_sla import policy_label as label

    return label(name)


@register.filter
def rule_conditions(rule) -> str:
    """A routing rule's conditions in words (“投诉 · 电话”, “所有工单” for any)."""
    from kefu.tickets.models_sla import describe_conditions

    return describe_conditions(
        ticket_type=rule.ticket_type, channel=rule.channel, category=rule.category
    )


@register.simple_tag(takes_context=True)
def may_edit_settings(context) -> bool:
    """Whether the signed-in user edits the department's settings (supervisors and above)."""
    from kefu.core import scope

    user = context.get("user")
    return bool(user and user.is_authenticated and scope.at_least(user, scope.SUPERVISOR))
