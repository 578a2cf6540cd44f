"""Writes of the live drill on a practice queue (PK-3): a trainer (a lead or above) sets the
practice tickets; a trainee works them, each timed by the server; the trainer scores the run,
which records the certification's ``drill`` component. In a transaction, audited; a stale
``version`` → 409; a ticket closed twice (a second tab) → 409 and nothing changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.training import drill, drill_workbench
from kefu.training.models import DrillRun, PracticeDrill, ScoreKind
from kefu.training.selectors import people_for
from kefu.training.services import _line_id, _text, require_lead, score_record

CASE_WORDS = {
    "handling": lambda: _(
        "Start each line with the handling and a colon: 退款, 补发, 解释 or 升级 "
        "(refund, reship, explain, escalate)."
    ),
    "message": lambda: _("Write the customer's message after the colon (at most 500 characters)."),
    "count": lambda: _("1 to 20 practice tickets."),
}


@transaction.atomic
def drill_create(*, actor, title: str, lines: list[str]) -> PracticeDrill:
    require_lead(actor)
    title = _text("title", title)
    try:
        cases = drill.parse_cases(lines if isinstance(lines, list) else [])
    except drill.CaseError as exc:
        where = _("Line %(n)d: ") % {"n": exc.line} if exc.line else ""
        raise Invalid(
            _("Some fields are not valid."), fields={"cases": where + CASE_WORDS[exc.reason]()}
        ) from None
    obj = PracticeDrill.objects.create(
        business_line_id=_line_id(actor), title=title, cases=cases, trainer=actor
    )
    audit.record(
        actor=actor, action="training.drill_create", obj=obj, changes={"cases": len(cases)}
    )
    return obj


@transaction.atomic
def run_start(*, actor, practice: PracticeDrill, now=None) -> DrillRun:
    if practice.business_line_id != actor.business_line_id:
        raise PermissionDenied()
    run = DrillRun.objects.create(drill=practice, user=actor, started_at=now or timezone.now())
    audit.record(actor=actor, action="training.drill_start", obj=run, changes={})
    return run


@transaction.atomic
def ticket_close(
    *, actor, run: DrillRun, case: int, reply: str, outcome: str, now=None
) -> DrillRun:
    """Close practice ticket ``case`` with a reply and a handling; timed from the previous
    close (or the start). After the last, the run is graded."""
    if run.user_id != actor.pk:
        raise PermissionDenied()
    run = DrillRun.objects.select_for_update().select_related("drill").get(pk=run.pk)
    if run.finished_at is not None:
        raise Conflict(_("This drill is finished."), code="drill_finished")
    cases = run.drill.cases
    if not isinstance(case, int) or not 0 <= case < len(cases):
        raise Invalid(_("Some fields are not valid."), fields={"case": _("Unknown.")})
    if any(w["case"] == case for w in run.work):
        raise Conflict(_("This practice ticket is closed already."), code="ticket_closed")
    if outcome not in drill.OUTCOMES:
        raise Invalid(_("Some fields are not valid."), fields={"outcome": _("Choose a handling.")})
    reply = _text("reply", reply, max_length=1000)
    now = now or timezone.now()
    since = max([dt.datetime.fromisoformat(w["at"]) for w in run.work] + [run.started_at])
    run.work.append(
        {
            "case": case,
            "reply": reply,
            "outcome": outcome,
            "at": now.isoformat(),
            "seconds": round((now - since).total_seconds(), 1),
        }
    )
    fields = ["work", "updated_at"]
    if len(run.work) == len(cases):
        graded = drill.grade(cases, run.work)
        run.finished_at, run.correct = now, graded["correct"]
        run.median_seconds = graded["median_seconds"]
        fields += ["finished_at", "correct", "median_seconds"]
    run.save(update_fields=fields)
    return run


@transaction.atomic
def run_score(*, actor, run: DrillRun, score, version: int) -> DrillRun:
    """The trainer scores a finished run (0–100, pass from 60): never their own, only someone in
    their scope; recorded as the person's ``drill`` component."""
    require_lead(actor)
    if run.user_id == actor.pk:
        raise PermissionDenied(_("Nobody scores their own drill."))
    if not people_for(actor).filter(pk=run.user_id).exists():
        raise PermissionDenied()
    # a workbench run is finished by its practice tickets' own clocks (drill_workbench)
    run = drill_workbench.finish_if_done(run)
    if run.finished_at is None:
        raise Conflict(_("The drill is not finished yet."), code="drill_running")
    # a stale version is refused before the score row is written, not undone after it
    if (
        DrillRun.objects.select_for_update().filter(pk=run.pk).values_list("version")[0][0]
        != version
    ):
        raise StaleWrite()
    row = score_record(actor=actor, user=run.user, kind=ScoreKind.DRILL, score=score)
    updated = DrillRun.objects.filter(pk=run.pk, version=version).update(
        version=F("version") + 1, score=row.score, scored_by=actor, updated_at=timezone.now()
    )
    if not updated:
        raise StaleWrite()
    run.refresh_from_db()
    audit.record(actor=actor, action="training.drill_score", obj=run, changes={"score": row.score})
    return run
