"""The targets page (TGT-1…5, SAT-1): each target of the month and its year against the actual,
met or missed, projection and trend; supervisors and above set targets, enter a month's actuals
and import them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.core.errors import DomainError
from kefu.reports import services, statement, target_services, targets
from kefu.reports import target_rules as rules
from kefu.reports.statement_views import _line, _lines, _query


def _month(request) -> statement.Month:
    text = (request.GET.get("period") or request.POST.get("period") or "").strip()
    return statement.parse_month(text) if text else statement.month_of(timezone.localdate())


def _subject_ids(subject: str) -> dict:
    kind, _sep, pk = subject.partition(":")
    return {"unit": pk if kind == "unit" else None, "agent": pk if kind == "agent" else None}


def _save_row(request, month, line_id) -> int:
    """One row of the table: its target (blank clears it) and, for a month row, its actual."""
    post = request.POST
    subject = _subject_ids(post.get("subject", ""))
    kind = post.get("period_kind", rules.MONTH)
    n = 0
    if "target" in post:
        version = post.get("version") or None
        target_services.set_target(
            user=request.user,
            metric=post.get("metric"),
            period=month.label,
            period_kind=kind,
            value=post.get("target"),
            business_line=line_id,
            expected_version=int(version) if version and version.isdigit() else None,
            **subject,
        )
        n += 1
    if (post.get("actual") or "").strip():
        target_services.set_actual(
            user=request.user,
            metric=post.get("metric"),
            period=month.label,
            value=post.get("actual"),
            business_line=line_id,
            **subject,
        )
        n += 1
    return n


@login_required
def page(request):
    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    back = reverse("reports:targets") + "?" + _query(month, line_id)
    if request.method == "POST":
        try:
            if "csv" in request.POST:
                n = target_services.import_actuals(
                    user=request.user, text=request.POST.get("csv", ""), business_line=line_id
                )
            else:
                n = _save_row(request, month, line_id)
            messages.success(
                request, ngettext("%(n)s value saved.", "%(n)s values saved.", n) % {"n": n}
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(back)
    rows = targets.report(request.user, period=month, business_line=line_id)
    labels = {
        "csi": _("CSI"),
        "satisfied_rate": _("Satisfied rate"),
        "callback_rate": _("Callback rate"),
    }
    for row in rows:
        row.setdefault("label", labels.get(row["metric"], row["metric"]))
        row.setdefault("unit", "%")
        row.setdefault("direction", rules.AT_LEAST)
    context = {
        "month": month,
        "previous": month.previous().label,
        "next": statement.month_of(month.end).label,
        "line_id": line_id,
        "lines": _lines(request.user),
        "rows": rows,
        "tally": targets.tally(rows),
        "metrics": [(code, m.label) for code, m in rules.METRICS.items()],
        "example_metric": rules.METRICS["revenue"].label,
        "can_manage": services.can_manage(request.user) and line_id is not None,
        "units": _line_units(request.user, line_id),
    }
    return render(request, "reports/targets.html", context)


def _line_units(user, line_id) -> list:
    if not line_id:
        return []
    return list(statement._units(user, line_id).filter(is_active=True).values("pk", "name"))
