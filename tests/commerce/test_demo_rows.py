"""The demo's commerce rows give a supervisor non-zero PAY-5 figures recomputed from the rows,
a phone list in amount order and open returns."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.accounts.models import Team
from kefu.commerce import care_selectors, selectors, views
from kefu.commerce.models import CareNotice, IndicatorRecord, ShipmentCheck
from kefu.customers import services as customers
from kefu.demo.commerce_rows import build_commerce_rows

pytestmark = pytest.mark.django_db


def test_demo_rows_show_true_figures_to_a_supervisor(org, web_as):
    for i in range(40):
        customers.customer_create(
            actor=None,
            business_line=org.shop,
            name=f"买家{i}",
            phone=f"1380000{i:04d}",
            tier="vip" if i % 5 == 0 else "normal",
        )
    team = Team.objects.get(business_line=org.shop, name="催付组")
    make_user("cuifu", "agent", team=team)
    boss = make_user("boss", "supervisor", department=team.department)
    now = timezone.now()
    assert build_commerce_rows([org.shop], now=now, seed=7) > 500
    r = selectors.results_for(user=boss, start=now - timezone.timedelta(days=30), end=now)
    assert r.total.reminded_orders > 0 and 0 < r.total.paid_orders < r.total.reminded_orders
    assert r.total.order_rate is not None and r.total.paid_amount > 0
    calls = list(selectors.phone_list_for(user=boss))
    assert calls and [c.amount for c in calls] == sorted((c.amount for c in calls), reverse=True)
    _first, _last, start, end = views._period()  # the page's 30 calendar days
    shown = selectors.results_for(user=boss, start=start, end=end).total
    page = web_as(boss).get("/commerce/").content.decode()
    assert shown.reminded_orders > 0
    assert f'id="reminded-orders">{shown.reminded_orders}<' in page
    assert f'id="paid-amount">¥{shown.paid_amount}<' in page
    # §4: half a year of reviews, care SMS, shipment checks and daily indicators
    start = now - timezone.timedelta(days=180)
    reviews = care_selectors.review_figures_for(user=boss, start=start, end=now)
    assert reviews["total"] > 300 and 80 < reviews["reply_rate"] < 100
    assert reviews["medium"] + reviews["poor"] > 0 and reviews["cashback_paid"] > 0
    assert CareNotice.objects.filter(kind="confirm", status="sent").exists()
    assert ShipmentCheck.objects.filter(traceable=False, extended_days=3).exists()
    days = IndicatorRecord.objects.filter(code="dsr_item").values_list("day", flat=True)
    assert len(set(days)) == 180
    assert 'data-status="' in web_as(boss).get("/commerce/care/").content.decode()
    # STF-3: the event's refunds fall in every stage, so the forecast shows three true figures
    from kefu.commerce import peak_selectors
    from kefu.commerce.models import Campaign

    campaign = Campaign.objects.get(business_line=org.shop)
    forecast = peak_selectors.refund_forecast_for(
        user=boss, start=campaign.starts_at, end=campaign.ends_at, orders=10_000
    )
    assert forecast.base_orders > 0
    assert all(s.base_refunds > 0 and s.expected > 0 for s in forecast.stages), forecast
