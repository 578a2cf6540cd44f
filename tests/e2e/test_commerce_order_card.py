"""Issue 20 in Chromium, in Chinese and in English: an agent opens a buyer's ticket, reads the
order card beside the conversation (the order's status and the 7-day window to the second),
starts a return from the card and sees it there, on the ticket's timeline and on the order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from testkit import PASSWORD

from kefu.commerce.models import Return
from kefu.commerce.services import orders
from kefu.tickets.services import ticket_create

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.e2e

WORDS = {
    "zh-hans": {
        "window": "7 天无理由退换货，截止 {deadline}",
        "status": "已签收",
        "start": "申请退换货",
        "done": "订单 E2E-CARD：已申请退货。",
        "requested": "已申请",
        "timeline": "订单操作",
    },
    "en": {
        "window": "7-day no-reason return ends {deadline}",
        "status": "Delivered",
        "start": "Start a return or exchange",
        "done": "Order E2E-CARD: the return has been opened.",
        "requested": "Requested",
        "timeline": "Order action",
    },
}


@pytest.mark.parametrize("locale,language", [("zh-CN", "zh-hans"), ("en-US", "en")])
def test_agent_starts_a_return_from_the_order_card_and_sees_it_there(
    transactional_db, browser, live_server, org, agent, locale, language
):
    words = WORDS[language]
    shop = orders.shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    now = timezone.now().replace(microsecond=0)
    delivered = now - dt.timedelta(days=2, hours=1)
    rows = [
        {
            "order_id": "E2E-CARD",
            "buyer_id": "tb-wu",
            "phone": "13911115551",
            "buyer_name": "吴女士",
            "amount": "199",
            "placed_at": (now - dt.timedelta(days=5)).isoformat(),
            "paid_at": (now - dt.timedelta(days=5)).isoformat(),
            "shipped_at": (now - dt.timedelta(days=4)).isoformat(),
            "delivered_at": delivered.isoformat(),
            "courier": "顺丰",
            "tracking_no": "SF9001",
        },
        {
            "order_id": "E2E-OLD",
            "buyer_id": "tb-wu",
            "phone": "13911115551",
            "buyer_name": "吴女士",
            "amount": "59",
            "placed_at": (now - dt.timedelta(days=40)).isoformat(),
            "paid_at": (now - dt.timedelta(days=40)).isoformat(),
            "shipped_at": (now - dt.timedelta(days=39)).isoformat(),
            "delivered_at": (now - dt.timedelta(days=37)).isoformat(),
        },
    ]
    assert not orders.orders_upsert(actor=None, shop=shop, rows=rows).errors
    from kefu.customers.models import Order

    order = Order.objects.get(order_no="E2E-CARD")
    ticket = ticket_create(
        actor=agent, title="衣服尺码不合适", customer=order.customer, type="consult", channel="im"
    )

    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"/accounts/login/?next=/tickets/{ticket.pk}/")
        page.fill("input[name=username]", agent.username)
        page.fill("input[name=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.wait_for_selector(f'html[lang="{language}"]')

        item = page.locator(f"#card-order-{order.pk}")
        deadline = timezone.localtime(delivered + dt.timedelta(days=7)).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
        assert item.locator(".order-status").inner_text() == words["status"]
        assert item.locator(".policy-text").inner_text() == words["window"].format(
            deadline=deadline
        )
        item.locator(".action-return summary").click()
        assert item.locator(".action-return summary").inner_text() == words["start"]
        item.locator("input[name=reason]").fill("尺码偏小")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#order-card").screenshot(
            path=str(ARTIFACTS / f"commerce-order-card-before-{language}.png")
        )
        page.evaluate("window.cardStayed = true")  # gone if the page reloads
        item.locator(".action-return button[type=submit]").click()
        page.wait_for_selector("#order-card .card-message.alert-success")
        assert words["done"] in page.locator("#order-card .card-message").inner_text()
        # the card answered in place (htmx): the page did not reload
        assert page.evaluate("window.cardStayed === true")

        ret = Return.objects.get(order=order)
        assert (ret.ticket_id, ret.status, ret.reason) == (ticket.pk, "requested", "尺码偏小")
        item = page.locator(f"#card-order-{order.pk}")
        assert f"R{ret.pk}" in item.locator(".card-return").inner_text()
        assert words["requested"] in item.locator(".card-return").inner_text()
        assert item.locator(".action-return").count() == 0
        # the ticket's timeline has the line once the page is read again
        page.reload()
        item = page.locator(f"#card-order-{order.pk}")
        assert words["timeline"] in page.content()
        page.locator("#order-card").screenshot(
            path=str(ARTIFACTS / f"commerce-order-card-after-{language}.png")
        )
        page.screenshot(
            path=str(ARTIFACTS / f"commerce-order-card-ticket-{language}.png"), full_page=True
        )
        # the order page, one click away
        item.locator("a.order-link").click()
        page.wait_for_selector("#order-returns")
        assert f"R{ret.pk}" in page.locator("#order-returns").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"commerce-order-page-{language}.png"), full_page=True)
    finally:
        context.close()
