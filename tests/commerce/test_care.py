"""Care notices (CARE-1) and the daily shipment check (CARE-2) on a real database: each notice due
to the second, inside the SMS window, once per kind, through the messaging outbox."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.channels.messaging.models import OptOut, OutboundMessage
from kefu.commerce import care_rules
from kefu.commerce.models import CareNotice, ShipmentCheck
from kefu.commerce.services import care
from kefu.core.models import DomainEvent

from .conftest import at

pytestmark = pytest.mark.django_db


def _kinds(order):
    return sorted(CareNotice.objects.filter(order=order).values_list("kind", flat=True))


def test_care1_unshipped_notice_24_hours_after_payment_to_the_second(make_orders):
    orders = make_orders([("U1", "2026-11-11 09:00:00", 99, {"paid_at": "2026-11-11 10:00:00"})])
    care.plan_notices(at=at("2026-11-12 09:59:59"))
    assert _kinds(orders["U1"]) == []
    care.plan_notices(at=at("2026-11-12 10:00:00"))
    assert _kinds(orders["U1"]) == ["unshipped"]
    assert care.plan_notices(at=at("2026-11-12 10:05:00"))["unshipped"] == 0


def test_care1_notices_wait_outside_the_sms_window(make_orders):
    orders = make_orders(
        [
            (
                "W1",
                "2026-11-11 09:00:00",
                99,
                {"paid_at": "2026-11-11 09:10:00", "shipped_at": "2026-11-11 21:40:00"},
            )
        ]
    )
    care.plan_notices(at=at("2026-11-11 21:30:00"))
    care.plan_notices(at=at("2026-11-12 08:59:59"))
    assert _kinds(orders["W1"]) == []
    care.plan_notices(at=at("2026-11-12 09:00:00"))
    assert _kinds(orders["W1"]) == ["shipped"]


def test_care1_dispatch_delivery_and_confirm_receipt_sent_through_the_outbox(
    make_orders, django_capture_on_commit_callbacks
):
    times = {
        "paid_at": "2026-11-11 09:10:00",
        "shipped_at": "2026-11-11 15:00:00",
        "courier": "顺丰",
        "tracking_no": "SF1234567890",
    }
    orders = make_orders([("D1", "2026-11-11 09:00:00", 199, times)])
    care.plan_notices(at=at("2026-11-11 15:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert care.send_notices(at=at("2026-11-11 15:00:00"))["shipped"] == 1
    message = OutboundMessage.objects.get(kind="notice")
    assert "SF1234567890" in message.text and message.status == "sent"
    assert message.recipient == orders["D1"].customer.phone
    event = DomainEvent.objects.get(type="care.notice")
    assert event.payload == {
        "order": orders["D1"].pk,
        "customer": orders["D1"].customer_id,
        "kind": "shipped",
    }
    make_orders(
        [("D1", "2026-11-11 09:00:00", 199, {**times, "delivered_at": "2026-11-13 10:00:00"})]
    )
    care.plan_notices(at=at("2026-11-13 10:00:00"))
    care.plan_notices(at=at("2026-11-16 09:59:59"))
    assert _kinds(orders["D1"]) == ["delivered", "shipped"]
    care.plan_notices(at=at("2026-11-16 10:00:00"))
    assert _kinds(orders["D1"]) == ["confirm", "delivered", "shipped"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = care.send_notices(at=at("2026-11-16 10:00:00"))
    assert sent == {
        "unshipped": 0,
        "shipped": 0,
        "delivered": 1,
        "confirm": 1,
    }
    assert OutboundMessage.objects.filter(kind="notice").count() == 3


def test_care1_a_completed_order_gets_no_confirm_notice_and_a_shipped_one_no_unshipped(make_orders):
    orders = make_orders(
        [
            (
                "C1",
                "2026-11-11 09:00:00",
                50,
                {
                    "paid_at": "2026-11-11 09:10:00",
                    "delivered_at": "2026-11-13 10:00:00",
                    "closed_at": "2026-11-14 10:00:00",
                },
            ),
            ("C2", "2026-11-11 09:00:00", 50, {"paid_at": "2026-11-11 09:10:00"}),
        ]
    )
    care.plan_notices(at=at("2026-11-12 09:30:00"))
    assert _kinds(orders["C2"]) == ["unshipped"]
    # the parcel leaves before the notice does: the 'not shipped yet' SMS is cancelled
    make_orders(
        [
            (
                "C2",
                "2026-11-11 09:00:00",
                50,
                {"paid_at": "2026-11-11 09:10:00", "shipped_at": "2026-11-12 09:31:00"},
            )
        ]
    )
    care.send_notices(at=at("2026-11-12 09:40:00"))
    assert CareNotice.objects.get(order=orders["C2"], kind="unshipped").status == "cancelled"
    care.plan_notices(at=at("2026-11-16 10:00:00"))
    assert "confirm" not in _kinds(orders["C1"])


def test_care1_an_opted_out_buyer_gets_no_notice_and_it_is_recorded(
    make_orders, org, django_capture_on_commit_callbacks
):
    orders = make_orders([("O1", "2026-11-11 09:00:00", 50, {"paid_at": "2026-11-11 09:10:00"})])
    OptOut.objects.create(business_line=org.shop, recipient=orders["O1"].customer.phone)
    care.plan_notices(at=at("2026-11-12 09:30:00"))
    with django_capture_on_commit_callbacks(execute=True):
        care.send_notices(at=at("2026-11-12 09:30:00"))
    notice = CareNotice.objects.get(order=orders["O1"])
    assert notice.status == "refused" and notice.error
    assert OutboundMessage.objects.get(kind="notice").status == "refused"


def test_care2_yesterdays_untraceable_shipments_get_extended_receipt_time(make_orders):
    paid = {"paid_at": "2026-11-11 09:10:00"}
    make_orders(
        [
            (
                "S1",
                "2026-11-11 09:00:00",
                50,
                {
                    **paid,
                    "shipped_at": "2026-11-12 10:00:00",
                    "courier": "中通",
                    "tracking_no": "ZT1",
                },
            ),
            ("S2", "2026-11-11 09:00:00", 50, {**paid, "shipped_at": "2026-11-12 23:59:59"}),
            (
                "S3",
                "2026-11-11 09:00:00",
                50,
                {
                    **paid,
                    "shipped_at": "2026-11-13 00:00:00",
                    "courier": "中通",
                    "tracking_no": "ZT3",
                },
            ),
        ]
    )
    assert care.check_shipments(day=dt.date(2026, 11, 12)) == {"checked": 2, "untraceable": 1}
    late = ShipmentCheck.objects.get(traceable=False)
    assert late.order.order_no == "S2" and late.extended_days == 3
    assert care.check_shipments(day=dt.date(2026, 11, 12)) == {"checked": 0, "untraceable": 0}


def test_care_rules_windows_and_grades_are_pure():
    rules = care_rules.CareRules()
    assert rules.in_window(at("2026-11-11 09:00:00")) and rules.in_window(at("2026-11-11 21:29:59"))
    assert not rules.in_window(at("2026-11-11 21:30:00"))
    times = {"delivered_at": at("2026-11-11 10:00:00")}
    assert not care_rules.is_due(rules, "confirm", times, at("2026-11-14 09:59:59"))
    assert care_rules.is_due(rules, "confirm", times, at("2026-11-14 10:00:00"))
    assert [care_rules.grade_of(r) for r in (1, 2, 3, 4, 5)] == [
        "poor",
        "poor",
        "medium",
        "good",
        "good",
    ]
    assert care_rules.cashback_eligible(5, True) and not care_rules.cashback_eligible(4, True)
    assert not care_rules.cashback_eligible(5, False)
    assert care_rules.reply_rate(2, 3) == care_rules.Decimal("66.7")
