"""The web form's ticket number by mail (CH-10, issue 17 §3): a visitor who gave an address gets
the number and the signed status link by mail from the line's mailbox (a real SMTP server); the
customer's answer to that mail threads back into the same ticket; without an address nothing is
mailed."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

import pytest
from django.test import Client

from kefu.channels import services
from kefu.channels.models import OutboundMail
from kefu.tickets.models import Ticket

from .mailkit import CUSTOMER, eml

pytestmark = pytest.mark.django_db

FORM = {
    "type": "complaint",
    "name": "李小明",
    "phone": "13800138000",
    "reference": "TB20261111",
    "description": "收到的杯子碎了，请处理",
}


def test_ch10_the_number_is_mailed_and_the_answer_threads_back(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    # when a visitor submits the form with an e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/contact/shop/", {**FORM, "email": CUSTOMER})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    # then the number and the status link are mailed from the shop's mailbox
    (envelope,) = smtp_catcher
    assert envelope.rcpt_tos == [CUSTOMER]
    sent = email.message_from_bytes(envelope.content)
    assert ticket.number in str(make_header(decode_header(sent["Subject"])))
    assert sent["Auto-Submitted"] == "auto-replied" and "service@shop.example" in sent["From"]
    text = sent.get_payload(decode=True).decode(sent.get_content_charset())
    assert ticket.number in text and "http://testserver/contact/status/" in text
    # and the customer's answer to that mail joins the same ticket
    sent_id = sent["Message-ID"].strip().strip("<>")
    assert OutboundMail.objects.get(message_id=sent_id).ticket == ticket
    answer = services.ingest(eml("gmail_reply.eml", REF=sent_id), mailbox=mailbox)
    assert answer.threaded and answer.ticket == ticket.number


def test_without_an_address_nothing_is_mailed(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/contact/shop/", {**FORM, "email": ""})
    assert Ticket.objects.count() == 1 and smtp_catcher == []


def test_ch10_a_reply_on_a_web_ticket_is_mailed_to_the_visitor_and_the_answer_threads_back(
    mailbox, agent, smtp_catcher, django_capture_on_commit_callbacks
):
    """The visitor's address is the ticket's, not the archive's: a customer found by phone with
    another e-mail in the archive gets the reply at the address typed on the form."""
    from kefu.customers.models import Customer
    from kefu.tickets import services as tickets
    from kefu.tickets.models import TicketMessage

    Customer.objects.create(
        business_line=mailbox.business_line, name="李小明", phone="13800138000", email="old@x.cn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/contact/shop/", {**FORM, "email": CUSTOMER})
    ticket = Ticket.objects.select_related("customer", "business_line").get()
    (notice,) = smtp_catcher
    notice_id = email.message_from_bytes(notice.content)["Message-ID"].strip().strip("<>")

    # when the agent replies on the web ticket
    with django_capture_on_commit_callbacks(execute=True):
        reply = tickets.ticket_reply(actor=agent, ticket=ticket, body="您好，新杯子今天寄出。")
    # then the reply is mailed to the address the visitor gave, in the thread of the notice
    reply = TicketMessage.objects.get(pk=reply.pk)
    assert (reply.delivery_channel, reply.delivery_status) == ("email", "sent")
    assert len(smtp_catcher) == 2 and smtp_catcher[1].rcpt_tos == [CUSTOMER]
    sent = email.message_from_bytes(smtp_catcher[1].content)
    assert f"[#{ticket.number}]" in str(make_header(decode_header(sent["Subject"])))
    assert sent["In-Reply-To"].strip() == f"<{notice_id}>"
    text = sent.get_payload(decode=True).decode(sent.get_content_charset())
    assert "新杯子今天寄出" in text and "http://testserver/contact/status/" in text
    # and the visitor's answer to that mail joins the same ticket
    sent_id = sent["Message-ID"].strip().strip("<>")
    answer = services.ingest(eml("gmail_reply.eml", REF=sent_id), mailbox=mailbox)
    assert answer.threaded and answer.ticket == ticket.number
    assert Ticket.objects.count() == 1


def test_a_reply_on_a_web_ticket_without_an_address_is_recorded_not_mailed(
    mailbox, agent, smtp_catcher, django_capture_on_commit_callbacks
):
    from kefu.tickets import services as tickets

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/contact/shop/", {**FORM, "email": ""})
    ticket = Ticket.objects.select_related("customer", "business_line").get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = tickets.ticket_reply(actor=agent, ticket=ticket, body="您好")
    assert reply.delivery_status == "recorded" and smtp_catcher == []


def test_ch10_in_the_quiet_hours_the_number_mail_waits_until_they_end(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from kefu.channels import auto_mail
    from kefu.channels.models import AutoMail

    now = timezone.localtime()
    line = mailbox.business_line
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    line.policies = {**line.policies, "quiet_hours": f"{start}-{end}"}
    line.save(update_fields=["policies"])
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/contact/shop/", {**FORM, "email": CUSTOMER}, follow=True)
    ticket = Ticket.objects.get()
    assert ticket.number in response.content.decode()  # the page shows the number at once
    assert smtp_catcher == []
    held = AutoMail.objects.get()
    assert (held.status, held.kinds, held.to_address) == ("held", "number", CUSTOMER)
    assert auto_mail.release_held(now=timezone.now()) == 0
    assert auto_mail.release_held(now=held.send_after + dt.timedelta(seconds=1)) == 1
    (envelope,) = smtp_catcher
    sent = email.message_from_bytes(envelope.content)
    assert f"[#{ticket.number}]" in str(make_header(decode_header(sent["Subject"])))
    text = sent.get_payload(decode=True).decode(sent.get_content_charset())
    assert "http://testserver/contact/status/" in text
    answer = services.ingest(
        eml("gmail_reply.eml", REF=sent["Message-ID"].strip().strip("<>")), mailbox=mailbox
    )
    assert answer.threaded and answer.ticket == ticket.number
