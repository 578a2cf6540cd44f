"""Pages: forecasts, rosters (grid, chart, gaps, export, my schedule), peak-event plans with the
intraday plan vs actual, and the staffing calculator. Each view parses, calls, renders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from kefu.accounts import lines
from kefu.core import scope
from kefu.core.errors import DomainError, Invalid, NotFound
from kefu.core.idempotency import once
from kefu.core.inputs import lenient_date
from kefu.workforce import calculator, charts, selectors, services, staffing
from kefu.workforce import forecast as fc
from kefu.workforce.exports import XLSX, roster_xlsx
from kefu.workforce.forms import (
    BorrowedForm,
    ForecastForm,
    ImportForm,
    PeakPlanForm,
    RosterForm,
    StaffingForm,
)
from kefu.workforce.models import Phase

#: roster_explain.REASONS, translated by code.
REASON_LABELS = {
    "no_shift_covers": gettext_lazy("no shift template covers this interval"),
    "no_skill": gettext_lazy("no agent has this skill"),
    "on_leave": gettext_lazy("on leave"),
    "in_training": gettext_lazy("in a booked training class"),
    "busy": gettext_lazy("busy at that time"),
    "covering_other_group": gettext_lazy("covering it for another group"),
    "pinned_elsewhere": gettext_lazy("pinned to another shift or day off"),
    "assigned_elsewhere": gettext_lazy("working a shift that does not cover it"),
    "rest": gettext_lazy("would break the minimum rest"),
    "consecutive_days": gettext_lazy("at the consecutive-days limit"),
    "days_off": gettext_lazy("would lose a required day off"),
    "weekly_hours": gettext_lazy("at the weekly-hours limit"),
    "fair_share": gettext_lazy("at the fair share of nights or weekends"),
    "unused": gettext_lazy("free (the solver stopped at its time limit)"),
}
MAX_GAPS_SHOWN = 200


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _svg(markup: str):
    # workforce.charts escapes every text it writes, so its markup is safe to embed
    # bandit: the chart module escapes every text it writes
    return mark_safe(markup)  # nosec B308 B703


def _date(value, default: dt.date) -> dt.date:
    """A date from a query parameter; a bad or far-off one (2026-02-30, 0001-01-01) is ignored."""
    return lenient_date(value) or default


@login_required
def index(request):
    if not scope.at_least(request.user, scope.LEAD):
        return redirect("workforce:my_schedule")
    return render(request, "workforce/index.html", {"can_plan": selectors.can_plan(request.user)})


def _chosen_line(request, line_choices):
    """The line an administrator chose on the form (None: the user's own line)."""
    return lines.line_for(request.user, request.POST.get("business_line")) if line_choices else None


# -- forecasts ----------------------------------------------------------------------------------
@login_required
@once
def forecasts(request):
    if not scope.at_least(request.user, scope.LEAD):
        raise NotFound()
    groups = selectors.skill_groups_for(user=request.user)
    form = ForecastForm(request.POST or None, groups=groups)
    import_form = ImportForm(groups=groups)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj = services.forecast_create(
                actor=request.user,
                business_line=d["group"].business_line_id,  # an admin's: the group's
                group=d["group"],
                channel=d["channel"],
                source=d["source"],
                start_date=d["start_date"],
                days=d["days"],
                weeks=d["weeks"],
                interval_minutes=d["interval_minutes"],
                event_days=services.double11_days(d["start_date"].year) if d["double11"] else (),
            )
            return redirect("workforce:forecast", pk=obj.pk)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    page = selectors.forecast_list_for(
        user=request.user, cursor=request.GET.get("cursor"), limit=50
    )
    return render(
        request,
        "workforce/forecasts.html",
        {
            "page": page,
            "form": form,
            "import_form": import_form,
            "can_plan": selectors.can_plan(request.user),
        },
    )


@login_required
@require_POST
def forecast_import(request):
    groups = selectors.skill_groups_for(user=request.user)
    form = ImportForm(request.POST, request.FILES, groups=groups)
    if not form.is_valid():
        messages.error(request, _("Choose a skill group and a file."))
        return redirect("workforce:forecasts")
    upload = form.cleaned_data["file"]
    try:
        n = services.intervals_import(
            actor=request.user,
            business_line=form.cleaned_data["group"].business_line_id,  # an admin's: the group's
            group=form.cleaned_data["group"],
            filename=upload.name,
            content=upload.read(),
            interval_minutes=form.cleaned_data["interval_minutes"],
        )
        messages.success(request, _("%(n)d intervals imported.") % {"n": n})
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in list(exc.fields.items())[:20])
        messages.error(request, f"{exc.message} {details}".strip())
    return redirect("workforce:forecasts")


@login_required
def forecast_detail(request, pk: int):
    obj = selectors.forecast_get_for(user=request.user, pk=pk)
    n = fc.per_day(obj.interval_minutes)
    day_param = request.GET.get("day", "0")
    day = int(day_param) if day_param.isdigit() and int(day_param) < obj.days else 0
    labels = [
        f"{(i * obj.interval_minutes) // 60:02d}:{(i * obj.interval_minutes) % 60:02d}"
        for i in range(n)
    ]
    volumes = obj.volumes[day * n : (day + 1) * n]
    required = obj.required[day * n : (day + 1) * n]
    chart = charts.bars_and_line(
        _("Forecast volume and required agents"),
        labels,
        volumes,
        required,
        bar_name=_("Forecast volume"),
        line_name=_("Required agents"),
        chart_id="forecast-chart",
    )
    days = [
        {
            "index": d,
            "date": obj.start_date + dt.timedelta(days=d),
            "volume": round(sum(obj.volumes[d * n : (d + 1) * n]), 1),
            "peak": max(obj.required[d * n : (d + 1) * n], default=0),
        }
        for d in range(obj.days)
    ]
    return render(
        request,
        "workforce/forecast_detail.html",
        {
            "forecast": obj,
            "chart": _svg(chart),
            "days": days,
            "day": day,
            "wape_pct": None if obj.wape is None else round(obj.wape * 100, 1),
            "rows": list(zip(labels, volumes, required, strict=False)),
        },
    )


# -- rosters ------------------------------------------------------------------------------------
@login_required
@once
def rosters(request):
    if not scope.at_least(request.user, scope.LEAD):
        raise NotFound()
    form = RosterForm(request.POST or None)
    line_choices = lines.line_choices(request.user)  # an administrator chooses the line
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            run = services.roster_run_create(
                actor=request.user,
                business_line=_chosen_line(request, line_choices),
                name=d["name"],
                start_date=d["start_date"],
                days=d["days"],
                time_limit_seconds=d["time_limit_seconds"],
            )
            return redirect("workforce:roster", pk=run.pk)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    page = selectors.roster_runs_for(user=request.user, cursor=request.GET.get("cursor"), limit=50)
    return render(
        request,
        "workforce/rosters.html",
        {
            "page": page,
            "form": form,
            "can_plan": selectors.can_plan(request.user),
            "line_choices": line_choices,
        },
    )


def _gap_rows(run) -> list[dict]:
    groups = selectors.group_names(run.business_line_id)
    rows = []
    for e in run.explanations[:MAX_GAPS_SHOWN]:
        minute = e["interval"] * run.interval_minutes
        rows.append(
            {
                "date": run.start_date + dt.timedelta(days=e["day"]),
                "time": f"{minute // 60:02d}:{minute % 60:02d}",
                "group": groups.get(e["group"], e["group"]),
                "short": e["required"] - e["scheduled"],
                "required": e["required"],
                "reason": REASON_LABELS.get(e["reason"], e["reason"]),
                "agents": [
                    {"reason": REASON_LABELS.get(r, r), "count": c} for r, c in e["agents"].items()
                ],
            }
        )
    return rows


@login_required
def roster_detail(request, pk: int):
    run = selectors.roster_run_get_for(user=request.user, pk=pk)
    grid = selectors.roster_grid(user=request.user, run=run)
    day_param = request.GET.get("day", "0")
    day = int(day_param) if day_param.isdigit() and int(day_param) < run.days else 0
    points = selectors.coverage_day(run, day)
    chart = charts.bars_and_line(
        _("Required vs scheduled agents"),
        [p["label"] for p in points],
        [p["required"] for p in points],
        [p["scheduled"] for p in points],
        bar_name=_("Required"),
        line_name=_("Scheduled"),
        chart_id="coverage-chart",
    )
    return render(
        request,
        "workforce/roster_detail.html",
        {
            "run": run,
            "grid": grid,
            "chart": _svg(chart),
            "day": day,
            "day_date": run.start_date + dt.timedelta(days=day),
            "day_choices": [(d, grid["dates"][d]) for d in range(run.days)],
            "gaps": _gap_rows(run),
            "gap_total": len(run.explanations),
            "can_plan": selectors.can_plan(request.user),
            "shifts": selectors.shifts_for_line(run.business_line_id),
        },
    )


@login_required
def roster_cell(request: HtmxHttpRequest, pk: int, user_id: int, date: str):
    run = selectors.roster_run_get_for(user=request.user, pk=pk)
    day = lenient_date(date)
    if day is None:
        raise NotFound()
    error = ""
    if request.method == "POST":
        shift = request.POST.get("shift") or None
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.assignment_pin(
                actor=request.user,
                run=run,
                user_id=user_id,
                date=day,
                shift_code=shift,
                group_code=request.POST.get("group") or None,
                version=version,
            )
        except DomainError as exc:
            error = str(exc.message)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("workforce:roster", pk=run.pk)
        run.refresh_from_db(fields=["version"])
    items = selectors.cell_items(run=run, user_id=user_id, day=day)
    context = {
        "run": run,
        "cell": {"date": day, "items": items},
        "user_id": user_id,
        "error": error,
        "editing": request.method == "GET" and selectors.can_plan(request.user),
        "shifts": selectors.shifts_for_line(run.business_line_id),
        "groups": selectors.skill_groups_for(user=request.user),
        "can_plan": selectors.can_plan(request.user),
    }
    return render(request, "workforce/_roster_cell.html", context)


@login_required
@require_POST
def roster_reoptimise(request, pk: int):
    run = selectors.roster_run_get_for(user=request.user, pk=pk)
    try:
        services.roster_reoptimise(actor=request.user, run=run)
        messages.success(request, _("The roster is being re-optimised around the pinned shifts."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("workforce:roster", pk=run.pk)


@login_required
def roster_export(request, pk: int):
    run = selectors.roster_run_get_for(user=request.user, pk=pk)
    grid = selectors.roster_grid(user=request.user, run=run)
    response = HttpResponse(roster_xlsx(run=run, grid=grid), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-{run.pk}.xlsx"'
    return response


@login_required
def my_schedule(request):
    start = _date(request.GET.get("start"), timezone.localdate())
    user_param = request.GET.get("user", "")
    if user_param and not user_param.isdigit():
        raise NotFound()
    target, items = selectors.schedule_for(
        viewer=request.user, user_id=int(user_param) if user_param else None, start=start, days=14
    )
    by_day: dict[dt.date, list] = {}
    for a in items:
        by_day.setdefault(a.date, []).append(a)
    days = [
        {
            "date": start + dt.timedelta(days=d),
            "items": by_day.get(start + dt.timedelta(days=d), []),
        }
        for d in range(14)
    ]
    return render(
        request,
        "workforce/my_schedule.html",
        {
            "target": target,
            "days": days,
            "start": start,
            "prev": start - dt.timedelta(days=14),
            "next": start + dt.timedelta(days=14),
            "own": target.pk == request.user.pk,
        },
    )


# -- peak-event plans ---------------------------------------------------------------------------
@login_required
@once
def peaks(request):
    if not scope.at_least(request.user, scope.LEAD):
        raise NotFound()
    form = PeakPlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    line_choices = lines.line_choices(request.user)  # an administrator chooses the line
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.peak_plan_from_template(
                actor=request.user,
                business_line=_chosen_line(request, line_choices),
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
            )
            return redirect("workforce:peak", pk=plan.pk)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    page = selectors.peak_plans_for(user=request.user, cursor=request.GET.get("cursor"), limit=50)
    return render(
        request,
        "workforce/peaks.html",
        {
            "page": page,
            "form": form,
            "can_plan": selectors.can_plan(request.user),
            "line_choices": line_choices,
        },
    )


def _with_duty_status(plan, borrowed: list) -> list:
    """Each borrowed person with their 上岗 status from the apps that register one
    (``workforce.staff_status``: the training app's certifications)."""
    from kefu.workforce import staff_status

    status = staff_status.for_users(plan.business_line_id, [b.user_id for b in borrowed])
    for b in borrowed:
        b.duty = status.get(b.user_id) or {"code": "unknown"}
    return borrowed


@login_required
def peak_detail(request, pk: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    form = BorrowedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.borrowed_add(actor=request.user, plan=plan, **form.cleaned_data)
            return redirect("workforce:peak", pk=plan.pk)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    checklist = list(plan.checklist.select_related("owner"))
    phases = [
        {
            "code": code,
            "label": label,
            "sizes": plan.group_sizes.get(code, {}),
            "items": [i for i in checklist if i.phase == code],
        }
        for code, label in Phase.choices
    ]
    return render(
        request,
        "workforce/peak_detail.html",
        {
            "plan": plan,
            "phases": phases,
            "coverage": [
                {**c, "date": parse_date(c["date"]), "phase_label": Phase(c["phase"]).label}
                for c in plan.coverage
            ],
            "borrowed": _with_duty_status(plan, list(plan.borrowed.select_related("user"))),
            "form": form,
            "can_plan": selectors.can_plan(request.user),
        },
    )


@login_required
@require_POST
def peak_check(request: HtmxHttpRequest, pk: int, item_id: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    item = selectors.checklist_item_get(plan=plan, pk=item_id)
    services.checklist_set_done(actor=request.user, item=item, done=request.POST.get("done") == "1")
    if request.htmx:
        return render(
            request, "workforce/_check_item.html", {"item": item, "plan": plan, "can_plan": True}
        )
    return redirect("workforce:peak", pk=plan.pk)


@login_required
@require_POST
def peak_training(request, pk: int, staff_id: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    staff = selectors.borrowed_get(plan=plan, pk=staff_id)
    try:
        services.borrowed_set_training(
            actor=request.user, staff=staff, training_status=request.POST.get("training_status", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("workforce:peak", pk=plan.pk)


@login_required
def peak_intraday(request, pk: int):
    plan = selectors.peak_plan_get_for(user=request.user, pk=pk)
    day = _date(request.GET.get("date"), plan.start_date)
    rows = selectors.intraday(business_line_id=plan.business_line_id, day=day)
    labels = [f"{r['hour']:02d}" for r in rows]
    volume_chart = charts.bars_and_line(
        _("Forecast volume vs tickets created"),
        labels,
        [r["forecast_volume"] for r in rows],
        [r["tickets"] for r in rows],
        bar_name=_("Forecast volume"),
        line_name=_("Tickets created"),
        chart_id="volume-chart",
    )
    agent_chart = charts.bars_and_line(
        _("Planned vs active agents"),
        labels,
        [r["planned_agents"] for r in rows],
        [r["active_agents"] for r in rows],
        bar_name=_("Planned agents"),
        line_name=_("Active agents"),
        chart_id="agent-chart",
    )
    days = [
        plan.start_date + dt.timedelta(days=d)
        for d in range((plan.end_date - plan.start_date).days + 1)
    ]
    return render(
        request,
        "workforce/peak_intraday.html",
        {
            "plan": plan,
            "day": day,
            "days": days,
            "rows": rows,
            "volume_chart": _svg(volume_chart),
            "agent_chart": _svg(agent_chart),
        },
    )


# -- staffing calculator ------------------------------------------------------------------------
@login_required
def staffing_calculator(request):
    form = StaffingForm(request.GET or None)
    results = sources = None
    error = ""
    if request.GET and form.is_valid():
        d = form.cleaned_data
        common = {
            "arrivals": d["arrivals"],
            "interval_seconds": d["interval_seconds"],
            "aht_seconds": d["aht"],
            "answer_seconds": d["target_answer"],
            "service_level": d["service_level"],
            "shrinkage": d["shrinkage"],
        }
        # each model answers on its own: a patience Erlang A refuses still leaves Erlang C
        results, errors = [], []
        for model, extra in (("erlang-c", {}), ("erlang-a", {"patience_seconds": d["patience"]})):
            try:
                results.append(calculator.erlang(model, **common, **extra))
            except staffing.StaffingError as exc:
                message = _staffing_message(exc)
                if message not in errors:
                    errors.append(message)
        error = " ".join(errors)
        sources = calculator.sources(
            **{
                k: d[k]
                for k in (
                    "daily_enquiries",
                    "enquiries_per_agent_day",
                    "monthly_refunds",
                    "refunds_per_agent_day",
                    "working_days",
                    "processing_cycle_days",
                )
            }
        )
    return render(
        request,
        "workforce/staffing.html",
        {"form": form, "results": results, "sources": sources, "error": error},
    )


def _staffing_message(exc: staffing.StaffingError) -> str:
    if isinstance(exc, staffing.TooLarge):
        from kefu.workforce.staffing_messages import too_large

        return too_large(exc)
    if isinstance(exc, staffing.Unreachable):
        return _(
            "The target cannot be met with any number of agents: answering every contact "
            "within the time is unreachable while contacts arrive. Use a target below 1."
        )
    return _("The value of %(field)s is out of range.") % {"field": exc.field or "?"}


def staffing_error(exc: staffing.StaffingError) -> Invalid:
    return Invalid(_staffing_message(exc), fields={exc.field or "request": _("Invalid.")})
