"""Deduction scorecards and KPI arithmetic (§9.8, KPI-1, KPI-2). Pure: no Django.

A person starts a period at ``base`` (100) points; every event deducts its points; the score is
never below 0. Corrections are adjustments (negative deductions) recorded like any event.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

BASE = Decimal("100")
ZERO = Decimal("0")


def deduction_score(deductions: Iterable, base: Decimal = BASE) -> Decimal:
    """``base`` minus every deduction (points × quantity already multiplied), never below 0."""
    total = sum((Decimal(str(d)) for d in deductions), ZERO)
    return max(ZERO, Decimal(str(base)) - total)


def evaluator_score(parts: Iterable[tuple]) -> Decimal:
    """The weighted score of several evaluators: Σ score × weight% (KPI-2: self 30 % + shop
    manager 70 %: 80 and 90 → 87). The weights must sum to 100."""
    parts = [(Decimal(str(s)), Decimal(str(w))) for s, w in parts]
    if sum(w for _s, w in parts) != 100:
        raise ValueError("weights must sum to 100")
    return sum((s * w / 100 for s, w in parts), ZERO)


def present_weighted_score(parts: Iterable[tuple]) -> Decimal:
    """Σ score × weight ÷ Σ weight over the evaluators an appraisee actually has (PM-2 in a
    team's cycle): a type the appraisee lacks — an agent has no subordinates, a team lead no
    peer among the team's agents — leaves the other weights in proportion. With every type
    present it is ``evaluator_score`` (self 80 × 30 % + manager 90 × 70 % = 87)."""
    parts = [(Decimal(str(s)), Decimal(str(w))) for s, w in parts]
    total = sum((w for _s, w in parts), ZERO)
    if total <= 0:
        raise ValueError("no evaluator with a weight")
    return sum((s * w for s, w in parts), ZERO) / total


def ratio_percent(numerator, denominator, places: int = 2) -> Decimal | None:
    """numerator ÷ denominator as a percentage (KPI-1 咨询转化率 = orders ÷ enquiries:
    42 ÷ 1,459 = 2.88 %); None without a denominator."""
    if not denominator:
        return None
    value = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def typed_weighted_score(rows: Iterable[tuple]) -> Decimal:
    """An appraisee's score from ``(evaluator type, score, type weight)`` rows where a type may
    have several evaluators (PM-2 下级: every agent of the lead's team, or a sample, files their
    own score): each type's score is the mean of its evaluators', then the types are weighted as
    in ``present_weighted_score``. Subordinates 60, 80, 100 count as one 80."""
    by_type: dict[str, list[Decimal]] = {}
    weight_of: dict[str, Decimal] = {}
    for kind, score, weight in rows:
        by_type.setdefault(kind, []).append(Decimal(str(score)))
        weight_of[kind] = Decimal(str(weight))
    return present_weighted_score(
        (sum(scores, ZERO) / len(scores), weight_of[kind]) for kind, scores in by_type.items()
    )
