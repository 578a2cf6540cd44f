"""Kendall's coefficient of concordance W for Delphi rounds (CE-1), with the tie correction, its
χ² = m (n − 1) W, df = n − 1 and the p-value from the χ² survival function. Pure: math only.

Rows are raters (m), columns items (n); each rater's ratings (importance 1–5) become ranks,
tied ratings sharing the mean of their ranks. W = 12 S / (m² (n³ − n) − m Σ T), where S is the
squared deviation of the rank sums from their mean and T = Σ (t³ − t) over each rater's ties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Concordance:
    w: float
    chi2: float
    df: int
    p_value: float
    raters: int
    items: int


def ranks(values: list[float]) -> tuple[list[float], int]:
    """Ranks (1 = highest value), ties sharing their mean rank; and Σ (t³ − t) of the ties."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out = [0.0] * len(values)
    ties = 0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            out[order[k]] = mean_rank
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    return out, ties


def kendall_w(matrix: list[list[float]], *, tie_correction: bool = True) -> Concordance:
    m = len(matrix)
    if m < 2:
        raise ValueError("at least two raters (rows) are needed")
    n = len(matrix[0])
    if n < 2:
        raise ValueError("at least two items (columns) are needed")
    if any(len(row) != n for row in matrix):
        raise ValueError("every rater must rate the same number of items")
    sums = [0.0] * n
    ties_total = 0
    for row in matrix:
        r, t = ranks(row)
        ties_total += t
        for j in range(n):
            sums[j] += r[j]
    mean = m * (n + 1) / 2
    s = sum((x - mean) ** 2 for x in sums)
    denominator = m * m * (n**3 - n) - (m * ties_total if tie_correction else 0)
    w = 1.0 if denominator == 0 else 12 * s / denominator
    df = n - 1
    chi2 = m * df * w
    return Concordance(w=w, chi2=chi2, df=df, p_value=chi2_sf(chi2, df), raters=m, items=n)


def chi2_sf(x: float, df: int) -> float:
    """P(χ²_df ≥ x): the regularised upper incomplete gamma Q(df/2, x/2)."""
    if x <= 0:
        return 1.0
    return _gamma_q(df / 2, x / 2)


def _gamma_q(a: float, x: float) -> float:
    # Numerical Recipes §6.2: the series for x < a + 1, the continued fraction beyond
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(1000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-x + a * math.log(x) - math.lgamma(a)))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h
