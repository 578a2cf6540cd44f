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
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, Value, When

from kefu.reports import statement as st
from kefu.reports.periods import Span, year_of

# the layout of a month's row (month_cache): raise it when the row's keys change
ROW_SHAPE = 2
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


def _month_of_row(field: str, span: st.Month, *, dates: bool) -> Case:
    """The YYYY-MM of ``field`` among the span's months (rows are already within the span):
    the first month whose end lies after it, in local time for a time, as a date for a date."""
    whens = []
    for month in _months(span.start, span.end):
        end = month.end if dates else month.bounds[1]
        whens.append(When(**{f"{field}__lt": end}, then=Value(month.label)))
    return Case(*whens, default=Value(""), output_field=CharField())


def _months(start: dt.date, end: dt.date) -> list[st.Month]:
    out, day = [], start
    while day < end:
        out.append(st.month_of(day))
        day = out[-1].end
    return out


def _grouped(qs, field: str, span: st.Month, *, dates: bool = False, **counts) -> dict[str, dict]:
    out: dict[str, dict] = {}
    month = _month_of_row(field, span, dates=dates)
    for row in qs.annotate(m=month).values("m").annotate(**counts).order_by():
        out[row.pop("m")] = row
    return out


def _complaints(user, line_id, span: st.Month) -> dict[str, dict]:
    """{YYYY-MM: complaints, repeat, malicious and ``breakdown``}: one GROUP BY over the span's
    complaints by month, category, channel and grade; ``breakdown`` is [category id, channel,
    grade (None: ordinary), count] per combination, what the month's statement lists."""
    from kefu.followups.models import Grade

    out: dict[str, dict] = {}
    rows = (
        st.complaints_qs(user, line_id, span)
        .annotate(m=_month_of_row("created_at", span, dates=False))
        .values("m", "category_id", "channel", "complaint_grade__grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        month = out.setdefault(
            row["m"], {"complaints": 0, "repeat": 0, "malicious": 0, "breakdown": []}
        )
        grade, n = row["complaint_grade__grade"], row["n"]
        month["complaints"] += n
        month["repeat"] += n if grade == Grade.REPEAT else 0
        month["malicious"] += n if grade == Grade.MALIGNANT else 0
        month["breakdown"].append([row["category_id"], row["channel"], grade, n])
    return out


def _counts(user, line_id, span: st.Month) -> dict[str, dict]:
    """{YYYY-MM: {figure: count}} for the span's months, nine figures in four queries."""
    from kefu.tickets.models_sla import Clock

    out: dict[str, dict] = {}

    def merge(rows: dict[str, dict]) -> None:
        for month, row in rows.items():
            out.setdefault(month, {}).update(row)

    merge(_complaints(user, line_id, span))
    merge(
        _grouped(
            st.callbacks_qs(user, line_id, span),
            "due_on",
            span,
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
        merge(_grouped(st._clocked(user, line_id, span, clock), "created_at", span, **counts))
    return out


def _answer_stats(user, line_id, span: st.Month) -> dict[str, list[dict]]:
    """{YYYY-MM: the per-question sums of the month's scored answers, per line} (what
    ``surveys.results_for`` computes CSI from; sums, so months add up to the year)."""
    from kefu.surveys.selectors import question_stats

    qs = st.answers_qs(user, line_id, span).annotate(
        m=_month_of_row("answered_at", span, dates=False)
    )
    out: dict[str, list[dict]] = {}
    for row in question_stats(qs, ("m", "business_line_id")):
        out.setdefault(row.pop("m"), []).append(row)
    return out


def _count_months(user, line_id, months: list[st.Month]) -> dict[str, dict]:
    """The figures of ``months``: per run of consecutive months, four GROUP BYs over the
    tickets and callbacks and one over the survey answers."""
    out: dict[str, dict] = {}
    for span in _runs(months):
        counts = _counts(user, line_id, span)
        stats = _answer_stats(user, line_id, span)
        for m in _months(span.start, span.end):
            out[m.label] = {
                **{f: counts.get(m.label, {}).get(f, 0) for f in MONTH_FIGURES},
                "breakdown": counts.get(m.label, {}).get("breakdown", []),
                "answer_stats": stats.get(m.label, []),
            }
    return out


def _runs(months: list[st.Month]) -> list[st.Month]:
    """The runs of consecutive months among ``months``, each as one span."""
    runs: list[st.Month] = []
    for m in sorted(months, key=lambda m: m.start):
        if runs and runs[-1].end == m.start:
            runs[-1] = st.Month("", runs[-1].start, m.end)
        else:
            runs.append(st.Month("", m.start, m.end))
    return runs


def month_rows(user, line_id, months: list[st.Month]) -> dict[str, dict]:
    """{YYYY-MM: figures} of ``months``: closed months from ``month_cache`` (counted once per
    scope, counted again after a late change), the running month counted live."""
    from kefu.reports import month_cache

    return month_cache.figures(
        user, line_id, months, lambda todo: _count_months(user, line_id, todo), shape=ROW_SHAPE
    )


@dataclass
class Survey:
    metrics: object
    target: Decimal | None
    satisfied_target: Decimal | None
    met: bool | None
    satisfied_met: bool | None


def _survey(rows: list[dict], targets: dict, fixed_line) -> Survey:
    """CSI and satisfied rate of the summed per-question rows against the line's targets, as
    ``surveys.results_for`` gives them for the same answers."""
    from kefu.surveys import metrics
    from kefu.surveys.selectors import question_stat

    summed: dict[tuple, dict] = {}
    lines = set()
    for row in rows:
        lines.add(row["business_line_id"])
        key = (row["question_id"], row["dimension"], row["max_score"])
        into = summed.setdefault(key, dict.fromkeys(STAT_SUMS, 0))
        for f in STAT_SUMS:
            into[f] += row[f] or 0
    m = metrics.compute(
        question_stat({"question_id": q, "dimension": d, "max_score": s, **sums})
        for (q, d, s), sums in summed.items()
    )
    overall = fixed_line or (next(iter(lines)) if len(lines) == 1 else None)
    t = targets.get(overall, {}) if overall else {}
    return Survey(
        m,
        t.get("csi"),
        t.get("satisfied"),
        metrics.target_met(m.csi, t.get("csi")),
        metrics.target_met(m.satisfied, t.get("satisfied")),
    )


STAT_SUMS = ("count", "total", "top_two", "promoters", "detractors")


def month_survey(user, line_id, row: dict) -> Survey:
    """CSI and satisfied rate of one month's row against the line's targets (the statement)."""
    from kefu.surveys.selectors import targets_for

    fixed_line = line_id or user.business_line_id
    lines = {r["business_line_id"] for r in row["answer_stats"]}
    targets = targets_for(lines | ({fixed_line} if fixed_line else set()))
    return _survey(row["answer_stats"], targets, fixed_line)


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
    from kefu.surveys.selectors import targets_for

    line_id = st.line_for(user, business_line)
    last_year = year_of(year.start.year - 1)
    this_months, last_months = (
        _months(year.start, year.end),
        _months(last_year.start, last_year.end),
    )
    rows = month_rows(user, line_id, last_months + this_months)
    counts = {m.label: rows[m.label] for m in this_months}
    last_counts = {m.label: rows[m.label] for m in last_months}
    rate_target = _rate_target(line_id)
    fixed_line = line_id or user.business_line_id
    lines = {r["business_line_id"] for m in rows.values() for r in m["answer_stats"]}
    line_targets = targets_for(lines | ({fixed_line} if fixed_line else set()))
    months = []
    for month in this_months:
        row = {f: counts[month.label][f] for f in MONTH_FIGURES}
        survey = _survey(counts[month.label]["answer_stats"], line_targets, fixed_line)
        rate = st._pct(row["callbacks_completed"], row["callbacks_due"])
        months.append(
            {
                "month": month.label,
                **row,
                "callback_rate": rate,
                "callback_rate_met": _met(rate, rate_target),
                "csi": _float(survey.metrics.csi),
                "csi_met": survey.met,
                "satisfied": _float(survey.metrics.satisfied),
                "satisfied_met": survey.satisfied_met,
                "answers": survey.metrics.answers,
                "first_response_met_pct": st._pct(row["first_response_met"], row["first_response"]),
                "resolution_met_pct": st._pct(row["resolution_met"], row["resolution"]),
            }
        )

    def year_survey(of: dict[str, dict]) -> Survey:
        rows = [r for m in of.values() for r in m["answer_stats"]]
        return _survey(rows, line_targets, fixed_line)

    whole, last_whole = year_survey(counts), year_survey(last_counts)
    total = {
        **_totals(counts),
        "csi": _float(whole.metrics.csi),
        "satisfied": _float(whole.metrics.satisfied),
        "answers": whole.metrics.answers,
    }
    last = {
        **_totals(last_counts),
        "csi": _float(last_whole.metrics.csi),
        "satisfied": _float(last_whole.metrics.satisfied),
        "answers": last_whole.metrics.answers,
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
