"""Pages of the report builder (万能报表): the builder (an ad-hoc or saved report as a table and
a chart, each cell linked to its tickets), saved reports, subscriptions and the delivery log.
Thin: definitions are checked by ``builder_defs``, figures come from ``builder``, writes go
through ``builder_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.core.errors import DomainError, Invalid
from kefu.core.pagination import paginate
from kefu.reports import builder, builder_export
from kefu.reports import builder_defs as defs
from kefu.reports import builder_services as services
from kefu.reports.builder_models import Frequency, Visibility

PAGE_SIZE = 25
DRILL_ROWS = 500
DEFAULT = {"dimensions": ["team"], "measures": ["count", "frt_median", "fr_sla_pct"]}


def _error(request, exc: DomainError) -> None:
    details = "; ".join(f"{v}" for v in exc.fields.values() if str(v) != str(exc.message))
    messages.error(request, f"{exc.message} {details}".strip())


def _saved(request):
    pk = request.GET.get("report") or request.POST.get("report")
    return services.report_get(user=request.user, pk=pk) if pk else None


def _definition(request, report) -> dict:
    """The query string's definition, else the saved report's, else the default."""
    params = request.GET if request.method == "GET" else request.POST
    if params.getlist("dim") or params.getlist("m"):
        return defs.from_query(params)
    if report is not None:
        return defs.validate(report.definition)
    return defs.validate({**DEFAULT, "filters": {}})


def _cell_url(definition: dict, keys: dict, measure: str, report=None) -> str:
    pairs = [*defs.to_query(definition), ("measure", measure)]
    pairs += [(f"cell.{d}", k) for d, k in keys.items()]
    return reverse("reports:builder_drill") + "?" + urlencode(pairs)


def _choices(user) -> dict:
    from kefu.accounts.models import BusinessLine, Team
    from kefu.core import scope
    from kefu.customers.models import Tier
    from kefu.tickets.models import Channel, TicketType

    return {
        "dimensions": list(defs.dimension_words().items()),
        "measures": list(defs.measure_words().items()),
        "types": TicketType.choices,
        "channels": Channel.choices,
        "tiers": Tier.choices,
        "teams": Team.objects.filter(scope.business_line_q(user)).select_related("business_line"),
        "lines": BusinessLine.objects.filter(scope.business_line_q(user, field="id")),
        "visibilities": Visibility.choices,
        "frequencies": Frequency.choices,
    }


def _table(result, definition: dict) -> list[dict]:
    measures = definition["measures"]
    rows = []
    for r in result.rows:
        cells = [
            {"value": r["values"].get(m), "url": _cell_url(definition, r["keys"], m)}
            for m in measures
        ]
        rows.append({"labels": r["labels"], "cells": cells})
    return rows


@login_required
@require_safe
def page(request):
    """The builder: the form, and the report of its definition (400 with the form kept and a
    clear message when a parameter is not valid)."""
    report = _saved(request)
    context = {"report": report, "choices": _choices(request.user), "error": None}
    status = 200
    try:
        definition = _definition(request, report)
    except Invalid as exc:
        definition = None
        context["error"] = exc
        status = 400
    if definition is not None:
        result = builder.run(request.user, definition)
        context.update(
            definition=definition,
            result=result,
            rows=_table(result, definition),
            total=[
                {
                    "value": result.total.get(m),
                    "url": _cell_url(definition, {}, m),
                }
                for m in definition["measures"]
            ],
            headers=builder_export.headers(result),
            chart=builder_export.chart(result),
            query=urlencode(defs.to_query(definition)),
            can_edit=report is not None and services.can_edit(request.user, report),
        )
    context["form"] = _form_values(request, definition)
    return render(request, "reports/builder/page.html", context, status=status)


def _form_values(request, definition) -> dict:
    """What the form shows: the definition, or (when it was not valid) what was sent."""
    if definition is not None:
        dims = definition["dimensions"] + [""]
        return {"dim1": dims[0], "dim2": dims[1], "measures": definition["measures"]} | {
            "filters": {k: str(v) for k, v in definition["filters"].items()},
            "chart": definition["chart"],
        }
    g = request.GET
    dims = [*g.getlist("dim"), "", ""]
    return {
        "dim1": dims[0],
        "dim2": dims[1],
        "measures": g.getlist("m"),
        "filters": {k: g.get(k, "") for k in defs.FILTERS},
        "chart": g.get("chart", "bar"),
    }


@login_required
@require_safe
def drill(request):
    """The tickets one cell is computed from (``cell.<dimension>=key``; none for the total)."""
    definition = defs.from_query(request.GET)
    measure = (request.GET.get("measure") or "count").strip()
    cell = {k[5:]: v for k, v in request.GET.items() if k.startswith("cell.")}
    qs = builder.drill(request.user, definition, cell, measure)
    total = qs.count()
    rows = list(qs.select_related("team", "assignee").order_by("-created_at", "-pk")[:DRILL_ROWS])
    labels = builder.labels_for(list(cell), {tuple(cell.values())} if cell else set())
    words = defs.dimension_words()
    context = {
        "rows": rows,
        "total": total,
        "truncated": total > len(rows),
        "measure_label": defs.measure_words().get(measure, ""),
        "cell": [(words[d], labels[d].get(k, k)) for d, k in cell.items()],
        "back": reverse("reports:builder") + "?" + urlencode(defs.to_query(definition)),
        "period": defs.period_of(definition, _today()),
    }
    return render(request, "reports/builder/drill.html", context)


def _today():
    from django.utils import timezone

    return timezone.localdate()


@login_required
@require_safe
def export_xlsx(request):
    report = _saved(request)
    definition = _definition(request, report)
    result = builder.run(request.user, definition)
    title = report.display_name if report else _("Ad-hoc report")
    response = HttpResponse(
        builder_export.xlsx(result, title=title), content_type=builder_export.XLSX
    )
    name = f"report-{result.start:%Y%m%d}-{result.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _back(definition_query: str, report=None) -> str:
    url = reverse("reports:builder") + "?" + definition_query
    return url + (f"&report={report.pk}" if report else "")


@login_required
@require_POST
def save(request):
    """Save the builder's definition as a new report."""
    query = urlencode(
        [(k, v) for k in ("dim", "m", "chart", *defs.FILTERS) for v in request.POST.getlist(k)]
    )
    try:
        report = services.report_create(
            user=request.user,
            name=request.POST.get("name"),
            definition=defs.from_query(request.POST),
            visibility=request.POST.get("visibility"),
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect(_back(query))
    messages.success(request, _("Report saved."))
    return redirect(_back(query, report))


@login_required
@require_POST
def update(request, pk: int):
    report = services.report_get(user=request.user, pk=pk)
    query = urlencode(
        [(k, v) for k in ("dim", "m", "chart", *defs.FILTERS) for v in request.POST.getlist(k)]
    )
    try:
        version = request.POST.get("version") or ""
        if not version.isdigit():
            raise Invalid(
                _("Reload the report and try again."), fields={"version": _("Not valid.")}
            )
        services.report_update(
            user=request.user,
            report=report,
            version=int(version),
            name=request.POST.get("name"),
            definition=defs.from_query(request.POST),
            visibility=request.POST.get("visibility"),
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect(_back(query, report))
    messages.success(request, _("Report updated."))
    return redirect(_back(query, report))


@login_required
@require_POST
def delete(request, pk: int):
    report = services.report_get(user=request.user, pk=pk)
    try:
        services.report_delete(user=request.user, report=report)
    except DomainError as exc:
        _error(request, exc)
        return redirect("reports:builder_saved")
    messages.success(request, _("Report deleted."))
    return redirect("reports:builder_saved")


@login_required
@require_safe
def saved(request):
    """Saved reports the viewer sees (built-in, own, shared in the line), and their
    subscriptions."""
    qs = services.reports_for(request.user).select_related("owner")
    page_ = paginate(qs, ordering="-id", cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    words = defs.dimension_words()
    items = [
        {
            "report": r,
            "dimensions": " · ".join(words.get(d, d) for d in r.definition.get("dimensions", [])),
            "can_edit": services.can_edit(request.user, r),
            "url": reverse("reports:builder") + "?" + urlencode({"report": r.pk}),
        }
        for r in page_.items
    ]
    subs = (
        services.subscriptions_for(request.user)
        .select_related("report", "recipient")
        .order_by("report__name", "recipient__username")[:200]
    )
    context = {
        "page": page_,
        "items": items,
        "subscriptions": subs,
        "recipients": services.recipients_for(request.user).order_by("username")[:200],
        "frequencies": Frequency.choices,
    }
    return render(request, "reports/builder/saved.html", context)


@login_required
@require_POST
def subscribe(request, pk: int):
    report = services.report_get(user=request.user, pk=pk)
    try:
        services.subscribe(
            user=request.user,
            report=report,
            recipient=request.POST.get("recipient"),
            frequency=request.POST.get("frequency"),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Subscription added."))
    return redirect("reports:builder_saved")


@login_required
@require_POST
def unsubscribe(request, pk: int):
    try:
        services.unsubscribe(user=request.user, pk=pk)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Subscription removed."))
    return redirect("reports:builder_saved")


@login_required
@require_safe
def deliveries(request):
    """Every report sent to the viewer, by them, or (leads and above) to their scope."""
    qs = services.deliveries_for(request.user).select_related(
        "subscription__report", "subscription__recipient"
    )
    page_ = paginate(qs, ordering="-id", cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    return render(request, "reports/builder/deliveries.html", {"page": page_})
