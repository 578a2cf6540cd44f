"""Pages and .xlsx / PDF of the quality reports (issue 22 §4): the 月处罚汇总表, the 绩效考核通报 and
the month-end service-quality analysis with its corrective plan, within the viewer's scope. The
same page and exports as the other apps' reports (capability_views), built by quality_reports."""

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
from kefu.reports import periodic_reports, quality_reports
from kefu.reports.exports import XLSX
from kefu.reports.statement_views import _lines


def _build(request, kind: str):
    value = (request.GET.get("period") or "").strip()
    if not value:  # last month: the month a month-end report is about
        value = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return quality_reports.build(
        request.user, kind, value, business_line=request.GET.get("business_line") or None
    )


@login_required
@require_safe
def report_page(request, kind: str):
    report = _build(request, kind)
    line_id = report.data.get("business_line")
    query = urlencode(
        {"period": report.span.label, **({"business_line": line_id} if line_id else {})}
    )
    context = {
        "report": report,
        "param": "period",
        "line_id": line_id,
        "lines": _lines(request.user),
        "query": query,
        "xlsx": reverse(f"reports:{kind}_xlsx") + "?" + query,
        "pdf": reverse(f"reports:{kind}_pdf") + "?" + query,
        "truncated": any(len(rows) >= quality_reports.MAX_ROWS for _t, _h, rows in report.sections),
    }
    return render(request, "reports/capability.html", context)


@login_required
@require_safe
def report_export(request, kind: str, fmt: str):
    report = _build(request, kind)
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
