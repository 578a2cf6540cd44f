"""Double 11 (PK-1, PK-5, PK-7, STF-4, RPT-6): the groups' queues, orders shipped within 5 days
of payment to the second, the city ratio, the targets and the post-event report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from testkit import make_user

from kefu.commerce import peak_selectors
from kefu.commerce.services import reminders

from .conftest import at

pytestmark = pytest.mark.django_db


def test_pk5_stf4_shipped_within_5_days_to_the_second_and_the_city_ratio(org, make_orders, web_as):
    campaign = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-20 00:00"),
        team=org.presale,
        target_refunds=3,
        target_returns_on_time=Decimal("95.0"),
    )
    paid = "2026-11-11 10:00:00"
    make_orders(
        [
            (
                "A",
                "2026-11-11 09:00:00",
                10,
                {"paid_at": paid, "shipped_at": "2026-11-13 10:00:00", "warehouse_city": "上海"},
            ),
            (
                "B",
                "2026-11-11 09:00:00",
                10,
                {"paid_at": paid, "shipped_at": "2026-11-16 10:00:00", "warehouse_city": "广州"},
            ),
            (
                "C",
                "2026-11-11 09:00:00",
                10,
                {"paid_at": paid, "shipped_at": "2026-11-16 10:00:01", "warehouse_city": "北京"},
            ),
            ("D", "2026-11-12 09:00:00", 10, {"paid_at": "2026-11-12 09:30:00"}),
            ("E", "2026-11-09 09:00:00", 10, {"paid_at": "2026-11-09 23:59:59"}),
        ]
    )
    days = peak_selectors.ship_days_for(campaign)
    assert [(d.day.isoformat(), d.paid, d.within, d.share) for d in days] == [
        ("2026-11-11", 3, 2, Decimal("66.7")),
        ("2026-11-12", 1, 0, Decimal("0.0")),
    ]
    ratio = peak_selectors.city_ratio_for(campaign)
    assert ratio["上海"] == ratio["广州"] == ratio["北京"] == Decimal("33.3")
    assert ratio["深圳"] == Decimal("0.0")
    groups = {g["code"]: g for g in peak_selectors.group_queues_for(campaign)}
    assert groups["reminders"]["team"] == org.presale
    assert groups["refunds"]["team"].name == "退款组" and groups["refunds"]["size"] == 0
    boss = make_user("boss", "manager", business_line=org.shop)
    page = web_as(boss).get(f"/commerce/double11/?campaign={campaign.pk}").content.decode()
    assert 'id="report-ship-share">50.0%<' in page
    assert page.count("data-group=") == 6
    assert web_as(boss).get("/commerce/double11/?campaign=987654").status_code == 404
