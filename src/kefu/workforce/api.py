"""Workforce API: forecasts, requirement, roster runs with pins, schedules, peak plans and the
Erlang calculators (the same JSON keys as `kefu staffing … --json`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from kefu.core.errors import Invalid
from kefu.core.inputs import Day, Id
from kefu.workforce import calculator, selectors, services, staffing
from kefu.workforce.schemas import (
    AssignmentPinIn,
    ErlangAIn,
    ErlangAOut,
    ErlangCOut,
    ErlangIn,
    ForecastCreateIn,
    ForecastDetailOut,
    ForecastPageOut,
    IntervalsImportedOut,
    IntradayRowOut,
    PeakPlanCreateIn,
    PeakPlanDetailOut,
    PeakPlanPageOut,
    RequirementOut,
    RosterOut,
    RosterRunCreateIn,
    RosterRunOut,
    RosterRunPageOut,
    ScheduleOut,
)
from kefu.workforce.views import REASON_LABELS, staffing_error

router = Router(tags=["workforce"])


def _forecast(f, *, detail: bool = False) -> dict:
    data = {
        "id": f.pk,
        "group": f.group_id,
        "channel": f.channel,
        "source": f.source,
        "interval_minutes": f.interval_minutes,
        "start_date": f.start_date,
        "days": f.days,
        "weeks_fitted": f.weeks_fitted,
        "trend_per_week": f.trend_per_week,
        "wape": f.wape,
        "uplift": f.uplift,
        "aht_seconds": f.aht_seconds,
        "created_at": f.created_at,
    }
    if detail:
        data |= {"volumes": f.volumes, "required": f.required}
    return data


@router.get("/forecasts", response=ForecastPageOut)
def forecast_list(request, cursor: str | None = None, limit: int | None = None):
    page = selectors.forecast_list_for(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [_forecast(f) for f in page.items], "next": page.next}


@router.post("/forecasts", response={201: ForecastDetailOut})
def forecast_create(request, payload: ForecastCreateIn):
    group = (
        selectors.skill_group_get_for(user=request.auth, pk=payload.group)
        if payload.group
        else None
    )
    f = services.forecast_create(actor=request.auth, group=group, **payload.dict(exclude={"group"}))
    return Status(201, _forecast(f, detail=True))


@router.get("/forecasts/{pk}", response=ForecastDetailOut)
def forecast_get(request, pk: int):
    return _forecast(selectors.forecast_get_for(user=request.auth, pk=pk), detail=True)


@router.post("/intervals/import", response=IntervalsImportedOut)
def intervals_import(
    request,
    group: int = Form(...),  # ninja declares parameters this way
    interval_minutes: int = Form(15),  # ninja declares parameters this way
    file: UploadedFile = File(...),  # noqa: B008  # ninja declares parameters this way
):
    target = selectors.skill_group_get_for(user=request.auth, pk=group)
    n = services.intervals_import(
        actor=request.auth,
        group=target,
        filename=file.name or "",
        content=file.read(),
        interval_minutes=interval_minutes,
    )
    return {"imported": n}


@router.get("/requirement", response=RequirementOut, operation_id="requirement_get")
def requirement(request, start_date: Day, days: int = 7, interval_minutes: int = 30):
    groups = selectors.requirement_api_for(
        user=request.auth, start=start_date, days=days, interval_minutes=interval_minutes
    )
    return {
        "start_date": start_date,
        "days": days,
        "interval_minutes": interval_minutes,
        "groups": groups,
    }


def _run(run) -> dict:
    return {
        "id": run.pk,
        "name": run.name,
        "start_date": run.start_date,
        "days": run.days,
        "interval_minutes": run.interval_minutes,
        "status": run.status,
        "summary": run.summary,
        "message": run.message_text,
        "version": run.version,
    }


def _assignment(a) -> dict:
    return {
        "user": a.user_id,
        "date": a.date,
        "shift": a.shift.code if a.shift else None,
        "shift_label": a.shift.label if a.shift else None,
        "group": a.group.code if a.group else None,
        "pinned": a.pinned,
    }


@router.get("/roster-runs", response=RosterRunPageOut)
def roster_run_list(request, cursor: str | None = None, limit: int | None = None):
    page = selectors.roster_runs_for(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [_run(r) for r in page.items], "next": page.next}


@router.post("/roster-runs", response={201: RosterRunOut})
def roster_run_create(request, payload: RosterRunCreateIn):
    run = services.roster_run_create(actor=request.auth, **payload.dict())
    run.refresh_from_db()
    return Status(201, _run(run))


@router.get("/roster-runs/{pk}", response=RosterOut)
def roster_get(request, pk: int):
    run = selectors.roster_run_get_for(user=request.auth, pk=pk)
    grid = selectors.roster_grid(user=request.auth, run=run)
    assignments = [_assignment(a) for row in grid["rows"] for c in row["cells"] for a in c["items"]]
    gaps = [
        {
            **e,
            "date": run.start_date + dt.timedelta(days=e["day"]),
            "reason_label": str(REASON_LABELS.get(e["reason"], e["reason"])),
        }
        for e in run.explanations
    ]
    return {**_run(run), "assignments": assignments, "gaps": gaps}


@router.patch("/roster-runs/{pk}/assignments/{user_id}/{date}", response=RosterOut)
def assignment_pin(request, pk: int, user_id: int, date: Day, payload: AssignmentPinIn):
    run = selectors.roster_run_get_for(user=request.auth, pk=pk)
    services.assignment_pin(
        actor=request.auth,
        run=run,
        user_id=user_id,
        date=date,
        shift_code=payload.shift,
        group_code=payload.group,
        version=payload.version,
    )
    run.refresh_from_db()
    return roster_get(request, pk)


@router.post("/roster-runs/{pk}/reoptimise", response={202: RosterRunOut})
def roster_reoptimise(request, pk: int):
    run = selectors.roster_run_get_for(user=request.auth, pk=pk)
    services.roster_reoptimise(actor=request.auth, run=run)
    run.refresh_from_db()
    return Status(202, _run(run))


@router.get("/schedule", response=ScheduleOut, operation_id="schedule_get")
def schedule(request, user: Id | None = None, start: Day | None = None, days: int = 14):
    target, items = selectors.schedule_for(
        viewer=request.auth, user_id=user, start=start or timezone.localdate(), days=days
    )
    return {"user": target.pk, "name": target.name, "items": [_assignment(a) for a in items]}


def _plan(plan, *, detail: bool = False) -> dict:
    data = {
        "id": plan.pk,
        "name": plan.name,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "coverage": plan.coverage,
        "group_sizes": plan.group_sizes,
    }
    if detail:
        data["checklist"] = [
            {
                "id": i.pk,
                "phase": i.phase,
                "spec_ref": i.spec_ref,
                "title": i.title,
                "owner": i.owner_id,
                "due_date": i.due_date,
                "done": i.done,
            }
            for i in plan.checklist.all()
        ]
        data["borrowed"] = [
            {
                "id": b.pk,
                "name": b.name,
                "user": b.user_id,
                "from_department": b.from_department,
                "group": b.group,
                "training_status": b.training_status,
            }
            for b in plan.borrowed.all()
        ]
    return data


@router.get("/peak-plans", response=PeakPlanPageOut)
def peak_plan_list(request, cursor: str | None = None, limit: int | None = None):
    page = selectors.peak_plans_for(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [_plan(p) for p in page.items], "next": page.next}


@router.post("/peak-plans", response={201: PeakPlanDetailOut})
def peak_plan_create(request, payload: PeakPlanCreateIn):
    plan = services.peak_plan_from_template(
        actor=request.auth, year=payload.year, name=payload.name
    )
    return Status(201, _plan(plan, detail=True))


@router.get("/peak-plans/{pk}", response=PeakPlanDetailOut)
def peak_plan_get(request, pk: int):
    return _plan(selectors.peak_plan_get_for(user=request.auth, pk=pk), detail=True)


@router.get("/peak-plans/{pk}/intraday", response=list[IntradayRowOut])
def peak_intraday(request, pk: int, date: Day | None = None):
    plan = selectors.peak_plan_get_for(user=request.auth, pk=pk)
    return selectors.intraday(business_line_id=plan.business_line_id, day=date or plan.start_date)


def _erlang(model: str, payload: ErlangIn) -> dict:
    inputs = {
        "arrivals": payload.arrivals,
        "interval_seconds": payload.interval_seconds,
        "aht_seconds": payload.aht,
        "answer_seconds": payload.target_answer,
        "service_level": payload.service_level,
        "shrinkage": payload.shrinkage,
        "max_occupancy": payload.max_occupancy,
        "max_asa_seconds": payload.max_asa,
    }
    if isinstance(payload, ErlangAIn):
        inputs |= {"patience_seconds": payload.patience, "max_abandon": payload.max_abandon}
    if payload.agents is None and payload.service_level is None:
        raise Invalid(
            _("Give a service-level target, or agents to evaluate."),
            fields={"service_level": _("Required.")},
        )
    if payload.agents is not None and payload.agents < 0:
        raise Invalid(_("Agents must be at least 0."), fields={"agents": _("Out of range.")})
    try:
        return calculator.erlang(model, agents=payload.agents, **inputs)
    except staffing.StaffingError as exc:
        raise staffing_error(exc)


@router.post("/staffing/erlang-c", response=ErlangCOut, operation_id="staffing_erlang_c")
def erlang_c(request, payload: ErlangIn):
    return _erlang("erlang-c", payload)


@router.post("/staffing/erlang-a", response=ErlangAOut, operation_id="staffing_erlang_a")
def erlang_a(request, payload: ErlangAIn):
    return _erlang("erlang-a", payload)
