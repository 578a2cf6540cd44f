"""The demo's monthly statement (issue 22): the shop's supervisor opens last month's statement
and sees units with bases, complaint ratios and a ranking, each unit's count equal to its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import shared_demo

from kefu.accounts.models import User
from kefu.demo.reports_rows import build_reports_rows
from kefu.reports import statement

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with shared_demo(django_db_blocker):
        yield


@pytest.fixture
def demo(built, db):
    return None


def test_demo_statement_shows_ranked_units_with_true_ratios(demo):
    manager = User.objects.get(username="manager")
    month = statement.month_of(timezone.localdate()).previous()
    data = statement.monthly(manager, period=month)
    units = data["complaints"]["by_unit"]
    assert data["complaints"]["total"] > 0
    ranked = [u for u in units if u["rank"] is not None]
    assert ranked and all(u["base"] for u in ranked)
    assert sum(u["complaints"] for u in units) > 0
    for u in units:
        rows = statement.drill(manager, data["business_line"], month, "unit", u["unit_id"])
        assert rows.count() == u["complaints"]
    # issue 22 §3: the demo's weeks carry written feedback, meetings and checked actions
    from kefu.reports.models import ActionStatus, CorrectiveAction, FeedbackLetter, WeeklyMeeting

    letters = FeedbackLetter.objects.filter(business_line_id=manager.business_line_id)
    assert letters.count() > 0 and all(x.snapshot["unit"]["callbacks"] > 0 for x in letters)
    assert WeeklyMeeting.objects.filter(business_line_id=manager.business_line_id).count() > 20
    statuses = set(CorrectiveAction.objects.values_list("status", flat=True))
    assert statuses == {ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.NOT_DONE}
    from kefu.accounts.models import BusinessLine

    again = build_reports_rows(list(BusinessLine.objects.all()))
    # a second run adds nothing
    assert again == {
        "units": 0,
        "handoffs": 0,
        "bases": 0,
        "actuals": 0,
        "letters": 0,
        "meetings": 0,
        "actions": 0,
    }
    # the 4S line's targets have six months of entered actuals (issue 22 §5)
    from kefu.reports import targets

    s4 = User.objects.get(username="4s_agent").business_line_id
    rows = targets.rows(statement.SystemViewer(), period=month, business_line=s4)
    revenue = next(r for r in rows if r["metric"] == "revenue")
    assert revenue["target"] == 6_000_000 and revenue["actual"] > 0
    monthly = [r for r in rows if r["period"] == month.label and r["target"] is not None]
    assert monthly and all(r["actual"] is not None and r["met"] is not None for r in monthly)
    # RPT-9: the shop's enquiries convert into orders, and most enquirers' records are complete
    from kefu.reports import capability_reports

    conversion = capability_reports.build(manager, "conversion", month.label).data
    assert conversion["enquiries"] > 0 and conversion["orders"] > 0
    assert 60 < conversion["completeness"] <= 100
    # §4 repair rows: the 4S workshop's 首保, 续保, events and comebacks, and the shop's repair
    # centre's repeat repairs, all non-zero in the demo's year
    s4_boss = User.objects.get(username="4s_supervisor")
    year = str((timezone.localdate() - dt.timedelta(days=60)).year)  # 60+ days of the demo
    cars = capability_reports.build(s4_boss, "aftersales", year).data
    assert all(cars["total"][f] > 0 for f in ("first_service", "comebacks", "renewals", "events"))
    assert 0 < cars["comeback_rate"] < 5
    fixes = capability_reports.build(manager, "repeat_repairs", year).data
    assert fixes["total"] > 100 and 0 < fixes["repeats"] < fixes["total"]
    assert any(r["lowest"] for r in fixes["repairers"])
    # §4 e-commerce row: last month's 中差评 of the shop, most of them replied to
    reviews = capability_reports.build(manager, "poor_reviews", month.label).data
    assert reviews["total"]["total"] > 0 and reviews["total"]["replied"] > 0
    assert len(reviews["reviews"]) == reviews["total"]["total"]
