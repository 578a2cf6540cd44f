"""SAT-7 warning: an indicator recorded within the warning margin of an event's entry threshold
(or past it) notifies the line's supervisors through the event path, once per indicator and day."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit import make_user

from kefu.commerce.models import IndicatorWarning
from kefu.commerce.services import indicators as indicator_services
from kefu.commerce.services import reviews
from kefu.core.models import DomainEvent
from kefu.tickets.models_sla import Notification

from .conftest import at

pytestmark = pytest.mark.django_db
PAID = {"paid_at": "2026-11-11 09:10:00", "delivered_at": "2026-11-13 10:00:00"}


@pytest.fixture
def sup(org):
    return make_user("shop_sup", "supervisor", department=org.aftersales1.department)


def _reviews(make_orders, item_stars):
    orders = make_orders(
        [(f"W{i}", "2026-11-11 09:00:00", 100, PAID) for i in range(len(item_stars))]
    )
    for order, stars in zip(orders.values(), item_stars, strict=True):
        reviews.review_record(
            actor=None,
            order=order,
            rating=5,
            reviewed_at=at("2026-11-14 12:00:00"),
            dsr={"dsr_item": stars, "dsr_service": 5, "dsr_logistics": 5},
        )


def test_sat7_a_value_within_the_margin_warns_the_supervisor_once_per_day(
    make_orders, shop, sup, agent
):
    # item as described: (5 × 3 + 4 × 2) ÷ 5 = 4.6 → within 0.05 of the 4.6 threshold
    _reviews(make_orders, [5, 5, 5, 4, 4])
    indicator_services.record_day(day=dt.date(2026, 11, 14), warn=True)
    warning = IndicatorWarning.objects.get()
    assert (warning.code, warning.status, str(warning.value)) == ("dsr_item", "warn", "4.600")
    note = Notification.objects.get(user=sup)
    assert "天猫双11" in note.text and "4.6" in note.text
    assert not Notification.objects.filter(user=agent).exists()
    event = DomainEvent.objects.get(type="shop.indicator_warning")
    assert event.payload["code"] == "dsr_item" and event.payload["status"] == "warn"
    # a rerun of the day warns nobody again; the next day warns again
    indicator_services.record_day(day=dt.date(2026, 11, 14), warn=True)
    assert Notification.objects.filter(user=sup).count() == 1
    indicator_services.record_day(day=dt.date(2026, 11, 15), warn=True)
    assert Notification.objects.filter(user=sup).count() == 2
    assert IndicatorWarning.objects.count() == 2


def test_sat7_a_backfill_of_an_old_day_records_without_warning(make_orders, shop, sup):
    _reviews(make_orders, [5, 5, 5, 4, 4])  # 4.6: within the margin
    indicator_services.record_day(day=dt.date(2026, 11, 14))  # weeks ago: a backfill
    assert not IndicatorWarning.objects.exists() and not Notification.objects.exists()


def test_sat7_values_clear_of_the_margin_warn_nobody_and_below_is_named(
    make_orders, shop, sup, org
):
    _reviews(make_orders, [5, 5, 5, 5, 4])  # 4.8: clear of 4.6 + 0.05
    indicator_services.record_day(day=dt.date(2026, 11, 14), warn=True)
    assert not IndicatorWarning.objects.exists() and not Notification.objects.exists()
    # the line's own threshold puts the same 4.8 below: the warning says so
    org.shop.policies = {
        **org.shop.policies,
        "platform_events": [{"name": "聚划算", "thresholds": {"dsr_item": "4.85"}}],
    }
    org.shop.save()
    indicator_services.record_day(day=dt.date(2026, 11, 14), warn=True)
    warning = IndicatorWarning.objects.get()
    assert (warning.event, warning.status) == ("聚划算", "below")
    assert Notification.objects.filter(user=sup).count() == 1
