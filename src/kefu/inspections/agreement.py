"""Calibration: how far reviewers who scored the same contact agree (pure: no Django import).

Per item: the values given (N/A counts as its own answer), the spread (highest − lowest of the
values, N/A left out) and whether every reviewer gave the same answer. The session's agreement
is the share of items, among those at least two reviewers answered, on which all agreed
(percent-agreement, the figure Zendesk QA and MaestroQA show per session), and the spread of the
reviewers' total scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ItemSpread:
    item: int
    values: tuple[Decimal | None, ...]
    spread: Decimal | None
    agreed: bool


@dataclass(frozen=True)
class Agreement:
    items: tuple[ItemSpread, ...]
    agreement: Decimal | None  # percent of items all reviewers answered alike
    score_spread: Decimal | None


def agreement(
    sheets: Mapping[int, Mapping[int, Decimal | None]],
    totals: Mapping[int, Decimal] | None = None,
) -> Agreement:
    """``sheets`` maps a reviewer to their answers {item: value or None for N/A};
    ``totals`` their total scores."""
    item_ids = sorted({i for sheet in sheets.values() for i in sheet})
    rows = []
    compared = agreed = 0
    for item in item_ids:
        values = tuple(sheets[r][item] for r in sorted(sheets) if item in sheets[r])
        numbers = [v for v in values if v is not None]
        spread = (max(numbers) - min(numbers)) if numbers else None
        same = len(set(values)) == 1
        if len(values) >= 2:
            compared += 1
            agreed += same
        rows.append(ItemSpread(item, values, spread, same and len(values) >= 2))
    pct = (Decimal(agreed) * 100 / compared).quantize(CENT, ROUND_HALF_UP) if compared else None
    score_spread = None
    if totals and len(totals) >= 2:
        score_spread = max(totals.values()) - min(totals.values())
    return Agreement(tuple(rows), pct, score_spread)
