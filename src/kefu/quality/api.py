"""/api/v1/quality: scorecards (list, one with its events, deduct, sign), deduction rules, team
rankings, the month's penalty summary (tabulate, sign → publish → copy to finance) and the
competency and Kendall's W calculators. Handlers parse, call a service or selector, return."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import Invalid, NotFound
from kefu.core.pagination import paginate
from kefu.quality import (
    competency,
    kendall,
    months,
    selectors,
    selectors_cycle,
    selectors_delphi,
    selectors_kpi,
    services,
)
from kefu.quality.models import DeductionRule, PenaltySummary
from kefu.quality.schemas import (
    Id,
    Month,
    QualityCompetencyIn,
    QualityCompetencyOut,
    QualityCycleListOut,
    QualityCycleOut,
    QualityDeductionIn,
    QualityDelphiListOut,
    QualityDelphiOut,
    QualityKendallIn,
    QualityKendallOut,
    QualityKpiEvaluationOut,
    QualityKpiSchemeListOut,
    QualityKpiSchemeOut,
    QualityPenaltyAdvanceIn,
    QualityPenaltyBuildIn,
    QualityPenaltySummaryOut,
    QualityRankingListOut,
    QualityRuleListOut,
    QualityScorecardOut,
    QualityScorecardPageOut,
    QualitySignIn,
)

router = Router(tags=["quality"])


def _month(text: str):
    period = months.parse_month(text)
    if period is None:
        raise Invalid(_("Some fields are not valid."), fields={"period": _("Use YYYY-MM.")})
    return period


def _card(card, events: bool = False) -> dict:
    out = {
        "id": card.pk,
        "user": card.user.username,
        "user_name": card.user.display_name or card.user.username,
        "team": card.team_id,
        "period": months.label(card.period),
        "base": float(card.base),
        "score": float(card.score),
        "status": card.status,
        "status_label": card.get_status_display(),
        "version": card.version,
    }
    if events:
        out["events"] = selectors.scorecard_json(card)["events"]
    return out


@router.get("/scorecards", response=QualityScorecardPageOut, operation_id="scorecard_list")
def scorecard_list(
    request, period: Month, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)
):
    page = paginate(
        selectors.scorecards_for(user=request.user, period=_month(period)),
        ordering="id",
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_card(c) for c in page.items], "next": page.next}


@router.get("/scorecards/{card_id}", response=QualityScorecardOut, operation_id="scorecard_get")
def scorecard_get(request, card_id: Id):
    return _card(selectors.scorecard_get_for(user=request.user, pk=card_id), events=True)


@router.post(
    "/scorecards/{card_id}/sign", response=QualityScorecardOut, operation_id="scorecard_sign"
)
def scorecard_sign(request, card_id: Id, payload: QualitySignIn):
    card = selectors.scorecard_get_for(user=request.user, pk=card_id)
    card = services.card_sign(actor=request.user, card=card, version=payload.version)
    return _card(card, events=True)


@router.post("/deductions", response={201: QualityScorecardOut}, operation_id="deduction_create")
def deduction_create(request, payload: QualityDeductionIn):
    person = User.objects.filter(pk=payload.user, is_active=True).first()
    if person is None or not services.may_see(request.user, person):
        raise NotFound()
    rule = (
        DeductionRule.objects.filter(pk=payload.rule)
        .filter(scope.business_line_q(request.user))
        .first()
    )
    if rule is None:
        raise Invalid(_("Some fields are not valid."), fields={"rule": _("Choose a rule.")})
    event = services.deduct(
        actor=request.user,
        person=person,
        rule=rule,
        quantity=payload.quantity,
        reason=payload.reason,
    )
    return Status(201, _card(event.scorecard, events=True))


@router.get("/rules", response=QualityRuleListOut, operation_id="deduction_rule_list")
def rule_list(request):
    return {
        "items": [
            {
                "id": r.pk,
                "name": r.name,
                "points": float(r.points),
                "unit": r.unit,
                "trigger": r.trigger,
                "trigger_label": r.get_trigger_display(),
            }
            for r in selectors.rules_for(user=request.user)
        ]
    }


@router.get("/rankings", response=QualityRankingListOut, operation_id="ranking_list")
def ranking_list(request, period: Month):
    runs = selectors.rankings_for(user=request.user, period=_month(period)).prefetch_related(
        "entries__user"
    )[:200]
    return {
        "items": [
            {
                "id": r.pk,
                "team": r.team_id,
                "team_name": r.team.name,
                "period": months.label(r.period),
                "status": r.status,
                "notice_date": r.notice_date,
                "entries": [
                    {
                        "user": e.user.username,
                        "user_name": e.user.display_name or e.user.username,
                        "score": float(e.score),
                        "rank": e.rank,
                        "reward_yuan": float(e.reward_yuan),
                        "plan_due": e.plan_due,
                        "reassignment_review": e.reassignment_review,
                    }
                    for e in r.entries.all()
                ],
            }
            for r in runs
        ]
    }


def _summary_out(summary, period) -> dict:
    data = selectors.summary_json(summary, period)
    return {
        **data,
        "id": summary.pk if summary else None,
        "version": summary.version if summary else None,
        "checked_by": summary.checked_by.username if summary and summary.checked_by_id else None,
        "signed_by": summary.signed_by.username if summary and summary.signed_by_id else None,
    }


@router.get("/penalties", response=QualityPenaltySummaryOut, operation_id="penalty_summary_get")
def penalty_summary_get(request, period: Month):
    if not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    month = _month(period)
    return _summary_out(selectors.summary_for(user=request.user, period=month), month)


@router.post(
    "/penalties", response={201: QualityPenaltySummaryOut}, operation_id="penalty_summary_build"
)
def penalty_summary_build(request, payload: QualityPenaltyBuildIn):
    month = _month(payload.period)
    if request.user.business_line_id is None:
        raise Invalid(_("Some fields are not valid."), fields={"period": _("No business line.")})
    summary = services.summary_build(
        actor=request.user,
        business_line=request.user.business_line,
        period=month,
        stability_period=payload.stability_period,
    )
    return Status(201, _summary_out(summary, month))


@router.post(
    "/penalties/{summary_id}/advance",
    response=QualityPenaltySummaryOut,
    operation_id="penalty_summary_advance",
)
def penalty_summary_advance(request, summary_id: Id, payload: QualityPenaltyAdvanceIn):
    summary = (
        PenaltySummary.objects.filter(scope.business_line_q(request.user), pk=summary_id)
        .select_related("business_line")
        .first()
    )
    if summary is None or not scope.at_least(request.user, scope.SUPERVISOR):
        raise NotFound()
    summary = services.summary_advance(
        actor=request.user, summary=summary, to=payload.to, version=payload.version
    )
    return _summary_out(summary, summary.period)


@router.post("/competency", response=QualityCompetencyOut, operation_id="competency_score")
def competency_score(request, payload: QualityCompetencyIn):
    return {
        "score": float(competency.score(list(payload.ratings))),
        "weights": [
            {"code": i.code, "level1": i.level1, "level2": i.level2, "combined": float(i.combined)}
            for i in competency.CE1
        ],
    }


@router.post("/kendall-w", response=QualityKendallOut, operation_id="kendall_w")
def kendall_w(request, payload: QualityKendallIn):
    try:
        c = kendall.kendall_w(
            [list(r) for r in payload.matrix], tie_correction=payload.tie_correction
        )
    except ValueError as exc:
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                "matrix": _("At least two raters and two items; every rater rates every item.")
            },
        ) from None
        del exc
    return {
        "w": c.w,
        "chi2": c.chi2,
        "df": c.df,
        "p_value": c.p_value,
        "raters": c.raters,
        "items": c.items,
    }


# -- read-only: appraisal cycles, Delphi surveys, KPI schemes and evaluations ----------------


@router.get("/cycles", response=QualityCycleListOut, operation_id="cycle_list")
def cycle_list(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)):
    """The appraisal cycles the caller sees (an agent: those they are appraised in)."""
    from kefu.quality.models_cycle import AppraisalCycle

    ids = selectors_cycle.cycles_for(user=request.user).values("pk")
    page = paginate(
        AppraisalCycle.objects.filter(pk__in=ids).select_related("team"),
        ordering="-id",
        cursor=cursor,
        limit=limit,
    )
    return {"items": [selectors_cycle.cycle_json(c) for c in page.items], "next": page.next}


@router.get("/cycles/{cycle_id}", response=QualityCycleOut, operation_id="cycle_get")
def cycle_get(request, cycle_id: Id):
    """One cycle with its appraisees' scores and who has not scored yet."""
    cycle = selectors_cycle.cycle_get_for(user=request.user, pk=cycle_id)
    return selectors_cycle.cycle_json(cycle, user=request.user, members=True)


@router.get("/delphi", response=QualityDelphiListOut, operation_id="delphi_list")
def delphi_list(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)):
    """The Delphi surveys of the caller's business line (supervisors and above)."""
    page = paginate(
        selectors_delphi.studies_for(user=request.user), ordering="-id", cursor=cursor, limit=limit
    )
    return {"items": [selectors_delphi.study_json(s) for s in page.items], "next": page.next}


@router.get("/delphi/{study_id}", response=QualityDelphiOut, operation_id="delphi_get")
def delphi_get(request, study_id: Id):
    """One Delphi survey: each round's Kendall's W per level, the weights and combined weights."""
    study = selectors_delphi.study_get_for(user=request.user, pk=study_id)
    return selectors_delphi.study_json(study, detail=True)


def _scheme(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "staff_role": s.staff_role,
        "period": months.label(s.period),
        "revision": s.revision,
        "is_current": s.is_current,
        "version": s.version,
        "indicators": [
            {
                "name": i.name,
                "kind": i.kind,
                "formula": i.formula,
                "target": i.target,
                "weight": float(i.weight),
                "scoring_rule": i.scoring_rule,
            }
            for i in s.indicators.all()
        ],
        "evaluators": [
            {
                "evaluator": e.evaluator,
                "evaluator_label": str(e.get_evaluator_display()),
                "weight": float(e.weight),
                "focus": e.focus,
            }
            for e in s.evaluators.all()
        ],
    }


@router.get("/kpi-schemes", response=QualityKpiSchemeListOut, operation_id="kpi_scheme_list")
def kpi_scheme_list(request, all_versions: bool = False):
    """The KPI schemes of the caller's business line (current versions unless ``all_versions``)."""
    qs = selectors.schemes_for(user=request.user)
    if not all_versions:
        qs = qs.filter(is_current=True)
    return {"items": [_scheme(s) for s in qs[:200]]}


@router.get("/kpi-schemes/{scheme_id}", response=QualityKpiSchemeOut, operation_id="kpi_scheme_get")
def kpi_scheme_get(request, scheme_id: Id):
    return _scheme(selectors_kpi.scheme_get_for(user=request.user, pk=scheme_id))


@router.get(
    "/kpi-evaluations/{evaluation_id}",
    response=QualityKpiEvaluationOut,
    operation_id="kpi_evaluation_get",
)
def kpi_evaluation_get(request, evaluation_id: Id):
    """One KPI evaluation: each evaluator's weight and score, who has not scored yet, the live
    indicators (frozen once signed) and the total: measured indicators count with their live
    score, the evaluators' weighted score stands for the rest."""
    ev = selectors_kpi.evaluation_get_for(user=request.user, pk=evaluation_id)
    return selectors_kpi.evaluation_json(ev, viewer=request.user)


from kefu.quality import api_kpi  # noqa: E402, F401  (the KPI and work-log writes join this router)
