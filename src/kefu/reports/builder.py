"""The report builder's engine (万能报表, RPT-11): a validated definition (``builder_defs``) run
as GROUP BY aggregates over the tickets in the viewer's scope (``selectors.scoped_tickets``,
the cockpit's scope), and ``drill`` — exactly the tickets one cell is computed from.

Every dimension gives a ticket exactly one key (the responsible unit is the unit the ticket
was first handed to; no unit is ``none``), so the cells of a dimension add up to the total.
Durations are hours from received to first response / resolution (the cockpit's definition);
the median and p90 are nearest-rank percentiles: PERCENTILE_DISC in PostgreSQL, a window
function (ROW_NUMBER over the group) on SQLite — both in the database. SLA met % is the
statement's rule (a stopped clock without a breach event). CSI and the satisfied rate come
from the survey answers to the tickets' invitations (surveys.metrics)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.reports import builder_defs as defs
from kefu.reports.cockpit import SecondsBetween
from kefu.reports.selectors import scoped_tickets
from kefu.tickets.models import Ticket

NONE = "none"
MAX_ROWS = 500  # cells of one report (two dimensions of 50 × 10 fit)
SPAN = {"frt": "first_response_at", "res": "resolved_at"}
PERCENTILE = {"median": 0.5, "p90": 0.9}
FRACTION = {"median": (1, 2), "p90": (9, 10)}  # the same, exactly
CLOCK = {"fr_sla_pct": "first_response", "res_sla_pct": "resolution"}
# the duration measures: (span, statistic) — res_sla_pct is an SLA measure, not a duration
TIMED = {f"{k}_{s}": (k, s) for k in ("frt", "res") for s in ("median", "avg", "p90")}
TRUNC = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}
PATHS = {  # dimension → field of the ticket (annotations for the time buckets and the unit)
    "business_line": "business_line_id",
    "team": "team_id",
    "agent": "assignee_id",
    "type": "type",
    "category": "category_id",
    "channel": "channel",
    "tier": "customer__tier",
}


@dataclass
class Result:
    definition: dict
    start: dt.date
    end: dt.date
    rows: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    truncated: bool = False


# -- the rows ---------------------------------------------------------------------------------


def _first_unit(ticket_ref: str = "pk"):
    from kefu.tickets.models_sla import Handoff

    return Subquery(
        Handoff.objects.filter(ticket_id=OuterRef(ticket_ref)).order_by("id").values("unit_id")[:1]
    )


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def base_qs(user, definition: dict, start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """The tickets received in [start, end] within the viewer's scope that match the filters."""
    f = definition["filters"]
    lo, hi = _bounds(start, end)
    qs = scoped_tickets(user).filter(created_at__gte=lo, created_at__lt=hi)
    exact = {
        "business_line": "business_line_id",
        "team": "team_id",
        "agent": "assignee_id",
        "category": "category_id",
        "type": "type",
        "channel": "channel",
        "tier": "customer__tier",
    }
    for key, path in exact.items():
        if key in f:
            qs = qs.filter(**{path: f[key]})
    return qs


def _keyed(qs: QuerySet, dims: list[str], prefix: str = "") -> QuerySet:
    """``qs`` with one annotation ``d_<dim>`` per dimension (``prefix`` leads from the model of
    ``qs`` to the ticket: survey answers reach it through their invitation)."""
    tz = timezone.get_current_timezone()
    notes = {}
    for d in dims:
        if d in TRUNC:
            notes[f"d_{d}"] = TRUNC[d](f"{prefix}created_at", tzinfo=tz)
        elif d == "unit":
            notes[f"d_{d}"] = _first_unit(f"{prefix}pk" if prefix else "pk")
        else:
            notes[f"d_{d}"] = F(prefix + PATHS[d])
    return qs.annotate(**notes)


def _key(value) -> str:
    if value is None:
        return NONE
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).date().isoformat()
            if timezone.is_aware(value)
            else (value.date().isoformat())
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _span(kind: str):
    return SecondsBetween(F(SPAN[kind]), F("created_at"))


def _breach(clock: str):
    from kefu.tickets.models_sla import Level, SlaEvent

    return Exists(
        SlaEvent.objects.filter(ticket_id=OuterRef("pk"), clock=clock, level__gte=Level.BREACH)
    )


def _clocked(clock: str):
    from kefu.tickets.models_sla import SlaClock

    return Exists(
        SlaClock.objects.filter(ticket_id=OuterRef("pk"), kind=clock, stopped_at__isnull=False)
    )


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile of an ordered set (NULLs ignored): the smallest
    value whose position is at least p·n, i.e. the ceil(p·n)-th of n."""

    function = "PERCENTILE_DISC"
    name = "PercentileDisc"
    template = "%(function)s(%(p)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, p: float, **extra):
        super().__init__(expression, p=float(p), **extra)


# -- the figures ------------------------------------------------------------------------------


def _aggregates(measures: list[str]) -> dict:
    """Aggregates computed in the one GROUP BY query (percentiles too on PostgreSQL)."""
    out: dict = {"n_count": Count("pk")}
    postgres = connection.vendor == "postgresql"
    for m in measures:
        kind, stat = TIMED.get(m, ("", ""))
        if kind:
            out[f"n_{kind}"] = Count("pk", filter=Q(**{f"{SPAN[kind]}__isnull": False}))
            if stat == "avg":
                out[f"v_{m}"] = Avg(_span(kind))
            elif postgres:
                out[f"v_{m}"] = PercentileDisc(_span(kind), PERCENTILE[stat])
        elif m in CLOCK:
            clocked = Q(_clocked(CLOCK[m]))
            out[f"n_{m}"] = Count("pk", filter=clocked)
            out[f"met_{m}"] = Count("pk", filter=clocked & ~Q(_breach(CLOCK[m])))
        elif m in ("csi", "satisfied"):
            out["n_answered"] = Count("pk", filter=Q(_answered()))
    return out


def _answered():
    from kefu.surveys.models import SurveyAnswer

    return Exists(
        SurveyAnswer.objects.filter(
            response__invitation__ticket_id=OuterRef("pk"),
            max_score__isnull=False,
            score__isnull=False,
        )
    )


def _percentiles_sqlite(qs: QuerySet, dims: list[str], wanted: dict[str, list[str]]) -> dict:
    """{"<duration>_<statistic>": {cell key: seconds}} of the percentiles on SQLite: per
    duration, ROW_NUMBER() and COUNT() over each group in the database, filtered to the rows
    near each nearest rank, which is then checked in exact integer arithmetic:
    rn·den ≥ num·n > (rn − 1)·den, i.e. rn = ceil(p·n). One query for every duration.

    The cells' keys and durations are computed once per ticket in a materialised CTE: written
    through the ORM, every window and every QUALIFY term repeated the key (a Python function
    per row on SQLite for a time bucket) and the duration — the service analysis spent 1.6 s of
    2 s there at 3,000 tickets."""
    keys = [f"d_{d}" for d in dims]
    spans = {f"span_{kind}": _span(kind) for kind in wanted}
    inner = qs.annotate(**spans).values("pk", *keys, *spans).order_by()
    convert = {k: _converter(inner.query.annotations[k]) for k in keys}
    sql, params = inner.query.get_compiler(using=qs.db).as_sql()
    quote = connection.ops.quote_name
    cols = "".join(f"{quote(k)}, " for k in keys)
    part = f"PARTITION BY {', '.join(quote(k) for k in keys)}" if keys else ""
    branches = []
    for kind, stats in wanted.items():
        span = quote(f"span_{kind}")
        near = " OR ".join(
            f'("rn" >= "n" * {num / den!r} - 1 AND "rn" <= "n" * {num / den!r} + 1)'
            for num, den in (FRACTION[stat] for stat in stats)
        )
        # names and constants only (see the query below): reviewed for B608
        branches.append(
            f'SELECT {cols}\'{kind}\', "span", "rn", "n" FROM (SELECT {cols}{span} AS "span", '  # nosec B608
            f'ROW_NUMBER() OVER ({part} ORDER BY {span}, "pk") AS "rn", '
            f'COUNT(*) OVER ({part}) AS "n" FROM "cells" WHERE {span} IS NOT NULL) WHERE {near}'
        )
    # the SQL is the ORM's (its values bound as parameters), the names the validated dimensions'
    # and durations' and the constants FRACTION's: nothing of the request is spliced in
    query = f'WITH "cells" AS MATERIALIZED ({sql}) ' + " UNION ALL ".join(branches)  # nosec B608
    out: dict = {f"{kind}_{stat}": {} for kind, stats in wanted.items() for stat in stats}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for *values, kind, span, rn, n in cursor.fetchall():
            key = tuple(_key(convert[k](v)) for k, v in zip(keys, values, strict=True))
            for stat in wanted[kind]:
                num, den = FRACTION[stat]
                if rn * den >= num * n > (rn - 1) * den:
                    out[f"{kind}_{stat}"][key] = span
    return out


def _converter(expression):
    """The ORM's conversion of a raw value of ``expression`` (a time bucket's text → an aware
    datetime), as a query through the ORM would have applied it."""
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )

    def convert(value):
        for c in converters:
            value = c(value, expression, connection)
        return value

    return convert


def _answers(tickets: QuerySet, dims: list[str]) -> dict[tuple, dict]:
    """{cell key: {"csi", "satisfied", "answers"}}: the scored answers to the invitations of
    ``tickets``, summed per cell and question in the database, combined by surveys.metrics."""
    from kefu.surveys import metrics
    from kefu.surveys.models import SurveyAnswer

    prefix = "response__invitation__ticket__"
    qs = SurveyAnswer.objects.filter(
        response__invitation__ticket__in=tickets.values("pk"),
        max_score__isnull=False,
        score__isnull=False,
    )
    keys = [f"d_{d}" for d in dims]
    rows = (
        _keyed(qs, dims, prefix)
        .values(*keys, "question_id", "dimension", "max_score")
        .annotate(
            count=Count("id"),
            total=Sum("score"),
            top_two=Count("id", filter=Q(score__gte=F("max_score") - 1)),
        )
        .order_by()
    )
    stats: dict[tuple, list] = {}
    for r in rows:
        stats.setdefault(tuple(_key(r[k]) for k in keys), []).append(
            metrics.QuestionStat(
                question_id=r["question_id"],
                dimension=r["dimension"],
                max_score=r["max_score"],
                count=r["count"],
                total=r["total"] or 0,
                top_two=r["top_two"],
            )
        )
    out = {}
    for key, group in stats.items():
        m = metrics.compute(group)
        out[key] = {"csi": _num(m.csi), "satisfied": _num(m.satisfied), "answers": m.answers}
    return out


def _num(value) -> float | None:
    return None if value is None else float(value)


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _cells(user, definition: dict, start, end, dims: list[str]) -> tuple[dict, bool]:
    """{cell key: {measure: value, "n_<measure>": rows it is computed from}} for ``dims``
    (all of the definition's dimensions, or none for the total)."""
    measures = definition["measures"]
    qs = _keyed(base_qs(user, definition, start, end), dims)
    keys = [f"d_{d}" for d in dims]
    if keys:
        grouped = qs.values(*keys).annotate(**_aggregates(measures)).order_by(*keys)
        rows = list(grouped[: MAX_ROWS + 1])
    else:
        rows = [qs.aggregate(**_aggregates(measures))]
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    percent = {}
    if connection.vendor != "postgresql":
        wanted: dict[str, list[str]] = {}
        for m in measures:
            kind, stat = TIMED.get(m, ("", ""))
            if kind and stat in PERCENTILE:
                wanted.setdefault(kind, []).append(stat)
        if wanted:
            percent = _percentiles_sqlite(qs, dims, wanted)
    answers = (
        _answers(base_qs(user, definition, start, end), dims)
        if ({"csi", "satisfied"} & set(measures))
        else {}
    )
    out = {}
    for r in rows:
        key = tuple(_key(r[k]) for k in keys)
        cell = {"count": r["n_count"], "n_count": r["n_count"]}
        for m in measures:
            kind, stat = TIMED.get(m, ("", ""))
            if kind:
                cell[f"n_{m}"] = r[f"n_{kind}"]
                value = percent[m].get(key) if m in percent else r.get(f"v_{m}")
                cell[m] = _hours(value)
            elif m in CLOCK:
                cell[f"n_{m}"] = r[f"n_{m}"]
                cell[f"met_{m}"] = r[f"met_{m}"]
                cell[m] = _pct(r[f"met_{m}"], r[f"n_{m}"])
            elif m in ("csi", "satisfied"):
                a = answers.get(key, {})
                cell[m] = a.get(m)
                cell[f"n_{m}"] = r["n_answered"]
                cell["answers"] = a.get("answers", 0)
        out[key] = cell
    return out, truncated


def run(user, definition: dict, *, today: dt.date | None = None) -> Result:
    """The report: one row per cell (keys, labels, values) and the total over every row."""
    today = today or timezone.localdate()
    start, end = defs.period_of(definition, today)
    dims = definition["dimensions"]
    cells, truncated = _cells(user, definition, start, end, dims)
    total, _t = _cells(user, definition, start, end, [])
    labels = labels_for(dims, cells)
    rows = [
        {
            "keys": dict(zip(dims, key, strict=True)),
            "labels": [labels[d].get(k, k) for d, k in zip(dims, key, strict=True)],
            "values": cell,
        }
        for key, cell in cells.items()
    ]
    return Result(definition, start, end, rows, total.get((), {}), truncated)


def labels_for(dims: list[str], cells: dict) -> dict[str, dict[str, str]]:
    """{dimension: {key: label}} for the keys present: names looked up once per dimension."""
    from kefu.accounts.models import BusinessLine, Team, User
    from kefu.customers.models import Tier
    from kefu.tickets.models import Category, Channel, TicketType
    from kefu.tickets.models_sla import ResponsibleUnit

    out: dict[str, dict[str, str]] = {}
    models = {
        "business_line": BusinessLine,
        "team": Team,
        "agent": User,
        "category": Category,
        "unit": ResponsibleUnit,
    }
    choices = {"type": TicketType, "channel": Channel, "tier": Tier}
    for i, d in enumerate(dims):
        present = {key[i] for key in cells}
        names: dict[str, str] = {}
        if d in models:
            ids = [int(k) for k in present if k != NONE]
            found = models[d].objects.filter(pk__in=ids)
            names = {str(row.pk): row.name for row in found}
        elif d in choices:
            names = {k: str(v) for k, v in choices[d].choices}
        elif d == "week":
            names = {k: _("Week of %(day)s") % {"day": k} for k in present if k != NONE}
        elif d == "month":
            names = {k: k[:7] for k in present if k != NONE}
        names[NONE] = {"agent": _("Unassigned"), "unit": _("No unit")}.get(d, _("(none)"))
        out[d] = names
    return out


# -- the rows behind a cell -------------------------------------------------------------------


def _cell_filter(qs: QuerySet, d: str, key: str) -> QuerySet:
    if d in TRUNC:
        if key == NONE:
            return qs.none()
        try:
            day = dt.date.fromisoformat(key)
        except ValueError:
            raise _bad_cell() from None
        if not 2000 <= day.year <= 2999:
            raise _bad_cell()
        last = {
            "day": day,
            "week": day + dt.timedelta(days=6),
            "month": (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            - dt.timedelta(days=1),
        }[d]
        lo, hi = _bounds(day, last)
        return qs.filter(created_at__gte=lo, created_at__lt=hi)
    path = f"d_{d}" if d == "unit" else PATHS[d]
    if key == NONE:
        return qs.filter(**{f"{path}__isnull": True})
    if d in ("business_line", "team", "agent", "category", "unit"):
        try:
            return qs.filter(**{path: defs._id(key, d)})
        except Invalid:
            raise _bad_cell() from None
    return qs.filter(**{path: key})


def _bad_cell() -> Invalid:
    return Invalid(_("Choose a cell of the report."), fields={"cell": _("Not valid.")})


def drill(user, definition: dict, cell: dict[str, str], measure: str, *, today=None) -> QuerySet:
    """Exactly the tickets the figure of ``measure`` in ``cell`` ({dimension: key}; {} for the
    total) is computed from: all of them for the count, the answered / resolved ones for the
    times, the ones whose clock stopped for SLA met %, the ones with scored answers for CSI."""
    if measure not in definition["measures"] and measure != "count":
        raise Invalid(_("Choose a measure of the report."), fields={"measure": _("Not valid.")})
    if any(d not in definition["dimensions"] for d in cell):
        raise _bad_cell()
    start, end = defs.period_of(definition, today or timezone.localdate())
    qs = base_qs(user, definition, start, end)
    if "unit" in cell:
        qs = qs.annotate(d_unit=_first_unit())
    for d, key in cell.items():
        qs = _cell_filter(qs, d, key)
    kind = TIMED.get(measure, ("", ""))[0]
    if kind:
        return qs.filter(**{f"{SPAN[kind]}__isnull": False})
    if measure in CLOCK:
        return qs.filter(_clocked(CLOCK[measure]))
    if measure in ("csi", "satisfied"):
        return qs.filter(_answered())
    return qs
