"""A builder report as .xlsx (core.xlsx's safe rows, so no label runs as a formula), as the
plain-text table of its e-mail, and its ECharts option (bar or line by the first dimension)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.xlsx import safe_row
from kefu.reports import builder_defs as defs
from kefu.reports.exports import XLSX  # noqa: F401  (re-exported for the mail and the views)

MAX_SERIES = 8


def headers(result) -> list[str]:
    dims, measures = defs.dimension_words(), defs.measure_words()
    d = result.definition
    return [dims[x] for x in d["dimensions"]] + [measures[m] for m in d["measures"]]


def table(result) -> list[list]:
    """The rows as shown: labels then values, and the total last."""
    measures = result.definition["measures"]
    rows = [list(r["labels"]) + [r["values"].get(m) for m in measures] for r in result.rows]
    if result.total:
        pad = [""] * (len(result.definition["dimensions"]) - 1)
        rows.append([_("Total"), *pad] + [result.total.get(m) for m in measures])
    return rows


def _show(value) -> str:
    return "—" if value is None else str(value)


def period_text(result) -> str:
    return _("%(start)s to %(end)s") % {"start": result.start, "end": result.end}


def xlsx(result, *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="1")
    sheet.append(safe_row([title]))
    sheet.append(safe_row([_("Period"), period_text(result)]))
    sheet.append(safe_row(headers(result)))
    for row in table(result):
        sheet.append(safe_row(["" if v is None else v for v in row]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_table(result) -> str:
    lines = [period_text(result), "\t".join(headers(result))]
    lines += ["\t".join(_show(v) for v in row) for row in table(result)]
    if not result.rows:
        lines.append(_("No tickets in this period."))
    return "\n".join(lines)


def chart(result, chart_id: str = "chart-builder") -> dict:
    """The first measure by the first dimension; with a second dimension one series per value
    of it (at most MAX_SERIES, the largest first)."""
    from kefu.reports.charts import BAR_COLOUR

    d = result.definition
    measure = d["measures"][0]
    title = defs.measure_words()[measure]
    categories: list[str] = []
    series: dict[str, dict[str, object]] = {}
    for r in result.rows:
        x = r["labels"][0]
        if x not in categories:
            categories.append(x)
        name = r["labels"][1] if len(r["labels"]) > 1 else title
        series.setdefault(name, {})[x] = r["values"].get(measure)
    names = sorted(series, key=lambda n: -sum(v or 0 for v in series[n].values()))[:MAX_SERIES]
    kind = d.get("chart", "bar")
    option = {
        "aria": {"enabled": True, "label": {"description": title}},
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"show": len(names) > 1, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "name": title},
        "series": [
            {
                "type": kind,
                "name": name,
                "data": [
                    series[name].get(x, 0 if measure == "count" else None) for x in categories
                ],
                "connectNulls": True,
                **({"itemStyle": {"color": BAR_COLOUR}} if len(names) == 1 else {}),
            }
            for name in names
        ],
    }
    items = [(x, series[names[0]].get(x)) for x in categories] if names else []
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": title,
        "items": items,
        "option": option,
        "height": 320,
    }
