"""Closed-book exam pages (TRN-9): the server serves one question at a time and keeps the
clock; the page reports each time the candidate leaves it, and the examiner sees every
departure with its time. Views parse, call a selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.training import selectors, services
from kefu.training.models import Question


def _taken(a) -> str:
    """The time from start to hand-in as m:ss ("—" while not handed in)."""
    if a.submitted_at is None:
        return "—"
    seconds = max(0, int((a.submitted_at - a.started_at).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def attempt_page(request, a):
    """The closed-book attempt of its candidate: the served question, or the result."""
    if request.method == "POST":
        return _act(request, a)
    now = timezone.now()
    open_ = a.submitted_at is None and a.deadline > now
    context = {
        "attempt": a,
        "open": open_,
        "total": len(a.questions),
        "departures": list(a.departures.all()) if not open_ else [],
        "departure_count": a.departures.count(),
        "seconds_left": max(0, int((a.deadline - now).total_seconds())),
        "examiner_view": False,
        "taken": _taken(a),
    }
    if open_ and a.position < len(a.questions):
        question = Question.objects.filter(pk=a.questions[a.position]).first()
        context.update(
            question=question,
            number=a.position + 1,
            given=a.answers.get(str(a.questions[a.position]), ""),
        )
    return render(request, "training/closed_book.html", context)


def _act(request, a):
    post = request.POST
    action = post.get("action", "")
    try:
        if action == "back":
            services.exam_back(actor=request.user, attempt=a)
        elif action == "hand_in":
            services.exam_submit(actor=request.user, attempt=a, answers={})
        elif action in ("answer", "skip"):
            position = post.get("position", "")
            values = post.getlist("answer")
            answer = None
            if action == "answer" and values:
                answer = values if len(values) > 1 or post.get("multiple") else values[0]
            services.exam_answer(
                actor=request.user,
                attempt=a,
                position=int(position) if position.isdigit() and len(position) < 6 else -1,
                answer=answer,
            )
        else:
            messages.error(request, _("Unknown step."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:attempt", pk=a.pk)


@login_required
@require_POST
def departure(request, pk: int):
    """The page's script reports that the candidate left it (JSON: {"logged": true|false})."""
    a = selectors.attempt_get(request.user, pk)
    try:
        row = services.exam_departure(
            actor=request.user, attempt=a, kind=request.POST.get("kind", "")
        )
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"logged": row is not None})


@login_required
def exam_attempts(request, pk: int):
    """The examiner's list of an exam's attempts with how often each candidate left the page."""
    if not scope.at_least(request.user, scope.LEAD):
        raise NotFound()
    exam = selectors.exam_get(request.user, pk)
    rows = selectors.attempts_of_exam(request.user, exam)
    return render(request, "training/exam_attempts.html", {"exam": exam, "rows": rows})


def examiner_page(request, a):
    """An examiner reads someone's attempt: score, answers kept, every departure with its time."""
    return render(
        request,
        "training/closed_book.html",
        {
            "attempt": a,
            "open": False,
            "total": len(a.questions),
            "departures": list(a.departures.all()),
            "departure_count": a.departures.count(),
            "examiner_view": True,
            "taken": _taken(a),
        },
    )
