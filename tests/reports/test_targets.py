"""Targets (issue 22 §5; TGT-1…5, SAT-1): the 4S template's defaults, a blank target stays
empty, entered and imported actuals met or missed, the year so far with its projection, per
unit; scope and permissions; stale writes; the CLI's JSON keeps its shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.reports import target_services as ts
from kefu.reports import targets

NOV = "2026-11"
TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def s4_manager(org):
    from testkit import make_user

    return make_user("s4_mgr", "manager", business_line=org.auto)


def _by(rows, metric, period=None):
    return next(
        r for r in rows if r["metric"] == metric and (period is None or r["period"] == period)
    )


def test_the_4s_template_defaults_and_blank_targets(db, org, s4_manager):
    rows = targets.rows(s4_manager, period=NOV, today=TODAY)
    assert _by(rows, "revenue")["target"] == 6_000_000 and _by(rows, "revenue")["period"] == "2026"
    assert _by(rows, "revenue_insurance")["target"] == 2_200_000
    assert _by(rows, "vehicles_per_month")["target"] == 650
    assert _by(rows, "comeback_rate")["direction"] == "below"
    renewals = _by(rows, "renewals")  # blank in the sources: listed, empty until set
    assert renewals["target"] is None and renewals["met"] is None
    # no actual entered yet: neither met nor missed
    assert _by(rows, "revenue")["actual"] is None and _by(rows, "revenue")["met"] is None
    # the property line has its own template; the shop manager sees none of the 4S rows
    assert all(r["business_line"] == org.auto.pk for r in rows)


def test_entered_actuals_met_missed_year_so_far_and_projection(db, org, s4_manager):
    for month, revenue in (("2026-09", "500000"), ("2026-10", "480,000"), (NOV, "520000")):
        ts.set_actual(user=s4_manager, metric="revenue", period=month, value=revenue)
    ts.set_actual(user=s4_manager, metric="vehicles_per_month", period=NOV, value="700")
    ts.set_actual(user=s4_manager, metric="comeback_rate", period=NOV, value="2.5%")
    rows = targets.rows(s4_manager, period=NOV, today=TODAY)
    revenue = _by(rows, "revenue")
    assert revenue["actual"] == 1_500_000  # the year so far: three months summed
    assert revenue["met"] is None  # 1.5 M of 6 M: not missed while the year runs …
    # 1.5 M over the 319 days of 2026 up to 15 November, projected to 365 days
    assert revenue["projection"] == round(1_500_000 * 365 / 319)
    assert revenue["projected_met"] is False  # … but at risk
    assert [t["value"] for t in revenue["trend"]] == [None, None, None, 500000, 480000, 520000]
    assert _by(rows, "vehicles_per_month")["met"] is True  # 700 ≥ 650
    assert _by(rows, "comeback_rate")["met"] is False  # 2.5 % is not below 2 %
    # a target set by the manager replaces the template's
    ts.set_target(
        user=s4_manager, metric="revenue", period=NOV, period_kind="year", value="1,400,000"
    )
    assert _by(targets.rows(s4_manager, period=NOV, today=TODAY), "revenue")["met"] is True
    # the renewals target was blank: once set it counts
    ts.set_target(user=s4_manager, metric="renewals", period=NOV, value="40")
    ts.set_actual(user=s4_manager, metric="renewals", period=NOV, value="38")
    renewals = _by(targets.rows(s4_manager, period=NOV, today=TODAY), "renewals")
    assert renewals["target"] == 40 and renewals["met"] is None  # November still runs
    renewals = _by(targets.rows(s4_manager, period=NOV, today=dt.date(2026, 12, 1)), "renewals")
    assert renewals["met"] is False  # 38 of 40 once November is over
    assert targets.tally([revenue, renewals]) == {"met": 0, "missed": 1}
    # a finished year is met or missed
    december = _by(targets.rows(s4_manager, period=NOV, today=dt.date(2027, 1, 2)), "revenue")
    assert december["met"] is True and december["projection"] == 1_500_000


def test_unit_targets_import_and_rules(db, org, s4_manager, manager, agent):
    from kefu.tickets import complaints

    unit = complaints.unit_create(
        actor=s4_manager, business_line=org.auto, name="车间一", kind="station"
    )
    t = ts.set_target(
        user=s4_manager, metric="parts_accuracy", period=NOV, value="99", unit=unit.pk
    )
    with translation.override("zh-hans"):
        n = ts.import_actuals(
            user=s4_manager,
            text="metric,month,value,unit\nparts_accuracy,2026-11,99.5,车间一\n营业额,2026-10,1000\n",
        )
    assert n == 2  # a metric by its code or by its name
    row = next(
        r
        for r in targets.rows(s4_manager, period=NOV, today=TODAY)
        if r["subject"] == f"unit:{unit.pk}"
    )
    assert (row["target"], row["actual"], row["met"], row["subject_name"]) == (
        99,
        99.5,
        True,
        "车间一",
    )
    # a bad row loads nothing
    with pytest.raises(Invalid, match="Row 2"):
        ts.import_actuals(user=s4_manager, text="revenue,2026-11,10\nrevenue,2026-13,5\n")
    assert _by(targets.rows(s4_manager, period=NOV, today=TODAY), "revenue")["actual"] == 1000
    with pytest.raises(StaleWrite):
        ts.set_target(
            user=s4_manager, metric="parts_accuracy", period=NOV, value="98", unit=unit.pk,
            expected_version=t.version - 1,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        ts.set_target(user=agent, metric="revenue", period=NOV, value="1")
    with pytest.raises(NotFound):  # another line's unit
        ts.set_target(user=manager, metric="revenue", period=NOV, value="1", unit=unit.pk)
    with pytest.raises(Invalid):
        ts.set_actual(user=s4_manager, metric="revenue", period=NOV, value="-5")
    with pytest.raises(Invalid):
        ts.set_actual(user=s4_manager, metric="nonsense", period=NOV, value="5")


def test_cli_keeps_its_shape_and_page(db, org, s4_manager, client, capsys):
    from kefu.cli import main

    ts.set_actual(user=s4_manager, metric="revenue", period=NOV, value="520000")
    line = str(org.auto.pk)
    assert main(["reports", "targets", "--period", NOV, "--business-line", line, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["targets"]
    assert [r["metric"] for r in rows[:3]] == ["csi", "satisfied_rate", "callback_rate"]
    assert all({"metric", "target", "actual", "met"} <= set(r) for r in rows)
    assert _by(rows, "revenue")["actual"] == 520000
    client.force_login(s4_manager)
    html = client.get(f"/reports/targets/?period={NOV}").content.decode()
    assert 'data-metric="revenue" data-period="2026"' in html
    for bad in ("9999-12", "2026-13", "x"):  # a clear 400, never an overflow's 500
        assert client.get(f"/reports/targets/?period={bad}").status_code == 400
    response = client.post(
        "/reports/targets/",
        {"period": NOV, "business_line": line, "metric": "vehicles_per_month",
         "period_kind": "month", "subject": "", "target": "650", "actual": "700"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _by(targets.rows(s4_manager, period=NOV), "vehicles_per_month")["met"] is True
