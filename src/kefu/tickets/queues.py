"""The ticket list's queues (tabs): which tickets each one holds, which a role sees, and
where each role starts (issue 15: the default tab of each role shows work)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import Level, SlaEvent

TABS = ("mine", "team", "department", "attention", "all")
# a tab is a queue: open tickets unless the user filters by status; the wide queues show the
# most overdue first (due time ascending: overdue, then those about to be)
TAB_DEFAULTS = {
    "mine": {"status": "open"},
    "team": {"status": "open"},
    "department": {"status": "open", "ordering": "due_at"},
    "attention": {"status": "open", "ordering": "due_at"},
    "all": {},
}


def tabs_for(user) -> list[tuple[str, str]]:
    """The list's tabs for ``user``: the queues of their role, then everything in scope."""
    tabs = [("mine", _("Mine"))]
    if user.team_id:
        tabs.append(("team", _("My team's queue")))
    if scope.at_least(user, scope.SUPERVISOR) and user.department_id:
        tabs.append(("department", _("Department queue")))
    if scope.at_least(user, scope.LEAD):
        tabs.append(("attention", _("Needs attention")))
    tabs.append(("all", _("All in scope")))
    return tabs


def default_tab(user) -> str:
    """Where each role's work is: an agent's own open tickets, a lead's team queue, a
    supervisor's department queue, a manager's (or admin's) tickets needing attention."""
    if scope.at_least(user, scope.MANAGER):
        return "attention"
    if scope.at_least(user, scope.SUPERVISOR):
        return "department" if user.department_id else "attention"
    if scope.at_least(user, scope.LEAD):
        return "team" if user.team_id else "attention"
    return "mine"


def needs_attention() -> Q:
    """Unassigned, overdue, or escalated past the assignee by an SLA clock."""
    escalated = SlaEvent.objects.filter(ticket_id=OuterRef("pk"), level__gte=Level.SUPERVISOR)
    return Q(assignee__isnull=True) | Q(due_at__lt=timezone.now()) | Exists(escalated)


def queue_filter(qs: QuerySet[Ticket], tab: str, user) -> QuerySet[Ticket]:
    """``qs`` narrowed to the queue ``tab`` of ``user`` (the status default is a filter)."""
    if tab == "mine":
        return qs.filter(Q(assignee_id=user.pk) | Q(first_owner_id=user.pk))
    if tab == "team":
        if not user.team_id:
            return qs.none()
        return qs.filter(team_id=user.team_id)
    if tab == "department":
        if not user.department_id:
            return qs.none()
        return qs.filter(department_id=user.department_id)
    if tab == "attention":
        return qs.filter(needs_attention())
    return qs
