"""Reads for service levels, routing, complaints, tasks and notifications, scoped (core.scope)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.tickets.models_sla import (
    Handoff,
    Notification,
    ResponsibleUnit,
    SlaPolicy,
    Task,
)

MAX_ID = 2**63 - 1


def _int(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    return pk


def policies_for(user) -> QuerySet[SlaPolicy]:
    """SLA policies of the user's business line (all lines for admins)."""
    return SlaPolicy.objects.filter(scope.business_line_q(user)).order_by(
        "business_line_id", "position", "id"
    )


def policy_get_for(*, user, pk) -> SlaPolicy:
    policy = policies_for(user).select_related("business_line").filter(pk=_int(pk)).first()
    if policy is None:
        raise NotFound()
    return policy


def units_for(user) -> QuerySet[ResponsibleUnit]:
    return ResponsibleUnit.objects.filter(scope.business_line_q(user)).order_by("name", "id")


def handoffs_of(ticket) -> list[Handoff]:
    return list(Handoff.objects.filter(ticket_id=ticket.pk).select_related("unit").order_by("id"))


def handoff_get_for(*, user, pk) -> Handoff:
    """A hand-off of a ticket in the user's scope."""
    from kefu.tickets.selectors import ticket_qs_for

    handoff = (
        Handoff.objects.filter(pk=_int(pk), ticket__in=ticket_qs_for(user))
        .select_related("ticket", "unit")
        .first()
    )
    if handoff is None:
        raise NotFound()
    return handoff


def tasks_for(user) -> QuerySet[Task]:
    """Tasks the user may see: their own, their team's (agents, leads), their department's or
    line's (supervisors, managers)."""
    return Task.objects.filter(scope.records_q(user, owners=("owner_id",)))


def task_list_for(*, user, mine: bool = True, overdue: bool = False, done: bool = False):
    """Open (or done) tasks, the user's own or all in scope; ``overdue``: open and past due."""
    qs = tasks_for(user).select_related("ticket", "owner")
    if mine:
        qs = qs.filter(owner_id=user.pk)
    qs = qs.filter(done_at__isnull=not done)
    if overdue:
        qs = qs.filter(done_at__isnull=True, due_at__lt=timezone.now())
    return qs


def task_get_for(*, user, pk) -> Task:
    task = tasks_for(user).select_related("ticket").filter(pk=_int(pk)).first()
    if task is None:
        raise NotFound()
    return task


def tasks_of(ticket) -> list[Task]:
    return list(Task.objects.filter(ticket_id=ticket.pk).select_related("owner").order_by("id"))


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).select_related("ticket")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
