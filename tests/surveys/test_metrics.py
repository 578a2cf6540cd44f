"""§9.12 formulas on a hand-computed set (pure module, no database)."""

from __future__ import annotations

from decimal import Decimal

from kefu.surveys import metrics, periods
from kefu.surveys.metrics import QuestionStat


def _stat(qid, dimension, max_score, scores):
    return QuestionStat(
        question_id=qid,
        dimension=dimension,
        max_score=max_score,
        count=len(scores),
        total=sum(scores),
        top_two=sum(1 for s in scores if s >= max_score - 1),
        promoters=sum(1 for s in scores if max_score == 10 and s >= 9),
        detractors=sum(1 for s in scores if max_score == 10 and s <= 6),
    )


HAND_SET = [
    _stat(1, "服务满意度", 5, [5, 4, 3]),  # mean 4 → 80 %
    _stat(2, "服务满意度", 5, [5, 5]),  # mean 5 → 100 %
    _stat(3, "环境满意度", 10, [10, 9, 6, 8]),  # mean 8.25 → 82.5 %
]


def test_csi_is_mean_over_max_per_question_then_averaged():
    """§9.12: CSI = mean ÷ max per question; dimension and overall are means of those."""
    result = metrics.compute(HAND_SET)
    assert result.csi == Decimal("87.50")  # (80 + 100 + 82.5) / 3
    assert result.dimensions == {"服务满意度": Decimal("90.00"), "环境满意度": Decimal("82.50")}
    assert result.answers == 9


def test_satisfied_rate_is_share_of_top_two_points():
    """§9.12: 5,4 | 5,5 | 10,9 are satisfied: 6 of 9 answers."""
    assert metrics.compute(HAND_SET).satisfied == Decimal("66.67")


def test_nps_is_promoters_minus_detractors_on_zero_to_ten():
    """NPS on 10,9,6,8: 50 % promoters − 25 % detractors = 25."""
    assert metrics.compute(HAND_SET).nps == Decimal("25.00")


def test_no_zero_to_ten_question_means_no_nps():
    assert metrics.compute(HAND_SET[:2]).nps is None
    assert metrics.compute([]).csi is None


def test_target_is_met_at_exactly_93_percent():
    """SAT-1: CSI ≥ 93 % is met; 92.99 % is missed."""
    assert metrics.target_met(Decimal("93.00"), Decimal("93")) is True
    assert metrics.target_met(Decimal("92.99"), Decimal("93")) is False
    assert metrics.target_met(None, Decimal("93")) is None


def test_default_targets_per_industry():
    """SAT-1: CSI 93 % by default (4S); property 业主满意率 96 % and the vehicle maker's 服务满意率
    98 % are satisfied rates (issue 23 §1)."""
    assert metrics.default_targets("ecommerce")["csi"] == Decimal("93")
    assert metrics.default_targets("auto")["csi"] == Decimal("93")
    assert metrics.default_targets("auto")["satisfied"] == Decimal("98")
    assert metrics.default_targets("property")["satisfied"] == Decimal("96")
    assert metrics.default_targets("property")["csi"] is None


def test_periods_month_quarter_year():
    import datetime as dt

    assert periods.parse_period("2026-11").start == dt.date(2026, 11, 1)
    assert periods.parse_period("2026-11").end == dt.date(2026, 12, 1)
    q4 = periods.parse_period("2026-Q4")
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert periods.months_back(dt.date(2026, 2, 15), 3) == dt.date(2025, 11, 1)
