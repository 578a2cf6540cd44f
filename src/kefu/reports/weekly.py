"""周报 (RPT-4, RPT-5, FU-10): the week's callback results and customer feedback for each
responsible unit concerned, and the week's figures per team that make a meeting's agenda.

A unit is concerned by a callback done in the week when the callback's ticket was handed to it
(``tickets.Handoff``); a ticket handed to two units concerns both. Callbacks on tickets handed
to no unit are counted in a row of their own, to which no letter is written."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.errors import Invalid
from kefu.reports import daily
from kefu.reports.periods import Span
from kefu.reports.selectors import scoped_tickets

NO_UNIT = "none"
MAX_FEEDBACK = 30  # remarks shown per unit (the drill-down lists all)
UNHAPPY = ("dissatisfied", "rejected_solution")


def _done(user, line_id, week: Span) -> QuerySet:
    from kefu.followups.models import TaskStatus
    from kefu.followups.selectors import callback_qs_for

    start, end = week.bounds
    qs = callback_qs_for(user).filter(status=TaskStatus.DONE, done_at__gte=start, done_at__lt=end)
    return qs.filter(business_line_id=line_id) if line_id else qs


def callbacks_for_unit(user, line_id, week: Span, unit: str) -> QuerySet:
    """The callbacks done in the week that concern ``unit`` (an id, or ``none``)."""
    from kefu.tickets.models_sla import Handoff

    qs = _done(user, line_id, week)
    if unit == NO_UNIT:
        return qs.exclude(Exists(Handoff.objects.filter(ticket_id=OuterRef("ticket_id"))))
    try:
        pk = int(unit)
    except (TypeError, ValueError):
        raise Invalid(_("Choose a unit."), fields={"unit": _("Not valid.")}) from None
    return qs.filter(Exists(Handoff.objects.filter(ticket_id=OuterRef("ticket_id"), unit_id=pk)))


def _units(user, line_id) -> dict[int, str]:
    from kefu.tickets.models_sla import ResponsibleUnit

    qs = ResponsibleUnit.objects.filter(scope.business_line_q(user))
    if line_id:
        qs = qs.filter(business_line_id=line_id)
    return dict(qs.values_list("pk", "name"))


def feedback(user, *, week: Span, line_id: int | None) -> dict:
    """Per unit concerned: complaints handed to it in the week, the week's callbacks on its
    tickets by outcome, and the customers' remarks (unhappy first)."""
    from kefu.followups.models import Outcome
    from kefu.tickets.models_sla import Handoff

    units = _units(user, line_id)
    done = _done(user, line_id, week)
    by_outcome: dict = {}
    for unit_id, outcome, n in (
        done.values("ticket__handoffs__unit_id", "outcome")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("ticket__handoffs__unit_id", "outcome", "n")
    ):
        row = by_outcome.setdefault(unit_id, {})
        row[outcome] = row.get(outcome, 0) + n
    start, end = week.bounds
    handed = dict(
        Handoff.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            ticket__in=_in_line(scoped_tickets(user), line_id).values("pk"),
        )
        .values("unit_id")
        .annotate(n=Count("ticket_id", distinct=True))
        .order_by()
        .values_list("unit_id", "n")
    )
    remarks = _remarks(done, [u for u in by_outcome if u is not None])
    rows = []
    for unit_id in sorted(
        set(by_outcome) | set(handed), key=lambda u: (u is None, units.get(u, ""))
    ):
        if unit_id is not None and unit_id not in units:
            continue
        outcomes = by_outcome.get(unit_id, {})
        rows.append(
            {
                "unit_id": unit_id,
                "key": str(unit_id) if unit_id else NO_UNIT,
                "unit": units[unit_id] if unit_id else _("(not handed to a unit)"),
                "complaints_handed": handed.get(unit_id, 0),
                "callbacks": sum(outcomes.values()),
                "outcomes": [
                    {"key": code, "label": str(label), "count": outcomes.get(code, 0)}
                    for code, label in Outcome.choices
                ],
                "unhappy": sum(outcomes.get(code, 0) for code in UNHAPPY),
                "remarks": remarks.get(unit_id, []),
            }
        )
    return {
        "week": week.label,
        "start": week.start.isoformat(),
        "business_line": line_id,
        "units": rows,
    }


def _in_line(qs: QuerySet, line_id) -> QuerySet:
    return qs.filter(business_line_id=line_id) if line_id else qs


def _remarks(done: QuerySet, unit_ids: list[int]) -> dict[int, list[dict]]:
    """Up to MAX_FEEDBACK remarks per unit, unhappy ones first, then the latest."""
    from kefu.followups.models import Outcome

    labels = dict(Outcome.choices)
    out: dict[int, list[dict]] = {}
    rows = (
        done.exclude(notes="")
        .filter(ticket__handoffs__unit_id__in=unit_ids)
        .annotate(happy=Case(When(outcome__in=UNHAPPY, then=Value(0)), default=Value(1)))
        .order_by("happy", "-done_at", "-id")
        .values_list("ticket__handoffs__unit_id", "ticket__number", "outcome", "notes")
    )
    for unit_id, number, outcome, notes in rows[: MAX_FEEDBACK * max(1, len(unit_ids))]:
        bucket = out.setdefault(unit_id, [])
        if len(bucket) < MAX_FEEDBACK:
            bucket.append(
                {
                    "ticket": number or "",
                    "outcome": str(labels.get(outcome, outcome)),
                    "notes": notes,
                }
            )
    return out


def summary(user, *, week: Span, line_id: int | None, team_id: int | None = None) -> dict:
    """The week's figures per team (the daily close's, over the week) and complaints graded in
    the week: the weekly summary to the director and a meeting's agenda (RPT-5)."""
    figures = daily.team_figures(user, day=week, line_id=line_id)
    teams = figures["teams"]
    if team_id is not None:
        teams = [t for t in teams if t["team_id"] == team_id]
    complaints = _in_line(scoped_tickets(user), line_id).filter(
        type="complaint", created_at__gte=week.bounds[0], created_at__lt=week.bounds[1]
    )
    if team_id is not None:
        complaints = complaints.filter(team_id=team_id)
    graded = complaints.aggregate(
        complaints=Count("pk"),
        repeat=Count("pk", filter=Q(complaint_grade__grade="repeat")),
        malignant=Count("pk", filter=Q(complaint_grade__grade="malignant")),
    )
    total = {f: sum(t[f] for t in teams) for f in daily.FIGURES}
    return {"week": week.label, "teams": teams, "total": total, **graded}
