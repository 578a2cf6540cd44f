"""The channel auto-replies on the e-mail channel (CH-4, issue 17 §5): a customer's mail that
opens a ticket is acknowledged by mail with the number (a real SMTP server catches it), out of
hours with the out-of-hours notice too, each kind at most once per address per window; never to
an auto-reply, a bounce or an address that bounced; a robot without marks cannot loop; the
line's quiet hours hold it and its daily quota refuses it; the text is the line's knowledge
text for e-mail."""

from __future__ import annotations

import datetime as dt
import email
from email.header import decode_header, make_header
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.channels import auto_mail, services
from kefu.channels.models import AutoMail, InboundMail, OutboundMail, Undeliverable
from kefu.followups.models import LetterRecord
from kefu.tickets.models import Ticket

from .mailkit import CUSTOMER, eml, fresh

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY_10 = dt.datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)  # a working day, in hours
TUESDAY_23 = dt.datetime(2026, 12, 8, 23, 0, tzinfo=SHANGHAI)  # out of hours


def _read(envelope) -> tuple[email.message.Message, str, str]:
    msg = email.message_from_bytes(envelope.content)
    body = msg.get_payload(decode=True).decode(msg.get_content_charset())
    return msg, str(make_header(decode_header(msg["Subject"]))), body


def _plain(n: int, sender: str = "robot@example.net") -> bytes:
    """A mail with no auto-reply marks, no thread headers and no token (a new ticket each)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "service@shop.example"
    msg["Subject"] = f"关于订单{n:04d}"
    msg["Message-ID"] = f"<plain-{n}@example.net>"
    msg.set_content("您好，我的订单有问题。", charset="utf-8")
    return msg.as_bytes()


def test_ch4_a_new_mail_ticket_is_acknowledged_by_mail_with_its_number(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY_10, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.ingest(fresh(eml("outlook_gbk.eml")), mailbox=mailbox)
        (ack,) = smtp_catcher
        msg, subject, body = _read(ack)
        assert ack.rcpt_tos == [CUSTOMER] and "service@shop.example" in msg["From"]
        assert msg["Auto-Submitted"] == "auto-replied"
        assert msg["In-Reply-To"].strip() == f"<{InboundMail.objects.get().message_id}>"
        assert f"[#{first.ticket}]" in subject and "图书缺页" in subject
        assert first.ticket in body and "我们已收到您的消息" in body
        assert "非工作时间" not in body  # in hours: the acknowledgement only
        # a notice in the letter register (LOG-2), beside the customer's letter; audited
        assert LetterRecord.objects.filter(direction="out", kind="notice").count() == 1
        from kefu.core.models import AuditEvent

        statuses = AuditEvent.objects.filter(action="mail.auto_reply").values_list(
            "changes__status", flat=True
        )
        assert sorted(statuses) == ["queued", "sent"]
        # the customer writes again on the same ticket: no second acknowledgement
        with django_capture_on_commit_callbacks(execute=True):
            again = services.ingest(eml("qq_reply_token.eml", NUMBER=first.ticket), mailbox=mailbox)
        assert again.threaded and len(smtp_catcher) == 1
        # an answer to the acknowledgement itself threads into the ticket
        answer = eml("gmail_reply.eml", REF=msg["Message-ID"].strip().strip("<>"))
        with django_capture_on_commit_callbacks(execute=True):
            result = services.ingest(answer, mailbox=mailbox)
        assert result.threaded and result.ticket == first.ticket
        assert len(smtp_catcher) == 1 and Ticket.objects.count() == 1


def test_ch4_out_of_hours_the_mail_says_so_and_each_kind_goes_once_per_window(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY_23, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.ingest(_plain(1, CUSTOMER), mailbox=mailbox)
        (mail,) = smtp_catcher
        _msg, _subject, body = _read(mail)
        assert "我们已收到您的消息" in body and "非工作时间" in body and first.ticket in body
        assert AutoMail.objects.get().kinds == "ack,out_of_hours"
        # another new ticket from the same address within the window: nothing more
        with django_capture_on_commit_callbacks(execute=True):
            second = services.ingest(_plain(2, CUSTOMER), mailbox=mailbox)
        assert second.created and len(smtp_catcher) == 1
    # five hours later the window is over
    with time_machine.travel(TUESDAY_23 + dt.timedelta(hours=5), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(_plain(3, CUSTOMER), mailbox=mailbox)
        assert len(smtp_catcher) == 2


def test_ch4_never_to_a_robot_a_bounce_or_an_undeliverable_address_and_no_loop(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY_10, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(eml("autoreply.eml"), mailbox=mailbox)
            services.ingest(eml("bounce.eml"), mailbox=mailbox)
        assert smtp_catcher == [] and not AutoMail.objects.exists()
        # a robot without any auto-reply mark writes a new mail after every one of ours
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                services.ingest(_plain(n), mailbox=mailbox)
        assert Ticket.objects.count() == 4 and len(smtp_catcher) == 1  # one, not a loop
        # an address that bounced gets none
        bounced = "lixiaoming@example.com"
        assert Undeliverable.objects.filter(address=bounced).exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(_plain(9, bounced), mailbox=mailbox)
        assert len(smtp_catcher) == 1


def test_the_quiet_hours_hold_it_and_the_daily_quota_refuses_it(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    line = mailbox.business_line
    line.policies = {**line.policies, "quiet_hours": "22:00-08:00", "message_daily_quota": 1}
    line.save(update_fields=["policies"])
    with time_machine.travel(TUESDAY_23, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(_plain(1, CUSTOMER), mailbox=mailbox)
        held = AutoMail.objects.get()
        assert held.status == "held" and smtp_catcher == []
        assert auto_mail.release_held() == 0
    with time_machine.travel(TUESDAY_23 + dt.timedelta(hours=9, minutes=5), tick=True):
        assert auto_mail.release_held() == 1
        assert len(smtp_catcher) == 1 and AutoMail.objects.get().status == "sent"
    with time_machine.travel(TUESDAY_23 + dt.timedelta(hours=14), tick=True):
        # an address that had its one mail of the day (quota 1): the auto-reply is refused
        OutboundMail.objects.create(
            ticket=Ticket.objects.first(),
            message_id="earlier@shop.example",
            to_address="third@example.net",
            subject="通知",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(_plain(3, "third@example.net"), mailbox=mailbox)
        refused = AutoMail.objects.get(to_address="third@example.net")
        assert refused.status == "refused" and "daily limit" in refused.error
        assert not any(e.rcpt_tos == ["third@example.net"] for e in smtp_catcher)


def test_ch4_the_text_is_the_lines_knowledge_text_for_e_mail(
    mailbox, supervisor, web_as, smtp_catcher, django_capture_on_commit_callbacks
):
    client = web_as(supervisor)
    page = client.get("/messaging/auto-replies/").content.decode()
    assert 'id="auto-email-ack"' in page
    from kefu.channels.messaging import auto_texts

    auto_texts.text_save(
        actor=supervisor,
        line=mailbox.business_line,
        channel="email",
        kind="ack",
        text="来信已收到，工单号 {number}，我们会在一个工作日内答复。",
    )
    with (
        time_machine.travel(TUESDAY_10, tick=True),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = services.ingest(_plain(1, CUSTOMER), mailbox=mailbox)
    _msg, _subject, body = _read(smtp_catcher[0])
    assert body.strip() == f"来信已收到，工单号 {first.ticket}，我们会在一个工作日内答复。"


def test_an_old_mail_read_late_opens_its_ticket_but_gets_no_acknowledgement(
    mailbox, smtp_catcher, django_capture_on_commit_callbacks
):
    """Connecting a mailbox with months of history reads every old letter on the first fetch:
    each opens its ticket, none is acknowledged (its Date is more than a day ago)."""
    with time_machine.travel(TUESDAY_10, tick=True):
        old = fresh(eml("outlook_gbk.eml"), TUESDAY_10 - dt.timedelta(days=3))
        with django_capture_on_commit_callbacks(execute=True):
            result = services.ingest(old, mailbox=mailbox)
        assert result.created and smtp_catcher == [] and not AutoMail.objects.exists()
        recent = fresh(_plain(1, CUSTOMER), TUESDAY_10 - dt.timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            services.ingest(recent, mailbox=mailbox)
        assert len(smtp_catcher) == 1
