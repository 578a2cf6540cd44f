"""Pages of the live drill on a practice queue (PK-3): the line's drills and the trainee's runs,
the practice queue a trainee works (each ticket timed by the server), and the trainer's results
with the score that counts as the certification's drill component."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, PermissionDenied
from kefu.core.idempotency import once
from kefu.training import drill_selectors, drill_services, drill_workbench
from kefu.training.models import DrillOutcome, DrillRun, PracticeDrill
from kefu.training.selectors import people_for


def _drills(user):
    return PracticeDrill.objects.filter(business_line_id=user.business_line_id)


_runs_in_scope = drill_selectors.runs_in_scope


@login_required
def drills(request, status=200, errors=None):
    user = request.user
    context = {
        "drills": list(_drills(user).select_related("trainer")[:50]),
        "runs": list(DrillRun.objects.filter(user=user).select_related("drill")[:20]),
        "may_set": scope.at_least(user, scope.LEAD),
        "outcomes": DrillOutcome.choices,
        "form": request.POST if request.method == "POST" else {},
        "errors": errors or {},
    }
    return render(request, "training/drills.html", context, status=status)


@login_required
@require_POST
@once
def drill_create(request):
    try:
        practice = drill_services.drill_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            lines=request.POST.get("cases", "").splitlines(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return drills(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The practice queue is set."))
    return redirect("training:drill_results", pk=practice.pk)


@login_required
@require_POST
def run_start(request, pk: int):
    practice = get_object_or_404(_drills(request.user), pk=pk)
    run = drill_services.run_start(actor=request.user, practice=practice)
    return redirect("training:drill_run", pk=run.pk)


def _with_times(run: DrillRun) -> DrillRun:
    """A workbench run with its practice tickets' times (``run.times``, ``run.sums``) and
    whether it may be scored (``run.done``: every ticket resolved)."""
    run.times = drill_workbench.ticket_times(run) if run.team_id else []
    run.sums = drill_workbench.summary(run.times)
    run.done = bool(run.finished_at) or (bool(run.times) and all(t["done"] for t in run.times))
    return run


@login_required
def run_page(request, pk: int):
    run = get_object_or_404(DrillRun.objects.select_related("drill"), pk=pk, user=request.user)
    if run.team_id:
        context = {"run": _with_times(run), "total": len(run.drill.cases)}
        return render(request, "training/drill_workbench_run.html", context)
    closed = {w["case"]: w for w in run.work}
    labels = dict(DrillOutcome.choices)
    tickets = [
        {
            "index": i,
            "number": i + 1,
            "message": case["message"],
            "done": closed.get(i),
            "done_label": labels.get(closed[i]["outcome"], "") if i in closed else "",
            "right": i in closed and closed[i]["outcome"] == case["outcome"],
            "expected": labels.get(case["outcome"], ""),
        }
        for i, case in enumerate(run.drill.cases)
    ]
    context = {
        "run": run,
        "open": [t for t in tickets if not t["done"]],
        "closed": [t for t in tickets if t["done"]],
        "total": len(tickets),
        "outcomes": DrillOutcome.choices,
    }
    return render(request, "training/drill_run.html", context)


@login_required
@require_POST
def ticket_close(request, pk: int):
    run = get_object_or_404(DrillRun, pk=pk, user=request.user)
    case = request.POST.get("case", "")
    try:
        drill_services.ticket_close(
            actor=request.user,
            run=run,
            case=int(case) if case.isdigit() and len(case) < 4 else -1,
            reply=request.POST.get("reply", ""),
            outcome=request.POST.get("outcome", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:drill_run", pk=pk)


@login_required
def drill_results(request, pk: int, status=200, errors=None):
    user = request.user
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied(_("Only a team lead, supervisor or manager may do this."))
    practice = get_object_or_404(_drills(user), pk=pk)
    runs = _runs_in_scope(user).filter(drill=practice).prefetch_related("tickets__ticket")
    context = {
        "drill": practice,
        "runs": [_with_times(r) for r in runs[:200]],
        "total": len(practice.cases),
        "teams": list(drill_workbench.practice_teams(user)),
        "trainees": list(people_for(user).exclude(pk=user.pk)[:500]),
        "errors": errors or {},
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "training/drill_results.html", context, status=status)


@login_required
@require_POST
@once
def workbench_run_create(request, pk: int):
    """The trainer opens a drill in the real workbench for a trainee: practice tickets held by
    them in a practice team."""
    practice = get_object_or_404(_drills(request.user), pk=pk)
    try:
        run = drill_workbench.workbench_run_create(
            actor=request.user,
            practice=practice,
            trainee_id=request.POST.get("trainee", ""),
            team_id=request.POST.get("team", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return drill_results(request, pk=pk, status=exc.status, errors=exc.fields)
    n = run.tickets.count()
    messages.success(
        request,
        ngettext(
            "%(n)d practice ticket is in %(name)s's workbench.",
            "%(n)d practice tickets are in %(name)s's workbench.",
            n,
        )
        % {"n": n, "name": run.user.name},
    )
    return redirect("training:drill_results", pk=pk)


@login_required
@require_POST
def run_score(request, pk: int):
    run = get_object_or_404(_runs_in_scope(request.user), pk=pk)
    version = request.POST.get("version", "")
    try:
        drill_services.run_score(
            actor=request.user,
            run=run,
            score=request.POST.get("score", ""),
            version=int(version) if version.isdigit() and len(version) < 10 else 0,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The drill is scored."))
    return redirect("training:drill_results", pk=run.drill_id)
