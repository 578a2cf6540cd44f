"""Pages of the performance-management cycle (PM-1): the cycles list, one cycle at its stage
(goals, SMART indicators, briefing, who has not scored, interviews, results) and the forms
that move it on. Views parse, call a selector or service, and redirect or render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.quality import cycle as rules
from kefu.quality import months, selectors, selectors_cycle, services_cycle
from kefu.quality.models import EvaluatorType
from kefu.quality.models_cycle import AppraisalClass, CycleStage, PersonnelAction
from kefu.quality.views import _fail, _int


@login_required
def cycles(request):
    drivable = [
        t
        for t in selectors.teams_for(user=request.user)
        if services_cycle.may_drive(request.user, t)
    ]
    today = timezone.localdate()
    context = {
        "cycles": list(selectors_cycle.cycles_for(user=request.user).distinct()[:200]),
        "teams": drivable,
        "default_start": months.month_of(today),
        "default_end": months.next_month(months.month_of(today)) - dt.timedelta(days=1),
    }
    return render(request, "quality/cycles.html", context)


@login_required
@require_POST
def cycle_create(request):
    team = selectors.teams_for(user=request.user).filter(pk=request.POST.get("team") or 0).first()
    if team is None:
        raise NotFound()
    try:
        cycle = services_cycle.cycle_create(
            actor=request.user,
            team=team,
            name=request.POST.get("name", ""),
            starts_on=request.POST.get("starts_on", ""),
            ends_on=request.POST.get("ends_on", ""),
            goals=request.POST.get("goals", ""),
            self_weight=request.POST.get("self_weight") or 30,
            include_lead=request.POST.get("include_lead") == "on",
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("quality:cycles")
    messages.success(request, _("The cycle is planned."))
    return redirect("quality:cycle", pk=cycle.pk)


@login_required
def cycle(request, pk: int):
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    drives = services_cycle.may_drive(request.user, item.team)
    members = list(selectors_cycle.members_for(user=request.user, cycle=item))
    for m in members:
        m.cycle = item  # the interview check reads the cycle's team; no query per row
        m.may_interview = services_cycle.may_interview(request.user, m)
    missing = (
        list(services_cycle.missing_scores(item))
        if item.stage == CycleStage.EVALUATION and selectors_cycle.sees_everyone(request.user, item)
        else []
    )
    for s in missing:  # a customer or an expert has a name, not an account
        s.who = (
            (s.evaluator.display_name or s.evaluator.username) if s.evaluator else s.evaluator_name
        )
    # the team lead's subordinates, each filing their own score: who has and who has not (never
    # what each gave: the lead reads this page)
    subordinates = [
        {
            "lead": m.user,
            "rows": [
                {
                    "who": r.evaluator.display_name or r.evaluator.username,
                    "done": r.score is not None,
                }
                for r in m.scores.all()
                if r.evaluator_type == EvaluatorType.SUBORDINATE and r.evaluator_id
            ],
        }
        for m in members
        if selectors_cycle.sees_everyone(request.user, item)
        and any(r.evaluator_type == EvaluatorType.SUBORDINATE for r in m.scores.all())
    ]
    for block in subordinates:
        block["done"] = sum(1 for r in block["rows"] if r["done"])
    stages = [(code, label, i) for i, (code, label) in enumerate(CycleStage.choices)]
    context = {
        "subordinates": subordinates,
        "cycle": item,
        "stages": stages,
        "stage_index": rules.STAGES.index(item.stage),
        "drives": drives,
        "may_close": drives and scope.at_least(request.user, scope.MANAGER),
        "members": members,
        "indicators": list(item.indicators.all()),
        "indicator_total": sum(i.weight for i in item.indicators.all()),
        "missing": missing,
        "owed": list(selectors_cycle.scores_owed(user=request.user, cycle=item))
        if item.stage == CycleStage.EVALUATION
        else [],
        "classes": AppraisalClass.choices,
        "actions": PersonnelAction.choices,
        "needs_plan": rules.NEEDS_PLAN,
        "evaluator_plan": _plan_rows(item),
    }
    return render(request, "quality/cycle.html", context)


def _plan_rows(item) -> list[dict]:
    """Every PM-2 type with the cycle's weight (0 when not used) and name, for the form."""
    plan = {p["type"]: p for p in services_cycle.evaluator_plan(item)}
    return [
        {
            "type": kind,
            "label": label,
            "weight": plan.get(kind, {}).get("weight", "0"),
            "name": plan.get(kind, {}).get("name", ""),
            "named": kind in services_cycle.NAMED_TYPES,
            "sample": plan.get(kind, {}).get("sample", 0),
            "used": kind in plan and Decimal(plan[kind]["weight"]) > 0,
        }
        for kind, label in EvaluatorType.choices
    ]


def _done(request, message: str, call) -> None:
    try:
        call()
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, message)


@login_required
@require_POST
def cycle_advance(request, pk: int):
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    _done(
        request,
        _("The cycle moved on to the next stage."),
        lambda: services_cycle.cycle_advance(
            actor=request.user, cycle=item, version=_int(request.POST.get("version"))
        ),
    )
    return redirect("quality:cycle", pk=pk)


@login_required
@require_POST
def cycle_goals(request, pk: int):
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    _done(
        request,
        _("The goals are saved."),
        lambda: services_cycle.goals_set(
            actor=request.user,
            cycle=item,
            goals=request.POST.get("goals", ""),
            version=_int(request.POST.get("version")),
        ),
    )
    return redirect("quality:cycle", pk=pk)


@login_required
@require_POST
def cycle_indicator(request, pk: int):
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    if request.POST.get("remove"):
        call = lambda: services_cycle.indicator_remove(  # noqa: E731
            actor=request.user, cycle=item, indicator_id=_int(request.POST.get("remove"))
        )
        _done(request, _("The indicator is removed."), call)
        return redirect("quality:cycle", pk=pk)
    fields = ("name", "measure", "target", "weight", "due")
    data = {f: request.POST.get(f, "") for f in fields}
    _done(
        request,
        _("The indicator is added."),
        lambda: services_cycle.indicator_add(actor=request.user, cycle=item, **data),
    )
    return redirect("quality:cycle", pk=pk)


@login_required
@require_POST
def cycle_briefing(request, pk: int):
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    _done(
        request,
        _("The briefing is recorded."),
        lambda: services_cycle.briefing_record(
            actor=request.user,
            cycle=item,
            held_on=request.POST.get("held_on", ""),
            place=request.POST.get("place", ""),
            notes=request.POST.get("notes", ""),
        ),
    )
    return redirect("quality:cycle", pk=pk)


@login_required
@require_POST
def cycle_score(request, pk: int):
    row = selectors_cycle.score_get_for(user=request.user, pk=pk)
    _done(
        request,
        _("Your score is saved."),
        lambda: services_cycle.score_submit(
            actor=request.user,
            row=row,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    return redirect("quality:cycle", pk=row.member.cycle_id)


@login_required
@require_POST
def cycle_interview(request, pk: int):
    member = selectors_cycle.member_get_for(user=request.user, pk=pk)
    data = {
        f: request.POST.get(f, "")
        for f in (
            "appraisal_class",
            "interview_at",
            "interview_place",
            "outline",
            *services_cycle.INTERVIEW_TEXTS,
        )
    }
    _done(
        request,
        _("The interview is recorded."),
        lambda: services_cycle.interview_record(actor=request.user, member=member, data=data),
    )
    return redirect("quality:cycle", pk=member.cycle_id)


@login_required
@require_POST
def cycle_results(request, pk: int):
    member = selectors_cycle.member_get_for(user=request.user, pk=pk)
    _done(
        request,
        _("The results are recorded."),
        lambda: services_cycle.results_record(
            actor=request.user,
            member=member,
            pay_change_pct=request.POST.get("pay_change_pct", ""),
            personnel_action=request.POST.get("personnel_action", ""),
            bonus_yuan=request.POST.get("bonus_yuan", ""),
            improvement_plan=request.POST.get("improvement_plan", ""),
        ),
    )
    return redirect("quality:cycle", pk=member.cycle_id)


@login_required
@require_POST
def cycle_evaluators(request, pk: int):
    """PM-2's evaluator types of the cycle with their weights (0: not used)."""
    item = selectors_cycle.cycle_get_for(user=request.user, pk=pk)
    rows = [
        {
            "type": kind,
            "weight": request.POST.get(f"weight_{kind}") or "0",
            "name": request.POST.get(f"name_{kind}", ""),
            "sample": request.POST.get(f"sample_{kind}", ""),
        }
        for kind in EvaluatorType.values
    ]
    _done(
        request,
        _("The evaluators are saved."),
        lambda: services_cycle.evaluators_set(
            actor=request.user, cycle=item, rows=rows, version=_int(request.POST.get("version"))
        ),
    )
    return redirect("quality:cycle", pk=pk)
