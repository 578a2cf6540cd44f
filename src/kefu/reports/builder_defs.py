"""The report builder's vocabulary (万能报表, RPT-11) and the pure validation of a report's
definition: dimensions, measures, filters, chart. No database access here, so the same
function checks a saved definition, the page's query string and the API's parameters.

A definition is plain JSON::

    {"dimensions": ["month", "team"], "measures": ["count", "frt_median"],
     "filters": {"from": "2026-11-01", "to": "2026-11-30", "type": "complaint"},
     "chart": "bar"}

Without ``from``/``to`` the period is the last ``days`` days (default 30) up to today; a
delivered report replaces the period with the last full week or month.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext

from kefu.core.errors import Invalid

TIME_DIMENSIONS = ("day", "week", "month")
DIMENSIONS = (*TIME_DIMENSIONS, "business_line", "team", "agent", "type", "category")
DIMENSIONS += ("channel", "unit", "tier")
MEASURES = (
    "count",
    "frt_median",
    "frt_avg",
    "frt_p90",
    "res_median",
    "res_avg",
    "res_p90",
    "fr_sla_pct",
    "res_sla_pct",
    "csi",
    "satisfied",
)
CHARTS = ("bar", "line")
FILTERS = ("from", "to", "days", "business_line", "team", "agent", "type", "channel")
FILTERS += ("category", "tier")
ID_FILTERS = ("business_line", "team", "agent", "category")
MAX_DIMENSIONS = 2
MAX_MEASURES = 8
MAX_DAYS = 366 * 3  # the longest period one report reads
DEFAULT_DAYS = 30
MIN_YEAR, MAX_YEAR = 2000, 2999
NAME_MAX = 100


def dimension_words() -> dict[str, str]:
    return {
        "day": pgettext("time bucket", "Day"),
        "week": pgettext("time bucket", "Week"),
        "month": pgettext("time bucket", "Month"),
        "business_line": _("Business line"),
        "team": _("Team"),
        "agent": _("Agent"),
        "type": _("Ticket type"),
        "category": _("Category"),
        "channel": _("Channel"),
        "unit": _("Responsible unit"),
        "tier": _("Customer tier"),
    }


def measure_words() -> dict[str, str]:
    return {
        "count": _("Tickets"),
        "frt_median": _("First response, median (h)"),
        "frt_avg": _("First response, average (h)"),
        "frt_p90": _("First response, p90 (h)"),
        "res_median": _("Resolution, median (h)"),
        "res_avg": _("Resolution, average (h)"),
        "res_p90": _("Resolution, p90 (h)"),
        "fr_sla_pct": _("First response within SLA (%)"),
        "res_sla_pct": _("Resolution within SLA (%)"),
        "csi": _("CSI (%)"),
        "satisfied": _("Satisfied rate (%)"),
    }


def _bad(field: str, message) -> Invalid:
    return Invalid(message, fields={field: message})


def parse_day(text, field: str) -> dt.date:
    """``YYYY-MM-DD`` within 2000…2999, else Invalid naming ``field``."""
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except (TypeError, ValueError):
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _bad(field, _("Enter a date such as 2026-11-30."))
    return day


def _list(value, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(field, _("Not a list of names."))
    return [v.strip() for v in value if v.strip()]


def _choice_values() -> dict[str, tuple[str, ...]]:
    from kefu.customers.models import Tier
    from kefu.tickets.models import Channel, TicketType

    return {"type": tuple(TicketType.values), "channel": tuple(Channel.values)} | {
        "tier": tuple(Tier.values)
    }


def validate(data) -> dict:
    """The definition, checked and normalised (unknown keys dropped, ids as ints, dates as
    ISO text); Invalid with a message naming the first bad part otherwise."""
    if not isinstance(data, dict):
        raise _bad("definition", _("The report's definition is not valid."))
    dims = _list(data.get("dimensions"), "dimensions")
    if not dims:
        raise _bad("dimensions", _("Choose at least one dimension."))
    if len(dims) > MAX_DIMENSIONS or len(set(dims)) != len(dims):
        raise _bad("dimensions", _("Choose one or two different dimensions."))
    for d in dims:
        if d not in DIMENSIONS:
            raise _bad("dimensions", _("Unknown dimension: %(name)s") % {"name": d[:40]})
    measures = _list(data.get("measures"), "measures")
    if not measures:
        raise _bad("measures", _("Choose at least one measure."))
    if len(measures) > MAX_MEASURES:
        raise _bad("measures", _("Choose at most %(n)d measures.") % {"n": MAX_MEASURES})
    for m in measures:
        if m not in MEASURES:
            raise _bad("measures", _("Unknown measure: %(name)s") % {"name": m[:40]})
    chart = data.get("chart") or "bar"
    if chart not in CHARTS:
        raise _bad("chart", _("Choose a bar or a line chart."))
    return {
        "dimensions": dims,
        "measures": list(dict.fromkeys(measures)),
        "filters": _filters(data.get("filters") or {}),
        "chart": chart,
    }


def _filters(raw) -> dict:
    if not isinstance(raw, dict):
        raise _bad("filters", _("The report's filters are not valid."))
    unknown = [k for k in raw if k not in FILTERS]
    if unknown:
        raise _bad("filters", _("Unknown filter: %(name)s") % {"name": str(unknown[0])[:40]})
    out: dict = {}
    choices = _choice_values()
    for key in FILTERS:
        value = raw.get(key)
        if value in (None, ""):
            continue
        if key in ("from", "to"):
            out[key] = parse_day(value, key).isoformat()
        elif key == "days":
            out[key] = _days(value)
        elif key in ID_FILTERS:
            out[key] = _id(value, key)
        elif str(value) not in choices[key]:
            raise _bad(key, _("Not a valid choice: %(value)s") % {"value": str(value)[:40]})
        else:
            out[key] = str(value)
    if ("from" in out) != ("to" in out):
        raise _bad("to", _("Enter both the first and the last day of the period."))
    if "from" in out:
        start, end = dt.date.fromisoformat(out["from"]), dt.date.fromisoformat(out["to"])
        if end < start:
            raise _bad("to", _("The last day is before the first day."))
        if (end - start).days >= MAX_DAYS:
            raise _bad("to", _("Choose a period of at most three years."))
        out.pop("days", None)
    return out


def _days(value) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= MAX_DAYS:
        raise _bad("days", _("Enter a number of days from 1 to %(n)d.") % {"n": MAX_DAYS})
    return n


def _id(value, field: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 2**31 - 1:
        raise _bad(field, _("Not a valid choice: %(value)s") % {"value": str(value)[:40]})
    return n


def from_query(params) -> dict:
    """A definition from a query string: ``dim`` and ``m`` repeated, the filters by name."""
    return validate(
        {
            "dimensions": params.getlist("dim"),
            "measures": params.getlist("m"),
            "filters": {k: params.get(k) for k in FILTERS if params.get(k) not in (None, "")},
            "chart": params.get("chart") or "bar",
        }
    )


def to_query(definition: dict) -> list[tuple[str, str]]:
    """The query string of a definition (the page's form and its links)."""
    pairs = [("dim", d) for d in definition["dimensions"]]
    pairs += [("m", m) for m in definition["measures"]]
    pairs += [(k, str(v)) for k, v in definition["filters"].items()]
    return [*pairs, ("chart", definition.get("chart", "bar"))]


def period_of(definition: dict, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) the definition reads."""
    f = definition["filters"]
    if "from" in f:
        return dt.date.fromisoformat(f["from"]), dt.date.fromisoformat(f["to"])
    days = f.get("days", DEFAULT_DAYS)
    return today - dt.timedelta(days=days - 1), today


def last_full(frequency: str, at: dt.date) -> tuple[dt.date, dt.date]:
    """The last full week (Monday…Sunday) or calendar month before ``at``."""
    if frequency == "weekly":
        monday = at - dt.timedelta(days=at.weekday())
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    first = at.replace(day=1)
    last = first - dt.timedelta(days=1)
    return last.replace(day=1), last


def for_period(definition: dict, start: dt.date, end: dt.date) -> dict:
    """The definition with its period replaced by [start, end]."""
    filters = {k: v for k, v in definition["filters"].items() if k not in ("from", "to", "days")}
    filters |= {"from": start.isoformat(), "to": end.isoformat()}
    return {**definition, "filters": filters}


# The analyses of RPT-11 (employee, product/type, campaign/channel, customer, service, unit),
# shipped as built-in shared reports (migration 0005 and ``builder_services.ensure_builtins``).
BUILTINS = (
    (
        "employee",
        gettext_noop("Employee analysis"),
        {
            "dimensions": ["agent"],
            "measures": ["count", "frt_median", "res_median", "fr_sla_pct", "csi"],
            "filters": {"days": 30},
            "chart": "bar",
        },
    ),
    (
        "product",
        gettext_noop("Product and ticket type analysis"),
        {
            "dimensions": ["category", "type"],
            "measures": ["count", "res_median", "satisfied"],
            "filters": {"days": 30},
            "chart": "bar",
        },
    ),
    (
        "campaign",
        gettext_noop("Campaign and channel analysis"),
        {
            "dimensions": ["channel", "month"],
            "measures": ["count", "fr_sla_pct"],
            "filters": {"days": 90},
            "chart": "bar",
        },
    ),
    (
        "customer",
        gettext_noop("Customer tier analysis"),
        {
            "dimensions": ["tier"],
            "measures": ["count", "res_avg", "csi", "satisfied"],
            "filters": {"days": 90},
            "chart": "bar",
        },
    ),
    (
        "service",
        gettext_noop("Service analysis"),
        {
            "dimensions": ["week"],
            "measures": [
                "count",
                "frt_median",
                "frt_p90",
                "res_median",
                "res_p90",
                "fr_sla_pct",
                "res_sla_pct",
            ],
            "filters": {"days": 90},
            "chart": "line",
        },
    ),
    (
        "unit",
        gettext_noop("Responsible unit analysis"),
        {
            "dimensions": ["unit"],
            "measures": ["count", "res_median", "res_p90"],
            "filters": {"days": 90, "type": "complaint"},
            "chart": "bar",
        },
    ),
)

FREQUENCIES = (("weekly", gettext_lazy("Weekly")), ("monthly", gettext_lazy("Monthly")))
