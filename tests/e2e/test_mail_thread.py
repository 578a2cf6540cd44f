"""An e-mail conversation in a real browser (issue 17 "Must show"): a customer's GBK mail opens a
ticket; the customer gets the line's acknowledgement with the number; the agent reads the mail on the
ticket's mail page and replies in the reply box; the reply is
caught by a real SMTP server (aiosmtpd); the customer answers that captured mail and the answer
joins the same ticket, where the agent reads it."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.channels import services
from kefu.tickets.models import DeliveryStatus, Ticket, TicketMessage

pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).resolve().parents[1] / "channels" / "fixtures" / "outlook_gbk.eml"


@pytest.fixture
def catcher(settings):
    from aiosmtpd.controller import Controller

    class Keep:
        received: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Keep()
    handler.received = []
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield handler.received
    controller.stop()


def test_a_customer_mail_is_answered_in_the_browser_and_the_answer_threads_back(
    transactional_db, page, screenshot, catcher, org, manager, agent
):
    mailbox = services.mailbox_create(
        actor=manager,
        business_line=org.shop,
        name="售后邮箱",
        address="service@shop.example",
        intake_user=agent.pk,
    )
    from channels.mailkit import fresh

    raw = fresh(FIXTURE.read_bytes().replace(b"{CUSTOMER}", b"lixiaoming@example.com"))
    first = services.ingest(raw, mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket)
    # the line's acknowledgement (CH-4) went out at once, with the number, marked as a robot's
    (ack,) = catcher
    acked = email.message_from_bytes(ack.content)
    assert acked["Auto-Submitted"] == "auto-replied" and ack.rcpt_tos == ["lixiaoming@example.com"]
    assert ticket.number in acked.get_payload(decode=True).decode(acked.get_content_charset())

    page.goto("/accounts/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/tickets/{ticket.pk}/")
    page.click("#ticket-mail-link")
    page.wait_for_selector("#ticket-mail")
    assert "王堃先生让我联系你们" in page.inner_text("#ticket-mail")

    page.goto(f"/tickets/{ticket.pk}/")
    page.fill("#id_reply-body", "李先生您好，缺页的图书已为您补发，单号稍后短信告知。")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("[data-delivery]")
    reply = TicketMessage.objects.get(ticket=ticket, kind="reply")
    assert reply.delivery_status == DeliveryStatus.SENT
    _ack, envelope = catcher
    sent = email.message_from_bytes(envelope.content)
    assert envelope.rcpt_tos == ["lixiaoming@example.com"] and ticket.number in str(
        email.header.make_header(email.header.decode_header(sent["Subject"]))
    )

    answer = EmailMessage()  # the customer's client answers the captured mail
    answer["From"] = "李晓明 <lixiaoming@example.com>"
    answer["To"] = "service@shop.example"
    answer["Subject"] = "回复：图书缺页"
    answer["Message-ID"] = "<answer-1@example.com>"
    answer["In-Reply-To"] = sent["Message-ID"].strip()  # unfolded
    answer["References"] = " ".join(f"{sent['References']} {sent['Message-ID']}".split())
    answer.set_content("收到，谢谢！什么时候能到？", charset="gb18030")
    result = services.ingest(answer.as_bytes(), mailbox=mailbox)
    assert result.threaded and result.ticket == ticket.number

    page.goto(f"/mail/tickets/{ticket.pk}/")
    assert "收到，谢谢！什么时候能到？" in page.inner_text("#ticket-mail")
    screenshot("mail-thread")
