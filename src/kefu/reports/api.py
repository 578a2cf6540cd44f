"""/api/v1/reports: the monthly statement (the same JSON as ``kefu reports monthly --json``) and
the rows behind each figure, units' monthly bases, and signing a finished month."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from kefu.reports import services, statement
from kefu.reports.schemas import BaseIn, BaseOut, SignedOut, SignIn

router = Router(tags=["reports"])
DRILL_LIMIT = 1000


@router.get("/monthly", response=dict[str, Any], operation_id="report_monthly")
def monthly(request, period: str, business_line: str = ""):
    """The statement of ``period`` (YYYY-MM) within the caller's scope, with the signed 小结 and
    the figures changed since the signature when the month is signed."""
    month = statement.parse_month(period)
    data = statement.monthly(request.user, period=month, business_line=business_line or None)
    signed = statement.signed_for(request.user, data["business_line"], month)
    data["signed"] = (
        {
            "summary": signed.summary,
            "signed_at": signed.signed_at.isoformat(),
            "signed_by": signed.signed_by_id,
            "changes": [
                {"figure": k, "signed": a, "now": b}
                for k, a, b in statement.changes_since_signed(signed, data)
            ],
        }
        if signed
        else None
    )
    return data


@router.get("/monthly/drill", response=dict[str, Any], operation_id="report_monthly_drill")
def drill(request, period: str, figure: str, key: str = "", business_line: str = ""):
    """The ids of the rows a figure counts (tickets, callbacks or survey answers): ``count``
    equals the figure."""
    month = statement.parse_month(period)
    line_id = statement.line_for(request.user, business_line or None)
    qs = statement.drill(request.user, line_id, month, figure, key)
    return {
        "figure": figure,
        "key": key,
        "kind": qs.model._meta.model_name,
        "count": qs.count(),
        "ids": list(qs.order_by("pk").values_list("pk", flat=True)[:DRILL_LIMIT]),
    }


@router.put("/bases", response=BaseOut, operation_id="report_base_set")
def base_set(request, payload: BaseIn):
    """Enter or correct a unit's base for a month (supervisors and above; 409 when stale)."""
    row = services.set_unit_base(
        user=request.user,
        unit_id=payload.unit,
        period=payload.period,
        base=payload.base,
        kind=payload.kind,
        expected_version=payload.version,
    )
    return {
        "id": row.pk,
        "unit": row.unit_id,
        "period": row.month.strftime("%Y-%m"),
        "base": row.base,
        "kind": row.kind,
        "version": row.version,
    }


@router.post("/monthly/sign", response={201: SignedOut}, operation_id="report_monthly_sign")
def sign(request, payload: SignIn):
    """Sign a finished month with the written summary; its figures are frozen (409 if signed)."""
    signed = services.sign_statement(
        user=request.user,
        period=payload.period,
        business_line=payload.business_line,
        summary=payload.summary,
    )
    return Status(
        201,
        {
            "id": signed.pk,
            "business_line": signed.business_line_id,
            "period": signed.month.strftime("%Y-%m"),
            "summary": signed.summary,
            "signed_at": signed.signed_at.isoformat(),
            "signed_by": signed.signed_by_id,
        },
    )


# -- the report builder (issue 22 §6): saved reports and their rows, read-only -----------------


def _result_json(report, result) -> dict:
    return {
        "report": report.pk,
        "name": report.display_name,
        "definition": result.definition,
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "rows": [
            {"keys": r["keys"], "labels": r["labels"], "values": r["values"]} for r in result.rows
        ],
        "total": result.total,
        "truncated": result.truncated,
    }


@router.get("/builder/reports", response=list[dict[str, Any]], operation_id="report_builder_list")
def builder_reports(request):
    """Saved reports the caller sees (built-in, own, shared in their line)."""
    from kefu.reports import builder_services

    return [
        {
            "id": r.pk,
            "name": r.display_name,
            "builtin": r.builtin,
            "visibility": r.visibility,
            "owner": r.owner_id,
            "definition": r.definition,
        }
        for r in builder_services.reports_for(request.user).order_by("pk")[:500]
    ]


@router.get(
    "/builder/reports/{report_id}/run", response=dict[str, Any], operation_id="report_builder_run"
)
def builder_run(request, report_id: int, date_from: str = "", date_to: str = ""):
    """A saved report's rows within the caller's scope; ``date_from``/``date_to`` (YYYY-MM-DD,
    both or neither) replace its period."""
    from kefu.reports import builder, builder_services
    from kefu.reports import builder_defs as defs

    report = builder_services.report_get(user=request.user, pk=report_id)
    definition = defs.validate(report.definition)
    if date_from or date_to:
        filters = {**definition["filters"], "from": date_from, "to": date_to}
        definition = defs.validate({**definition, "filters": filters})
    return _result_json(report, builder.run(request.user, definition))
