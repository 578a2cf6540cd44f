"""Pages of the half-year training needs (TRN-8, 4S): a team's board of who has filed and who
has not, the needs rolled up by topic, filing (the person or their lead) and the lead's review."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid
from kefu.core.idempotency import once
from kefu.training import need_selectors, need_services, needs
from kefu.training.models import Course, ExamAttempt, NeedSource


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _period(data) -> tuple[int, int]:
    year, half = needs.next_half(timezone.localdate())
    asked_year, asked_half = _int(data.get("year")), _int(data.get("half"))
    if asked_year and 2000 <= asked_year <= 2100 and asked_half in (1, 2):
        return asked_year, asked_half
    return year, half


def _team(user, data):
    if not scope.at_least(user, scope.LEAD):
        return None
    teams = need_selectors.teams_for(user)
    pk = _int(data.get("team")) or user.team_id
    return teams.filter(pk=pk).first() or teams.first()


@login_required
def needs_board(request, status=200, errors=None):
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    year, half = _period(data)
    team = _team(user, data)
    rows = need_selectors.board(team, year, half) if team else []
    people = [r.person for r in rows] if team else [user]
    context = {
        "year": year,
        "half": half,
        "quarters": needs.quarters(half),
        "team": team,
        "teams": list(need_selectors.teams_for(user)) if team else [],
        "rows": rows,
        "filed": sum(1 for r in rows if r.filed),
        "rollup": need_selectors.rollup(team, year, half) if team else [],
        "own": need_selectors.own_needs(user, year, half),
        "people": people,
        "sources": NeedSource.choices,
        "attempts": need_selectors.failed_attempts(people),
        "topics": list(
            Course.objects.filter(business_line_id=user.business_line_id, status="published")
            .order_by("title")
            .values_list("title", flat=True)[:200]
        ),
        "form": request.POST if request.method == "POST" else {},
        "errors": errors or {},
    }
    return render(request, "training/needs.html", context, status=status)


def _back(team_id, year, half):
    query = {"year": year, "half": half}
    if team_id:
        query["team"] = team_id
    return redirect(f"{reverse('training:needs')}?{urlencode(query)}")


@login_required
@require_POST
@once
def need_file(request):
    post = request.POST
    year, half = _period(post)
    person_id = _int(post.get("person")) or request.user.pk
    person = User.objects.filter(pk=person_id, is_active=True).first()
    attempt_id = _int(post.get("failed_attempt"))
    try:
        if person is None:
            raise Invalid(_("Some fields are not valid."), fields={"person": _("Unknown.")})
        need_services.need_file(
            actor=request.user,
            person=person,
            year=year,
            half=half,
            topic=post.get("topic", ""),
            quarter=_int(post.get("quarter")),
            source=post.get("source", ""),
            source_note=post.get("source_note", ""),
            failed_attempt=ExamAttempt.objects.filter(pk=attempt_id).first()
            if attempt_id
            else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return needs_board(request, status=exc.status, errors=exc.fields)
    messages.success(request, _("The training need is filed."))
    return _back(_int(post.get("team")), year, half)


@login_required
@require_POST
def need_review(request, pk: int, action: str):
    need = need_selectors.need_get(request.user, pk)
    try:
        need_services.need_review(
            actor=request.user,
            need=need,
            action=action,
            version=_int(request.POST.get("version")) or 0,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The review is saved."))
    return _back(need.team_id, need.year, need.half)
