"""Scoring one review against a versioned inspection form (pure: no Django import).

A form has weighted categories of items. In a *points* form each item is worth up to
``points`` and the reviewer awards 0…points; a category scores awarded ÷ possible × 100. In a
*deductions* form each item deducts ``points`` each time it is observed and the reviewer enters
the count; a category scores 100 − Σ count × points, never below 0. Items the reviewer marks
N/A (only those that allow it) leave the category's possible points; a category with every item
N/A leaves the total. The total is the weighted mean of the scored categories, rounded half-up
to two places. A *critical* item that is not met (below full points, or deducted at all) fails
the whole review: its score is 0 (auto-fail).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

POINTS, DEDUCTIONS = "points", "deductions"
MODES = (POINTS, DEDUCTIONS)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ScoreError(ValueError):
    """An answer sheet that cannot be scored; ``code`` names the problem, ``item`` the item."""

    def __init__(self, code: str, item: int | None = None):
        self.code, self.item = code, item
        super().__init__(f"{code}: item {item}")


@dataclass(frozen=True)
class Category:
    id: int
    weight: int


@dataclass(frozen=True)
class Item:
    id: int
    category: int
    points: Decimal
    critical: bool = False
    allow_na: bool = True


@dataclass(frozen=True)
class Result:
    score: Decimal
    failed: bool
    categories: dict[int, Decimal | None] = field(default_factory=dict)
    critical_missed: tuple[int, ...] = ()

    def passed(self, pass_mark: Decimal) -> bool:
        return not self.failed and self.score >= pass_mark


def to_decimal(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ScoreError("not_a_number") from None
    if not number.is_finite():
        raise ScoreError("not_a_number")
    return number


def parse_answers(text: str) -> dict[int, Decimal | None]:
    """``"12=5,13=na,14=0"`` → {12: 5, 13: None, 14: 0} (the CLI's answer sheet)."""
    answers: dict[int, Decimal | None] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip().isdigit():
            raise ScoreError("bad_answer")
        value = value.strip().lower()
        answers[int(key)] = None if value in ("na", "n/a") else to_decimal(value)
    return answers


def score(
    mode: str,
    categories: Iterable[Category],
    items: Iterable[Item],
    answers: Mapping[int, Decimal | None],
) -> Result:
    """Score an answer sheet: ``answers`` maps every item id to a value, or None for N/A."""
    if mode not in MODES:
        raise ScoreError("bad_mode")
    categories, items = list(categories), list(items)
    known = {i.id for i in items}
    extra = [k for k in answers if k not in known]
    if extra:
        raise ScoreError("unknown_item", extra[0])
    possible: dict[int, Decimal] = {c.id: Decimal(0) for c in categories}
    got: dict[int, Decimal] = {c.id: Decimal(0) for c in categories}
    scored: set[int] = set()
    missed: list[int] = []
    for item in items:
        if item.id not in answers:
            raise ScoreError("missing", item.id)
        value = answers[item.id]
        if value is None:
            if not item.allow_na:
                raise ScoreError("na_not_allowed", item.id)
            continue
        value = to_decimal(value)
        scored.add(item.category)
        if mode == POINTS:
            if value < 0 or value > item.points:
                raise ScoreError("out_of_range", item.id)
            possible[item.category] += item.points
            got[item.category] += value
            if item.critical and value < item.points:
                missed.append(item.id)
        else:
            if value < 0 or value != value.to_integral_value():
                raise ScoreError("bad_count", item.id)
            got[item.category] += value * item.points
            if item.critical and value > 0:
                missed.append(item.id)
    per_category: dict[int, Decimal | None] = {}
    weighted, weights = Decimal(0), 0
    for c in categories:
        if c.id not in scored:
            per_category[c.id] = None
            continue
        if mode == POINTS:
            value = got[c.id] / possible[c.id] * HUNDRED if possible[c.id] else HUNDRED
        else:
            value = max(Decimal(0), HUNDRED - got[c.id])
        per_category[c.id] = value.quantize(CENT, ROUND_HALF_UP)
        weighted += value * c.weight
        weights += c.weight
    if not weights:
        raise ScoreError("nothing_scored")
    total = (weighted / weights).quantize(CENT, ROUND_HALF_UP)
    if missed:
        return Result(Decimal("0.00"), True, per_category, tuple(missed))
    return Result(total, False, per_category, ())
