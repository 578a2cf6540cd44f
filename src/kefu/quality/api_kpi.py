"""/api/v1/quality writes of KPI schemes (create; edit → a new version once evaluations use it),
KPI evaluations (start; an evaluator scores their part) and work logs (WL-1…3: the day's log,
tomorrow's plan, the day's tasks done or carried over). Handlers parse, call a service, return;
the services validate, lock, audit and refuse a stale ``version`` with 409."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from pydantic import ConfigDict

from kefu.accounts.models import BusinessLine, User
from kefu.core import scope
from kefu.core.api_contract import code
from kefu.core.errors import Invalid, NotFound
from kefu.quality import selectors_kpi, services, services_kpi
from kefu.quality.api import _month, _scheme, router
from kefu.quality.models import EvaluatorType, IndicatorKind, StaffRole
from kefu.quality.schemas import Id, Month, QualityKpiEvaluationOut, QualityKpiSchemeOut

EvaluatorCode = code(EvaluatorType)
IndicatorCode = code(IndicatorKind)
StaffCode = code(StaffRole)


class QualityKpiIndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    kind: IndicatorCode = "formula"  # type: ignore[valid-type]
    formula: str = Field("", max_length=200)
    target: str = Field("", max_length=50)
    weight: float = Field(ge=0, le=100)
    scoring_rule: str = Field("", max_length=200)


class QualityKpiEvaluatorIn(Schema):
    model_config = ConfigDict(extra="forbid")
    evaluator: EvaluatorCode  # type: ignore[valid-type]
    weight: float = Field(ge=0, le=100)
    focus: str = Field("", max_length=200)


class QualityKpiSchemeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    staff_role: StaffCode  # type: ignore[valid-type]
    period: Month
    business_line: Id | None = Field(None, description="an administrator's line (others: own)")
    indicators: list[QualityKpiIndicatorIn] = Field(max_length=50)
    evaluators: list[QualityKpiEvaluatorIn] | None = Field(
        None, max_length=6, description="default KPI-2: self 30 % + direct manager 70 %"
    )


class QualityKpiSchemeEditIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    indicators: list[QualityKpiIndicatorIn] = Field(max_length=50)
    evaluators: list[QualityKpiEvaluatorIn] = Field(max_length=6)
    version: int = Field(description="the scheme's optimistic-lock version (stale → 409)")


class QualityKpiEvaluationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scheme: Id
    person: str = Field(max_length=150, description="the appraisee's username")
    assign: dict[EvaluatorCode, str] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="peer / subordinate / manager: a username; customer / expert: a name",
    )


class QualityKpiScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    score: float = Field(ge=0, le=100)
    evaluator_type: EvaluatorCode | None = Field(  # type: ignore[valid-type]
        None, description="whose part; default the caller's own row"
    )
    version: int = Field(description="the evaluation's optimistic-lock version (stale → 409)")


class QualityKpiSignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the evaluation's optimistic-lock version (stale → 409)")


class QualityWorkTaskOut(Schema):
    id: int
    title: str
    planned_for: dt.date
    status: str
    cause: str
    carried_from: int | None


class QualityWorkTaskListOut(Schema):
    day: dt.date
    items: list[QualityWorkTaskOut]


class QualityWorkLogIn(Schema):
    model_config = ConfigDict(extra="forbid")
    day: dt.date | None = Field(None, description="default today")
    content: str = Field(max_length=4000)
    plan: list[str] = Field(default_factory=list, max_length=20)
    done: list[Id] = Field(default_factory=list, max_length=50)
    causes: dict[int, str] = Field(
        default_factory=dict, description="task id → why it was not done (carried over)"
    )


class QualityWorkLogOut(Schema):
    id: int
    day: dt.date
    author: str
    submitted_to: str | None
    content: str
    tasks: list[QualityWorkTaskOut]
    version: int


def _user(username: str, field: str) -> User:
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise Invalid(_("Some fields are not valid."), fields={field: _("No such user.")})
    return person


def _line(request, line_id):
    if line_id is None or not scope.is_admin(request.user):
        line_id = request.user.business_line_id
    line = BusinessLine.objects.filter(pk=line_id).first() if line_id else None
    if line is None:
        raise Invalid(
            _("Some fields are not valid."), fields={"business_line": _("Choose a business line.")}
        )
    return line


def _task(t) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "planned_for": t.planned_for,
        "status": t.status,
        "cause": t.cause,
        "carried_from": t.carried_from_id,
    }


@router.post("/kpi-schemes", response={201: QualityKpiSchemeOut}, operation_id="kpi_scheme_create")
def kpi_scheme_create(request, payload: QualityKpiSchemeIn):
    """A month's KPI scheme of a staff role: indicators and PM-2 evaluators, each weighing 100 %."""
    scheme = services.scheme_create(
        actor=request.user,
        business_line=_line(request, payload.business_line),
        name=payload.name,
        staff_role=payload.staff_role,
        period=_month(payload.period),
        indicators=[i.model_dump() for i in payload.indicators],
        evaluators=(
            None if payload.evaluators is None else [e.model_dump() for e in payload.evaluators]
        ),
    )
    return Status(201, _scheme(selectors_kpi.scheme_get_for(user=request.user, pk=scheme.pk)))


@router.post(
    "/kpi-schemes/{scheme_id}/versions",
    response={200: QualityKpiSchemeOut, 201: QualityKpiSchemeOut},
    operation_id="kpi_scheme_edit",
)
def kpi_scheme_edit(request, scheme_id: Id, payload: QualityKpiSchemeEditIn):
    """Edit the current version: changed in place (200) while no evaluation uses it, else saved
    as version n + 1 (201) while the earlier one keeps its evaluations."""
    scheme = selectors_kpi.scheme_get_for(user=request.user, pk=scheme_id)
    target = services_kpi.scheme_edit(
        actor=request.user,
        scheme=scheme,
        name=payload.name,
        indicators=[i.model_dump() for i in payload.indicators],
        evaluators=[e.model_dump() for e in payload.evaluators],
        version=payload.version,
    )
    out = _scheme(selectors_kpi.scheme_get_for(user=request.user, pk=target.pk))
    return Status(200 if target.pk == scheme.pk else 201, out)


@router.post(
    "/kpi-evaluations", response={201: QualityKpiEvaluationOut}, operation_id="kpi_evaluation_start"
)
def kpi_evaluation_start(request, payload: QualityKpiEvaluationIn):
    """Open a person's evaluation under a scheme's current version, one row per evaluator type."""
    scheme = selectors_kpi.scheme_get_for(user=request.user, pk=payload.scheme)
    person = User.objects.filter(username=payload.person, is_active=True).first()
    if person is None or not services.may_see(request.user, person):
        raise NotFound()
    assign: dict = {}
    for kind, who in payload.assign.items():
        if kind in services_kpi.PEOPLE_TYPES:
            assign[kind] = _user(who, str(kind))
        else:
            assign[kind] = who
    evaluation = services_kpi.evaluation_start(
        actor=request.user, scheme=scheme, person=person, assign=assign
    )
    return Status(201, selectors_kpi.evaluation_json(evaluation, viewer=request.user))


@router.post(
    "/kpi-evaluations/{evaluation_id}/scores",
    response=QualityKpiEvaluationOut,
    operation_id="kpi_evaluation_score",
)
def kpi_evaluation_score(request, evaluation_id: Id, payload: QualityKpiScoreIn):
    """An evaluator scores their part 0–100 once (a lead enters a customer's or an expert's)."""
    evaluation = selectors_kpi.evaluation_get_for(user=request.user, pk=evaluation_id)
    rows = selectors_kpi.score_rows(evaluation)
    if payload.evaluator_type is not None:
        rows = rows.filter(evaluator_type=payload.evaluator_type)
    else:
        rows = rows.filter(evaluator=request.user)
    row = rows.first()
    if row is None:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"evaluator_type": _("You are not an evaluator of this evaluation.")},
        )
    services_kpi.evaluation_score(
        actor=request.user, row=row, score=payload.score, version=payload.version
    )
    return selectors_kpi.evaluation_json(
        selectors_kpi.evaluation_get_for(user=request.user, pk=evaluation.pk), viewer=request.user
    )


@router.post(
    "/kpi-evaluations/{evaluation_id}/sign",
    response=QualityKpiEvaluationOut,
    operation_id="kpi_evaluation_sign",
)
def kpi_evaluation_sign(request, evaluation_id: Id, payload: QualityKpiSignIn):
    """Sign once every evaluator has scored: the month's live values are frozen with the total
    they give (not all scored or already signed → 409, the appraisee or an agent → 403)."""
    evaluation = selectors_kpi.evaluation_get_for(user=request.user, pk=evaluation_id)
    services_kpi.evaluation_sign(actor=request.user, evaluation=evaluation, version=payload.version)
    return selectors_kpi.evaluation_json(
        selectors_kpi.evaluation_get_for(user=request.user, pk=evaluation.pk), viewer=request.user
    )


@router.get("/worklogs/tasks", response=QualityWorkTaskListOut, operation_id="worklog_tasks")
def worklog_tasks(request, day: dt.date | None = None):
    """The caller's planned tasks due by ``day`` (default today) that no log has resolved: each
    is ticked done or carried over (with a cause) by the day's log."""
    day = day or timezone.localdate()
    return {"day": day, "items": [_task(t) for t in services_kpi.open_tasks(request.user, day)]}


@router.post("/worklogs", response={201: QualityWorkLogOut}, operation_id="worklog_submit")
def worklog_submit(request, payload: QualityWorkLogIn):
    """WL-1: the day's work and tomorrow's plan to the group leader; WL-2/3: the day's tasks not
    in ``done`` are carried over with their cause and cost the carried-over rule once each."""
    log = services_kpi.worklog_submit(
        actor=request.user,
        day=payload.day or timezone.localdate(),
        content=payload.content,
        plan=payload.plan,
        done=payload.done,
        causes=payload.causes,
    )
    lead = log.submitted_to
    return Status(
        201,
        {
            "id": log.pk,
            "day": log.day,
            "author": log.author.username,
            "submitted_to": lead.username if lead else None,
            "content": log.content,
            "tasks": [_task(t) for t in log.plan.order_by("id")],
            "version": log.version,
        },
    )
