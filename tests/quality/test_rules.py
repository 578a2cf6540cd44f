"""The arithmetic of issue 18 §2–§4, pinned to the numbers the issue lists (pure modules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu.quality import competency, kendall, ranking, scoring

MATRIX = [[5, 4, 4, 2, 1], [4, 5, 3, 3, 1], [5, 3, 4, 2, 2], [5, 4, 3, 1, 2]]


def test_deductions_9_8_three_fives_two_threes_four_ones_leave_75():
    assert scoring.deduction_score([5] * 3 + [3] * 2 + [1] * 4) == 75


def test_deductions_9_8_never_below_zero_after_21_rude_service_complaints():
    assert scoring.deduction_score([5] * 21) == 0


def test_kpi2_self_80_manager_90_weighs_to_87():
    assert scoring.evaluator_score([(80, 30), (90, 70)]) == 87
    with pytest.raises(ValueError):
        scoring.evaluator_score([(80, 30), (90, 60)])


def test_kpi1_conversion_rate_42_of_1459_is_2_88_percent():
    assert scoring.ratio_percent(42, 1459) == Decimal("2.88")
    assert scoring.ratio_percent(1, 0) is None


def test_rnk1_9_10_ties_share_ranks_both_firsts_and_both_lasts():
    got = ranking.rank([("甲", 90), ("乙", 90), ("丙", 80), ("丁", 70), ("戊", 70)])
    assert [r.rank for r in got] == [1, 1, 3, 4, 4]
    assert [r.reward_yuan for r in got] == [100, 100, 0, -100, -100]
    assert [r.name for r in got if r.bottom_two] == ["丁", "戊"]
    assert ranking.plan_due(dt.date(2026, 11, 3)) == dt.date(2026, 11, 10)


def test_rnk2_9_10_three_tied_at_the_bottom_are_all_last_and_bottom_two():
    got = ranking.rank([("a", 95), ("b", 90), ("c", 85), ("d", 85), ("e", 85)])
    assert [r.rank for r in got] == [1, 2, 3, 3, 3]
    assert [r.name for r in got if r.last] == ["c", "d", "e"]
    assert [r.name for r in got if r.bottom_two] == ["c", "d", "e"]


def test_rnk1_nobody_first_or_last_when_everybody_ties():
    got = ranking.rank([("a", 80), ("b", 80), ("c", 80)])
    assert {r.rank for r in got} == {1}
    assert not any(r.first or r.last or r.bottom_two or r.reward_yuan for r in got)


def test_rank_lower_is_better_for_rates():
    got = ranking.rank([("a", 0.05), ("b", 0.02)], lower_is_better=True)
    assert [(r.name, r.rank) for r in got] == [("b", 1), ("a", 2)]


def test_rnk3_last_three_months_running_flags_a_reassignment_review():
    assert ranking.needs_reassignment_review([True, True, True])
    assert not ranking.needs_reassignment_review([True, False, True])
    assert not ranking.needs_reassignment_review([True, True])


def test_ce1_9_11_combined_weights_at_full_precision_sum_to_100():
    combined = {i.code: i.combined for i in competency.CE1}
    assert combined["self_management"] == Decimal("10.094552")
    assert sum(combined.values()) == 100
    assert len(combined) == 11


def test_ce1_9_11_scores_63_908_and_80():
    assert competency.score([5, 5, 5, 5, 3, 3, 3, 3, 1, 1, 1]) == Decimal("63.908")
    assert competency.score([4] * 11) == 80
    with pytest.raises(ValueError):
        competency.score([6] * 11)


def test_ce2_top_five_by_combined_weight():
    assert [i.code for i in competency.top()] == [
        "communication",
        "reflection",
        "understanding_needs",
        "self_management",
        "suitable_solutions",
    ]


def test_ce1_kendall_w_with_tie_correction_37_over_44():
    c = kendall.kendall_w(MATRIX)
    assert c.w == pytest.approx(37 / 44)
    assert round(c.w, 6) == 0.840909
    assert c.chi2 == pytest.approx(13.4545, abs=1e-4)
    assert c.df == 4
    assert c.p_value == pytest.approx(0.00926, abs=5e-6)
    assert kendall.kendall_w(MATRIX, tie_correction=False).w == pytest.approx(0.809375)


def test_ce1_kendall_w_identical_rankings_is_one():
    assert kendall.kendall_w([[5, 4, 3, 2, 1]] * 3).w == pytest.approx(1.0)


def test_chi2_survival_function_known_values():
    assert kendall.chi2_sf(3.841459, 1) == pytest.approx(0.05, abs=1e-6)
    assert kendall.chi2_sf(20.0, 7) == pytest.approx(0.0055697, abs=1e-6)
