"""/api/v1/training: the live drill on a practice queue (PK-3) — the line's drills, a lead sets
one, a trainee works it (each ticket timed by the server), the trainer reads the runs of the
people in their scope and records a run's score (stale ``version`` → 409 ``stale``), which is
the certification's ``drill`` component. Handlers parse, call a service or selector, and
return."""

from __future__ import annotations

from ninja import Router, Status

from kefu.core import scope
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.inputs import Id
from kefu.core.pagination import paginate
from kefu.training import drill_selectors, drill_services, drill_workbench
from kefu.training.models import DrillRun
from kefu.training.schemas_drills import (
    DrillCloseIn,
    DrillIn,
    DrillOut,
    DrillPageOut,
    DrillRunOut,
    DrillRunPageOut,
    DrillScoreIn,
    DrillWorkbenchIn,
    DrillWorkOut,
)

router = Router(tags=["training"])


def _drill(d, *, cases: bool = False) -> dict:
    out = {
        "id": d.pk,
        "title": d.title,
        "tickets": len(d.cases),
        "trainer": d.trainer.username,
        "runs": d.n_runs,
        "scored": d.n_scored,
        "created_at": d.created_at,
    }
    if cases:
        out["cases"] = [{"message": c["message"], "outcome": c["outcome"]} for c in d.cases]
    return out


def _work(run) -> dict:
    closed = {w["case"]: w for w in run.work}
    open_, done = [], []
    for i, case in enumerate(run.drill.cases):
        if i in closed:
            w = closed[i]
            done.append(
                {
                    "case": i,
                    "message": case["message"],
                    "reply": w["reply"],
                    "outcome": w["outcome"],
                    "seconds": w["seconds"],
                    "right": w["outcome"] == case["outcome"],
                    "expected": case["outcome"],
                }
            )
        else:
            open_.append({"case": i, "message": case["message"]})
    return {**drill_selectors.run_dict(run), "open": open_, "done": done}


def _own_run(user, pk) -> DrillRun:
    run = (
        DrillRun.objects.filter(pk=pk, user=user, drill__business_line_id=user.business_line_id)
        .select_related("drill", "user", "scored_by")
        .first()
    )
    if run is None:
        raise NotFound()
    return run


def _lead(user) -> None:
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied()


@router.get("/drills", response=DrillPageOut, operation_id="training_drill_list")
def drill_list(request, cursor: str | None = None, limit: int | None = None):
    """The line's live drills, newest first, with their finished and scored runs (the
    practice tickets' expected handling is the trainer's: only ``POST /drills`` returns it)."""
    page = paginate(
        drill_selectors.drills_for(request.user), ordering="-id", cursor=cursor, limit=limit
    )
    return {"items": [_drill(d) for d in page.items], "next": page.next}


@router.post("/drills", response={201: DrillOut}, operation_id="training_drill_create")
def drill_create(request, payload: DrillIn):
    """A lead or above sets a practice queue: ``cases`` one ticket a line, ``退款：…``,
    ``补发：…``, ``解释：…`` or ``升级：…`` (refund, reship, explain, escalate)."""
    practice = drill_services.drill_create(
        actor=request.user, title=payload.title, lines=payload.cases
    )
    return Status(201, _drill(drill_selectors.drill_get(request.user, practice.pk), cases=True))


@router.get("/drills/{drill_id}/runs", response=DrillRunPageOut, operation_id="training_drill_runs")
def drill_runs(request, drill_id: Id, cursor: str | None = None, limit: int | None = None):
    """The trainer's results: the runs of the people in the caller's scope (a lead or above;
    an agent → 403), newest first."""
    _lead(request.user)
    practice = drill_selectors.drill_get(request.user, drill_id)
    qs = drill_selectors.runs_in_scope(request.user).filter(drill=practice)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {"items": [drill_selectors.run_dict(r) for r in page.items], "next": page.next}


@router.post(
    "/drills/{drill_id}/workbench-runs",
    response={201: DrillRunOut},
    operation_id="training_drill_workbench",
)
def drill_workbench_start(request, drill_id: Id, payload: DrillWorkbenchIn):
    """The trainer (a lead or above; an agent → 403) opens a run in the real ticket workbench:
    one practice ticket per case in the practice ``team``, held by ``trainee`` (someone of the
    caller's scope, not the caller; else 400). Its times are the tickets' own clocks."""
    _lead(request.user)
    practice = drill_selectors.drill_get(request.user, drill_id)
    run = drill_workbench.workbench_run_create(
        actor=request.user, practice=practice, trainee_id=payload.trainee, team_id=payload.team
    )
    return Status(201, drill_selectors.run_dict(drill_selectors.run_in_scope(request.user, run.pk)))


@router.post(
    "/drills/{drill_id}/runs", response={201: DrillWorkOut}, operation_id="training_drill_start"
)
def drill_start(request, drill_id: Id):
    """Start working a drill of the caller's line: the server's clock runs from now."""
    practice = drill_selectors.drill_get(request.user, drill_id)
    run = drill_services.run_start(actor=request.user, practice=practice)
    return Status(201, _work(_own_run(request.user, run.pk)))


@router.get("/drill-runs/{run_id}", response=DrillWorkOut, operation_id="training_drill_run")
def drill_run(request, run_id: Id):
    """One's own run: open and closed tickets (anyone else's → 404)."""
    return _work(_own_run(request.user, run_id))


@router.post(
    "/drill-runs/{run_id}/tickets", response=DrillWorkOut, operation_id="training_drill_close"
)
def drill_close(request, run_id: Id, payload: DrillCloseIn):
    """Close practice ticket ``case`` with a ``reply`` and a handling (``outcome``), timed by
    the server from the previous close; after the last the run is graded. A ticket closed
    already → 409 ``ticket_closed``; after the end → 409 ``drill_finished``."""
    run = _own_run(request.user, run_id)
    drill_services.ticket_close(
        actor=request.user,
        run=run,
        case=payload.case,
        reply=payload.reply,
        outcome=payload.outcome,
    )
    return _work(_own_run(request.user, run_id))


@router.post(
    "/drill-runs/{run_id}/score", response=DrillRunOut, operation_id="training_drill_score"
)
def drill_score(request, run_id: Id, payload: DrillScoreIn):
    """The trainer records a finished run's result, 0–100 (pass from 60): never their own run,
    only one of the people in their scope; the person's ``drill`` certification component.
    Stale ``version`` → 409 ``stale``; a run not finished → 409 ``drill_running``."""
    _lead(request.user)
    run = drill_selectors.run_in_scope(request.user, run_id)
    run = drill_services.run_score(
        actor=request.user, run=run, score=payload.score, version=payload.version
    )
    return drill_selectors.run_dict(drill_selectors.run_in_scope(request.user, run.pk))
