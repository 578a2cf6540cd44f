"""The complaint-handling post's competency model (CE-1, CE-2, §9.11). Pure: no Django.

3 first-level and 11 second-level indicators; combined weight = first × second, kept at full
precision (33.47 % × 30.16 % → 10.094552 %, not the table's rounded 10.10); the eleven combined
weights sum to exactly 100. Score = Σ (rating 1–5 ÷ 5 × combined).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Indicator:
    code: str
    level1: str
    level1_weight: Decimal
    level2: str
    level2_weight: Decimal

    @property
    def combined(self) -> Decimal:
        return self.level1_weight * self.level2_weight / 100


D = Decimal
_L1 = (
    ("professional", "解决具体问题的专业能力", D("38.15")),
    ("service", "以客户为中心的服务能力", D("33.47")),
    ("learning", "基于实践的学习能力", D("28.38")),
)
_L2 = {
    "professional": (
        ("reading_info", "客户信息解读能力", D("24.23")),
        ("product_knowledge", "产品知识运用能力", D("22.48")),
        ("understanding_needs", "理解客户需求能力", D("27.14")),
        ("suitable_solutions", "提供适合产品或服务的能力", D("26.15")),
    ),
    "service": (
        ("communication", "人际沟通能力", D("34.52")),
        ("self_management", "自我管理能力", D("30.16")),
        ("teamwork", "团队协作能力", D("21.24")),
        ("self_motivation", "自我激励能力", D("14.08")),
    ),
    "learning": (
        ("continuous_learning", "持续获取知识及应用能力", D("31.21")),
        ("reflection", "反思实践能力", D("36.57")),
        ("it_skills", "信息技术应用能力", D("32.22")),
    ),
}
CE1 = tuple(
    Indicator(code, l1_name, l1_weight, name, weight)
    for l1, l1_name, l1_weight in _L1
    for code, name, weight in _L2[l1]
)
MIN_RATING, MAX_RATING = 1, 5


def score(ratings: list[int], model: tuple[Indicator, ...] = CE1) -> Decimal:
    """Σ rating ÷ 5 × combined weight, one rating 1–5 per indicator in the model's order."""
    if len(ratings) != len(model):
        raise ValueError(f"expected {len(model)} ratings, got {len(ratings)}")
    for r in ratings:
        if not isinstance(r, int) or isinstance(r, bool) or not MIN_RATING <= r <= MAX_RATING:
            raise ValueError(f"a rating is a whole number from 1 to 5, not {r!r}")
    total = sum((D(r) / MAX_RATING * i.combined for r, i in zip(ratings, model, strict=True)), D(0))
    return total


def top(n: int = 5, model: tuple[Indicator, ...] = CE1) -> list[Indicator]:
    """The ``n`` indicators of largest combined weight (CE-2: training needs start there)."""
    return sorted(model, key=lambda i: i.combined, reverse=True)[:n]


def gaps(ratings: list[int], model: tuple[Indicator, ...] = CE1) -> list[tuple[Indicator, Decimal]]:
    """Per indicator, the points lost against a full rating (combined × (5 − r) ÷ 5), largest
    first: a person's training needs (CE-2)."""
    lost = [
        (i, i.combined * (MAX_RATING - r) / MAX_RATING) for r, i in zip(ratings, model, strict=True)
    ]
    return sorted((x for x in lost if x[1] > 0), key=lambda x: x[1], reverse=True)
