"""The pages: the phone list worked by one click, the return walked to a refund, the refund queue
decided by a second person, the overview's figures; scope (another line's return is not found)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.commerce.models import Refund, Reminder
from kefu.commerce.services import reminders, returns

from .conftest import at

pytestmark = pytest.mark.django_db


def test_phone_list_page_one_click_outcome(web_as, org, make_orders):
    caller = make_user("caller", "agent", team=org.presale)
    reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-12 00:00"),
        team=org.presale,
    )
    make_orders([("W1", "2026-11-11 09:00:00", 10), ("W2", "2026-11-11 09:00:00", 900)])
    reminders.plan_due(at=at("2026-11-11 12:00:00"))
    client = web_as(caller)
    page = client.get("/commerce/reminders/phone/").content.decode()
    assert page.index('data-order="W2"') < page.index('data-order="W1"')
    big = Reminder.objects.get(order__order_no="W2", channel="phone")
    response = client.post(f"/commerce/reminders/{big.pk}/outcome/", {"outcome": "no_answer"})
    assert response.status_code == 302
    big.refresh_from_db()
    assert (big.status, big.outcome, big.agent) == ("called", "no_answer", caller)
    listed = client.get("/commerce/reminders/phone/").content.decode()
    assert 'data-order="W2"' not in listed and 'data-order="W1"' in listed
    assert client.get("/commerce/").status_code == 200


def test_return_walked_to_a_refund_on_the_page_then_approved_by_another(
    web_as, make_orders, agent, manager, wy_agent
):
    orders = make_orders(
        [
            (
                "RT1",
                "2026-11-11 10:00:00",
                199,
                {"paid_at": "2026-11-11 10:05:00", "delivered_at": "2026-11-13 15:00:00"},
            )
        ]
    )
    ret = returns.return_request(
        actor=agent, order=orders["RT1"], requested_at=at("2026-11-14 09:00")
    )
    client = web_as(agent)
    for step, extra in (
        ("approve", {}),
        ("receive", {}),
        ("inspect", {"intact": "1"}),
        ("refund", {}),
    ):
        ret.refresh_from_db()
        client.post(
            f"/commerce/returns/{ret.pk}/step/", {"step": step, "version": ret.version, **extra}
        )
    ret.refresh_from_db()
    assert ret.status == "refunded" and ret.resolved_at <= ret.due_at
    assert ret.due_at - ret.received_at == timezone.timedelta(hours=48)
    refund = Refund.objects.get(ret=ret)
    client.post(
        f"/commerce/refunds/{refund.pk}/decide/", {"version": refund.version, "approve": "1"}
    )
    refund.refresh_from_db()
    assert refund.status == "submitted"  # the agent cannot approve their own
    web_as(manager).post(
        f"/commerce/refunds/{refund.pk}/decide/", {"version": refund.version, "approve": "1"}
    )
    refund.refresh_from_db()
    assert refund.status == "approved"
    assert web_as(wy_agent).get(f"/commerce/returns/{ret.pk}/").status_code == 404
