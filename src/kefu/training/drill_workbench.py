"""The live drill in the real ticket workbench (PK-3): the trainer turns a drill's case lines into
practice tickets of a practice team, held by the trainee, who works them like any ticket (quick
replies, customer panel, order look-ups). The run's times are the tickets' own clocks — first
response and resolution from creation — and it is finished once every ticket is resolved or
closed; the trainer scores it like the training-side run (``drill_services.run_score``), which
records the certification's ``drill`` component. Practice tickets are never counted, routed,
sent or published (tickets.Ticket.is_practice; docs/training-practice-queue.md)."""

from __future__ import annotations

import statistics

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Team
from kefu.core import audit
from kefu.core.errors import Invalid, PermissionDenied
from kefu.customers.models import Customer
from kefu.tickets.models import Status, TicketType
from kefu.tickets.services import practice_ticket_create
from kefu.training import drill
from kefu.training.models import DrillRun, DrillTicket, PracticeDrill
from kefu.training.selectors import people_for
from kefu.training.services import require_lead

#: the customer every practice ticket of a line is from: no real person, no reachable number
PRACTICE_PHONE = "00000000000"
#: the ticket type a case's handling suggests (the line's first type when it is not enabled)
CASE_TYPES = {
    drill.REFUND: TicketType.REFUND,
    drill.RESHIP: TicketType.RETURN,
    drill.EXPLAIN: TicketType.CONSULT,
    drill.ESCALATE: TicketType.CONSULT,
}
DONE = (Status.RESOLVED, Status.CLOSED)


def practice_teams(user):
    """The active practice teams of the user's line."""
    return Team.objects.filter(
        business_line_id=user.business_line_id, is_practice=True, is_active=True
    ).order_by("name", "id")


def practice_customer(line_id: int) -> Customer:
    customer, _created = Customer.objects.get_or_create(
        business_line_id=line_id,
        phone=PRACTICE_PHONE,
        merged_into=None,
        defaults={"name": "演练客户"},  # data, like every customer's name, not a label
    )
    return customer


def _title(n: int, message: str) -> str:
    """The ticket's title is data in the line's language, like the case line it comes from."""
    head = message if len(message) <= 40 else message[:39] + "…"
    return f"演练{n}：{head}"


@transaction.atomic
def workbench_run_create(
    *, actor, practice: PracticeDrill, trainee_id, team_id, now=None
) -> DrillRun:
    """The trainer (a lead or above) opens a run of ``practice`` for a trainee in their scope on
    a practice team of the line: one practice ticket per case, held by the trainee."""
    require_lead(actor)
    if practice.business_line_id != actor.business_line_id:
        raise PermissionDenied()
    fields = {}
    team = practice_teams(actor).filter(pk=_int(team_id)).first()
    if team is None:
        fields["team"] = _("Choose a practice team of your business line.")
    trainee = people_for(actor).filter(pk=_int(trainee_id)).exclude(pk=actor.pk).first()
    if trainee is None:
        fields["trainee"] = _("Choose someone of your team or department, not yourself.")
    if fields:
        raise Invalid(_("Some fields are not valid."), fields=fields)
    now = now or timezone.now()
    run = DrillRun.objects.create(drill=practice, user=trainee, team=team, started_at=now)
    customer = practice_customer(practice.business_line_id)
    rows = []
    for i, case in enumerate(practice.cases):
        ticket = practice_ticket_create(
            actor=actor,
            team=team,
            customer=customer,
            title=_title(i + 1, case["message"]),
            description=case["message"],
            trainee=trainee,
            type=CASE_TYPES[case["outcome"]],
            now=now,
        )
        rows.append(DrillTicket(run=run, case=i, ticket=ticket))
    DrillTicket.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="training.drill_workbench",
        obj=run,
        changes={"trainee": trainee.pk, "team": team.pk, "tickets": len(rows)},
    )
    return run


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _seconds(start, end) -> float | None:
    return None if start is None or end is None else round((end - start).total_seconds(), 1)


def ticket_times(run: DrillRun) -> list[dict]:
    """Each practice ticket of a workbench run with its own clocks: seconds from creation to the
    first reply and to the resolution (None while not there yet)."""
    out = []
    # ``run.tickets.all()``: a page prefetches ``tickets__ticket`` for all its runs at once
    for dt_ in sorted(run.tickets.all(), key=lambda row: row.case):
        t = dt_.ticket
        case = run.drill.cases[dt_.case]
        out.append(
            {
                "case": dt_.case,
                "number": dt_.case + 1,
                "ticket": t,
                "message": case["message"],
                "outcome": case["outcome"],
                "first_response": _seconds(t.created_at, t.first_response_at),
                "resolution": _seconds(t.created_at, t.resolved_at or t.closed_at),
                "done": t.status in DONE,
            }
        )
    return out


def summary(times: list[dict]) -> dict:
    """Resolved tickets, the median first response and the median resolution (seconds)."""
    first = [t["first_response"] for t in times if t["first_response"] is not None]
    resolved = [t["resolution"] for t in times if t["done"] and t["resolution"] is not None]
    return {
        "resolved": sum(1 for t in times if t["done"]),
        "median_first_response": round(statistics.median(first), 1) if first else None,
        "median_resolution": round(statistics.median(resolved), 1) if resolved else None,
    }


def finish_if_done(run: DrillRun) -> DrillRun:
    """A workbench run whose tickets are all resolved is finished: at the last resolution, with
    the median resolution seconds (in the caller's transaction, the run row locked)."""
    if run.team_id is None or run.finished_at is not None:
        return run
    times = ticket_times(run)
    if not times or not all(t["done"] for t in times):
        return run
    ends = [t["ticket"].resolved_at or t["ticket"].closed_at for t in times]
    run.finished_at = max(e for e in ends if e is not None)
    run.median_seconds = summary(times)["median_resolution"]
    DrillRun.objects.filter(pk=run.pk).update(
        finished_at=run.finished_at, median_seconds=run.median_seconds
    )
    return run
