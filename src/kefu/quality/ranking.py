"""Monthly composite rankings (§9.10, RNK-1…3): ties share a rank, and the rewards and penalties
that attach to the ranks. Pure: no Django.

* rank: 1 + the number of people strictly better (90, 90, 80 → 1, 1, 3);
* first: nobody strictly better; last: nobody strictly worse; neither when everybody ties;
* bottom two: fewer than two people strictly worse (they owe an improvement plan within a week
  of the published 绩效考核通报, RNK-2);
* last three months running → a reassignment review (RNK-3, RNK-9).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

FIRST_REWARD_YUAN = Decimal("100")
LAST_PENALTY_YUAN = Decimal("-100")
PLAN_DAYS = 7
LAST_MONTHS_FOR_REVIEW = 3


@dataclass(frozen=True)
class Ranked:
    name: str
    score: Decimal
    rank: int
    first: bool
    last: bool
    bottom_two: bool
    reward_yuan: Decimal


def rank(
    scores: list[tuple[str, Decimal]],
    *,
    lower_is_better: bool = False,
    first_reward: Decimal = FIRST_REWARD_YUAN,
    last_penalty: Decimal = LAST_PENALTY_YUAN,
) -> list[Ranked]:
    """Rank ``(name, score)`` pairs, best first (input order kept among equals)."""
    values = [Decimal(str(s)) for _n, s in scores]

    def better(a: Decimal, b: Decimal) -> bool:
        return a < b if lower_is_better else a > b

    all_tie = len(set(values)) <= 1
    out = []
    for (name, _s), value in zip(scores, values, strict=True):
        above = sum(1 for other in values if better(other, value))
        below = sum(1 for other in values if better(value, other))
        first = not all_tie and above == 0
        last = not all_tie and below == 0
        reward = first_reward if first else last_penalty if last else Decimal("0")
        out.append(
            Ranked(
                name=name,
                score=value,
                rank=above + 1,
                first=first,
                last=last,
                bottom_two=not all_tie and below < 2,
                reward_yuan=reward,
            )
        )
    out.sort(key=lambda r: r.rank)
    return out


def plan_due(notice_date: dt.date, days: int = PLAN_DAYS) -> dt.date:
    """The day the bottom two's improvement plan is due: one week after the notice (RNK-2)."""
    return notice_date + dt.timedelta(days=days)


def needs_reassignment_review(last_flags: list[bool], months: int = LAST_MONTHS_FOR_REVIEW) -> bool:
    """``last_flags``: was the person last, month by month, oldest first, ending with this month.
    True when the final ``months`` are all last (RNK-3)."""
    return len(last_flags) >= months and all(last_flags[-months:])
