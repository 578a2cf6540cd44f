"""Deductions the platform records from facts it knows (domain events), one fact one penalty."""

from __future__ import annotations

from kefu.core.errors import Conflict


def _deduct_once(event, *, trigger, person_id, reason: str, fact_key: str, ticket=None) -> None:
    """The line's active rule of ``trigger`` deducted once from the person the fact names. The
    fact key is unique: a second worker handling the same event, or the same fact judged again,
    records nothing; in a signed-off month a correction is a supervisor's adjustment."""
    from kefu.accounts.models import User
    from kefu.quality import services
    from kefu.quality.models import DeductionRule

    rule = DeductionRule.objects.filter(
        business_line_id=event.business_line_id, trigger=trigger, is_active=True
    ).first()
    person = User.objects.filter(pk=person_id).first()
    if rule is None or person is None or person.team_id is None:
        return
    try:
        services.deduct(
            actor=None,
            person=person,
            rule=rule,
            quantity=1,
            reason=reason,
            occurred_at=event.occurred_at,
            fact_key=fact_key,
            ticket=ticket,
        )
    except Conflict:
        return


def on_complaint_judged(event) -> None:
    """A complaint judged valid whose category is 服务态度 (service attitude) costs its first-ask
    owner the line's rude-service rule (ESC-8: −5 each), once per complaint."""
    from kefu.quality.models import Trigger
    from kefu.tickets.models import Category

    payload = event.payload
    if payload.get("validity") != "valid" or not payload.get("category"):
        return
    category = Category.objects.filter(pk=payload["category"]).only("name").first()
    if category is None or "服务态度" not in category.name:
        return
    ticket = event.subject
    number = getattr(ticket, "number", "") or str(event.object_id)
    _deduct_once(
        event,
        trigger=Trigger.RUDE_SERVICE,
        person_id=payload.get("first_owner"),
        reason=f"投诉 {number}：服务态度投诉经判定有效",
        fact_key=f"complaint:{event.object_id}:rude_service",
        ticket=ticket if getattr(ticket, "pk", None) == event.object_id else None,
    )


def on_task_carried_over(event) -> None:
    """A task of yesterday's work-log plan carried over today costs its owner the line's
    carried-over rule (§1.18: −2 per item), once per task."""
    from kefu.quality.models import Trigger

    title = getattr(event.subject, "title", "") or str(event.object_id)
    _deduct_once(
        event,
        trigger=Trigger.CARRIED_OVER,
        person_id=event.payload.get("owner"),
        reason=f"工作日志：{event.payload.get('planned_for', '')} 计划的「{title}」未完成，顺延",
        fact_key=f"worklog_task:{event.object_id}:carried_over",
    )
