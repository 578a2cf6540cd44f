"""Escalation by hand (ESC-4, ESC-5, ESC-6): an agent escalates a ticket to the team lead, the
supervisor or the manager, or reports a difficult customer (劣质客户) to them. The reason is
required; the change is audited, written on the ticket's timeline, and the people of that level
responsible for the ticket are notified in the app."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Invalid
from kefu.followups.models import EscalationLevel, ManualEscalation
from kefu.tickets.models import Ticket, TicketEvent, TicketType

MAX_REASON = 500


def recipients(ticket: Ticket, level: str) -> list[User]:
    """Who answers at ``level`` for the ticket: the leads of its team, the supervisors of its
    department (else of its line), the managers of its line; for a practice ticket (the live
    drill) its trainer, the first-ask owner, whatever the level."""
    users = User.objects.filter(is_active=True, role=level).order_by("id")
    if ticket.is_practice:  # a drill's escalation goes to its trainer, never to real duty
        return list(User.objects.filter(pk=ticket.first_owner_id, is_active=True))
    if level == EscalationLevel.LEAD:
        return list(users.filter(team_id=ticket.team_id))
    if level == EscalationLevel.SUPERVISOR:
        found = list(users.filter(department_id=ticket.department_id))
        return found or list(users.filter(business_line_id=ticket.business_line_id))
    return list(users.filter(business_line_id=ticket.business_line_id))


@transaction.atomic
def ticket_escalate(
    *, actor, ticket: Ticket, level: str, reason: str, difficult: bool = False
) -> ManualEscalation:
    """Escalate ``ticket`` by hand to ``level`` (lead / supervisor / manager) with a reason, or
    report its customer as difficult. The level must be above the actor's own role. The caller
    obtained the ticket through ``ticket_get_for`` (scope)."""
    if level not in EscalationLevel.values:
        raise Invalid(
            _("Choose who to escalate to."),
            fields={"level": _("Choose from %(c)s.") % {"c": ", ".join(EscalationLevel.values)}},
        )
    if scope.at_least(actor, level):
        raise Invalid(
            _("Escalate to a level above your own."),
            fields={"level": _("Not above your role.")},
        )
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise Invalid(_("Give the reason."), fields={"reason": _("Required.")})
    if len(reason) > MAX_REASON:
        raise Invalid(_("The reason is too long."), fields={"reason": _("Too long.")})
    people = recipients(ticket, level)
    if not people:
        raise Invalid(
            _("No active %(level)s is responsible for this ticket.")
            % {"level": EscalationLevel(level).label},
            fields={"level": _("Nobody at this level.")},
        )
    kind = ManualEscalation.Reason.DIFFICULT if difficult else ManualEscalation.Reason.ESCALATION
    row = ManualEscalation.objects.create(
        ticket=ticket,
        customer_id=ticket.customer_id,
        business_line_id=ticket.business_line_id,
        department_id=ticket.department_id,
        team_id=ticket.team_id,
        kind=kind,
        level=level,
        is_complaint=ticket.type == TicketType.COMPLAINT,
        recipient=people[0],
        reason=reason,
        actor=actor,
    )
    with translation.override(settings.LANGUAGE_CODE):
        label = f"{ManualEscalation.Reason(kind).label} → {EscalationLevel(level).label}"
        note = _("%(who)s escalated %(number)s to you: %(reason)s") % {
            "who": actor.name,
            "number": ticket.number,
            "reason": reason,
        }
    TicketEvent.objects.create(
        ticket_id=ticket.pk,
        actor=actor,
        kind=TicketEvent.Kind.FIELD,
        field="escalation",
        after=f"{label} · {reason}"[:500],
    )
    audit.record(
        actor=actor,
        action="ticket.escalate",
        obj=row,
        changes={"ticket": ticket.number, "kind": kind, "level": level, "reason": reason},
    )
    from kefu.tickets.models_sla import Notification
    from kefu.tickets.notify import notify

    notify(people, kind=Notification.Kind.TASK, ticket=ticket, text=note[:300])
    return row
