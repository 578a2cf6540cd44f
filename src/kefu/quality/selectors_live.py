"""Live values of a KPI evaluation's indicators that map to a platform figure (live_rules):
the appraisee's month read from tickets, callbacks, surveys and QA reviews, each with the rows it
counts, and the score the value earns against the indicator's target.

* first-response / resolution SLA %: the appraisee's first-ask tickets created in the month whose
  clock stopped, and of those the ones without a breach (the monthly statement's rule);
* 回访率: the appraisee's first callbacks due in the month (open or done), reached ÷ due;
* CSI: the survey answers of the month credited to the appraisee (surveys.results_for);
* QA score: the mean of the appraisee's scored reviews of the month;
* complaints: complaints the appraisee took first in the month; repeat complaints: those of them
  graded 重复 during the month;
* tickets handled: the tickets assigned to the appraisee that were resolved in the month;
* satisfied rate (§9.12): the share of the month's answers credited to the appraisee in the top
  two points of their scale (surveys.results_for, as CSI)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Exists, OuterRef

from kefu.quality import live_rules, months
from kefu.quality.models_kpi import KpiEvaluation


def _bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from kefu.quality.selectors import _month_bounds

    return _month_bounds(period)


def _tickets(person, period):
    from kefu.tickets.models import Ticket

    start, end = _bounds(period)
    return Ticket.objects.filter(first_owner=person, created_at__gte=start, created_at__lt=end)


def _sla(person, period, clock: str) -> dict:
    from kefu.tickets.models_sla import Level, SlaEvent

    stopped = _tickets(person, period).filter(
        sla_clocks__kind=clock, sla_clocks__stopped_at__isnull=False
    )
    breached = Exists(
        SlaEvent.objects.filter(ticket_id=OuterRef("pk"), clock=clock, level__gte=Level.BREACH)
    )
    total = stopped.distinct().count()
    met = stopped.exclude(breached).distinct().count()
    return {"value": live_rules.rate(met, total), "numerator": met, "denominator": total}


def _callbacks(person, period) -> dict:
    from kefu.followups.models import CallbackTask, TaskStatus

    due = CallbackTask.objects.filter(
        owner=person,
        attempt=1,
        due_on__gte=period,
        due_on__lt=months.next_month(period),
        status__in=(TaskStatus.OPEN, TaskStatus.DONE),
    )
    total, reached = due.count(), due.filter(reached_at__isnull=False).count()
    return {"value": live_rules.rate(reached, total), "numerator": reached, "denominator": total}


def _handled(person, period) -> dict:
    from kefu.tickets.models import Ticket

    start, end = _bounds(period)
    n = Ticket.objects.filter(assignee=person, resolved_at__gte=start, resolved_at__lt=end).count()
    return {"value": Decimal(n), "numerator": n, "denominator": None}


def _csi(viewer, person, period, metric: str = "csi") -> dict:
    from kefu.surveys import periods
    from kefu.surveys.selectors import results_for

    res = results_for(
        user=viewer,
        period=periods.Period(months.label(period), period, months.next_month(period)),
        group="agent",
        business_line=person.business_line_id,
    )
    row = next((r for r in res.rows if r.key == person.pk), None)
    got = getattr(row.metrics, metric) if row else None
    value = None if got is None else Decimal(str(got)).quantize(live_rules.CENT)
    return {"value": value, "numerator": None, "denominator": row.metrics.answers if row else 0}


def _qa(person, period) -> dict:
    from kefu.inspections.models import Review

    agg = Review.objects.filter(agent=person, period=period, score__isnull=False).aggregate(
        avg=Avg("score")
    )
    n = Review.objects.filter(agent=person, period=period, score__isnull=False).count()
    avg = agg["avg"]
    value = None if avg is None else Decimal(str(avg)).quantize(live_rules.CENT)
    return {"value": value, "numerator": None, "denominator": n}


def _complaints(person, period, repeat: bool) -> dict:
    from kefu.followups.models import GradeChange

    qs = _tickets(person, period).filter(type="complaint")
    if repeat:
        start, end = _bounds(period)
        graded = GradeChange.objects.filter(
            after="repeat", created_at__gte=start, created_at__lt=end
        ).values("ticket_id")
        qs = _tickets(person, period).filter(pk__in=graded)
    n = qs.count()
    return {"value": Decimal(n), "numerator": n, "denominator": None}


def figure(viewer, person, period: dt.date, code: str) -> dict:
    if code == "first_response_sla":
        return _sla(person, period, "first_response")
    if code == "resolution_sla":
        return _sla(person, period, "resolution")
    if code == "callback_rate":
        return _callbacks(person, period)
    if code == "csi":
        return _csi(viewer, person, period)
    if code == "satisfied_rate":
        return _csi(viewer, person, period, metric="satisfied")
    if code == "qa_score":
        return _qa(person, period)
    if code == "handled":
        return _handled(person, period)
    return _complaints(person, period, repeat=code == "repeat_complaints")


def live_indicators(viewer, evaluation: KpiEvaluation) -> list[dict]:
    """Each indicator of the evaluation's scheme version that the platform measures: its live
    value for the appraisee's month and, with a numeric target, the score that value earns."""
    out = []
    for ind in evaluation.scheme.indicators.all():
        code = live_rules.figure_of(ind.name)
        if code is None:
            continue
        got = figure(viewer, evaluation.person, evaluation.period, code)
        target = live_rules.parse_target(ind.target, live_rules.FIGURES[code])
        score = None
        if target is not None and got["value"] is not None:
            score = live_rules.indicator_score(got["value"], *target)
        out.append(
            {
                "indicator": ind.name,
                "figure": code,
                "formula": ind.formula,
                "weight": ind.weight,
                "target": ind.target,
                "unit": "%" if code in live_rules.PERCENT else "",
                **got,
                "score": score,
            }
        )
    return out


_NUMBERS = ("weight", "value", "score")


def has_live(scheme) -> bool:
    """Whether any indicator of the scheme version is one the platform measures (no query when
    the indicators are prefetched)."""
    return any(live_rules.figure_of(i.name) for i in scheme.indicators.all())


def freeze(live: list[dict]) -> list[dict]:
    """The live rows as stored in ``live_frozen`` when the evaluation is signed (JSON)."""
    return [
        {**row, **{k: None if row[k] is None else str(row[k]) for k in _NUMBERS}} for row in live
    ]


def thaw(frozen: list[dict]) -> list[dict]:
    return [
        {**row, **{k: None if row.get(k) is None else Decimal(row[k]) for k in _NUMBERS}}
        for row in frozen
    ]


def total_of(evaluation: KpiEvaluation, live: list[dict], evaluators_score) -> dict:
    """The evaluation's total from its live rows and the evaluators' weighted score
    (live_rules.combined_score), with the weight measured live and the weight the evaluators
    judge (a live indicator with nothing counted or no numeric target is judged)."""
    weights = sum((i.weight for i in evaluation.scheme.indicators.all()), Decimal(0))
    measured = sum((r["weight"] for r in live if r["score"] is not None), Decimal(0))
    parts = [(r["weight"], r["score"]) for r in live if r["score"] is not None]
    if weights - measured > 0:
        parts.append((weights - measured, None))
    return {
        "score": live_rules.combined_score(parts, evaluators_score),
        "measured_weight": measured,
        "judged_weight": weights - measured,
    }


def standing(viewer, evaluation: KpiEvaluation) -> dict:
    """What the evaluation's page and API show: a signed evaluation's frozen live rows and total;
    while it is being scored, the live values read now and the total they would give."""
    if evaluation.status == "signed":
        live = thaw(evaluation.live_frozen)
        out = total_of(evaluation, live, evaluation.evaluators_score)
        out["score"] = evaluation.score
    else:
        live = live_indicators(viewer, evaluation)
        out = total_of(evaluation, live, evaluation.evaluators_score)
    for row in live:
        row["counted"] = row["score"] is not None
    return {**out, "live": live, "evaluators_score": evaluation.evaluators_score}
