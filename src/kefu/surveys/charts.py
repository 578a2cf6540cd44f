"""A small server-side SVG chart of CSI per group against its target. Pure: no Django import.

Every text is escaped here, so the caller may embed the result as markup. Colours are SVG
presentation attributes (the CSP forbids inline styles, not attributes)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

ROW = 24
LABEL_W = 130
BAR_W = 280
VALUE_W = 70
PAD = 6
MET, MISSED, NEUTRAL, TARGET = "#198754", "#dc3545", "#6c757d", "#212529"


def _fit(text: str, limit: int) -> str:
    def width(s: str) -> int:
        return sum(12 if ord(ch) > 0x2E80 else 7 for ch in s)

    if width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if width(out + ch + "…") > limit:
            break
        out += ch
    return out + "…"


def csi_chart(
    title: str,
    rows: Sequence[tuple[str, Decimal | None]],
    *,
    target: Decimal | None,
    target_label: str,
    chart_id: str = "csi-chart",
) -> str:
    """Horizontal bars of CSI (0–100 %) per label, green when at or above ``target``, red below,
    with the target drawn as a vertical line."""
    height = PAD * 2 + ROW * max(len(rows), 1) + (16 if target is not None else 0)
    width = LABEL_W + BAR_W + VALUE_W
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="kefu-chart" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f"aria-labelledby={quoteattr(title_id)} id={quoteattr(chart_id)}>",
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = PAD + i * ROW
        mid = y + ROW / 2 + 4
        bar = (
            float(round(BAR_W * min(max(value, Decimal(0)), Decimal(100)) / 100, 1))
            if value is not None
            else 0
        )
        colour = NEUTRAL
        if value is not None and target is not None:
            colour = MET if value >= target else MISSED
        shown = "—" if value is None else f"{value}%"
        parts.append(
            f"<g><title>{escape(f'{label}: {shown}')}</title>"
            f'<text x="{LABEL_W - PAD}" y="{mid}" text-anchor="end" font-size="12" '
            f'fill="currentColor">{escape(_fit(label, LABEL_W - PAD * 2))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{bar}" height="{ROW - 8}" rx="2" '
            f'fill="{colour}"></rect>'
            f'<text x="{LABEL_W + bar + PAD}" y="{mid}" font-size="12" '
            f'fill="currentColor">{escape(shown)}</text></g>'
        )
    if target is not None:
        x = LABEL_W + float(round(BAR_W * min(target, Decimal(100)) / 100, 1))
        bottom = PAD + ROW * max(len(rows), 1)
        parts.append(
            f'<line x1="{x}" y1="{PAD}" x2="{x}" y2="{bottom}" stroke="{TARGET}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"></line>'
            f'<text x="{x}" y="{bottom + 13}" text-anchor="middle" font-size="11" '
            f'fill="currentColor">{escape(target_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
