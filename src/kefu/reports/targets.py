"""Targets against actuals (TGT-1…5, SAT-1): per metric, business line, unit or agent, month or
year; met or missed, the trend of the last months and a projection to the period's end.

The platform's own figures (CSI, satisfied rate, 回访率) come from the surveys and followups
targets (``statement.targets``); every other metric's actuals are entered or imported monthly
(``TargetActual``). A line without a stored target gets its industry template's default; a
target blank in the sources is listed with no value until someone sets it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kefu.core import scope
from kefu.reports import statement
from kefu.reports import target_rules as rules
from kefu.reports.target_models import Target, TargetActual

TREND_MONTHS = 6


def subject_of(unit_id=None, agent_id=None) -> str:
    if unit_id:
        return f"unit:{unit_id}"
    if agent_id:
        return f"agent:{agent_id}"
    return ""


def _lines(user, line_id) -> dict[int, str]:
    from kefu.accounts.models import BusinessLine

    qs = BusinessLine.objects.filter(scope.business_line_q(user, "pk"))
    if line_id:
        qs = qs.filter(pk=line_id)
    return {line.pk: line for line in qs.order_by("pk")}


def _months_back(month: statement.Month, n: int) -> list[statement.Month]:
    out = [month]
    while len(out) < n:
        out.insert(0, out[0].previous())
    return out


def _visible(user) -> Q:
    """Line and unit targets for everyone in the line; an agent's personal targets for him and
    for leads and above."""
    if scope.at_least(user, scope.LEAD):
        return Q()
    return ~Q(subject__startswith="agent:") | Q(agent_id=user.pk)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def rows(user, *, period, business_line=None, today: dt.date | None = None) -> list[dict]:
    """The month's and its year's targets of each line in scope with actuals, met or missed,
    projection and trend (the entered metrics; see ``report`` for every row)."""
    month = period if isinstance(period, statement.Month) else statement.parse_month(period)
    today = today or timezone.localdate()
    line_id = statement.line_for(user, business_line)
    lines = _lines(user, line_id)
    year_start = month.start.replace(month=1)
    year_end = year_start.replace(year=year_start.year + 1)
    stored = Target.objects.filter(_visible(user), business_line_id__in=list(lines)).filter(
        Q(period_kind=rules.MONTH, period=month.start)
        | Q(period_kind=rules.YEAR, period=year_start)
    )
    trend_months = _months_back(month, TREND_MONTHS)
    first = min(year_start, trend_months[0].start)
    actuals: dict[tuple, dict[dt.date, Decimal]] = {}
    for a in TargetActual.objects.filter(
        _visible(user),
        business_line_id__in=list(lines),
        month__gte=first,
        month__lte=month.start,
        value__isnull=False,
    ).values("business_line_id", "subject", "metric", "month", "value"):
        key = (a["business_line_id"], a["subject"], a["metric"])
        actuals.setdefault(key, {})[a["month"]] = a["value"]
    targets: dict[tuple, dict] = {}
    for line in lines.values():
        for metric, kind, value in rules.template(line.industry):
            targets[(line.pk, "", metric, kind)] = {"value": value, "id": None, "version": None}
    names = _names(stored)
    for t in stored:
        targets[(t.business_line_id, t.subject, t.metric, t.period_kind)] = {
            "value": t.value,
            "id": t.pk,
            "version": t.version,
        }
    out = []
    for (line_pk, subject, metric, kind), t in sorted(
        targets.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][3], kv[0][2])
    ):
        m = rules.METRICS[metric]
        series = actuals.get((line_pk, subject, metric), {})
        if kind == rules.MONTH:
            actual = series.get(month.start)
            start, end, label = month.start, month.end, month.label
        else:
            year = [v for d, v in sorted(series.items()) if d >= year_start]
            actual = rules.year_actual(year, m.adds_up)
            start, end, label = year_start, year_end, str(year_start.year)
        projected = rules.projection(actual, m.adds_up, start, end, today)
        out.append(
            {
                "metric": metric,
                "target": _num(t["value"]),
                "actual": _num(actual),
                "met": rules.met_so_far(actual, t["value"], m, today < end),
                "period": label,
                "business_line": line_pk,
                "subject": subject,
                "subject_name": names.get(subject, ""),
                "label": str(m.label),
                "unit": m.unit,
                "direction": m.direction,
                "source": "entered",
                "projection": _num(projected),
                "projected_met": rules.met(projected, t["value"], m.direction),
                "trend": [
                    {"period": p.label, "value": _num(series.get(p.start))} for p in trend_months
                ],
                "id": t["id"],
                "version": t["version"],
            }
        )
    return out


def _names(stored) -> dict[str, str]:
    from kefu.accounts.models import User
    from kefu.tickets.models_sla import ResponsibleUnit

    unit_ids = [t.unit_id for t in stored if t.unit_id]
    agent_ids = [t.agent_id for t in stored if t.agent_id]
    names = {
        f"unit:{pk}": name
        for pk, name in ResponsibleUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
    }
    names |= {f"agent:{u.pk}": u.name for u in User.objects.filter(pk__in=agent_ids)}
    return names


def report(user, *, period, business_line=None, today: dt.date | None = None) -> list[dict]:
    """Every target row of the month: the platform's (CSI, satisfied rate, 回访率) first, as
    ``kefu reports targets`` always listed them, then the entered metrics'."""
    month = period if isinstance(period, statement.Month) else statement.parse_month(period)
    platform = statement.targets(user, period=month, business_line=business_line)
    for row in platform:
        row.update(period=month.label, source="platform", projection=row["actual"])
    return platform + rows(user, period=month, business_line=business_line, today=today)


def tally(rows_: list[dict]) -> dict[str, int]:
    """How many targets are met and missed (rows without a target or an actual are neither)."""
    return {
        "met": sum(1 for r in rows_ if r["met"] is True),
        "missed": sum(1 for r in rows_ if r["met"] is False),
    }
