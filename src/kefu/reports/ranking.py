"""Unit complaint ranking (RNK-4, decision §9.10) and the frozen-figure comparison. Pure: no
Django import.

- complaint ratio = complaints ÷ the unit's base for the month (subscriptions, households,
  orders, vehicles); shown as a percentage with two places (12 ÷ 4,000 = 0.003 → 0.30 %).
- Units are ranked lowest ratio first; equal ratios share a rank and the next rank skips
  (12/4,000 and 6/2,000 share rank 1, 5/1,000 ranks 3: standard competition ranking).
- A unit without a base (none entered, or 0) has no ratio and no rank (shown 无基数).
- A change on last month is the difference of the ratios in percentage points, when both exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kefu.core import ranking as competition

TWO_PLACES = Decimal("0.01")


@dataclass
class UnitRow:
    unit_id: int
    unit: str
    complaints: int
    base: int | None
    ratio: Fraction | None = None
    rank: int | None = None
    last_ratio: Fraction | None = None

    @property
    def ratio_pct(self) -> Decimal | None:
        return as_pct(self.ratio)

    @property
    def change_pct(self) -> Decimal | None:
        """Percentage points against last month's ratio; None when either is missing."""
        if self.ratio is None or self.last_ratio is None:
            return None
        return as_pct(self.ratio - self.last_ratio)


def ratio(complaints: int, base: int | None) -> Fraction | None:
    """Exact complaints ÷ base (no rounding before ranking); None without a positive base."""
    if not base or base <= 0:
        return None
    return Fraction(complaints, base)


def as_pct(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return exact.quantize(TWO_PLACES, ROUND_HALF_UP)


def as_decimal(value: Fraction | None, places: int = 6) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def rank_units(rows: Iterable[UnitRow], last: Mapping[int, Fraction | None] | None = None):
    """The rows with ratio and rank set, ranked ones first (lowest ratio, then name), then the
    units without a base by name."""
    rows = list(rows)
    for row in rows:
        row.ratio = ratio(row.complaints, row.base)
        row.last_ratio = (last or {}).get(row.unit_id)
    ranked = sorted((r for r in rows if r.ratio is not None), key=lambda r: (r.ratio, r.unit))
    for rank, row in competition.ranked(ranked, key=lambda r: r.ratio):
        row.rank = rank
    unranked = sorted((r for r in rows if r.ratio is None), key=lambda r: r.unit)
    return ranked + unranked


def differences(frozen: Mapping[str, object], current: Mapping[str, object]) -> list[tuple]:
    """(key, frozen value, current value) for every flat figure whose value changed since the
    statement was signed, in the frozen order, then figures that are new."""
    out = [(k, v, current.get(k)) for k, v in frozen.items() if current.get(k) != v]
    out += [(k, None, v) for k, v in current.items() if k not in frozen]
    return out


def flatten(data, prefix: str = "") -> dict[str, object]:
    """A nested statement as {"complaints.total": 12, "complaints.by_unit.7.rank": 1, …}: list
    items keyed by their "unit_id" or "key" field, so a reordering is no difference."""
    out: dict[str, object] = {}
    if isinstance(data, Mapping):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            name = i
            if isinstance(item, Mapping):
                name = item.get("unit_id", item.get("key", i))
            out.update(flatten(item, f"{prefix}{name}."))
    else:
        out[prefix.rstrip(".")] = data
    return out
