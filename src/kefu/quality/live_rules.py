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


def combined_score(
    indicators: list[tuple[Decimal, Decimal | None]], evaluators: Decimal | None
) -> Decimal | None:
    """An evaluation's total (0–100, two decimals) from its scheme's indicators: each
    ``(weight, live score)``, the live score None for an indicator the platform does not measure
    (a rating, a target that is not a number, nothing counted this month). A measured indicator
    counts with its own score; the evaluators' weighted score stands for all the others, in
    proportion to their weight:

        total = (Σ measured weight × live score + unmeasured weight × evaluators' score) ÷ Σ weight

    so with no indicator measured it is the evaluators' score (KPI-2: 80 × 30 % + 90 × 70 % =
    87), and with 60 % measured at 50 and 40 % judged 90 it is 30 + 36 = 66. None while the
    unmeasured part waits for an evaluator."""
    parts = [(Decimal(str(w)), s) for w, s in indicators]
    total_weight = sum((w for w, _s in parts), Decimal(0))
    measured = sum((w * Decimal(str(s)) for w, s in parts if s is not None), Decimal(0))
    judged = sum((w for w, s in parts if s is None), Decimal(0))
    if total_weight <= 0:
        return None if evaluators is None else Decimal(str(evaluators)).quantize(CENT)
    if judged > 0:
        if evaluators is None:
            return None
        measured += judged * Decimal(str(evaluators))
    return (measured / total_weight).quantize(CENT, ROUND_HALF_UP)
