"""PK-5 in Chromium: a lead records the orders expected of Double 11 and reads them split per
brand by the 618 event's shares, plans a pre-pack and a courier; an agent of the warehouse records
how many are packed. In Chinese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from testkit import PASSWORD

from kefu.commerce.models import PrePack
from kefu.commerce.services import orders, reminders

pytestmark = pytest.mark.e2e


def _sign_in(page, user, language):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_lead_plans_the_event_warehouse_and_an_agent_records_the_packing(
    transactional_db, page, screenshot, org, lead, agent, language
):
    shop = orders.shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    now = timezone.now()
    previous = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="618大促",
        starts_at=now - dt.timedelta(days=150),
        ends_at=now - dt.timedelta(days=130),
    )
    current = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=10),
    )
    paid = previous.starts_at + dt.timedelta(days=1)
    rows = [
        {
            "order_id": f"W{i}",
            "phone": f"1392222{i:04d}",
            "amount": "299",
            "placed_at": paid.isoformat(),
            "paid_at": paid.isoformat(),
            "brand": "雅诗兰黛" if i < 3 else "兰蔻",
        }
        for i in range(4)
    ]
    rows.append(
        {
            "order_id": "W9",
            "phone": "13922229999",
            "amount": "299",
            "placed_at": (now - dt.timedelta(days=1)).isoformat(),
            "paid_at": (now - dt.timedelta(days=1)).isoformat(),
            "brand": "兰蔻",
        }
    )
    assert not orders.orders_upsert(actor=None, shop=shop, rows=rows).errors
    _sign_in(page, lead, language)
    page.goto(f"/commerce/double11/warehouse/?campaign={current.pk}")
    page.fill("#orders", "2000")
    page.locator("#forecast-form button").click()
    page.wait_for_load_state()
    cells = page.locator("#brands tbody tr[data-brand]").evaluate_all(
        "rows => rows.map(r => [r.dataset.brand, r.cells[3].innerText, r.cells[4].innerText])"
    )
    # 618: 3 of 4 orders 雅诗兰黛, 1 兰蔻 → 1,500 and 500 of 2,000; 兰蔻 paid 1 so far
    assert cells == [["雅诗兰黛", "1500", "0 (0.0%)"], ["兰蔻", "500", "1 (0.2%)"]]
    form = page.locator("#prepack-form")
    form.locator("select[name=kind]").select_option("bundle")
    form.locator("input[name=brand]").fill("兰蔻")
    form.locator("input[name=item]").fill("菁纯套装")
    form.locator("input[name=quantity]").fill("300")
    form.locator("button").click()
    page.wait_for_load_state()
    courier = page.locator("#courier-form")
    courier.locator("input[name=city]").fill("北京")
    courier.locator("input[name=courier]").fill("京东物流")
    courier.locator("button").click()
    page.wait_for_load_state()
    assert (
        page.locator("#couriers tr[data-city='北京'] input[name=courier]").input_value()
        == "京东物流"
    )
    page.context.clear_cookies()
    _sign_in(page, agent, language)
    page.goto(f"/commerce/double11/warehouse/?campaign={current.pk}")
    assert page.locator("#prepack-form").count() == 0  # the plan is the lead's
    row = page.locator("#prepacks tr[data-item='菁纯套装']")
    row.locator("input[name=packed]").fill("120")
    row.locator("button").click()
    page.wait_for_load_state()
    assert PrePack.objects.get().packed == 120
    total = page.locator("#prepack-total").inner_text()
    assert "120" in total and "300" in total and "40.0%" in total
    heading = {"zh-hans": "各品牌订单", "en": "Orders per brand"}[language]
    assert heading in page.content()
    screenshot(f"commerce-warehouse-{language}")
