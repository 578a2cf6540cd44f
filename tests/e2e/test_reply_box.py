"""The ticket's reply box in a real browser: `/` opens the quick replies, ↓ and Enter insert one
with its variables filled from the ticket, the service-language check warns inline, and the sent
reply shows its delivery state (issue 15)."""

from __future__ import annotations

import pytest
from django.core import mail
from testkit import PASSWORD

from kefu.knowledge.services import language_rule_create, phrase_create
from kefu.tickets.models import DeliveryStatus, TicketMessage

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_slash_picks_a_quick_reply_filled_from_the_ticket_and_the_reply_is_mailed(
    transactional_db, page, screenshot, agent, lead, admin_user, org, make_customer, make_ticket
):
    phrase_create(
        actor=lead,
        business_line=org.shop,
        category="售后",
        shortcut="dq",
        title="道歉",
        body="{客户姓名}您好，非常抱歉给您带来不便。",
    )
    phrase_create(
        actor=lead,
        business_line=org.shop,
        category="售后",
        shortcut="dqgd",
        title="道歉并告知工单号",
        body="{客户姓名}您好，您的工单{工单号}由{客服姓名}跟进，请放心。",
    )
    language_rule_create(
        actor=admin_user, kind="improper", pattern="不归我管", suggestion="我帮您转给负责的同事"
    )
    customer = make_customer(name="刘洋", email="liuyang@example.com")
    ticket = make_ticket(agent, customer=customer, channel="email", title="退款还没到账")
    _sign_in(page, agent)
    page.goto(f"/tickets/{ticket.pk}/")

    box = page.locator("#id_reply-body")
    box.click()
    # the language check shows its warning inline while typing
    box.type("这事不归我管 ")
    page.wait_for_selector("#id_reply-body-check .alert")
    assert "我帮您转给负责的同事" in page.inner_text("#id_reply-body-check")
    box.fill("")

    # `/` at the start of a word opens the picker; typing narrows it by shortcut
    box.type("/dq")
    options = page.locator("#id_reply-body-shortcuts [data-kb-insert]")
    options.first.wait_for()
    page.wait_for_function(
        "document.querySelectorAll('#id_reply-body-shortcuts [data-kb-insert]').length === 2"
    )
    assert "active" in (options.nth(0).get_attribute("class") or "")
    screenshot("reply-box-quick-replies")
    page.keyboard.press("ArrowDown")
    assert "active" in (options.nth(1).get_attribute("class") or "")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelectorAll('#id_reply-body-shortcuts [data-kb-insert]').length === 0"
    )
    value = box.input_value()
    assert value == f"刘洋您好，您的工单{ticket.number}由agent跟进，请放心。"
    # a clean reply: the check has nothing to say
    page.wait_for_function("!document.querySelector('#id_reply-body-check .alert')")

    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("[data-delivery]")
    reply = TicketMessage.objects.get(ticket=ticket, kind="reply")
    assert reply.body == value
    assert reply.delivery_status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["liuyang@example.com"]]
    state = page.inner_text(f"#delivery-{reply.pk}")
    assert "已发送" in state and "邮件" in state
    screenshot("reply-box-sent")
