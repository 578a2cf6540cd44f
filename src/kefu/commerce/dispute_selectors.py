"""Reads of the platform disputes (CMP-11), scoped to the user's business line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kefu.commerce.models import Dispute, DisputeEvidence, DisputeStage
from kefu.core import scope
from kefu.core.errors import NotFound


def disputes_for(*, user, open_only: bool = False):
    qs = Dispute.objects.filter(scope.business_line_q(user)).select_related(
        "order__customer", "ret"
    )
    if open_only:
        qs = qs.exclude(stage=DisputeStage.CLOSED)
    return qs


def dispute_get_for(*, user, pk: int) -> Dispute:
    found = (
        Dispute.objects.filter(scope.business_line_q(user), pk=pk)
        .select_related("order__customer", "ret", "business_line", "opened_by", "appealed_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def evidence_get_for(*, user, dispute_pk: int, pk: int) -> DisputeEvidence:
    found = DisputeEvidence.objects.filter(
        pk=pk,
        dispute_id=dispute_pk,
        dispute__in=Dispute.objects.filter(scope.business_line_q(user)),
    ).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class DisputeFigures:
    negotiating: int
    appealing: int
    won: int
    lost: int
    withdrawn: int
    paid: Decimal
    win_rate: Decimal | None  # won ÷ (won + lost), %


def figures_for(*, user, days: int = 180, now: dt.datetime | None = None) -> DisputeFigures:
    """The open disputes by stage, and the outcomes of those closed in the last ``days``."""
    now = now or timezone.now()
    qs = Dispute.objects.filter(scope.business_line_q(user))
    since = now - dt.timedelta(days=days)
    row = qs.aggregate(
        negotiating=Count("id", filter=Q(stage=DisputeStage.NEGOTIATING)),
        appealing=Count("id", filter=Q(stage=DisputeStage.APPEALING)),
        won=Count("id", filter=Q(outcome="won", closed_at__gte=since)),
        lost=Count("id", filter=Q(outcome="lost", closed_at__gte=since)),
        withdrawn=Count("id", filter=Q(outcome="withdrawn", closed_at__gte=since)),
        paid=Sum("amount", filter=Q(closed_at__gte=since)),
    )
    decided = row["won"] + row["lost"]
    rate = (Decimal(row["won"]) * 100 / decided).quantize(Decimal("0.1")) if decided else None
    return DisputeFigures(
        negotiating=row["negotiating"],
        appealing=row["appealing"],
        won=row["won"],
        lost=row["lost"],
        withdrawn=row["withdrawn"],
        paid=Decimal(row["paid"] or 0).quantize(Decimal("0.01")),
        win_rate=rate,
    )
