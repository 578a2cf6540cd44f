"""Pages of KPI schemes edited in versions, KPI evaluations (who has not scored yet) and the
daily work log with tomorrow's plan. Views parse, call a selector or service, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, PermissionDenied
from kefu.core.pagination import paginate
from kefu.quality import (
    months,
    scoring,
    selectors,
    selectors_kpi,
    selectors_live,
    services,
    services_kpi,
)
from kefu.quality.models import EvaluatorType, IndicatorKind, StaffRole
from kefu.quality.models_kpi import KpiEvaluation
from kefu.quality.services import INDICATOR_LIBRARY

LIBRARY = {name: (kind, formula) for name, kind, formula in INDICATOR_LIBRARY}
BLANK_ROWS = 3
PAGE_ROWS = 30


def library_rows() -> list[dict]:
    """The indicator library with each formula, and KPI-1's worked example of 咨询转化率."""
    example = scoring.ratio_percent(42, 1459)
    return [
        {
            "name": name,
            "kind": kind,
            "formula": formula,
            "example": f"42 ÷ 1,459 = {example} %" if name == "咨询转化率" else "",
        }
        for name, kind, formula in INDICATOR_LIBRARY
    ]


def _fail(request, exc: DomainError) -> None:
    if exc.status in (403, 404):
        raise exc
    details = "; ".join(str(v) for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


def _posted_rows(post) -> tuple[list[dict], list[dict]]:
    """The form's indicator rows (blank rows skipped; a library name fills its formula) and its
    evaluator rows (a type with a weight)."""
    names = post.getlist("ind_name")
    cols = {k: post.getlist(f"ind_{k}") for k in ("kind", "formula", "target", "weight", "rule")}
    indicators = []
    for i, name in enumerate(names):
        value = {k: (v[i] if i < len(v) else "") for k, v in cols.items()}
        if not name.strip() and not any(
            value[k].strip() for k in ("formula", "target", "weight", "rule")
        ):
            continue
        kind, formula = value["kind"], value["formula"]
        if name.strip() in LIBRARY and not formula.strip():
            kind, formula = LIBRARY[name.strip()][0], LIBRARY[name.strip()][1]
        indicators.append(
            {
                "name": name,
                "kind": kind or IndicatorKind.FORMULA,
                "formula": formula,
                "target": value["target"],
                "weight": value["weight"],
                "scoring_rule": value["rule"],
            }
        )
    evaluators = []
    for kind in EvaluatorType.values:
        weight = post.get(f"ev_weight_{kind}", "").strip()
        if weight and weight not in ("0", "0.0", "0.00"):
            evaluators.append(
                {"evaluator": kind, "weight": weight, "focus": post.get(f"ev_focus_{kind}", "")}
            )
    return indicators, evaluators


def _number(value) -> str:
    """60.00 → "60", 12.50 → "12.5" (a stored weight as the form shows it)."""
    return format(value.normalize(), "f")


def _form_context(*, scheme=None, indicators=None, evaluators=None, post=None) -> dict:
    if indicators is None:
        indicators = (
            [
                {
                    "name": i.name,
                    "kind": i.kind,
                    "formula": i.formula,
                    "target": i.target,
                    "weight": _number(i.weight),
                    "scoring_rule": i.scoring_rule,
                }
                for i in scheme.indicators.all()
            ]
            if scheme
            else []
        )
    if evaluators is None:
        evaluators = (
            [
                {"evaluator": e.evaluator, "weight": _number(e.weight), "focus": e.focus}
                for e in scheme.evaluators.all()
            ]
            if scheme
            else [
                {"evaluator": "self", "weight": 30, "focus": "任务完成情况"},
                {"evaluator": "manager", "weight": 70, "focus": "业绩、能力、配合、服务"},
            ]
        )
    given = {e["evaluator"]: e for e in evaluators}
    blank = {
        "name": "",
        "kind": "formula",
        "formula": "",
        "target": "",
        "weight": "",
        "scoring_rule": "",
    }
    return {
        "scheme": scheme,
        "rows": [*indicators, *([blank] * BLANK_ROWS)],
        "evaluator_rows": [
            {
                "value": kind,
                "label": label,
                "weight": given.get(kind, {}).get("weight", ""),
                "focus": given.get(kind, {}).get("focus", ""),
            }
            for kind, label in EvaluatorType.choices
        ],
        "kinds": IndicatorKind.choices,
        "roles": StaffRole.choices,
        "library": library_rows(),
        "name": post.get("name", "") if post is not None else (scheme.name if scheme else ""),
        "staff_role": post.get("staff_role", "") if post is not None else "",
        "period_label": post.get("period", "")
        if post is not None
        else months.label(months.month_of(timezone.localdate())),
        "in_use": bool(scheme and scheme.evaluations.exists()),
    }


@login_required
def scheme_new(request):
    if not scope.at_least(request.user, scope.SUPERVISOR) or request.user.business_line_id is None:
        raise PermissionDenied()
    if request.method != "POST":
        return render(request, "quality/kpi_scheme_form.html", _form_context())
    indicators, evaluators = _posted_rows(request.POST)
    try:
        period = months.parse_month(request.POST.get("period", ""))
        if period is None:
            raise Invalid(_("Some fields are not valid."), fields={"period": _("Use YYYY-MM.")})
        if not indicators:
            raise Invalid(
                _("Add at least one indicator."),
                fields={"indicators": _("Add at least one indicator.")},
            )
        scheme = services.scheme_create(
            actor=request.user,
            business_line=request.user.business_line,
            name=request.POST.get("name", ""),
            staff_role=request.POST.get("staff_role", ""),
            period=period,
            indicators=indicators,
            evaluators=evaluators,
        )
    except DomainError as exc:
        _fail(request, exc)
        context = _form_context(indicators=indicators, evaluators=evaluators, post=request.POST)
        return render(request, "quality/kpi_scheme_form.html", context, status=exc.status)
    messages.success(request, _("KPI scheme saved."))
    return redirect("quality:kpi_scheme", pk=scheme.pk)


@login_required
def scheme_detail(request, pk: int):
    scheme = selectors_kpi.scheme_get_for(user=request.user, pk=pk)
    versions = list(services_kpi.versions_of(scheme).order_by("revision"))
    evaluations = list(
        selectors_kpi.evaluations_for(user=request.user)
        .filter(scheme__in=[v.pk for v in versions])
        .prefetch_related("scores")[:200]
    )
    people = (
        list(
            selectors.people_for(user=request.user).filter(
                business_line_id=scheme.business_line_id
            )[:500]
        )
        if scheme.is_current
        else []
    )
    evaluator_types = [e.evaluator for e in scheme.evaluators.all()]
    context = {
        "scheme": scheme,
        "versions": versions,
        "evaluations": evaluations,
        "people": people,
        "colleagues": list(selectors_kpi.colleagues_for(user=request.user)[:500]) if people else [],
        "needs": {
            "peer": "peer" in evaluator_types,
            "subordinate": "subordinate" in evaluator_types,
            "manager": "manager" in evaluator_types,
            "customer": "customer" in evaluator_types,
            "expert": "expert" in evaluator_types,
        },
        "may_edit": scheme.is_current and services_kpi.may_edit_scheme(request.user, scheme),
        "library": library_rows(),
    }
    return render(request, "quality/kpi_scheme.html", context)


@login_required
def scheme_edit(request, pk: int):
    scheme = selectors_kpi.scheme_get_for(user=request.user, pk=pk)
    if not services_kpi.may_edit_scheme(request.user, scheme):
        raise PermissionDenied()
    if not scheme.is_current:  # an earlier version is read-only: edit the current one
        current = services_kpi.versions_of(scheme).filter(is_current=True).first()
        if current is not None and request.method != "POST":
            return redirect("quality:kpi_scheme_edit", pk=current.pk)
    if request.method != "POST":
        return render(request, "quality/kpi_scheme_form.html", _form_context(scheme=scheme))
    indicators, evaluators = _posted_rows(request.POST)
    try:
        saved = services_kpi.scheme_edit(
            actor=request.user,
            scheme=scheme,
            name=request.POST.get("name", ""),
            indicators=indicators,
            evaluators=evaluators,
            version=request.POST.get("version") or None,
        )
    except DomainError as exc:
        _fail(request, exc)
        context = _form_context(
            scheme=scheme, indicators=indicators, evaluators=evaluators, post=request.POST
        )
        return render(request, "quality/kpi_scheme_form.html", context, status=exc.status)
    if saved.pk != scheme.pk:
        messages.success(
            request,
            _(
                "The scheme is in use: saved as version %(n)d; earlier evaluations keep version %(old)d."
            )
            % {"n": saved.revision, "old": scheme.revision},
        )
    else:
        messages.success(request, _("KPI scheme saved."))
    return redirect("quality:kpi_scheme", pk=saved.pk)


def _user_of(request, name: str):
    from kefu.accounts.models import User

    raw = request.POST.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        return None
    return User.objects.filter(pk=int(raw), business_line_id=request.user.business_line_id).first()


@login_required
@require_POST
def evaluation_start(request, pk: int):
    scheme = selectors_kpi.scheme_get_for(user=request.user, pk=pk)
    person = _user_of(request, "person")
    if person is None or not services.may_see(request.user, person):
        messages.error(request, _("Choose the person to evaluate."))
        return redirect("quality:kpi_scheme", pk=pk)
    assign = {
        "manager": _user_of(request, "manager"),
        "peer": _user_of(request, "peer"),
        "subordinate": _user_of(request, "subordinate"),
        "customer": request.POST.get("customer", ""),
        "expert": request.POST.get("expert", ""),
    }
    try:
        evaluation = services_kpi.evaluation_start(
            actor=request.user, scheme=scheme, person=person, assign=assign
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("quality:kpi_scheme", pk=pk)
    return redirect("quality:kpi_evaluation", pk=evaluation.pk)


@login_required
def evaluations(request):
    page = paginate(
        selectors_kpi.evaluations_for(user=request.user),
        ordering="-id",
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_ROWS,
    )
    ids = [e.pk for e in page.items]
    owed = set(
        KpiEvaluation.objects.filter(
            pk__in=ids, scores__score__isnull=True, scores__evaluator=request.user
        ).values_list("pk", flat=True)
    )
    missing = {
        e.pk: n
        for e, n in (
            (e, sum(1 for s in e.scores.all() if s.score is None))
            for e in KpiEvaluation.objects.filter(pk__in=ids).prefetch_related("scores")
        )
    }
    rows = [{"e": e, "owed": e.pk in owed, "missing": missing.get(e.pk, 0)} for e in page.items]
    return render(request, "quality/kpi_evaluations.html", {"rows": rows, "next": page.next})


@login_required
def evaluation(request, pk: int):
    ev = selectors_kpi.evaluation_get_for(user=request.user, pk=pk)
    rows = list(selectors_kpi.score_rows(ev))
    for row in rows:
        row.evaluation = ev
        row.may = row.score is None and services_kpi.may_score(request.user, row)
    now = selectors_live.standing(request.user, ev)
    missing = [r for r in rows if r.score is None]
    context = {
        "ev": ev,
        "rows": rows,
        "missing": missing,
        "scheme": ev.scheme,
        "superseded": not ev.scheme.is_current,
        "live": now["live"],
        "now": now,
        "may_sign": ev.status == "draft"
        and not missing
        and services_kpi.may_sign(request.user, ev),
    }
    return render(request, "quality/kpi_evaluation.html", context)


@login_required
@require_POST
def evaluation_sign(request, pk: int):
    ev = selectors_kpi.evaluation_get_for(user=request.user, pk=pk)
    try:
        services_kpi.evaluation_sign(
            actor=request.user, evaluation=ev, version=request.POST.get("version") or None
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Evaluation signed: the live values and the total are frozen."))
    return redirect("quality:kpi_evaluation", pk=pk)


@login_required
@require_POST
def evaluation_score(request, pk: int):
    row = selectors_kpi.score_row_get_for(user=request.user, pk=pk)
    try:
        services_kpi.evaluation_score(
            actor=request.user,
            row=row,
            score=request.POST.get("score", ""),
            version=request.POST.get("version") or None,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Score saved."))
    return redirect("quality:kpi_evaluation", pk=row.evaluation_id)


# -- work logs ---------------------------------------------------------------------------------


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@login_required
def worklogs(request):
    user = request.user
    today = timezone.localdate()
    status = 200
    form = {"content": "", "plan": "", "day": today.isoformat(), "causes": {}, "done": set()}
    if request.method == "POST":
        done = request.POST.getlist("done")
        causes = {
            k.removeprefix("cause_"): v for k, v in request.POST.items() if k.startswith("cause_")
        }
        form = {
            "content": request.POST.get("content", ""),
            "plan": request.POST.get("plan", ""),
            "day": request.POST.get("day", ""),
            "causes": causes,
            "done": set(done),
        }
        try:
            day = _day(form["day"])
            if day is None:
                raise Invalid(
                    _("Some fields are not valid."),
                    fields={"day": _("Choose today or a day of the past week.")},
                )
            log = services_kpi.worklog_submit(
                actor=user,
                day=day,
                content=form["content"],
                plan=form["plan"].splitlines(),
                done=done,
                causes=causes,
            )
        except DomainError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            lead = log.submitted_to
            messages.success(
                request,
                _("Work log submitted to %(name)s.") % {"name": lead.name}
                if lead
                else _("Work log submitted."),
            )
            return redirect("quality:worklogs")
    day = _day(form["day"]) or today
    open_tasks = list(services_kpi.open_tasks(user, day)) if user.team_id else []
    for t in open_tasks:
        t.cause_value = form["causes"].get(str(t.pk), "")
        t.checked = str(t.pk) in form["done"]
    page = paginate(
        selectors_kpi.worklogs_for(user=user).prefetch_related("plan"),
        ordering="-id",
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_ROWS,
    )
    submitted_today = set(
        selectors_kpi.worklogs_for(user=user).filter(day=today).values_list("author_id", flat=True)
    )
    team_missing = []
    if scope.at_least(user, scope.LEAD):
        team_missing = [
            p for p in selectors.people_for(user=user)[:300] if p.pk not in submitted_today
        ]
    context = {
        "form": form,
        "open_tasks": open_tasks,
        "logs": page.items,
        "next": page.next,
        "has_team": user.team_id is not None,
        "submitted": user.pk in submitted_today,
        "team_missing": team_missing,
        "today": today,
    }
    return render(request, "quality/worklogs.html", context, status=status)
