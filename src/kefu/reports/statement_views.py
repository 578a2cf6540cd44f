"""Pages of the monthly statement: the statement (figures, unit ranking, lists, the signed 小结
and any change since the signature), the drill-down behind each figure, the exports, and the
units' monthly bases."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.reports import charts, exports, services, statement

DRILL_ROWS = 500


def _month(request) -> statement.Month:
    text = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if not text:
        return statement.month_of(timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    return statement.parse_month(text)


def _line(request):
    return request.GET.get("business_line") or request.POST.get("business_line") or None


def _query(month, line_id, **more) -> str:
    params = {"period": month.label, **({"business_line": line_id} if line_id else {}), **more}
    return urlencode(params)


def _drill_url(month, line_id, figure, key="") -> str:
    extra = {"figure": figure, **({"key": key} if key != "" else {})}
    return reverse("reports:drill") + "?" + _query(month, line_id, **extra)


def _lines(user):
    from kefu.accounts.models import BusinessLine
    from kefu.core import scope

    qs = BusinessLine.objects.filter(scope.business_line_q(user, "pk")).order_by("name")
    return list(qs.values("pk", "name"))


@login_required
@require_safe
def monthly(request):
    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    data = statement.monthly(request.user, period=month, business_line=line_id)
    c = data["complaints"]
    for group, figure in (("by_type", "type"), ("by_channel", "channel"), ("by_grade", "grade")):
        for row in c[group]:
            row["url"] = _drill_url(month, line_id, figure, row["key"])
    for row in c["by_unit"]:
        row["url"] = _drill_url(month, line_id, "unit", row["unit_id"])
    for row in c["repeat_list"] + c["malicious_list"]:
        row["url"] = reverse("tickets:detail", args=[row["ticket_id"]])
    links = {
        name: _drill_url(month, line_id, name)
        for name in statement.FIGURES
        if name not in ("type", "channel", "grade", "unit")
    }
    signed = statement.signed_for(request.user, line_id, month)
    changes = (
        statement.describe_changes(statement.changes_since_signed(signed, data), data)
        if signed
        else []
    )
    from django.utils.translation import gettext as _

    ranked = [(u["unit"], u["ratio_pct"]) for u in c["by_unit"] if u["rank"] is not None]
    context = {
        "ratio_chart": charts.chart(
            "chart-unit-ratio", _("Complaint ratio per responsible unit (%)"), ranked, unit="%"
        ),
        "channel_chart": charts.chart(
            "chart-complaint-channel",
            _("Complaints by channel"),
            [(r["label"], r["count"]) for r in c["by_channel"]],
        ),
        "data": data,
        "month": month,
        "previous": month.previous().label,
        "next": statement.month_of(month.end).label,
        "line_id": line_id,
        "lines": _lines(request.user),
        "links": links,
        "signed": signed,
        "changes": changes,
        "can_sign": services.can_manage(request.user)
        and line_id is not None
        and signed is None
        and month.end <= timezone.localdate(),
        "can_manage": services.can_manage(request.user),
        "query": _query(month, line_id),
    }
    return render(request, "reports/monthly.html", context)


@login_required
@require_safe
def drill(request):
    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    figure = (request.GET.get("figure") or "").strip()
    key = (request.GET.get("key") or "").strip()
    qs = statement.drill(request.user, line_id, month, figure, key)
    total = qs.count()
    model = qs.model._meta.model_name
    if model == "ticket":
        rows = list(
            qs.select_related("team", "category").order_by("-created_at", "-id")[:DRILL_ROWS]
        )
    elif model == "callbacktask":
        rows = list(qs.select_related("owner", "ticket").order_by("due_on", "id")[:DRILL_ROWS])
    else:
        rows = list(qs.select_related("agent").order_by("-answered_at", "-id")[:DRILL_ROWS])
    context = {
        "month": month,
        "figure": figure,
        "key": key,
        "total": total,
        "rows": rows,
        "kind": model,
        "back": reverse("reports:monthly") + "?" + _query(month, line_id),
        "truncated": total > len(rows),
    }
    return render(request, "reports/drill.html", context)


def _export(request, kind: str):
    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    data = statement.monthly(request.user, period=month, business_line=line_id)
    signed = statement.signed_for(request.user, line_id, month)
    summary = signed.summary if signed else ""
    audit.record(
        actor=request.user,
        action="reports.statement_exported",
        business_line_id=line_id,
        changes={"month": month.label, "format": kind},
    )
    if kind == "xlsx":
        body, ctype = exports.statement_xlsx(data, summary=summary), exports.XLSX
    else:
        signer = ""
        if signed:
            signer = f"{signed.signed_by.name if signed.signed_by else ''} · " + timezone.localtime(
                signed.signed_at
            ).strftime("%Y-%m-%d %H:%M")
        body, ctype = exports.statement_pdf(data, summary=summary, signed=signer), "application/pdf"
    response = HttpResponse(body, content_type=ctype)
    name = f"statement-{month.label}{'-' + str(line_id) if line_id else ''}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def export_xlsx(request):
    return _export(request, "xlsx")


@login_required
@require_safe
def export_pdf(request):
    return _export(request, "pdf")


@login_required
@require_POST
def sign(request):
    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    try:
        services.sign_statement(
            user=request.user,
            period=month.label,
            business_line=line_id,
            summary=request.POST.get("summary", ""),
        )
        messages.success(request, _signed_message())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("reports:monthly") + "?" + _query(month, line_id))


def _signed_message() -> str:
    from django.utils.translation import gettext as _

    return _("The month is signed: its figures are frozen.")


@login_required
def bases(request):
    """Each responsible unit's base for a month: entered here or imported as CSV."""
    from kefu.reports.models import BaseKind, UnitBase

    month = _month(request)
    line_id = statement.line_for(request.user, _line(request))
    if request.method == "POST":
        try:
            if "csv" in request.POST:
                n = services.import_bases(
                    user=request.user, text=request.POST.get("csv", ""), business_line=line_id
                )
            else:
                n = 0
                for unit in statement._units(request.user, line_id).filter(is_active=True):
                    raw = (request.POST.get(f"base-{unit.pk}") or "").strip()
                    if raw:
                        services.set_unit_base(
                            user=request.user,
                            unit_id=unit.pk,
                            period=month.label,
                            base=raw,
                            kind=request.POST.get(f"kind-{unit.pk}") or None,
                        )
                        n += 1
            messages.success(request, _saved(n))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(reverse("reports:bases") + "?" + _query(month, line_id))
    units = list(statement._units(request.user, line_id).filter(is_active=True))
    current = {b.unit_id: b for b in UnitBase.objects.filter(unit__in=units, month=month.start)}
    rows = [{"unit": u, "base": current.get(u.pk)} for u in units]
    context = {
        "month": month,
        "line_id": line_id,
        "lines": _lines(request.user),
        "rows": rows,
        "kinds": BaseKind.choices,
        "can_manage": services.can_manage(request.user),
        "back": reverse("reports:monthly") + "?" + _query(month, line_id),
    }
    return render(request, "reports/bases.html", context)


def _saved(n: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(n)s base saved.", "%(n)s bases saved.", n) % {"n": n}
