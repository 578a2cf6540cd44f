"""E-mail out (issue 17 §2): a reply on an e-mail ticket goes through the real SMTP server of
EMAIL_URL after the commit, from the mailbox's address, with Message-ID / In-Reply-To /
References and the ticket token; Chinese headers encoded; the customer's answer threads back;
a failed send shows on the reply and is retried with back-off; a bounced address is not mailed."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

import pytest

from kefu.channels import outbound, services
from kefu.channels.models import OutboundMail
from kefu.tickets import outbound as ticket_outbound
from kefu.tickets import services as tickets
from kefu.tickets.models import DeliveryStatus, Ticket

from .mailkit import CUSTOMER, eml

pytestmark = pytest.mark.django_db


def _reply(agent, number, body, capture):
    ticket = Ticket.objects.select_related("customer", "business_line").get(number=number)
    with capture(execute=True):
        message = tickets.ticket_reply(actor=agent, ticket=ticket, body=body)
    message.refresh_from_db()
    return message


def _text(value) -> str:
    return str(make_header(decode_header(value)))


def test_ch1_a_reply_is_mailed_with_threading_headers_and_the_answer_threads_back(
    mailbox, agent, smtp_catcher, django_capture_on_commit_callbacks
):
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    message = _reply(
        agent, first.ticket, "您好，已为您补发缺页的图书。", django_capture_on_commit_callbacks
    )
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_attempts == 1

    (envelope,) = smtp_catcher
    assert envelope.rcpt_tos == [CUSTOMER]
    sent = email.message_from_bytes(envelope.content)
    assert _text(sent["Subject"]) == f"Re: 图书缺页（朱镕基传） [#{first.ticket}]"
    assert sent["Subject"].isascii() and sent["From"].isascii()  # RFC 2047, nothing raw
    assert _text(sent["From"]) == "网店 <service@shop.example>"
    original = "000001db42a1$8e1f2c30$aa5d8490$@example.com"
    assert sent["In-Reply-To"] == f"<{original}>" and original in sent["References"]
    sent_id = sent["Message-ID"].strip().strip("<>")
    assert OutboundMail.objects.get(message_id=sent_id).reply_id == message.pk
    assert sent.get_payload(decode=True).decode(sent.get_content_charset()).strip() == (
        "您好，已为您补发缺页的图书。"
    )

    answer = services.ingest(eml("gmail_reply.eml", REF=sent_id), mailbox=mailbox)
    assert answer.threaded and answer.ticket == first.ticket
    second = _reply(agent, first.ticket, "新地址已登记。", django_capture_on_commit_callbacks)
    assert second.delivery_status == DeliveryStatus.SENT
    again = email.message_from_bytes(smtp_catcher[1].content)
    assert again["In-Reply-To"] == "<CAJx9Lq3+Yb2Pn=qW4f@mail.gmail.com>"
    assert sent_id in again["References"] and original in again["References"]


def test_a_failed_send_shows_on_the_reply_and_a_retry_is_scheduled(
    mailbox, agent, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from kefu.channels import tasks

    scheduled = []
    monkeypatch.setattr(
        tasks.retry_reply_job, "schedule", lambda args, delay: scheduled.append((args, delay))
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    message = _reply(agent, first.ticket, "您好", django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "Connection" in message.delivery_error or "refused" in message.delivery_error
    assert scheduled == [((message.pk,), outbound.BACKOFF[0])]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbound.deliver(message.pk, retry=True) == DeliveryStatus.SENT  # the job's run
    message.refresh_from_db()
    assert message.delivery_attempts == 2 and message.delivery_error == ""
    assert outbound.deliver(message.pk, retry=True) is None  # sent once, never twice


def test_an_agents_retry_goes_through_the_requeued_event(
    mailbox, agent, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    message = _reply(agent, first.ticket, "您好", django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_outbound.reply_retry(actor=agent, ticket=message.ticket, message=message)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_bounced_address_is_not_mailed_and_the_reply_says_why(
    mailbox, agent, django_capture_on_commit_callbacks
):
    from django.core import mail

    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    services.ingest(eml("bounce.eml"), mailbox=mailbox)
    message = _reply(agent, first.ticket, "您好", django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "undeliverable" in message.delivery_error and mail.outbox == []


def _quiet_now(line) -> None:
    import datetime as dt

    from django.utils import timezone

    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    line.policies = {**line.policies, "quiet_hours": f"{start}-{end}"}
    line.save(update_fields=["policies"])


def test_a_reply_in_the_quiet_hours_waits_then_goes_out_when_they_end(
    mailbox, agent, smtp_catcher, django_capture_on_commit_callbacks
):
    """Issue 17: every customer-facing send respects the line's quiet hours, e-mail too."""
    import datetime as dt

    from kefu.channels.models import HeldMail

    # given a ticket from mail and the line in its quiet hours
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    _quiet_now(mailbox.business_line)
    # when the agent replies
    message = _reply(
        agent, first.ticket, "您好，明早为您处理。", django_capture_on_commit_callbacks
    )
    # then nothing is mailed: the reply waits, saying until when
    assert message.delivery_status == DeliveryStatus.QUEUED and len(smtp_catcher) == 0
    assert "quiet hours" in message.delivery_error and message.delivery_attempts == 0
    held = HeldMail.objects.get(reply=message)
    assert outbound.release_held_mail(now=held.send_after - dt.timedelta(seconds=1)) == 0
    # when the quiet hours end, the release job mails it once
    assert outbound.release_held_mail(now=held.send_after + dt.timedelta(seconds=1)) == 1
    assert outbound.release_held_mail(now=held.send_after + dt.timedelta(minutes=9)) == 0
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_error == ""
    assert [e.rcpt_tos for e in smtp_catcher] == [[CUSTOMER]]


def test_mail_over_the_recipients_daily_quota_is_refused_and_not_retried(
    mailbox, agent, settings, smtp_catcher, django_capture_on_commit_callbacks, monkeypatch
):
    """Issue 17: the per-recipient daily quota (the line's message_daily_quota) holds for mail."""
    from kefu.channels import tasks

    scheduled = []
    monkeypatch.setattr(tasks.retry_reply_job, "schedule", lambda **kw: scheduled.append(kw))
    line = mailbox.business_line
    line.policies = {**line.policies, "message_daily_quota": 2}
    line.save(update_fields=["policies"])
    first = services.ingest(eml("outlook_gbk.eml"), mailbox=mailbox)
    statuses = [
        _reply(agent, first.ticket, f"第{n}次回复", django_capture_on_commit_callbacks)
        for n in range(3)
    ]
    assert [m.delivery_status for m in statuses] == ["sent", "sent", "failed"]
    assert "daily limit" in statuses[2].delivery_error
    assert len(smtp_catcher) == 2 and scheduled == []
