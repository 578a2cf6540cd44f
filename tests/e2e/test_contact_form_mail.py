"""The issue-17 Chromium path end to end: a visitor submits the public form with an e-mail address
in a real browser and gets the number (mailed too); an agent replies in the ticket's reply box;
the reply is caught by a real SMTP server (aiosmtpd) on its way to the visitor; the visitor's
client answers that captured mail and the answer threads back into the same ticket, where the
agent reads it."""

from __future__ import annotations

import email
import email.header
import socket
from email.message import EmailMessage

import pytest
from testkit import PASSWORD

from kefu.channels import services
from kefu.tickets.models import DeliveryStatus, Ticket, TicketMessage

pytestmark = pytest.mark.e2e
VISITOR = "wangli@example.cn"


@pytest.fixture
def catcher(settings):
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler.received
    controller.stop()


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_visitor_form_agent_reply_by_mail_and_the_answer_threads_back(
    transactional_db, page, browser, live_server, screenshot, catcher, org, manager, agent
):
    mailbox = services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    # the visitor, not signed in
    page.goto("/contact/shop/")
    page.select_option("#c-type", "complaint")
    page.fill("#c-name", "王丽")
    page.fill("#c-phone", "13911112222")
    page.fill("#c-email", VISITOR)
    page.fill("#c-description", "收到的保温杯漏水，想换一个")
    page.click("#contact-submit")
    page.wait_for_selector("#ticket-number")
    number = page.inner_text("#ticket-number")
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == "web"
    screenshot("contact-form-mail-thanks")
    (notice,) = catcher  # the number by mail
    assert notice.rcpt_tos == [VISITOR] and number in _subject(
        email.message_from_bytes(notice.content)
    )

    # the line's manager (every ticket of the line), in a browser context of their own
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    desk.goto("/accounts/login/")
    desk.fill("input[name=username]", manager.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.press("input[name=password]", "Enter")
    desk.wait_for_url(lambda url: "/login" not in url)
    desk.goto(f"/tickets/{ticket.pk}/")
    desk.fill("#id_reply-body", "王女士您好，新的保温杯今天寄出，旧的不用寄回。")
    desk.click("#reply-form button[type=submit]")
    desk.wait_for_selector("[data-delivery]")
    reply = TicketMessage.objects.get(ticket=ticket, kind="reply")
    assert (reply.delivery_channel, reply.delivery_status) == ("email", DeliveryStatus.SENT)
    assert len(catcher) == 2 and catcher[1].rcpt_tos == [VISITOR]
    sent = email.message_from_bytes(catcher[1].content)
    assert f"[#{number}]" in _subject(sent)
    body = sent.get_payload(decode=True).decode(sent.get_content_charset())
    assert "新的保温杯今天寄出" in body and "/contact/status/" in body

    # the visitor's mail client answers the captured reply
    answer = EmailMessage()
    answer["From"] = f"王丽 <{VISITOR}>"
    answer["To"] = "service@shop.example"
    answer["Subject"] = f"回复：{_subject(sent)}"
    answer["Message-ID"] = "<answer-web-1@example.cn>"
    answer["In-Reply-To"] = sent["Message-ID"].strip()
    answer["References"] = " ".join(f"{sent['References']} {sent['Message-ID']}".split())
    answer.set_content("好的，收到了，谢谢！", charset="gb18030")
    result = services.ingest(answer.as_bytes(), mailbox=mailbox)
    assert result.threaded and result.ticket == number
    assert Ticket.objects.count() == 1

    desk.goto(f"/mail/tickets/{ticket.pk}/")
    assert "好的，收到了，谢谢！" in desk.inner_text("#ticket-mail")
    screenshot("contact-form-mail-thread", of=desk)
    context.close()
