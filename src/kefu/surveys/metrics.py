"""CSI, satisfied rate and NPS (decision §9.12). Pure: no Django import.

The database gives one ``QuestionStat`` per scale question (and group); everything here is
arithmetic over those sums:

- CSI of a question = mean score ÷ maximum score × 100. A dimension's CSI and the overall CSI are
  the means of their questions' CSIs (each question weighs the same, however many answered it).
  A 0–10 question's maximum is 10, a 1–5 question's is 5.
- Satisfied rate = answers in the top two points of their scale (4–5 of 5, 9–10 of 10) ÷ all
  scale answers × 100.
- NPS (0–10 questions only) = % promoters (9–10) − % detractors (0–6).
- A target is met when the value is at least the target (93.00 % meets 93 %).
- Each target names the figure it reads (``FIGURES``): the 4S plan's 「客户满意度CSI全年至少93%以上」 is a
  CSI; the property office's 「业主满意率达到96%以上」 and the vehicle maker's 「服务满意率98%以上」 are
  satisfied rates (a share of satisfied customers, not a mean score).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SCALE_MAX = {"scale5": 5, "scale10": 10}
SCALE_MIN = {"scale5": 1, "scale10": 0}
DEFAULT_CSI_TARGET = Decimal("93")
# the figures a target may read, in the order pages show them
FIGURES = ("csi", "satisfied", "nps")
# SAT-1: 4S CSI ≥ 93 % (a CSI); property 业主满意率 ≥ 96 % and vehicle maker 服务满意率 ≥ 98 %
# (satisfied rates: the share of answers in the top two points)
INDUSTRY_TARGETS: dict[str, dict[str, Decimal | None]] = {
    "property": {"csi": None, "satisfied": Decimal("96"), "nps": None},
    "auto": {"csi": Decimal("93"), "satisfied": Decimal("98"), "nps": None},
}
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class QuestionStat:
    """Sums over the answers to one scale question (within one group)."""

    question_id: int
    dimension: str
    max_score: int
    count: int
    total: int
    top_two: int
    promoters: int = 0
    detractors: int = 0


@dataclass
class Metrics:
    answers: int = 0
    csi: Decimal | None = None
    satisfied: Decimal | None = None
    nps: Decimal | None = None
    dimensions: dict[str, Decimal] = field(default_factory=dict)


def pct(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """numerator ÷ denominator as a percentage rounded half-up to 2 places."""
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def question_csi(stat: QuestionStat) -> Decimal:
    """Mean score ÷ maximum score, in percent, unrounded (rounded only in the reported means)."""
    return Decimal(stat.total) * 100 / (Decimal(stat.count) * stat.max_score)


def compute(stats: Iterable[QuestionStat]) -> Metrics:
    """The metrics of one group from its per-question sums; questions nobody answered are ignored."""
    stats = [s for s in stats if s.count > 0 and s.max_score]
    if not stats:
        return Metrics()
    per_question = [question_csi(s) for s in stats]
    by_dimension: dict[str, list[Decimal]] = defaultdict(list)
    for stat, value in zip(stats, per_question, strict=True):
        by_dimension[stat.dimension].append(value)
    answers = sum(s.count for s in stats)
    ten = [s for s in stats if s.max_score == SCALE_MAX["scale10"]]
    ten_count = sum(s.count for s in ten)
    nps = None
    if ten_count:
        nps = pct(sum(s.promoters for s in ten), ten_count) - pct(
            sum(s.detractors for s in ten), ten_count
        )
    return Metrics(
        answers=answers,
        csi=_mean(per_question),
        satisfied=pct(sum(s.top_two for s in stats), answers),
        nps=nps,
        dimensions={dim: _mean(values) for dim, values in sorted(by_dimension.items()) if dim},
    )


def top_two_floor(max_score: int) -> int:
    """The lowest score that counts as satisfied: 4 on 1–5, 9 on 0–10."""
    return max_score - 1


def target_met(value: Decimal | None, target: Decimal | None) -> bool | None:
    """True when ``value`` reaches ``target``; None when either is unknown."""
    if value is None or target is None:
        return None
    return value >= target


def default_targets(industry: str) -> dict[str, Decimal | None]:
    return dict(
        INDUSTRY_TARGETS.get(industry, {"csi": DEFAULT_CSI_TARGET, "satisfied": None, "nps": None})
    )


@dataclass(frozen=True)
class TargetCheck:
    """One target against the figure it reads: ``figure`` is one of ``FIGURES``."""

    figure: str
    target: Decimal
    value: Decimal | None
    met: bool | None


def target_checks(m: Metrics, targets: dict[str, Decimal | None]) -> list[TargetCheck]:
    """Every target that is set, each read against its own figure of ``m``."""
    out = []
    for figure in FIGURES:
        target = targets.get(figure)
        if target is None:
            continue
        value = getattr(m, figure)
        out.append(TargetCheck(figure, target, value, target_met(value, target)))
    return out


def all_met(checks: list[TargetCheck]) -> bool | None:
    """True when every target is met, False when one is missed, None when none can be judged."""
    known = [c.met for c in checks if c.met is not None]
    if not known:
        return None
    return all(known)
