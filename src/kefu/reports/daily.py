"""日结 (RPT-4): the daily close of each team — tickets received and resolved in the day, open
and overdue at the close of the day, callbacks due and done in the day.

"Open at the close" is a ticket created before the day ended and neither resolved nor closed by
then; "overdue" is such a ticket whose due time had passed at the close. The same figures over a
week (any ``Span``) are the weekly summary's. Every figure is an
aggregate within the viewer's scope and ``drill`` returns exactly the rows it counts."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.reports.periods import Span
from kefu.reports.selectors import scoped_tickets

FIGURES = ("received", "resolved", "open", "overdue", "callbacks_due", "callbacks_done")
NO_TEAM = "none"


def _in_line(qs: QuerySet, line_id: int | None) -> QuerySet:
    return qs.filter(business_line_id=line_id) if line_id else qs


def _open_at(end) -> Q:
    return (
        Q(created_at__lt=end)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )


def _tickets(user, line_id, day: Span, figure: str) -> QuerySet:
    start, end = day.bounds
    qs = _in_line(scoped_tickets(user), line_id)
    if figure == "received":
        return qs.filter(created_at__gte=start, created_at__lt=end)
    if figure == "resolved":
        return qs.filter(resolved_at__gte=start, resolved_at__lt=end)
    if figure == "open":
        return qs.filter(_open_at(end))
    return qs.filter(_open_at(end), due_at__lt=end)


def _callbacks(user, line_id, day: Span, figure: str) -> QuerySet:
    from kefu.followups.models import TaskStatus
    from kefu.followups.selectors import callback_qs_for

    qs = _in_line(callback_qs_for(user), line_id)
    if figure == "callbacks_due":
        return qs.filter(
            due_on__gte=day.start,
            due_on__lt=day.end,
            status__in=(TaskStatus.OPEN, TaskStatus.DONE),
        )
    start, end = day.bounds
    return qs.filter(status=TaskStatus.DONE, done_at__gte=start, done_at__lt=end)


def drill(user, line_id, day: Span, figure: str, team: str = "") -> QuerySet:
    """The tickets (or callbacks) a figure of the daily close counts, for one team or all."""
    if figure not in FIGURES:
        raise Invalid(_("Choose a figure of the report."), fields={"figure": _("Not valid.")})
    if figure.startswith("callbacks_"):
        qs = _callbacks(user, line_id, day, figure)
    else:
        qs = _tickets(user, line_id, day, figure)
    if team == NO_TEAM:
        return qs.filter(team_id__isnull=True)
    if team not in ("", None):
        try:
            return qs.filter(team_id=int(team))
        except (TypeError, ValueError):
            raise Invalid(_("Choose a team."), fields={"team": _("Not valid.")}) from None
    return qs


def _parts(qs: QuerySet, figure: str, day: Span) -> list[QuerySet]:
    """``qs`` as disjoint parts whose counts add up to its count. Open at the close is counted
    as the unresolved tickets plus those resolved after the close, each read from the
    (business line, resolved_at) index, instead of one OR that SQLite serves by visiting every
    ticket created before the close (3–8 s at 1,000,000 tickets, bench/README.md)."""
    if figure not in ("open", "overdue"):
        return [qs]
    return [qs.filter(resolved_at__isnull=True), qs.filter(resolved_at__gte=day.bounds[1])]


def _per_team(qs: QuerySet, *, tickets: bool) -> list[tuple]:
    # tickets are grouped by ``team_id + 0``: grouped by the bare column SQLite prefers walking
    # ticket_team_created in team order (no sort) over the resolved_at index, reading the line
    team = F("team_id") + 0 if tickets else F("team_id")
    return list(qs.values(t=team).annotate(n=Count("pk")).order_by().values_list("t", "n"))


def team_figures(user, *, day: Span, line_id: int | None) -> dict:
    """One row per team with any figure, and the total: six GROUP BY queries and the names."""
    from kefu.accounts.models import Team

    per_team: dict = {}
    for figure in FIGURES:
        for part in _parts(drill(user, line_id, day, figure), figure, day):
            for team_id, n in _per_team(part, tickets=not figure.startswith("callbacks_")):
                row = per_team.setdefault(team_id, dict.fromkeys(FIGURES, 0))
                row[figure] += n
    names = dict(Team.objects.filter(pk__in=[t for t in per_team if t]).values_list("pk", "name"))
    rows = [
        {
            "team_id": team_id,
            "key": str(team_id) if team_id else NO_TEAM,
            "team": names.get(team_id) or _("(no team)"),
            **figures,
        }
        for team_id, figures in per_team.items()
    ]
    rows.sort(key=lambda r: (r["team_id"] is None, r["team"]))
    total = {f: sum(r[f] for r in rows) for f in FIGURES}
    return {"period": day.label, "business_line": line_id, "teams": rows, "total": total}
