"""Reads of training plans (TRN-8) and the month-end training summary, scoped to the line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training import satisfaction
from kefu.training.models import ClassEvaluation, Enrolment, TrainingClass, TrainingPlan


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
    queries, each grouped by class in SQL (no per-row time-zone function, which SQLite runs in
    Python); the classes' months are bucketed here (a year holds a few thousand classes)."""
    start, end = _bounds(plan.year, plan.month)
    held = TrainingClass.objects.filter(
        business_line_id=plan.business_line_id,
        starts_at__gte=start,
        starts_at__lt=min(end, timezone.now()),
    )
    month_of, months = {}, {}
    for pk, starts_at, hours, plan_id in held.values_list("pk", "starts_at", "hours", "plan_id"):
        m = timezone.localtime(starts_at).month
        month_of[pk] = m
        row = months.setdefault(m, {"classes": 0, "planned": 0, "hours": 0, "attended": 0})
        row["classes"] += 1
        row["planned"] += plan_id == plan.pk
        row["hours"] += hours or 0
    for class_id, n in (
        Enrolment.objects.filter(training_class__in=held, status="attended")
        .values("training_class_id")
        .annotate(n=Count("id"))
        .values_list("training_class_id", "n")
    ):
        months[month_of[class_id]]["attended"] += n
    ratings: dict[int, list[int]] = {}
    for class_id, total, n in (
        ClassEvaluation.objects.filter(training_class__in=held)
        .values("training_class_id")
        .annotate(total=Sum("course_rating"), n=Count("id"))
        .values_list("training_class_id", "total", "n")
    ):
        bucket = ratings.setdefault(month_of[class_id], [0, 0])
        bucket[0] += total
        bucket[1] += n
    empty = {"classes": 0, "planned": 0, "hours": 0, "attended": 0}
    rows = []
    for m in [plan.month] if plan.month else range(1, 13):
        row = months.get(m, empty)
        total, n = ratings.get(m, (0, 0))
        rows.append(
            {
                "month": m,
                "classes": row["classes"],
                "planned": row["planned"],
                "hours": float(row["hours"]),
                "attended": row["attended"],
                "ratings": n,
                "satisfaction": satisfaction.percent(Decimal(total) / n if n else None),
            }
        )
    return rows
