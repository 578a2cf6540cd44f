"""Reads of training plans (TRN-8) and the month-end training summary, scoped to the line."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training import satisfaction
from kefu.training.models import ClassEvaluation, TrainingClass, TrainingPlan


def plans_for(user):
    return TrainingPlan.objects.filter(scope.business_line_q(user)).select_related(
        "author", "approver"
    )


def plan_get(user, pk) -> TrainingPlan:
    obj = plans_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _bounds(year: int, month: int | None) -> tuple[dt.datetime, dt.datetime]:
    first = dt.date(year, month or 1, 1)
    last = dt.date(year + 1, 1, 1) if month in (None, 12) else dt.date(year, month + 1, 1)
    aware = timezone.make_aware
    return aware(dt.datetime.combine(first, dt.time.min)), aware(
        dt.datetime.combine(last, dt.time.min)
    )


def month_summary(plan: TrainingPlan) -> list[dict]:
    """The month-end training summary of the plan's period: per month, the classes held (and
    how many of them the plan names), hours, attendances and course satisfaction. Three
    aggregate queries for a year or a month."""
    start, end = _bounds(plan.year, plan.month)
    held = TrainingClass.objects.filter(
        business_line_id=plan.business_line_id,
        starts_at__gte=start,
        starts_at__lt=min(end, timezone.now()),
    )
    tz = timezone.get_current_timezone()
    rows = {
        row["m"]: row
        for row in held.annotate(m=ExtractMonth("starts_at", tzinfo=tz))
        .values("m")
        .annotate(
            classes=Count("id", distinct=True),
            planned=Count("id", filter=Q(plan=plan), distinct=True),
            hours=Sum("hours"),
        )
    }
    attended = {
        row["m"]: row["n"]
        for row in held.annotate(m=ExtractMonth("starts_at", tzinfo=tz))
        .filter(enrolments__status="attended")
        .values("m")
        .annotate(n=Count("enrolments"))
    }
    ratings = {
        row["m"]: row
        for row in ClassEvaluation.objects.filter(training_class__in=held)
        .annotate(m=ExtractMonth("training_class__starts_at", tzinfo=tz))
        .values("m")
        .annotate(mean=Avg("course_rating"), n=Count("id"))
    }
    months = [plan.month] if plan.month else range(1, 13)
    return [
        {
            "month": m,
            "classes": rows.get(m, {}).get("classes", 0),
            "planned": rows.get(m, {}).get("planned", 0),
            "hours": float(rows.get(m, {}).get("hours") or 0),
            "attended": attended.get(m, 0),
            "ratings": ratings.get(m, {}).get("n", 0),
            "satisfaction": satisfaction.percent(ratings.get(m, {}).get("mean")),
        }
        for m in months
    ]
