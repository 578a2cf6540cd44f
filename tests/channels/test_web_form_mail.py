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
