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


def _grouped(qs: QuerySet[Ticket], field: str, choices) -> list[tuple[str, str, int]]:
    counts = {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by()}
    return [(code, str(label), counts[code]) for code, label in choices.choices if code in counts]


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
    by_team = None
    if scope.at_least(user, scope.LEAD):
        start, end = _today(now)
        open_q = Q(status__in=OPEN_STATUSES)
        by_team = list(
            scoped.values("team_id", "team__name", "business_line__name")
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=open_q),
                due_today=Count(
                    "pk", filter=open_q & Q(due_at__gte=max(start, now), due_at__lt=end)
                ),
                overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
            )
            .order_by("business_line__name", "team__name", "team_id")
        )
    return Figures(
        now=now,
        my_open=my_open,
        my_counts=_due_counts(mine, now),
        scope_counts=_due_counts(scoped, now),
        by_status=_grouped(scoped, "status", Status),
        by_type=_grouped(scoped, "type", TicketType),
        by_channel=_grouped(scoped, "channel", Channel),
        by_team=by_team,
    )
