"""Chart options for Apache ECharts (pure, no Django import): the pages embed an option as JSON
(``json_script``) and ``reports/charts.js`` draws it with the ECharts build that `make install`
fetched from the npm registry into the static files. No CDN; the chart renders offline.

Every label and value travels as JSON data, never as markup, so nothing here needs escaping.
"""

from __future__ import annotations

from collections.abc import Sequence

BAR_COLOUR = "#0d6efd"
ROW_PX = 30  # height per bar of a horizontal bar chart
PAD_PX = 40


def bar_option(title: str, items: Sequence[tuple[str, float | int | None]], *, unit: str = ""):
    """A horizontal bar chart of (label, value) pairs, largest first from the top as given,
    each bar labelled with its value (and ``unit``)."""
    labels = [str(label) for label, _v in items]
    values = [v for _l, v in items]
    return {
        "aria": {"enabled": True, "label": {"description": title}},
        "animation": False,
        "grid": {"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "axisLabel": {"show": False}, "splitLine": {"show": False}},
        "yAxis": {"type": "category", "inverse": True, "data": labels},
        "series": [
            {
                "type": "bar",
                "name": title,
                "data": values,
                "itemStyle": {"color": BAR_COLOUR},
                "label": {
                    "show": True,
                    "position": "right",
                    "formatter": "{c}" + (f" {unit}" if unit else ""),
                },
            }
        ],
    }


def chart(chart_id: str, title: str, items: Sequence[tuple[str, float | int | None]], **kw):
    """What the ``reports/_chart.html`` include needs: ids, title, the option, the rows (for the
    text alternative) and a height that fits the bars."""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": title,
        "items": list(items),
        "option": bar_option(title, items, **kw),
        "height": PAD_PX + ROW_PX * max(len(items), 1),
    }
