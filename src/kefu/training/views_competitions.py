"""Competition pages (PK-4, TRN-9): the list, opening one, and each competition's leaderboard
with its own way of scoring: the contest's exam, the examiners' role-play form, the rounds of
instant Q&A. Views parse, call a selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import DomainError, NotFound
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.training import competition_services, selectors
from kefu.training.models import CompetitionKind, QuizRound
from kefu.training.words import CRITERIA

PAGE_ROWS = 25


def _is_lead(user) -> bool:
    return scope.at_least(user, scope.LEAD)


@login_required
def competitions(request, status=200, values=None):
    page = paginate(
        selectors.competitions_for(request.user),
        ordering="-id",
        cursor=request.GET.get("cursor"),
        limit=PAGE_ROWS,
    )
    context = {
        "page": page,
        "is_lead": _is_lead(request.user),
        "kinds": CompetitionKind.choices,
        "exams": list(selectors.exams_for(request.user).order_by("-id")[:100])
        if _is_lead(request.user)
        else [],
        "values": values or {},
    }
    return render(request, "training/competitions.html", context, status=status)


@login_required
@require_POST
@once
def competition_create(request):
    post = request.POST
    exam_id = post.get("exam", "")
    exam = None
    if exam_id.isdigit() and len(exam_id) < 19:
        exam = selectors.exams_for(request.user).filter(pk=int(exam_id)).first()
    try:
        comp = competition_services.competition_create(
            actor=request.user, title=post.get("title", ""), kind=post.get("kind", ""), exam=exam
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return competitions(request, status=exc.status, values=post)
    messages.success(request, _("The competition is open."))
    return redirect("training:competition", pk=comp.pk)


@login_required
def competition(request, pk: int):
    comp = selectors.competition_get(request.user, pk)
    is_lead = _is_lead(request.user)
    context = {
        "comp": comp,
        "board": selectors.board(comp),
        "is_lead": is_lead,
        "criteria": [
            {"code": c["code"], "max": c["max"], "label": CRITERIA.get(c["code"], c["code"])}
            for c in comp.criteria
        ],
    }
    if comp.kind == CompetitionKind.ROLEPLAY and is_lead:
        context["contestants"] = list(
            User.objects.filter(
                business_line_id=comp.business_line_id, is_active=True, role__in=["agent", "lead"]
            )
            .exclude(pk=request.user.pk)
            .order_by("username")[:300]
        )
    if comp.kind == CompetitionKind.INSTANT:
        rounds = list(
            QuizRound.objects.filter(competition=comp).select_related("winner").order_by("-number")
        )
        context["current"] = next((r for r in rounds if not r.closed), None)
        context["rounds"] = rounds[:50]
    if comp.kind == CompetitionKind.CONTEST and comp.exam_id:
        context["mine"] = list(
            request.user.exam_attempts.filter(exam_id=comp.exam_id).order_by("-id")[:5]
        )
    return render(request, "training/competition.html", context)


@login_required
@require_POST
def competition_act(request, pk: int, action: str):
    comp = selectors.competition_get(request.user, pk)
    post = request.POST
    raw = post.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 10 else None
    try:
        if action == "close":
            competition_services.competition_close(
                actor=request.user, competition=comp, version=version
            )
            messages.success(request, _("The competition is closed; its leaderboard is final."))
        elif action == "score":
            uid = post.get("contestant", "")
            contestant = (
                User.objects.filter(pk=int(uid), business_line_id=comp.business_line_id).first()
                if uid.isdigit() and len(uid) < 19
                else None
            )
            if contestant is None:
                raise NotFound(_("Choose a contestant."))
            marks = {c["code"]: post.get(c["code"], "") for c in comp.criteria}
            competition_services.roleplay_score(
                actor=request.user, competition=comp, contestant=contestant, marks=marks
            )
            messages.success(request, _("The scoring form is recorded."))
        elif action == "round":
            competition_services.round_open(
                actor=request.user,
                competition=comp,
                question=post.get("question", ""),
                answer=post.get("answer", ""),
                version=version,
            )
            messages.success(request, _("The question is out."))
        elif action == "answer":
            rid = post.get("round", "")
            rnd = (
                QuizRound.objects.filter(pk=int(rid), competition=comp).first()
                if rid.isdigit() and len(rid) < 19
                else None
            )
            if rnd is None:
                raise NotFound()
            buzz = competition_services.round_answer(
                actor=request.user, round=rnd, given=post.get("given", "")
            )
            if buzz.correct:
                messages.success(request, _("Right, and first: the point is yours."))
            else:
                messages.error(request, _("Not right. Try again while the round is open."))
        else:
            raise NotFound()
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:competition", pk=pk)
