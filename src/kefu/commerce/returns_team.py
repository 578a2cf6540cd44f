"""The returns team's figures (RET-9). Pure: no Django.

- 补发准确率 (reshipment accuracy) = reshipments found correct ÷ all reshipments sent in the
  period, in percent; a reshipment not yet checked counts in the whole, not in the part.
- Turnaround of a reshipment = sent − requested, in hours; the period's median.
- Refund completion per specialist: the refunds a specialist submitted that finance approved in
  the period, and the median hours from the refund's review to its approval; ranked by count,
  most first (a shorter median breaks no tie: ties share a rank, §9.10 "ties share a rank"), the
  next rank skipping the shared places (1, 1, 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from kefu.core.ranking import ranked


def accuracy(correct: int, total: int) -> Decimal | None:
    """correct ÷ total in percent, one decimal; None without reshipments."""
    if not total:
        return None
    return (Decimal(correct) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def hours(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.01"))


def median_hours(spans: list[tuple[dt.datetime, dt.datetime]]) -> Decimal | None:
    """The median of (end − start) in hours, two decimals; None without spans."""
    if not spans:
        return None
    values = [Decimal((end - start).total_seconds()) / 3600 for start, end in spans]
    return Decimal(median(values)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class SpecialistRow:
    rank: int
    user_id: int
    name: str
    completed: int
    median_hours: Decimal | None


def rank_specialists(rows: list[tuple[int, str, int, Decimal | None]]) -> list[SpecialistRow]:
    """``(user_id, name, completed, median_hours)`` → ranked rows, most completed first; equal
    counts share a rank and the next rank skips (1, 1, 3); among equals, by name."""
    ordered = sorted(rows, key=lambda r: (-r[2], r[1], r[0]))
    return [SpecialistRow(rank, *row) for rank, row in ranked(ordered, key=lambda r: r[2])]
