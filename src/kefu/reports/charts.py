"""Server-side SVG bar charts (pure, no Django import): no JavaScript, no CDN.

``bar_chart`` returns a complete ``<svg>`` element as text. Every piece of text in it is
escaped here, so the caller may embed it in a page as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

ROW = 26  # px per bar
LABEL_W = 120  # px for the category labels on the left
BAR_W = 260  # px for the longest bar
VALUE_W = 60  # px for the number after each bar
PAD = 6


def _width(text: str) -> float:
    """Approximate rendered width in px at 12px: CJK characters are twice as wide as Latin."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text)


def _fit(text: str, limit: float) -> str:
    if _width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if _width(out + ch + "…") > limit:
            break
        out += ch
    return out + "…"


def bar_chart(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    chart_id: str = "chart",
    description: str = "",
) -> str:
    """A horizontal bar chart of (label, value) pairs, each bar labelled with its number.

    The chart carries ``<title>`` (and ``<desc>`` when given) and is labelled by them, so
    screen readers announce it; each bar also has its own ``<title>`` ("label: value")."""
    top = max((v for _, v in items), default=0) or 1
    height = PAD * 2 + ROW * max(len(items), 1)
    width = LABEL_W + BAR_W + VALUE_W
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    labelled = title_id + (f" {desc_id}" if description else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="kefu-chart" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f"aria-labelledby={quoteattr(labelled)} id={quoteattr(chart_id)}>",
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
    ]
    if description:
        parts.append(f"<desc id={quoteattr(desc_id)}>{escape(description)}</desc>")
    for i, (label, value) in enumerate(items):
        y = PAD + i * ROW
        bar = round(BAR_W * value / top, 1) if value > 0 else 0
        mid = y + ROW / 2 + 4
        parts.append(
            "<g>"
            f"<title>{escape(f'{label}: {value}')}</title>"
            f'<text x="{LABEL_W - PAD}" y="{mid}" text-anchor="end" font-size="12" '
            f'class="bar-label" fill="currentColor">{escape(_fit(label, LABEL_W - PAD * 2))}</text>'
            f'<rect class="bar" x="{LABEL_W}" y="{y + 4}" width="{bar}" height="{ROW - 8}" '
            f'rx="2" fill="#0d6efd"></rect>'
            f'<text x="{LABEL_W + bar + PAD}" y="{mid}" font-size="12" class="bar-label" '
            f'fill="currentColor">{value}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
