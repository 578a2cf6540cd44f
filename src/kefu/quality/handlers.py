"""Deductions the platform records from facts it knows (domain events), one fact one penalty."""

from __future__ import annotations

from kefu.core.errors import Conflict


def on_complaint_judged(event) -> None:
    """A complaint judged valid whose category is 服务态度 (service attitude) costs its first-ask
    owner the line's rude-service rule (ESC-8: −5 each), once per complaint."""
    from kefu.accounts.models import User
    from kefu.quality import services
    from kefu.quality.models import DeductionRule, Trigger
    from kefu.tickets.models import Category

    payload = event.payload
    if payload.get("validity") != "valid" or not payload.get("category"):
        return
    category = Category.objects.filter(pk=payload["category"]).only("name").first()
    if category is None or "服务态度" not in category.name:
        return
    rule = DeductionRule.objects.filter(
        business_line_id=event.business_line_id, trigger=Trigger.RUDE_SERVICE, is_active=True
    ).first()
    person = User.objects.filter(pk=payload.get("first_owner")).first()
    if rule is None or person is None or person.team_id is None:
        return
    ticket = event.subject
    number = getattr(ticket, "number", "") or str(event.object_id)
    try:
        services.deduct(
            actor=None,
            person=person,
            rule=rule,
            quantity=1,
            reason=f"投诉 {number}：服务态度投诉经判定有效",
            occurred_at=event.occurred_at,
            fact_key=f"complaint:{event.object_id}:rude_service",
            ticket=ticket if getattr(ticket, "pk", None) == event.object_id else None,
        )
    except Conflict:
        # already recorded (the complaint was judged again, or a second worker got there first)
        # or the month is signed off: a correction is then a supervisor's adjustment
        return


def on_task_carried_over(event) -> None:
    """A task of yesterday's work-log plan carried over today costs its owner the line's
    carried-over rule (§1.18: −2 per item), once per task: the fact key is unique, so a second
    worker handling the same event records nothing."""
    from kefu.accounts.models import User
    from kefu.quality import services
    from kefu.quality.models import DeductionRule, Trigger

    rule = DeductionRule.objects.filter(
        business_line_id=event.business_line_id, trigger=Trigger.CARRIED_OVER, is_active=True
    ).first()
    person = User.objects.filter(pk=event.payload.get("owner")).first()
    if rule is None or person is None or person.team_id is None:
        return
    task = event.subject
    title = getattr(task, "title", "") or str(event.object_id)
    try:
        services.deduct(
            actor=None,
            person=person,
            rule=rule,
            quantity=1,
            reason=f"工作日志：{event.payload.get('planned_for', '')} 计划的「{title}」未完成，顺延",
            occurred_at=event.occurred_at,
            fact_key=f"worklog_task:{event.object_id}:carried_over",
        )
    except Conflict:
        # already recorded by another worker, or the month is signed off (a correction is then
        # a supervisor's adjustment)
        return
