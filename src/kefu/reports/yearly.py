"""The year-end summary (RPT-2, RPT-3): the monthly statement's figures over the twelve months
of a year — complaints (repeat, malignant), callbacks and 回访率, CSI and satisfied rate, SLA met —
each month against its targets (met / missed), the year's totals and the same totals for the
year before (year on year).

Each month's figures are those of ``statement.monthly`` for that month (the same rows, counted by
one GROUP BY per figure over the year instead of twelve statements). The month of a row is a CASE
over the twelve local month bounds, not TruncMonth: SQLite truncates a time-zone-aware time in a
Python function called once per row (most of a 1,000,000-ticket year's time, bench/README.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, Value, When

from kefu.reports import statement as st
from kefu.reports.periods import Span, year_of

MONTH_FIGURES = (
    "complaints",
    "repeat",
    "malicious",
    "callbacks_due",
    "callbacks_completed",
    "first_response",
    "first_response_met",
    "resolution",
    "resolution_met",
)


def _month_of_row(field: str, year: Span, *, dates: bool) -> Case:
    """The YYYY-MM of ``field`` among the year's months (rows are already within the year):
    the first month whose end lies after it, in local time for a time, as a date for a date."""
    whens = []
    day = year.start
    while day < year.end:
        month = st.month_of(day)
        end = month.end if dates else month.bounds[1]
        whens.append(When(**{f"{field}__lt": end}, then=Value(month.label)))
        day = month.end
    return Case(*whens, default=Value(""), output_field=CharField())


def _grouped(qs, field: str, year: Span, *, dates: bool = False, **counts) -> dict[str, dict]:
    out: dict[str, dict] = {}
    month = _month_of_row(field, year, dates=dates)
    for row in qs.annotate(m=month).values("m").annotate(**counts).order_by():
        out[row.pop("m")] = row
    return out


def _counts(user, line_id, year: Span) -> dict[str, dict]:
    """{YYYY-MM: {figure: count}} for the twelve months, nine figures in four queries."""
    from kefu.followups.models import Grade
    from kefu.tickets.models_sla import Clock

    whole = st.Month(year.label, year.start, year.end)
    out: dict[str, dict] = {}

    def merge(rows: dict[str, dict]) -> None:
        for month, row in rows.items():
            out.setdefault(month, {}).update(row)

    merge(
        _grouped(
            st.complaints_qs(user, line_id, whole),
            "created_at",
            year,
            complaints=Count("pk"),
            repeat=Count("pk", filter=Q(complaint_grade__grade=Grade.REPEAT)),
            malicious=Count("pk", filter=Q(complaint_grade__grade=Grade.MALIGNANT)),
        )
    )
    merge(
        _grouped(
            st.callbacks_qs(user, line_id, whole),
            "due_on",
            year,
            dates=True,
            callbacks_due=Count("id"),
            callbacks_completed=Count("id", filter=Q(reached_at__isnull=False)),
        )
    )
    for name, clock in (
        ("first_response", Clock.FIRST_RESPONSE),
        ("resolution", Clock.RESOLUTION),
    ):
        counts = {name: Count("pk"), f"{name}_met": Count("pk", filter=~st._breach(clock))}
        merge(_grouped(st._clocked(user, line_id, whole, clock), "created_at", year, **counts))
    return out


def _survey(user, line_id, start: dt.date, end: dt.date, label: str):
    from kefu.surveys import periods
    from kefu.surveys.selectors import results_for

    return results_for(
        user=user,
        period=periods.Period(label, start, end),
        group="business_line",
        business_line=line_id,
    )


def _rate_target(line_id) -> Decimal | None:
    from kefu.accounts.models import BusinessLine
    from kefu.followups.services.policies import line_setting

    line = BusinessLine.objects.filter(pk=line_id).first() if line_id else None
    return None if line is None else Decimal(int(line_setting(line, "callback_rate_target")))


def _met(value, target) -> bool | None:
    from kefu.surveys.metrics import target_met

    return target_met(
        None if value is None else Decimal(str(value)),
        None if target is None else Decimal(str(target)),
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


def _totals(counts: dict[str, dict]) -> dict:
    total = {f: sum(m.get(f, 0) for m in counts.values()) for f in MONTH_FIGURES}
    return {
        **total,
        "callback_rate": st._pct(total["callbacks_completed"], total["callbacks_due"]),
        "first_response_met_pct": st._pct(total["first_response_met"], total["first_response"]),
        "resolution_met_pct": st._pct(total["resolution_met"], total["resolution"]),
    }


def _change(now, before) -> float | None:
    if now is None or before is None:
        return None
    return round(float(now) - float(before), 2)


def year_summary(user, *, year: Span, business_line=None) -> dict:
    """The year as plain data (page, CLI JSON, exports and the signed snapshot)."""
    from kefu.accounts.models import BusinessLine

    line_id = st.line_for(user, business_line)
    counts = _counts(user, line_id, year)
    rate_target = _rate_target(line_id)
    months = []
    day = year.start
    while day < year.end:
        month = st.month_of(day)
        row = {f: counts.get(month.label, {}).get(f, 0) for f in MONTH_FIGURES}
        survey = _survey(user, line_id, month.start, month.end, month.label)
        rate = st._pct(row["callbacks_completed"], row["callbacks_due"])
        months.append(
            {
                "month": month.label,
                **row,
                "callback_rate": rate,
                "callback_rate_met": _met(rate, rate_target),
                "csi": _float(survey.total.csi),
                "csi_met": survey.met,
                "satisfied": _float(survey.total.satisfied),
                "satisfied_met": survey.satisfied_met,
                "answers": survey.total.answers,
                "first_response_met_pct": st._pct(row["first_response_met"], row["first_response"]),
                "resolution_met_pct": st._pct(row["resolution_met"], row["resolution"]),
            }
        )
        day = month.end
    whole = _survey(user, line_id, year.start, year.end, year.label)
    last_year = year_of(year.start.year - 1)
    last_whole = _survey(user, line_id, last_year.start, last_year.end, last_year.label)
    total = {
        **_totals(counts),
        "csi": _float(whole.total.csi),
        "satisfied": _float(whole.total.satisfied),
        "answers": whole.total.answers,
    }
    last = {
        **_totals(_counts(user, line_id, last_year)),
        "csi": _float(last_whole.total.csi),
        "satisfied": _float(last_whole.total.satisfied),
        "answers": last_whole.total.answers,
    }
    targets = []
    for metric, target, key in (
        ("csi", whole.target, "csi_met"),
        ("satisfied_rate", whole.satisfied_target, "satisfied_met"),
        ("callback_rate", rate_target, "callback_rate_met"),
    ):
        flags = [m[key] for m in months]
        value = {"csi": total["csi"], "satisfied_rate": total["satisfied"]}.get(
            metric, total["callback_rate"]
        )
        targets.append(
            {
                "metric": metric,
                "target": _float(target),
                "actual": value,
                "met": _met(value, target),
                "months_met": flags.count(True),
                "months_missed": flags.count(False),
            }
        )
    compare = ("complaints", "repeat", "malicious", "callbacks_due", "callbacks_completed")
    rates = ("callback_rate", "csi", "satisfied", "first_response_met_pct", "resolution_met_pct")
    line_name = (
        BusinessLine.objects.filter(pk=line_id).values_list("name", flat=True).first()
        if line_id
        else None
    )
    return {
        "year": year.label,
        "business_line": line_id,
        "business_line_name": line_name,
        "months": months,
        "total": total,
        "last_year": last,
        "year_on_year": {
            **{f: total[f] - last[f] for f in compare},
            **{f: _change(total[f], last[f]) for f in rates},
        },
        "targets": targets,
    }
