"""The public web form in a real browser (CH-10, issue 17 §3): a visitor submits it without
signing in and gets the ticket number and a signed status link; an agent replies; the visitor
reads the reply there and answers, and the answer lands on the same ticket."""

from __future__ import annotations

import pytest

from kefu.tickets import services as ticket_services
from kefu.tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.e2e


def test_visitor_submits_the_form_reads_the_reply_and_answers_ch10(
    transactional_db, page, screenshot, agent, org
):
    page.goto("/contact/shop/")
    page.select_option("#c-type", "complaint")
    page.fill("#c-name", "王女士")
    page.fill("#c-phone", "13800138000")
    page.fill("#c-reference", "TB20261111")
    page.fill("#c-description", "收到的杯子碎了一个，请尽快处理")
    screenshot("contact-form")
    page.click("#contact-submit")
    page.wait_for_selector("#ticket-number")
    number = page.inner_text("#ticket-number")
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == "web" and ticket.type == "complaint"
    status_url = page.get_attribute("#status-link", "href")
    assert "/contact/status/" in status_url
    screenshot("contact-thanks")

    ticket_services.ticket_reply(actor=agent, ticket=ticket, body="您好，已为您安排补发新杯子")
    page.goto(status_url)
    assert "已为您安排补发新杯子" in page.inner_text("#contact-thread")
    page.fill("#answer-text", "好的，谢谢")
    page.click("#answer-submit")
    page.wait_for_selector("text=好的，谢谢")
    screenshot("contact-status")
    notes = TicketMessage.objects.filter(ticket=ticket, kind="note").values_list("body", flat=True)
    assert any("好的，谢谢" in body for body in notes)
    assert Ticket.objects.count() == 1
