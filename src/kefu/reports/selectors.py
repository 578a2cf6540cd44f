"""Figures of the home page: SQL aggregates over the tickets in the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.core import scope
from kefu.tickets.models import OPEN_STATUSES, Channel, Status, Ticket, TicketType

MY_TICKETS = 10
OWNERS = ("assignee_id", "first_owner_id")


@dataclass
class Figures:
    now: dt.datetime
    my_open: list[Ticket]
    my_counts: dict[str, int]
    scope_counts: dict[str, int]
    by_status: list[tuple[str, str, int]]  # (code, label, count)
    by_type: list[tuple[str, str, int]]
    by_channel: list[tuple[str, str, int]]
    by_team: list[dict] | None  # leads and above


def scoped_tickets(user) -> QuerySet[Ticket]:
    """Tickets in the user's scope (core.scope): agents also see the ones they own or hold."""
    return Ticket.objects.filter(scope.records_q(user, owners=OWNERS))


def _today(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def _due_counts(qs: QuerySet[Ticket], now: dt.datetime) -> dict[str, int]:
    """Open, due today and overdue tickets of ``qs`` in one aggregate query."""
    start, end = _today(now)
    open_q = Q(status__in=OPEN_STATUSES)
    return qs.aggregate(
        open=Count("pk", filter=open_q),
        due_today=Count("pk", filter=open_q & Q(due_at__gte=max(start, now), due_at__lt=end)),
        overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
    )


def _in_choice_order(counts: dict[str, int], choices) -> list[tuple[str, str, int]]:
    return [(code, str(label), counts[code]) for code, label in choices.choices if code in counts]


def _breakdown(scoped: QuerySet[Ticket]) -> list[dict]:
    """Counts by (team, status, type, channel) in one pass over the scope.

    The scope indexes ``ticket_dept_breakdown`` / ``ticket_bl_breakdown`` hold every column this
    reads, so it is an index-only scan instead of five scans of the table (one per figure).
    """
    return list(
        scoped.values("team_id", "status", "type", "channel").annotate(n=Count("pk")).order_by()
    )


def _open_by_team(scoped: QuerySet[Ticket], now: dt.datetime) -> list[dict]:
    """Open, due today and overdue per team: only open tickets are read (a small share)."""
    start, end = _today(now)
    return list(
        scoped.filter(status__in=OPEN_STATUSES)
        .values("team_id")
        .annotate(
            open=Count("pk"),
            due_today=Count("pk", filter=Q(due_at__gte=max(start, now), due_at__lt=end)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .order_by()
    )


def _team_rows(breakdown: list[dict], open_rows: list[dict]) -> list[dict]:
    """The per-team table: names looked up once for the teams that have tickets."""
    from kefu.accounts.models import Team

    rows: dict[int | None, dict] = {}
    for row in breakdown:
        team = rows.setdefault(
            row["team_id"],
            {"team_id": row["team_id"], "total": 0, "open": 0, "due_today": 0, "overdue": 0},
        )
        team["total"] += row["n"]
    for row in open_rows:
        team = rows.setdefault(
            row["team_id"],
            {"team_id": row["team_id"], "total": 0, "open": 0, "due_today": 0, "overdue": 0},
        )
        team.update(open=row["open"], due_today=row["due_today"], overdue=row["overdue"])
    names = {
        t.pk: (t.name, t.business_line.name)
        for t in Team.objects.filter(pk__in=[k for k in rows if k is not None]).select_related(
            "business_line"
        )
    }
    for team_id, row in rows.items():
        row["team__name"], row["business_line__name"] = names.get(team_id, (None, None))
    return sorted(
        rows.values(),
        key=lambda r: (
            r["business_line__name"] is None,
            r["business_line__name"] or "",
            r["team__name"] is None,
            r["team__name"] or "",
            r["team_id"] or 0,
        ),
    )


def home_figures(*, user, now: dt.datetime | None = None) -> Figures:
    """Everything the home page shows, in a fixed number of queries whatever the table size."""
    now = now or timezone.now()
    scoped = scoped_tickets(user)
    mine = Ticket.objects.filter(Q(assignee_id=user.pk) | Q(first_owner_id=user.pk))
    my_open = list(
        mine.filter(status__in=OPEN_STATUSES)
        .select_related("customer", "team")
        .only(
            "id",
            "number",
            "title",
            "status",
            "priority",
            "due_at",
            "customer__name",
            "team__name",
        )
        .order_by("due_at", "id")[:MY_TICKETS]
    )
    breakdown = _breakdown(scoped)
    open_rows = _open_by_team(scoped, now)
    by = {"status": {}, "type": {}, "channel": {}}
    for row in breakdown:
        for field, counts in by.items():
            counts[row[field]] = counts.get(row[field], 0) + row["n"]
    scope_counts = {
        key: sum(row[key] for row in open_rows) for key in ("open", "due_today", "overdue")
    }
    return Figures(
        now=now,
        my_open=my_open,
        my_counts=_due_counts(mine, now),
        scope_counts=scope_counts,
        by_status=_in_choice_order(by["status"], Status),
        by_type=_in_choice_order(by["type"], TicketType),
        by_channel=_in_choice_order(by["channel"], Channel),
        by_team=_team_rows(breakdown, open_rows) if scope.at_least(user, scope.LEAD) else None,
    )
