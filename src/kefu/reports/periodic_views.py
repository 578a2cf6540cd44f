"""Pages of the periodic reports: the daily close (日结), the weekly report with the feedback
letters to units (周报, FU-10), the weekly meeting (RPT-5), the year-end summary (RPT-2, RPT-3),
their drill-downs and their .xlsx / PDF exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.reports import daily, periodic_reports, periodic_services, periods, weekly
from kefu.reports import statement as st
from kefu.reports.exports import XLSX
from kefu.reports.statement_views import DRILL_ROWS, _lines

PARAM = {"daily": "day", "weekly": "week", "yearly": "year"}


def _value(request, kind: str) -> str:
    name = PARAM[kind]
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip()
    if raw:
        return raw
    today = timezone.localdate()
    if kind == "daily":
        return today.isoformat()
    if kind == "weekly":  # the last finished week: the one reported on
        return periods.week_of(today - periods.dt.timedelta(days=7)).label
    return str(today.year)


def _line(request):
    return request.GET.get("business_line") or request.POST.get("business_line") or None


def _query(kind: str, value: str, line_id, **more) -> str:
    params = {PARAM[kind]: value, **({"business_line": line_id} if line_id else {}), **more}
    return urlencode(params)


def _context(request, kind: str) -> dict:
    value = _value(request, kind)
    line_id = st.line_for(request.user, _line(request))
    report = periodic_reports.build(request.user, kind, value, business_line=line_id)
    return {
        "report": report,
        "data": report.data,
        "span": report.span,
        "line_id": line_id,
        "lines": _lines(request.user),
        "query": _query(kind, report.span.label, line_id),
        "param": PARAM[kind],
    }


def _drill_urls(kind, span, line_id, rows: list[dict]) -> None:
    for row in rows:
        row["urls"] = {
            f: reverse("reports:daily_drill")
            + "?"
            + _query("daily", span.label, line_id, figure=f, team=row["key"], span=kind)
            for f in daily.FIGURES
        }


@login_required
@require_safe
def daily_close(request):
    context = _context(request, "daily")
    span = context["span"]
    _drill_urls("daily", span, context["line_id"], context["data"]["teams"])
    context.update(
        previous=periods.day_of(span.start - (span.end - span.start)).label,
        next=periods.day_of(span.end).label,
        figures=daily.FIGURES,
    )
    return render(request, "reports/daily.html", context)


@login_required
@require_safe
def daily_drill(request):
    """The tickets or callbacks behind a figure of the daily close or of the week's table."""
    line_id = st.line_for(request.user, _line(request))
    weekly_span = request.GET.get("span") == "weekly"
    raw = request.GET.get("day") or ""
    span = periods.parse_week(raw) if weekly_span else periods.parse_day(raw)
    figure = (request.GET.get("figure") or "").strip()
    qs = daily.drill(request.user, line_id, span, figure, (request.GET.get("team") or "").strip())
    total = qs.count()
    if qs.model._meta.model_name == "ticket":
        rows = list(qs.select_related("team").order_by("-created_at", "-id")[:DRILL_ROWS])
    else:
        rows = list(qs.select_related("owner", "ticket").order_by("due_on", "id")[:DRILL_ROWS])
    back_kind = "weekly" if weekly_span else "daily"
    context = {
        "month": span,
        "total": total,
        "rows": rows,
        "kind": qs.model._meta.model_name,
        "back": reverse(f"reports:{back_kind}") + "?" + _query(back_kind, span.label, line_id),
        "truncated": total > len(rows),
    }
    return render(request, "reports/periodic_drill.html", context)


@login_required
@require_safe
def weekly_report(request):
    from kefu.reports.models import FeedbackLetter, WeeklyMeeting

    context = _context(request, "weekly")
    span, line_id = context["span"], context["line_id"]
    summary = context["data"]["summary"]
    for row in summary["teams"]:
        row["urls"] = {
            f: reverse("reports:daily_drill")
            + "?"
            + _query("daily", span.label, line_id, figure=f, team=row["key"], span="weekly")
            for f in daily.FIGURES
        }
    units = context["data"]["feedback"]["units"]
    letters = {
        letter.unit_id: letter
        for letter in FeedbackLetter.objects.filter(
            unit_id__in=[u["unit_id"] for u in units if u["unit_id"]], week=span.start
        ).select_related("written_by")
    }
    for unit in units:
        unit["letter"] = letters.get(unit["unit_id"])
    team_ids = [t["team_id"] for t in summary["teams"] if t["team_id"]]
    meetings = {
        m.team_id: m for m in WeeklyMeeting.objects.filter(team_id__in=team_ids, week=span.start)
    }
    for row in summary["teams"]:
        row["meeting"] = meetings.get(row["team_id"])
        row["meeting_url"] = (
            reverse("reports:meeting") + "?" + urlencode({"week": span.label, "team": row["key"]})
        )
    context.update(
        previous=periods.week_of(span.start - periods.dt.timedelta(days=7)).label,
        next=periods.week_of(span.end).label,
        figures=daily.FIGURES,
        can_write=periodic_services.can_write(request.user) and span.start <= timezone.localdate(),
    )
    return render(request, "reports/weekly.html", context)


@login_required
@require_POST
def feedback_write(request):
    span = _value(request, "weekly")
    try:
        periodic_services.feedback_write(
            user=request.user,
            week=span,
            unit_id=request.POST.get("unit"),
            text=request.POST.get("text", ""),
        )
        messages.success(request, _("The feedback is written and archived."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(
        reverse("reports:weekly") + "?" + _query("weekly", span, _line(request) or None)
    )


@login_required
def meeting(request):
    """A team's weekly meeting: the agenda, the actions to check, the minutes form or record."""
    from kefu.reports.models import WeeklyMeeting

    week = periods.parse_week(_value(request, "weekly"))
    team = periodic_services._team(
        request.user, request.GET.get("team") or request.POST.get("team")
    )
    if request.method == "POST":
        actions = [
            {
                "text": request.POST.get(f"action-{i}"),
                "owner": request.POST.get(f"owner-{i}"),
                "due_on": request.POST.get(f"due-{i}"),
            }
            for i in range(3)
            if (request.POST.get(f"action-{i}") or "").strip()
        ]
        checks = [
            {
                "action": key.split("-", 1)[1],
                "status": value,
                "version": request.POST.get(f"version-{key.split('-', 1)[1]}"),
                "note": request.POST.get(f"note-{key.split('-', 1)[1]}", ""),
            }
            for key, value in request.POST.items()
            if key.startswith("check-") and value
        ]
        try:
            periodic_services.meeting_record(
                user=request.user,
                team_id=team.pk,
                week=week.label,
                minutes=request.POST.get("minutes", ""),
                plan=request.POST.get("plan", ""),
                actions=actions,
                checks=checks,
            )
            messages.success(request, _("The meeting is recorded."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(
            reverse("reports:meeting") + "?" + urlencode({"week": week.label, "team": team.pk})
        )
    held = (
        WeeklyMeeting.objects.filter(team=team, week=week.start)
        .prefetch_related("actions__owner", "checked_actions__owner")
        .first()
    )
    agenda = (
        held.agenda
        if held
        else weekly.summary(request.user, week=week, line_id=team.business_line_id, team_id=team.pk)
    )
    from kefu.accounts.models import User

    context = {
        "week": week,
        "team": team,
        "held": held,
        "agenda": agenda,
        "figures": daily.FIGURES,
        "to_check": list(periodic_services.open_actions(team.pk, week.start)),
        "people": list(User.objects.filter(team=team, is_active=True).order_by("username")),
        "can_hold": periodic_services.can_hold_meeting(request.user)
        and week.start <= timezone.localdate(),
        "rows": range(3),
        "back": reverse("reports:weekly")
        + "?"
        + _query("weekly", week.label, team.business_line_id),
    }
    return render(request, "reports/meeting.html", context)


@login_required
@require_safe
def yearly_report(request):
    from kefu.reports.models import YearSummary

    context = _context(request, "yearly")
    span, line_id = context["span"], context["line_id"]
    signed = None
    changes = []
    if line_id:
        signed = (
            YearSummary.objects.filter(business_line_id=line_id, year=span.start.year)
            .select_related("signed_by")
            .first()
        )
    if signed:
        from kefu.reports import ranking

        now = ranking.flatten({k: context["data"][k] for k in ("total", "targets")})
        then = ranking.flatten({k: signed.snapshot.get(k) for k in ("total", "targets")})
        changes = _year_changes(ranking.differences(then, now), context["data"])
    context.update(
        previous=span.start.year - 1,
        next=span.start.year + 1,
        signed=signed,
        changes=changes,
        can_sign=periodic_services.can_write(request.user)
        and line_id is not None
        and signed is None
        and periods.dt.date(span.start.year, 12, 1) <= timezone.localdate(),
    )
    return render(request, "reports/yearly.html", context)


def _year_changes(changes: list[tuple], data: dict) -> list[tuple]:
    """(figure in words, as signed, now) for the year's totals and targets."""
    words = {
        "complaints": _("Complaints"),
        "repeat": _("Repeat complaints"),
        "malicious": _("Malignant complaints"),
        "callbacks_due": _("Callbacks due"),
        "callbacks_completed": _("Callbacks completed"),
        "callback_rate": _("Callback rate"),
        "csi": _("CSI"),
        "satisfied": _("Satisfied rate"),
        "answers": _("Survey answers"),
        "first_response": _("First responses"),
        "first_response_met": _("First responses within SLA"),
        "first_response_met_pct": _("First response within SLA"),
        "resolution": _("Resolutions"),
        "resolution_met": _("Resolutions within SLA"),
        "resolution_met_pct": _("Resolution within SLA"),
        "target": _("Target"),
        "actual": _("Actual"),
        "met": _("Year"),
        "months_met": _("Months met"),
        "months_missed": _("Months missed"),
    }
    metrics = {
        "csi": _("CSI"),
        "satisfied_rate": _("Satisfied rate"),
        "callback_rate": _("Callback rate"),
    }
    out = []
    for key, before, after in changes:
        parts = key.split(".")
        if parts[0] == "targets" and len(parts) == 3 and parts[1].isdigit():
            metric = (
                data["targets"][int(parts[1])] if int(parts[1]) < len(data["targets"]) else {}
            ).get("metric")
            name = f"{metrics.get(metric, '')} · {words.get(parts[2], '')}"
        else:
            name = words.get(parts[-1], _("Another figure"))
        out.append((name, "—" if before is None else before, "—" if after is None else after))
    return out


@login_required
@require_POST
def year_sign(request):
    year = _value(request, "yearly")
    line_id = st.line_for(request.user, _line(request))
    try:
        periodic_services.year_sign(
            user=request.user,
            year=year,
            business_line=line_id,
            summary=request.POST.get("summary", ""),
        )
        messages.success(request, _("The year-end summary is signed: its figures are frozen."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("reports:yearly") + "?" + _query("yearly", year, line_id))


@login_required
@require_safe
def export(request, kind: str, fmt: str):
    value = _value(request, kind)
    line_id = st.line_for(request.user, _line(request))
    report = periodic_reports.build(request.user, kind, value, business_line=line_id)
    note = ""
    if kind == "yearly" and line_id:
        from kefu.reports.models import YearSummary

        note = (
            YearSummary.objects.filter(business_line_id=line_id, year=report.span.start.year)
            .values_list("summary", flat=True)
            .first()
            or ""
        )
    audit.record(
        actor=request.user,
        action="reports.periodic_exported",
        business_line_id=line_id,
        changes={"report": kind, "period": report.span.label, "format": fmt},
    )
    body = periodic_reports.export(report, fmt, note=note)
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "application/pdf")
    name = f"{kind}-{report.span.label}{'-' + str(line_id) if line_id else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def letters(request):
    """The archive of the weekly feedback letters and their e-mails (FU-10)."""
    from kefu.core.pagination import paginate
    from kefu.reports import weekly_letters

    week = (request.GET.get("week") or "").strip() or None
    line_id = st.line_for(request.user, _line(request))
    qs = weekly_letters.letters_for(request.user, week=week, line_id=line_id)
    page = paginate(qs, ordering="-id", cursor=request.GET.get("cursor") or None, limit=50)
    params = {"week": week, "business_line": line_id, "cursor": page.next}
    more = urlencode({k: v for k, v in params.items() if v}) if page.next else None
    context = {
        "page": page,
        "week": week or "",
        "line_id": line_id,
        "lines": _lines(request.user),
        "more": more,
    }
    return render(request, "reports/letters.html", context)
