"""Writes of training plans (TRN-8, ACL-4): validated, in a transaction, audited; a stale
version → 409; approval only by a manager who did not draw the plan up."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.training import plans
from kefu.training.models import PlanKind, TrainingClass, TrainingPlan
from kefu.training.services import MAX_TEXT, _line_id, _text, require_lead


@transaction.atomic
def plan_create(*, actor, kind: str, year, title: str, goals: str, month=None) -> TrainingPlan:
    """Draw up an annual or monthly plan (a lead or above)."""
    require_lead(actor)
    if kind not in PlanKind.values:
        raise Invalid(_("Some fields are not valid."), fields={"kind": _("Unknown.")})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Invalid(_("Some fields are not valid."), fields={"year": _("Out of range.")})
    if kind == PlanKind.MONTHLY and (not isinstance(month, int) or not 1 <= month <= 12):
        raise Invalid(_("Some fields are not valid."), fields={"month": _("1 to 12.")})
    plan = TrainingPlan.objects.create(
        business_line_id=_line_id(actor),
        kind=kind,
        year=year,
        month=month if kind == PlanKind.MONTHLY else None,
        title=_text("title", title),
        goals=_text("goals", goals, max_length=MAX_TEXT),
        author=actor,
    )
    audit.record(
        actor=actor,
        action="training.plan_create",
        obj=plan,
        changes={"kind": kind, "year": year, "month": plan.month},
    )
    return plan


REFUSALS = {
    "wrong_state": lambda: _("The plan is not at that step any more."),
    "not_allowed": lambda: _("Only the management-office director (a manager) approves plans."),
    "own_plan": lambda: _("Nobody approves their own plan."),
    "unknown_action": lambda: _("Unknown step."),
}


@transaction.atomic
def plan_act(*, actor, plan: TrainingPlan, action: str, version: int, note: str = ""):
    """Submit a draft (its author or a manager), approve it or return it with a note (a
    manager who did not draw it up)."""
    try:
        after = plans.check(
            action,
            state=plan.state,
            actor_id=actor.pk,
            actor_rank=scope.rank(actor),
            author_id=plan.author_id,
        )
    except plans.PlanRefused as exc:
        error = Invalid if exc.reason in ("wrong_state", "unknown_action") else PermissionDenied
        raise error(REFUSALS[exc.reason]()) from None
    note = _text("note", note, required=action == plans.RETURN, max_length=300)
    values: dict = {"state": after}
    if action in (plans.APPROVE, plans.RETURN):
        values.update(decision_note=note, approver=actor if action == plans.APPROVE else None)
    updated = TrainingPlan.objects.filter(pk=plan.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise StaleWrite()
    before = {k: getattr(plan, k) for k in values}
    plan.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"training.plan_{action}",
        obj=plan,
        changes=audit.diff(before, {k: getattr(plan, k) for k in values}),
    )
    return plan


@transaction.atomic
def plan_add_class(*, actor, plan: TrainingPlan, training_class: TrainingClass) -> None:
    """Put a class of the plan's line into the plan (a lead or above)."""
    require_lead(actor)
    if training_class.business_line_id != plan.business_line_id:
        raise Invalid(_("Some fields are not valid."), fields={"training_class": _("Unknown.")})
    TrainingClass.objects.filter(pk=training_class.pk).update(plan=plan)
    audit.record(
        actor=actor,
        action="training.plan_add_class",
        obj=plan,
        changes={"training_class": training_class.pk},
    )
