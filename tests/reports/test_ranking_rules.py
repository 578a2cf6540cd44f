"""The unit ranking rule (RNK-4, decision §9.10) as pure arithmetic."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from kefu.reports import ranking


def _row(pk, name, complaints, base):
    return ranking.UnitRow(pk, name, complaints, base)


def test_rnk4_equal_ratios_share_a_rank_and_the_next_rank_skips():
    rows = ranking.rank_units(
        [
            _row(1, "站点A", 12, 4000),
            _row(2, "站点B", 6, 2000),
            _row(3, "站点C", 5, 1000),
            _row(4, "站点D", 3, None),
            _row(5, "站点E", 1, 0),
        ]
    )
    by_name = {r.unit: r for r in rows}
    assert by_name["站点A"].rank == by_name["站点B"].rank == 1
    assert by_name["站点A"].ratio == Fraction(3, 1000)
    assert by_name["站点A"].ratio_pct == Decimal("0.30")
    assert by_name["站点C"].rank == 3
    assert by_name["站点D"].rank is None and by_name["站点D"].ratio is None
    assert by_name["站点E"].rank is None  # a base of 0 is no base
    assert [r.unit for r in rows][-2:] == ["站点D", "站点E"]  # unranked units come last


def test_rnk4_change_on_last_month_is_in_percentage_points():
    (row,) = ranking.rank_units([_row(1, "站点A", 12, 4000)], {1: Fraction(5, 1000)})
    assert row.change_pct == Decimal("-0.20")
    (row,) = ranking.rank_units([_row(1, "站点A", 12, 4000)], {1: None})
    assert row.change_pct is None


def test_frozen_differences_list_each_changed_figure():
    frozen = ranking.flatten({"complaints": {"total": 23, "by_unit": [{"unit_id": 7, "rank": 1}]}})
    now = ranking.flatten({"complaints": {"total": 24, "by_unit": [{"unit_id": 7, "rank": 1}]}})
    assert ranking.differences(frozen, now) == [("complaints.total", 23, 24)]
    assert ranking.differences(frozen, frozen) == []
