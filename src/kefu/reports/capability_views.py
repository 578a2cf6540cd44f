"""Pages of the other apps' reports (issue 22 §4): each a page of titled tables with its .xlsx
and PDF, within the viewer's scope."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from kefu.core import audit
from kefu.reports import capability_reports, periodic_reports
from kefu.reports.exports import XLSX
from kefu.reports.statement_views import _lines

YEARLY = ("collection", "repairs", "aftersales", "repeat_repairs")
BY_CAMPAIGN = ("double11",)


def _value(request, kind: str) -> tuple[str, str]:
    if kind in BY_CAMPAIGN:  # the campaign's id; none: the latest campaign in scope
        return "campaign", (request.GET.get("campaign") or "").strip()
    name = "year" if kind in YEARLY else "period"
    raw = (request.GET.get(name) or "").strip()
    if raw:
        return name, raw
    today = timezone.localdate()
    if kind in YEARLY:
        return name, str(today.year)
    return name, (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _build(request, kind: str):
    name, value = _value(request, kind)
    report = capability_reports.build(
        request.user, kind, value, business_line=request.GET.get("business_line") or None
    )
    return name, report


def _campaigns(user) -> list:
    from kefu.commerce.peak_selectors import campaigns_for

    return list(campaigns_for(user=user).values("pk", "name")[:50])


@login_required
@require_safe
def report_page(request, kind: str):
    name, report = _build(request, kind)
    line_id = report.data.get("business_line")
    query = urlencode({name: report.span.label, **({"business_line": line_id} if line_id else {})})
    context = {
        "report": report,
        "param": name,
        "line_id": line_id,
        "lines": _lines(request.user),
        "query": query,
        "xlsx": reverse(f"reports:{kind}_xlsx") + "?" + query,
        "pdf": reverse(f"reports:{kind}_pdf") + "?" + query,
        "campaigns": _campaigns(request.user) if kind in BY_CAMPAIGN else [],
        "truncated": any(
            len(rows) >= capability_reports.MAX_ROWS for _t, _h, rows in report.sections
        ),
    }
    return render(request, "reports/capability.html", context)


@login_required
@require_safe
def report_export(request, kind: str, fmt: str):
    _name, report = _build(request, kind)
    line_id = report.data.get("business_line")
    audit.record(
        actor=request.user,
        action="reports.periodic_exported",
        business_line_id=line_id,
        changes={"report": kind, "period": report.span.label, "format": fmt},
    )
    body = periodic_reports.export(report, fmt)
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "application/pdf")
    name = f"{kind}-{report.span.label}{'-' + str(line_id) if line_id else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
