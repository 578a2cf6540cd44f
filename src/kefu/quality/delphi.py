"""Delphi rounds of a competency model (CE-1): weights from the experts' importance ratings
(绝对重要 5 … 稍微重要 1) and their agreement per level. Pure: no Django.

A level-1 indicator's weight is its mean rating over the level's sum of means (× 100); a level-2
indicator's weight is the same within its level-1 group; combined = level 1 × level 2 ÷ 100 at
full precision (33.47 × 30.16 → 10.094552). Kendall's W (with tie correction) per level comes
from ``kendall``."""

from __future__ import annotations

from decimal import Decimal

from kefu.quality import kendall


def means(matrix: list[list[int]]) -> list[Decimal]:
    """Each column's mean rating (rows are experts)."""
    m = len(matrix)
    return [Decimal(sum(row[j] for row in matrix)) / m for j in range(len(matrix[0]))]


def normalised(values: list[Decimal]) -> list[Decimal]:
    """Each value's share of their sum, in percent (6 places)."""
    total = sum(values, Decimal(0))
    if total == 0:
        return [Decimal(0) for _ in values]
    return [(v * 100 / total).quantize(Decimal("0.000001")) for v in values]


def concordance(matrix: list[list[int]]) -> kendall.Concordance | None:
    """Kendall's W of one level's ratings; None with fewer than two experts or items."""
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    return kendall.kendall_w([[float(x) for x in row] for row in matrix])


def combined(first: Decimal, second: Decimal) -> Decimal:
    """Level 1 % × level 2 % ÷ 100, unrounded."""
    return first * second / 100
