"""Server-side SVG: bars against a line per interval (pure, no Django import, no JavaScript).

``bars_and_line`` returns a complete ``<svg>`` element as text; every piece of text in it is
escaped here, so the caller may embed it in a page as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

HEIGHT = 220
PAD_LEFT = 36
PAD_BOTTOM = 28
PAD_TOP = 24
SLOT = 14  # px per interval


def bars_and_line(
    title: str,
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float],
    *,
    bar_name: str,
    line_name: str,
    chart_id: str = "chart",
) -> str:
    """Bars (e.g. required agents) and a stepped line (e.g. scheduled) over the same intervals;
    each interval carries a ``<title>`` with both numbers for screen readers and tooltips."""
    n = max(len(labels), 1)
    top = max([*bars, *line, 1])
    width = PAD_LEFT + SLOT * n + 8
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(v: float) -> float:
        return round(PAD_TOP + plot_h * (1 - v / top), 1)

    title_id = f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="kefu-chart" '
        f'viewBox="0 0 {width} {HEIGHT}" width="100%" id={quoteattr(chart_id)} '
        f"aria-labelledby={quoteattr(title_id)}>",
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f'<text x="{PAD_LEFT}" y="14" font-size="11" fill="currentColor">'
        f'<tspan fill="#9ec5fe">■</tspan> {escape(bar_name)}  '
        f'<tspan fill="#dc3545">━</tspan> {escape(line_name)}</text>',
        f'<line x1="{PAD_LEFT}" y1="{y(0)}" x2="{width - 8}" y2="{y(0)}" stroke="#adb5bd"></line>',
        f'<text x="{PAD_LEFT - 4}" y="{y(top) + 4}" font-size="10" text-anchor="end" '
        f'fill="currentColor">{top:g}</text>',
        f'<text x="{PAD_LEFT - 4}" y="{y(0) + 4}" font-size="10" text-anchor="end" '
        f'fill="currentColor">0</text>',
    ]
    for i, label in enumerate(labels):
        x = PAD_LEFT + i * SLOT
        b = bars[i] if i < len(bars) else 0
        v = line[i] if i < len(line) else 0
        tip = f"{label}: {bar_name} {b:g}, {line_name} {v:g}"
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<rect x="{x + 1}" y="{y(b)}" width="{SLOT - 2}" height="{round(y(0) - y(b), 1)}" '
            f'fill="#9ec5fe"></rect></g>'
        )
        if i % 4 == 0:
            parts.append(
                f'<text x="{x}" y="{HEIGHT - 10}" font-size="10" fill="currentColor">'
                f"{escape(label)}</text>"
            )
    points = []
    for i in range(len(labels)):
        v = line[i] if i < len(line) else 0
        x = PAD_LEFT + i * SLOT
        points.append(f"{x},{y(v)} {x + SLOT},{y(v)}")
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="#dc3545" '
            f'stroke-width="2"></polyline>'
        )
    parts.append("</svg>")
    return "".join(parts)
