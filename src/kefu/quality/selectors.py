"""Reads shared by the quality pages, API and CLI, scoped to the user (core.scope)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core import scope
from kefu.followups.models import Grade, GradeChange
from kefu.quality import months
from kefu.quality.models import (
    DeductionRule,
    KpiScheme,
    LedgerEntry,
    PenaltySummary,
    RankingRun,
    Scorecard,
)
from kefu.tickets.models_sla import Handoff


def _month_bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(months.next_month(period), dt.time.min, tzinfo=tz)
    return start, end


def scorecards_for(*, user, period: dt.date):
    """The month's scorecards the user may see: their own, their team's (lead), department's
    (supervisor), business line's (manager)."""
    qs = Scorecard.objects.filter(period=period).select_related("user", "team")
    if not scope.at_least(user, scope.LEAD):
        return qs.filter(user=user)
    return qs.filter(scope.records_q(user))


def scorecard_get_for(*, user, pk: int) -> Scorecard:
    from kefu.core.errors import NotFound

    card = Scorecard.objects.select_related("user", "team").filter(pk=pk).first()
    if card is None:
        raise NotFound()
    if card.user_id != user.pk and not (
        scope.at_least(user, scope.LEAD)
        and scorecards_for(user=user, period=card.period).filter(pk=pk).exists()
    ):
        raise NotFound()
    return card


def card_events(card: Scorecard):
    return card.events.select_related("rule", "recorder").order_by("occurred_at", "id")


def people_for(*, user):
    """The people whose scorecards the user may record on (never themselves)."""
    if not scope.at_least(user, scope.LEAD):
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, team__isnull=False)
        .filter(scope.records_q(user, owners=()))
        .exclude(pk=user.pk)
        .order_by("team_id", "id")
    )


def rules_for(*, user):
    return DeductionRule.objects.filter(scope.business_line_q(user), is_active=True).order_by("id")


def schemes_for(*, user):
    return (
        KpiScheme.objects.filter(scope.business_line_q(user))
        .prefetch_related("indicators", "evaluators")
        .order_by("-period", "staff_role", "id")
    )


def teams_for(*, user):
    if not scope.at_least(user, scope.LEAD):
        return Team.objects.filter(pk=user.team_id) if user.team_id else Team.objects.none()
    return (
        Team.objects.filter(is_active=True)
        .filter(scope.records_q(user, team="id", department="department_id"))
        .order_by("id")
    )


def rankings_for(*, user, period: dt.date):
    qs = RankingRun.objects.filter(period=period).select_related("team")
    if not scope.at_least(user, scope.LEAD):
        return qs.filter(team_id=user.team_id, status=RankingRun.Status.PUBLISHED)
    return qs.filter(scope.records_q(user))


def ledger_for(*, user, period: dt.date):
    qs = LedgerEntry.objects.filter(period=period).select_related("user", "team")
    if not scope.at_least(user, scope.LEAD):
        return qs.filter(user=user)
    return qs.filter(scope.records_q(user))


def summary_for(*, user, period: dt.date) -> PenaltySummary | None:
    if not scope.at_least(user, scope.SUPERVISOR):
        return None
    return (
        PenaltySummary.objects.filter(scope.business_line_q(user), period=period)
        .select_related("checked_by", "signed_by", "business_line")
        .first()
    )


def penalty_rows(business_line, period: dt.date, policy) -> list[dict]:
    """The month's repeat and malignant complaints per responsible unit (the unit a complaint
    was handed to, else the desk's team) with its head and the penalty by policy. A complaint
    counts once, at the highest grade it reached in the month. One aggregate read of the grade
    changes (index ``grade_line_month``) plus one of their hand-offs."""
    start, end = _month_bounds(period)
    changes = (
        GradeChange.objects.filter(
            business_line=business_line,
            after__in=[Grade.REPEAT, Grade.MALIGNANT],
            created_at__gte=start,
            created_at__lt=end,
        )
        .values_list("ticket_id", "after", "team_id")
        .distinct()
    )
    worst: dict[int, tuple[str, int]] = {}
    for ticket_id, after, team_id in changes:
        if ticket_id not in worst or after == Grade.MALIGNANT:
            worst[ticket_id] = (after, team_id)
    if not worst:
        return []
    units: dict[int, tuple[str, str]] = {}
    for ticket_id, name, contact in (
        Handoff.objects.filter(ticket_id__in=list(worst))
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "unit__name", "unit__contact")
    ):
        units.setdefault(ticket_id, (name, contact))
    team_ids = {team_id for _g, team_id in worst.values()}
    team_names = dict(Team.objects.filter(pk__in=team_ids).values_list("id", "name"))
    heads: dict[int, str] = {}
    for team_id, display, username in (
        User.objects.filter(team_id__in=team_ids, role=scope.LEAD, is_active=True)
        .order_by("id")
        .values_list("team_id", "display_name", "username")
    ):
        heads.setdefault(team_id, display or username)
    table: dict[tuple[str, str], dict] = {}
    for ticket_id, (grade, team_id) in worst.items():
        unit, head = units.get(ticket_id) or (team_names.get(team_id, ""), heads.get(team_id, ""))
        row = table.setdefault(
            (unit, head), {"unit": unit, "head": head, "repeat": 0, "malignant": 0}
        )
        row["repeat" if grade == Grade.REPEAT else "malignant"] += 1
    out = []
    for row in table.values():
        row["amount_yuan"] = (
            Decimal(row["repeat"]) * policy.repeat_yuan
            + Decimal(row["malignant"]) * policy.malignant_yuan
        )
        out.append(row)
    out.sort(key=lambda r: (-r["amount_yuan"], r["unit"]))
    return out


def summary_json(summary: PenaltySummary | None, period: dt.date) -> dict:
    rows = list(summary.rows.all()) if summary else []
    return {
        "period": months.label(period),
        "status": summary.status if summary else "none",
        "stability_period": bool(summary and summary.stability_period),
        "rows": [
            {
                "unit": r.unit,
                "head": r.head,
                "repeat": r.repeat,
                "malicious": r.malignant,
                "amount_yuan": float(r.amount_yuan),
                "applied": r.applied,
            }
            for r in rows
        ],
        "total_yuan": float(sum((r.amount_yuan for r in rows if r.applied), Decimal(0))),
    }


def scorecard_json(card: Scorecard) -> dict:
    return {
        "user": card.user.username,
        "period": months.label(card.period),
        "base": float(card.base),
        "score": float(card.score),
        "status": card.status,
        "version": card.version,
        "events": [
            {
                "rule": e.rule.name if e.rule_id else None,
                "points": float(e.points),
                "quantity": e.quantity,
                "adjustment": e.is_adjustment,
                "recorder": e.recorder.username if e.recorder_id else None,
                "time": e.occurred_at.isoformat(),
                "reason": e.reason,
            }
            for e in card_events(card)
        ],
    }


__all__ = ["Q"]
