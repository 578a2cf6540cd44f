"""Reads of the live drill on a practice queue (PK-3): the line's drills with their runs, and
the runs a trainer may read (those of the people in their scope)."""

from __future__ import annotations

from django.db.models import Count, Q

from kefu.core.errors import NotFound
from kefu.training.models import DrillRun, PracticeDrill
from kefu.training.selectors import people_for


def drills_for(user):
    """The line's drills with ``n_runs`` (finished) and ``n_scored``."""
    return (
        PracticeDrill.objects.filter(business_line_id=user.business_line_id)
        .select_related("trainer")
        .annotate(
            n_runs=Count("runs", filter=Q(runs__finished_at__isnull=False)),
            n_scored=Count("runs", filter=Q(runs__score__isnull=False)),
        )
    )


def drill_get(user, pk) -> PracticeDrill:
    obj = drills_for(user).filter(pk=pk).first() if pk else None
    if obj is None:
        raise NotFound()
    return obj


def runs_in_scope(user):
    """Runs the trainer may read: those of the people in their scope."""
    return (
        DrillRun.objects.filter(
            Q(user__in=people_for(user).values("pk")), drill__business_line_id=user.business_line_id
        )
        .select_related("drill", "user", "scored_by")
        .prefetch_related("tickets__ticket")
    )


def run_in_scope(user, pk) -> DrillRun:
    run = runs_in_scope(user).filter(pk=pk).first() if pk else None
    if run is None:
        raise NotFound()
    return run


def run_dict(r) -> dict:
    practice = sorted(r.tickets.all(), key=lambda row: row.case) if r.team_id else []
    done = ("resolved", "closed")
    return {
        "id": r.pk,
        "drill": r.drill_id,
        "user": r.user.username,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "tickets": len(r.drill.cases),
        "closed": sum(1 for row in practice if row.ticket.status in done)
        if r.team_id
        else len(r.work),
        "workbench": r.team_id is not None,
        "ticket_numbers": [row.ticket.number for row in practice],
        "correct": r.correct,
        "median_seconds": float(r.median_seconds) if r.median_seconds is not None else None,
        "score": float(r.score) if r.score is not None else None,
        "passed": None if r.score is None else r.score >= 60,
        "scored_by": r.scored_by.username if r.scored_by_id else None,
        "version": r.version,
    }
