"""CMP-11 in Chromium, in Chinese and in English: a refused return the buyer took to the platform
(淘宝小二介入) — the agent logs a contact with the buyer, adds a purchase proof and a chat log to
the appeal pack, submits it, and records the outcome; the list shows the figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from testkit import PASSWORD

from kefu.commerce.models import Dispute
from kefu.commerce.services import orders, returns

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

WORDS = {
    "zh-hans": {"stage": "与买家协商中", "appealing": "申诉材料已提交平台", "lost": "败诉"},
    "en": {
        "stage": "Negotiating with the buyer",
        "appealing": "Appeal pack submitted to the platform",
        "lost": "Lost",
    },
}


@pytest.mark.parametrize("locale,language", [("zh-CN", "zh-hans"), ("en-US", "en")])
def test_agent_walks_a_platform_dispute(
    transactional_db, browser, live_server, org, agent, tmp_path, locale, language
):
    words = WORDS[language]
    shop = orders.shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    now = timezone.now().replace(microsecond=0)
    row = {
        "order_id": "E2E-DSP",
        "buyer_id": "tb-zhao",
        "phone": "13911116661",
        "buyer_name": "赵女士",
        "amount": "399",
        "placed_at": (now - dt.timedelta(days=6)).isoformat(),
        "paid_at": (now - dt.timedelta(days=6)).isoformat(),
        "delivered_at": (now - dt.timedelta(days=4)).isoformat(),
    }
    assert not orders.orders_upsert(actor=None, shop=shop, rows=[row]).errors
    from kefu.customers.models import Order

    ret = returns.return_request(actor=agent, order=Order.objects.get(order_no="E2E-DSP"))
    for step, extra in (("approve", {}), ("receive", {}), ("inspect", {"intact": False}),
                        ("refuse", {})):  # fmt: skip
        ret = returns.return_step(actor=agent, ret=ret, version=ret.version, step=step, **extra)
    proof = tmp_path / "进货发票.pdf"
    proof.write_bytes(b"%PDF-1.4 invoice")
    chat = tmp_path / "旺旺聊天.png"
    chat.write_bytes(b"\x89PNG demo")

    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"/accounts/login/?next=/commerce/returns/{ret.pk}/")
        page.fill("input[name=username]", agent.username)
        page.fill("input[name=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.fill("#case-no", "TB20261207001")
        page.locator('#dispute-open-form button[data-step="dispute"]').click()
        page.wait_for_selector("#contact-form")
        assert page.inner_text("#dispute-stage") == words["stage"]
        page.select_option("#ct-channel", "phone")
        page.fill("#ct-offer", "部分退款 50 元")
        page.fill("#ct-answer", "不同意")
        page.locator("#contact-form button").click()
        page.wait_for_selector(".alert-success")
        assert "部分退款 50 元" in page.inner_text("#contact-log")
        for kind, path in (("purchase", proof), ("chat", chat)):
            page.select_option("#ev-kind", kind)
            page.set_input_files("#ev-file", str(path))
            page.locator("#evidence-form button").click()
            page.wait_for_selector(".alert-success")
        assert page.locator("#evidence-list a").count() == 2
        assert page.locator("#appeal-missing").count() == 0
        page.fill("#ap-reasons", "吊牌已剪，不符合七天无理由退货")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"commerce-dispute-{language}.png"), full_page=True)
        page.locator("#appeal-form button").click()
        page.wait_for_selector(".alert-success")
        assert page.inner_text("#dispute-stage") == words["appealing"]
        page.select_option("#oc-outcome", "lost")
        page.fill("#oc-amount", "120")
        page.locator("#outcome-form button").click()
        page.wait_for_selector("#dispute-outcome")
        assert words["lost"] in page.inner_text("#dispute-outcome")
        d = Dispute.objects.get(ret=ret)
        assert (d.stage, d.outcome, str(d.amount), d.platform_case_no) == (
            "closed",
            "lost",
            "120.00",
            "TB20261207001",
        )
        page.goto("/commerce/disputes/?all=1")
        assert page.inner_text('[data-figure="lost"]') == "1"
        page.screenshot(
            path=str(ARTIFACTS / f"commerce-dispute-list-{language}.png"), full_page=True
        )
    finally:
        context.close()
