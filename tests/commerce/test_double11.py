"""Double 11 (PK-1, PK-5, PK-7, STF-4, RPT-6): the groups' queues, orders shipped within 5 days
of payment to the second, the city ratio, the targets and the post-event report."""

from __future__ import annotations

import datetime as dt
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


def test_rpt6_the_post_event_report_shows_reshipment_accuracy_from_the_rows(
    org, agent, make_orders, web_as
):
    """补发准确率 in the report: the reshipments sent in the campaign's period, correct ÷ all
    sent (one not yet checked counts in the whole); one sent after the period is left out."""
    from kefu.commerce.services import returns_team as team

    campaign = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-20 00:00"),
        team=org.presale,
    )
    shipped = {"paid_at": "2026-11-11 10:00:00", "shipped_at": "2026-11-12 10:00:00"}
    orders = make_orders([(f"R{i}", "2026-11-11 09:00:00", 10, shipped) for i in range(5)])
    plan = [  # (sent, hours after the request, result)
        ("2026-11-15 10:00", 2, True),
        ("2026-11-15 12:00", 4, True),
        ("2026-11-16 10:00", 6, False),
        ("2026-11-17 10:00", 12, None),
        ("2026-11-21 10:00", 1, False),  # after the period
    ]
    for i, (sent, hours, correct) in enumerate(plan):
        sent_at = at(sent)
        rs = team.reshipment_create(
            actor=agent,
            order=orders[f"R{i}"],
            reason="short",
            items="赠品",
            at=sent_at - dt.timedelta(hours=hours),
        )
        team.reshipment_send(
            actor=agent, reship=rs, version=rs.version, tracking_no=f"SF{i}", at=sent_at
        )
        if correct is not None:
            team.reshipment_check(actor=agent, reship=rs, version=rs.version, correct=correct)
    report = peak_selectors.report_for(user=agent, campaign=campaign)
    assert report["reshipments"] == {
        "sent": 4,
        "correct": 2,
        "wrong": 1,
        "unchecked": 1,
        "accuracy": Decimal("50.0"),
        "turnaround": Decimal("6.0"),  # (2 + 4 + 6 + 12) ÷ 4
    }
    boss = make_user("boss", "manager", business_line=org.shop)
    for lang, words in (("zh-hans", "补发准确率"), ("en", "Reshipment accuracy")):
        page = web_as(boss).get(
            f"/commerce/double11/?campaign={campaign.pk}", HTTP_ACCEPT_LANGUAGE=lang
        )
        html = page.content.decode()
        assert 'id="report-reship-accuracy">50.0%' in html and words in html
