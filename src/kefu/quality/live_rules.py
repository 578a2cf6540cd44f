"""KPI indicators the platform can measure itself (issue 18 §2 "live data"): which library
indicator reads which figure, whether more is better, and the score a value earns against the
indicator's target. Pure: no Django.

Score against a target (0–100, two decimals):
* more is better (rates, CSI, QA score, tickets handled): 100 at or above the target, else value ÷ target × 100;
* less is better (complaints): 100 at or below the target, else 100 less the excess as a share
  of the target (of 1 when the target is 0), never below 0 — target 1, value 2 → 0; target 2,
  value 3 → 50.
A target is written as "≥ 95 %", ">= 95", "≤ 1" or a bare number (the figure's direction).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# figure code → more is better
FIGURES = {
    "first_response_sla": True,
    "resolution_sla": True,
    "callback_rate": True,
    "csi": True,
    "qa_score": True,
    "complaints": False,
    "repeat_complaints": False,
    "handled": True,
    "satisfied_rate": True,
}
# figures that are a share in percent (the others are counts or points)
PERCENT = {"first_response_sla", "resolution_sla", "callback_rate", "csi", "satisfied_rate"}

# indicator names (the library's and their usual spellings) → figure code
NAMES = {
    "首次响应达标率": "first_response_sla",
    "首次响应 SLA 达标率": "first_response_sla",
    "SLA 达标率": "resolution_sla",
    "解决时限达标率": "resolution_sla",
    "回访率": "callback_rate",
    "客户满意度 CSI": "csi",
    "客户满意度": "csi",
    "CSI": "csi",
    "质检得分": "qa_score",
    "投诉数": "complaints",
    "重复投诉数": "repeat_complaints",
    "重复投诉": "repeat_complaints",
    "处理工单数": "handled",
    "工单处理量": "handled",
    "工作量": "handled",
    "客户满意率": "satisfied_rate",
    "满意率": "satisfied_rate",
}

_TARGET = re.compile(r"^\s*(≥|>=|≤|<=)?\s*(\d+(?:\.\d+)?)\s*%?\s*$")
CENT = Decimal("0.01")


def figure_of(name: str) -> str | None:
    return NAMES.get((name or "").strip())


def parse_target(text: str, more_is_better: bool) -> tuple[Decimal, bool] | None:
    """("≥ 95 %", True) → (95, True); a bare number takes the figure's direction; None when
    the target is not a number (a rating's words)."""
    match = _TARGET.match(text or "")
    if match is None:
        return None
    sign, number = match.groups()
    if sign in ("≥", ">="):
        more_is_better = True
    elif sign in ("≤", "<="):
        more_is_better = False
    return Decimal(number), more_is_better


def indicator_score(value: Decimal, target: Decimal, more_is_better: bool) -> Decimal:
    if more_is_better:
        if value >= target or target <= 0:
            return Decimal(100)
        return (value / target * 100).quantize(CENT, ROUND_HALF_UP)
    if value <= target:
        return Decimal(100)
    excess = (value - target) / (target if target > 0 else Decimal(1)) * 100
    return max(Decimal(0), (100 - excess).quantize(CENT, ROUND_HALF_UP))


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator in percent (two decimals); None when nothing was due."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator) * 100).quantize(CENT, ROUND_HALF_UP)
