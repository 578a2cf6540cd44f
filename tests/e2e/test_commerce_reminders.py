"""Issue 20 in Chromium: a 催付 agent works the phone list (largest amount first, one click per
outcome, the called order leaves the list); a return is received, inspected and refunded within
its 48-hour SLA on the return page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import PASSWORD, make_user

from kefu.commerce.models import Reminder, Return
from kefu.commerce.services import orders, reminders, returns

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def test_agent_works_the_phone_list_and_refunds_a_return_within_its_sla(
    transactional_db, page, screenshot, org, agent
):
    caller = make_user("caller", "agent", team=org.presale)
    shop = orders.shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    now = timezone.now()
    reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11催付",
        # from before yesterday's 15:00 run below, whatever the time of day the test runs
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=1),
        team=org.presale,
    )
    yesterday = timezone.localtime(now) - dt.timedelta(days=1)
    placed = yesterday.replace(hour=9, minute=0, second=0, microsecond=0)
    rows = [
        {
            "order_id": oid,
            "phone": phone,
            "buyer_name": name,
            "amount": amount,
            "placed_at": _iso(placed),
        }
        for oid, phone, name, amount in (
            ("E2E-SMALL", "13911112221", "钱女士", "59"),
            ("E2E-BIG", "13911112222", "孙先生", "1299"),
            ("E2E-MID", "13911112223", "周女士", "399"),
        )
    ]
    rows.append(
        {
            "order_id": "E2E-RET",
            "phone": "13911112224",
            "buyer_name": "吴女士",
            "amount": "199",
            "placed_at": _iso(now - dt.timedelta(days=5)),
            "paid_at": _iso(now - dt.timedelta(days=5)),
            "delivered_at": _iso(now - dt.timedelta(days=2)),
        }
    )
    assert not orders.orders_upsert(actor=None, shop=shop, rows=rows).errors
    # yesterday's 15:00 run of the job: inside the phone window, 6 h after the orders
    reminders.plan_due(at=placed.replace(hour=15))
    assert Reminder.objects.filter(channel="phone").count() == 3

    _sign_in(page, caller)
    page.goto("/commerce/reminders/phone/")
    listed = page.locator("#phone-list tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.order)"
    )
    assert listed == ["E2E-BIG", "E2E-MID", "E2E-SMALL"]
    screenshot("commerce-phone-list")
    page.locator('tr[data-order="E2E-BIG"] button[value="promised"]').click()
    page.wait_for_selector(".alert-success")
    listed = page.locator("#phone-list tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.order)"
    )
    assert listed == ["E2E-MID", "E2E-SMALL"]
    big = Reminder.objects.get(order__order_no="E2E-BIG", channel="phone")
    assert (big.status, big.outcome, big.agent_id) == ("called", "promised", caller.pk)

    # a return: the agent approves, receives, inspects and refunds it on its page
    from kefu.customers.models import Order

    ret = returns.return_request(actor=agent, order=Order.objects.get(order_no="E2E-RET"))
    page.context.clear_cookies()
    _sign_in(page, agent)
    page.goto(f"/commerce/returns/{ret.pk}/")
    for step in ("approve", "receive", "inspect", "refund"):
        page.locator(f'button[data-step="{step}"]').click()
        page.wait_for_selector(".alert-success")
    screenshot("commerce-return-refunded")
    ret = Return.objects.get(pk=ret.pk)
    assert ret.status == "refunded"
    assert ret.due_at - ret.received_at == dt.timedelta(hours=48)
    assert ret.resolved_at <= ret.due_at
