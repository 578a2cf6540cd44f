"""STF-3 in Chromium: a supervisor opens the Double 11 page, types the orders expected of the
next event and reads the refunds to expect per stage (未发货 / 已发货 / 已收货) at the event's rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import PASSWORD, make_user

from kefu.commerce.models import Refund
from kefu.commerce.services import orders, reminders, returns
from kefu.customers.models import Order

pytestmark = pytest.mark.e2e


def test_a_supervisor_forecasts_the_refund_workload_of_a_sales_forecast(
    transactional_db, page, screenshot, org, agent
):
    shop = orders.shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    now = timezone.now()
    campaign = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=now - dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=1),
        team=org.presale,
    )
    paid = now - dt.timedelta(days=6)
    rows = [
        {
            "order_id": f"FC{i}",
            "phone": f"1391111{i:04d}",
            "amount": "199",
            "placed_at": (paid - dt.timedelta(minutes=5)).isoformat(),
            "paid_at": paid.isoformat(),
            **(
                {
                    "shipped_at": (paid + dt.timedelta(days=1)).isoformat(),
                    "delivered_at": (paid + dt.timedelta(days=3)).isoformat(),
                }
                if i >= 2
                else {}
            ),
        }
        for i in range(8)
    ]
    assert not orders.orders_upsert(actor=None, shop=shop, rows=rows).errors
    made = {o.order_no: o for o in Order.objects.filter(shop=shop)}
    # FC0 before dispatch, FC2 in transit, FC3 after delivery
    for no, when in (("FC0", paid + dt.timedelta(hours=2)), ("FC2", paid + dt.timedelta(days=2)),
                     ("FC3", paid + dt.timedelta(days=4))):  # fmt: skip
        refund = returns.refund_create(actor=agent, order=made[no], amount="50")
        Refund.objects.filter(pk=refund.pk).update(created_at=when)
    boss = make_user("boss", "supervisor", department=org.presale.department)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", boss.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/commerce/double11/?campaign={campaign.pk}")
    assert page.locator("#forecast-expected").inner_text().strip() == "—"
    page.fill("#forecast_orders", "4000")
    page.locator("#forecast-form button").click()
    page.wait_for_url(lambda url: "forecast_orders=4000" in url)
    cells = page.locator("#refund-forecast tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.stage, r.cells[1].innerText, r.cells[3].innerText])"
    )
    # 1 refund of 8 orders at each stage: 500 of 4,000 each, 1,500 in all
    assert cells == [
        ["unshipped", "1", "500"],
        ["shipped", "1", "500"],
        ["received", "1", "500"],
        ["total", "3", "1500"],
    ]
    assert "退款工作量预测" in page.content()
    screenshot("commerce-refund-forecast")
