"""The demo's training plans (TRN-8): this year's annual plan approved by the manager, a
monthly plan for each of the last six months (approved, naming that month's early classes)
and this month's plan awaiting the director's approval."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.training.models import TrainingClass, TrainingPlan

GOALS = "早课微课每周 1 次；新员工上岗培训；双11 前售后规则与快捷语强化"


def build_plan_rows(line, *, supervisor, manager, now) -> None:
    today = timezone.localdate(now)
    months = []
    first = today.replace(day=1)
    for _ in range(7):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = [
        TrainingPlan(
            business_line=line,
            kind="annual",
            year=today.year,
            title=f"{today.year} 年度培训计划",
            goals=GOALS,
            state="approved",
            author=supervisor,
            approver=manager,
            decision_note="同意",
            created_at=now - dt.timedelta(days=175),
            updated_at=now - dt.timedelta(days=170),
        )
    ]
    for month in months:
        current = month == months[0]
        at = timezone.make_aware(dt.datetime.combine(month - dt.timedelta(days=3), dt.time(10)))
        rows.append(
            TrainingPlan(
                business_line=line,
                kind="monthly",
                year=month.year,
                month=month.month,
                title=f"{month.year} 年 {month.month} 月培训计划",
                goals="每周二早课 1 小时；月底培训评估汇总",
                state="submitted" if current else "approved",
                author=supervisor,
                approver=None if current else manager,
                created_at=at,
                updated_at=at,
            )
        )
    created = TrainingPlan.objects.bulk_create(rows)
    for plan in created[1:]:
        first = dt.date(plan.year, plan.month, 1)
        after = (first + dt.timedelta(days=32)).replace(day=1)
        start, end = (
            timezone.make_aware(dt.datetime.combine(day, dt.time.min)) for day in (first, after)
        )
        TrainingClass.objects.filter(
            business_line=line, starts_at__gte=start, starts_at__lt=end, course__isnull=False
        ).update(plan=plan)
