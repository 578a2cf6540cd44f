"""Every mail to a customer goes through the mail outbox (issue 17, ``channels/customer_mail``),
as their SMS goes through the messaging outbox: a survey invitation written at 22:30 waits for
the end of the line's quiet hours (21:00–08:00) and the five-minute job sends it at 08:00; the
line's daily quota refuses the n+1st mail to an address, with the reason on the invitation's
page, on the outbox row and in the audit log; a failed send is tried again after its back-off
and a send lost with its process (committed, never sent) is picked up by the job: nothing is
lost. A real SMTP server (aiosmtpd) catches what leaves."""

from __future__ import annotations

import datetime as dt
import email
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from surveys.conftest import close, make_customer, make_ticket, questionnaire  # noqa: F401

from kefu.channels import customer_mail, tasks
from kefu.channels.models import AutoMail, OutboundMail
from kefu.core.models import AuditEvent
from kefu.followups.models import LetterRecord
from kefu.surveys import services as surveys
from kefu.surveys.models import SurveyInvitation

from .mailkit import free_port

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = dt.datetime(2026, 12, 8, 22, 30, tzinfo=SHANGHAI)
NEXT_MORNING = dt.datetime(2026, 12, 9, 8, 0, tzinfo=SHANGHAI)
MORNING = dt.datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
ADDRESS = "kehu@example.com"


@pytest.fixture
def invite(org, agent, make_customer, make_ticket, close, questionnaire, settings):  # noqa: F811
    """invite() → a new after-close invitation of the same customer (its own closed ticket)."""
    settings.KEFU_SMS_BACKEND = "log"
    questionnaire()
    customer = make_customer(org.shop, email=ADDRESS)

    def _invite() -> SurveyInvitation:
        ticket = close(make_ticket(agent, customer=customer), agent)
        return SurveyInvitation.objects.get(ticket=ticket)

    return _invite


def _policies(line, **values) -> None:
    line.policies = {**line.policies, **values}
    line.save(update_fields=["policies"])


def _deliver(invitation, capture) -> SurveyInvitation:
    with capture(execute=True):
        return surveys.invitation_deliver(invitation_id=invitation.pk)


def _job() -> int:
    return tasks.release_held_mail_job.call_local()


def test_an_invitation_at_2230_waits_for_the_end_of_the_quiet_hours(
    org, mailbox, invite, smtp_catcher, django_capture_on_commit_callbacks
):
    _policies(org.shop, quiet_hours="21:00-08:00")
    with time_machine.travel(EVENING, tick=False):
        invitation = invite()
        delivered = _deliver(invitation, django_capture_on_commit_callbacks)
        # both halves wait: the mail like the SMS
        assert delivered.sent_channels == "email:held,sms:held"
        assert smtp_catcher == []
        held = AutoMail.objects.get(kinds="survey")
        assert held.status == "held" and held.send_after == NEXT_MORNING
        assert _job() == 0
    with time_machine.travel(NEXT_MORNING - dt.timedelta(minutes=5), tick=False):
        assert _job() == 0 and smtp_catcher == []
    with time_machine.travel(NEXT_MORNING + dt.timedelta(minutes=1), tick=False):
        assert _job() == 1
        assert _job() == 0  # sent once
    (envelope,) = smtp_catcher
    sent = email.message_from_bytes(envelope.content)
    assert envelope.rcpt_tos == [ADDRESS] and "service@shop.example" in sent["From"]
    assert "服务满意度回访" in str(make_header(decode_header(sent["Subject"])))
    body = sent.get_payload(decode=True).decode(sent.get_content_charset())
    assert "/surveys/s/" in body
    assert AutoMail.objects.get(pk=held.pk).status == "sent"
    # a notice in the letter register, like every mail to a customer (LOG-2)
    letter = LetterRecord.objects.get(direction="out", kind="notice")
    assert letter.customer_id == invitation.customer_id and letter.ticket_id == invitation.ticket_id


def test_the_daily_quota_refuses_the_n_plus_1st_mail_with_a_visible_audited_reason(
    org, mailbox, invite, supervisor, web_as, smtp_catcher, django_capture_on_commit_callbacks
):
    _policies(org.shop, message_daily_quota=2)
    with time_machine.travel(MORNING, tick=True):
        sent_by = [
            _deliver(invite(), django_capture_on_commit_callbacks).sent_channels for _n in range(3)
        ]
        assert [c.split(",")[0] for c in sent_by] == ["email", "email", "email:refused"]
        assert len(smtp_catcher) == 2
        assert OutboundMail.objects.filter(to_address=ADDRESS).count() == 2
        refused = AutoMail.objects.get(status="refused")
        assert "daily limit" in refused.error
        logged = AuditEvent.objects.get(action="mail.notice", changes__status="refused")
        assert logged.changes["reason"] == refused.error
        assert logged.business_line_id == org.shop.pk
        # the invitations page says it in words, in Chinese
        page = web_as(supervisor).get("/surveys/invitations/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert "邮件未发送：已达当日上限" in text and "email:refused" not in text
    # the next day the address may be mailed again
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=True):
        assert _deliver(invite(), django_capture_on_commit_callbacks).sent_channels.startswith(
            "email,"
        )
        assert len(smtp_catcher) == 3


def test_a_failed_mail_is_tried_again_and_a_lost_send_is_picked_up(
    org, mailbox, invite, smtp_catcher, settings, django_capture_on_commit_callbacks
):
    catcher_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: the mail server is away
    with time_machine.travel(MORNING, tick=False):
        delivered = _deliver(invite(), django_capture_on_commit_callbacks)
        assert delivered.sent_channels.startswith("email,")  # written; it leaves later
        failed = AutoMail.objects.get()
        assert (failed.status, failed.attempts) == ("failed", 1)
        assert failed.send_after == MORNING + dt.timedelta(minutes=5) and failed.error
    settings.EMAIL_PORT = catcher_port  # the server is back
    with time_machine.travel(MORNING + dt.timedelta(minutes=3), tick=False):
        assert _job() == 0  # its back-off is not over
    with time_machine.travel(MORNING + dt.timedelta(minutes=5, seconds=30), tick=False):
        assert _job() == 1
    assert len(smtp_catcher) == 1
    assert AutoMail.objects.get().status == "sent" and AutoMail.objects.get().attempts == 2

    # a web form's number mail committed, but its process died before the after-commit send
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            Client().post(
                "/contact/shop/",
                {
                    "type": "complaint",
                    "name": "李小明",
                    "phone": "13800138000",
                    "description": "杯子碎了",
                    "email": "visitor@example.net",
                },
            )
        lost = AutoMail.objects.get(kinds="number")
        assert lost.status == "queued" and len(smtp_catcher) == 1
    with time_machine.travel(MORNING + dt.timedelta(hours=1, minutes=3), tick=False):
        assert customer_mail.release_due() == 1
    assert smtp_catcher[1].rcpt_tos == ["visitor@example.net"]
    assert AutoMail.objects.get(pk=lost.pk).status == "sent"
