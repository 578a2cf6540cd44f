"""Replies reach the customer (issue 15): e-mail and SMS delivery after commit through Huey,
the delivery state on the reply and on the page, retry; the first reply's status move; header-
unsafe titles and names never stop a mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from kefu.core.models import AuditEvent
from kefu.tickets import outbound, services
from kefu.tickets.models import DeliveryStatus, Status, TicketEvent, TicketMessage
from kefu.tickets.notify import notify

SENT_SMS: list[tuple[str, str]] = []


class RecordingSMS:
    def send(self, phone: str, text: str) -> None:
        SENT_SMS.append((phone, text))


class BrokenSMS:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionRefusedError("SMS gateway refused the connection")


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("550 mailbox unavailable")


@pytest.fixture
def sms(settings):
    SENT_SMS.clear()
    settings.KEFU_SMS_BACKEND = f"{__name__}.RecordingSMS"
    return SENT_SMS


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    """reply(actor, ticket, body) → the reply, its after-commit delivery run (Huey immediate)."""

    def _reply(actor, ticket, body="您好，已为您处理"):
        with django_capture_on_commit_callbacks(execute=True):
            message = services.ticket_reply(actor=actor, ticket=ticket, body=body)
        message.refresh_from_db()
        return message

    return _reply


def test_email_ticket_reply_is_mailed_to_the_customer(agent, make_customer, make_ticket, reply):
    customer = make_customer(email="zhang@example.com")
    ticket = make_ticket(agent, customer=customer, channel="email", title="发票开错")
    message = reply(agent, ticket, "您好，发票已重开，请查收。")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zhang@example.com"]
    assert ticket.number in sent.subject and "发票开错" in sent.subject
    assert sent.body == "您好，发票已重开，请查收。"
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.delivery_channel == "email"
    assert message.delivery_at is not None and message.delivery_attempts == 1
    assert AuditEvent.objects.filter(action="ticket.reply_delivery").count() == 1


def test_nothing_is_sent_before_commit_nor_for_a_rolled_back_reply(
    agent, make_customer, make_ticket, django_capture_on_commit_callbacks
):
    customer = make_customer(email="li@example.com")
    ticket = make_ticket(agent, customer=customer, channel="email")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.ticket_reply(actor=agent, ticket=ticket, body="您好")
    assert mail.outbox == []
    assert TicketMessage.objects.get(pk=message.pk).delivery_status == DeliveryStatus.QUEUED
    assert len(callbacks) == 1


def test_sms_ticket_reply_is_texted(agent, make_customer, make_ticket, reply, sms):
    customer = make_customer(phone="13912345678")
    ticket = make_ticket(agent, customer=customer, channel="sms")
    message = reply(agent, ticket, "您的快递已改派")
    assert len(sms) == 1
    phone, text = sms[0]
    assert phone == "13912345678" and "您的快递已改派" in text
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_channel == "sms"
    assert mail.outbox == []


@pytest.mark.parametrize("channel", ["phone", "visit"])
def test_phone_and_visit_replies_are_recorded_only(agent, make_ticket, reply, sms, channel):
    ticket = make_ticket(agent, channel=channel)
    message = reply(agent, ticket)
    assert message.delivery_status == DeliveryStatus.RECORDED
    assert mail.outbox == [] and sms == []
    assert "sends nothing" in outbound.describe(message)


def test_customer_without_email_keeps_the_reply_and_says_why(agent, make_ticket, reply, web_as):
    ticket = make_ticket(agent, channel="email")  # the fixture's customer has no e-mail
    message = reply(agent, ticket, "您好，请留意邮件")
    assert message.delivery_status == DeliveryStatus.NOT_SENT
    assert mail.outbox == []
    html = web_as(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    box = re.search(r'<li class="reply".*?</li>', html, re.S).group(0)
    assert "您好，请留意邮件" in box
    assert "Not sent" in box and "no e-mail address" in box


def test_failed_mail_records_the_error_and_can_be_retried(
    agent, make_customer, make_ticket, reply, settings, web_as, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMail"
    customer = make_customer(email="wang@example.com")
    ticket = make_ticket(agent, customer=customer, channel="email")
    message = reply(agent, ticket)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "550 mailbox unavailable" in message.delivery_error
    client = web_as(agent)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Failed" in html and "550 mailbox unavailable" in html
    retry_url = f"/tickets/{ticket.pk}/replies/{message.pk}/retry/"
    assert retry_url in html

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.delivery_error == "" and message.delivery_attempts == 2
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="ticket.reply_retry").count() == 1
    # a sent reply is not sent twice
    again = client.post(retry_url)
    assert again.status_code == 409
    assert len(mail.outbox) == 1


def test_retry_by_htmx_swaps_the_delivery_state_in_place(
    agent, make_customer, make_ticket, reply, settings, web_as, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMail"
    ticket = make_ticket(agent, customer=make_customer(email="he@example.com"), channel="email")
    message = reply(agent, ticket)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = web_as(agent).post(
            f"/tickets/{ticket.pk}/replies/{message.pk}/retry/", HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="delivery-{message.pk}"' in html and "<html" not in html


def test_retry_is_scoped_and_refused_while_the_address_is_missing(
    agent, agent2, make_ticket, reply, web_as
):
    ticket = make_ticket(agent, channel="email")
    message = reply(agent, ticket)
    url = f"/tickets/{ticket.pk}/replies/{message.pk}/retry/"
    assert web_as(agent2).post(url).status_code == 404
    response = web_as(agent).post(url)
    assert response.status_code == 400
    assert "no e-mail address" in response.content.decode()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.NOT_SENT


def test_sms_gateway_failure_is_recorded(agent, make_customer, make_ticket, reply, settings):
    settings.KEFU_SMS_BACKEND = f"{__name__}.BrokenSMS"
    ticket = make_ticket(agent, channel="sms")
    message = reply(agent, ticket)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "SMS gateway refused" in message.delivery_error


def test_a_job_run_twice_sends_once(agent, make_customer, make_ticket, reply):
    ticket = make_ticket(agent, customer=make_customer(email="a@example.com"), channel="email")
    message = reply(agent, ticket)
    assert outbound.deliver(message.pk) is None
    assert len(mail.outbox) == 1


def test_a_newline_in_title_or_name_never_stops_the_reply_mail(
    agent, make_customer, make_ticket, reply
):
    customer = make_customer(name="赵\r\n六", email="zhao@example.com")
    ticket = make_ticket(agent, customer=customer, channel="email", title="第一行\n第二行")
    message = reply(agent, ticket)
    assert message.delivery_status == DeliveryStatus.SENT
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "\r" not in subject
    assert "第一行 第二行" in subject


def test_a_newline_in_a_title_never_stops_a_notification_mail(
    agent, lead, make_ticket, django_capture_on_commit_callbacks
):
    lead.email = "lead@example.com"
    lead.save(update_fields=["email"])
    ticket = make_ticket(agent, title="空调不制冷\r\nBcc: x@evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        notify([lead], kind="sla", ticket=ticket, clock="resolution", level=1)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert sent.to == ["lead@example.com"] and not sent.bcc


def test_first_reply_moves_new_to_in_progress_with_version_and_audit(agent, make_ticket, reply):
    ticket = make_ticket(agent)
    assert ticket.status == Status.NEW and ticket.version == 1
    message = reply(agent, ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.first_response_at == message.created_at
    assert ticket.version > 1
    status_events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS)
    assert status_events.count() == 1
    assert AuditEvent.objects.filter(
        action="ticket.update", object_id=str(ticket.pk), changes__status__isnull=False
    ).exists()
    from kefu.tickets.models_sla import Clock, SlaClock

    clock = SlaClock.objects.filter(ticket=ticket, kind=Clock.FIRST_RESPONSE).first()
    if clock is not None:
        assert clock.stopped_at == ticket.first_response_at
    # a second reply changes neither
    version = ticket.version
    reply(agent, ticket, "再次回复")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.version == version
    assert ticket.first_response_at == message.created_at


def test_a_note_moves_nothing(agent, make_ticket):
    ticket = make_ticket(agent)
    services.ticket_note(actor=agent, ticket=ticket, body="内部备注")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.first_response_at is None
    assert ticket.version == 1


def test_a_stale_page_can_still_reply(agent, agent_b, make_ticket, reply):
    """The reply box carries no version: a reply after someone else's edit still lands."""
    ticket = make_ticket(agent)
    other = services.ticket_update(
        actor=agent_b,
        ticket=services.Ticket.objects.get(pk=ticket.pk),
        version=1,
        changes={"priority": "high"},
    )
    assert other.version == 2
    message = reply(agent, ticket)  # ``ticket`` still says version 1
    ticket.refresh_from_db()
    assert message.pk and ticket.status == Status.IN_PROGRESS


def test_reply_page_says_what_happened_in_chinese(
    agent, make_customer, make_ticket, web_as, django_capture_on_commit_callbacks
):
    ticket = make_ticket(agent, customer=make_customer(email="q@example.com"), channel="email")
    client = web_as(agent)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.pk}/reply/", {"reply-version": 1, "reply-body": "您好，已处理"}
        )
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    box = re.search(r'<li class="reply".*?</li>', html, re.S).group(0)
    assert "已发送" in box and "邮件" in box
    assert len(mail.outbox) == 1


# -- the reply box: service-language check before sending, quick replies ------------------------


@pytest.fixture
def rude_rule(admin_user):
    from kefu.knowledge.services import language_rule_create

    return language_rule_create(
        actor=admin_user, kind="improper", pattern="不知道", suggestion="我帮您确认一下"
    )


def test_language_check_runs_before_the_reply_is_sent(
    agent, make_customer, make_ticket, web_as, rude_rule, django_capture_on_commit_callbacks
):
    from kefu.knowledge.models import LanguageHit

    ticket = make_ticket(agent, customer=make_customer(email="c@example.com"), channel="email")
    client = web_as(agent)
    url = f"/tickets/{ticket.pk}/reply/"
    data = {"reply-version": 1, "reply-body": "这个我不知道"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我帮您确认一下" in html and "不知道" in html  # the warning, inline in the reply box
    assert 'name="reply-confirm"' in html
    assert "这个我不知道</textarea>" in html  # the text is kept
    assert not TicketMessage.objects.filter(ticket=ticket).exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**data, "reply-confirm": "1"})
    assert sent.status_code == 302
    assert TicketMessage.objects.filter(ticket=ticket, kind="reply").count() == 1
    assert LanguageHit.objects.filter(agent=agent, rule=rude_rule).count() == 1
    assert len(mail.outbox) == 1


def test_a_clean_reply_is_sent_without_asking(agent, make_ticket, web_as, rude_rule):
    ticket = make_ticket(agent)
    response = web_as(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"reply-version": 1, "reply-body": "您好，马上为您查询"}
    )
    assert response.status_code == 302
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1


def test_reply_box_carries_the_assistant_for_this_ticket(agent, make_ticket, web_as):
    ticket = make_ticket(agent)
    html = web_as(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    form = re.search(r'<form[^>]*id="reply-form".*?</form>', html, re.S).group(0)
    assert 'data-kb-box="id_reply-body"' in form
    assert f'data-kb-ticket="{ticket.pk}"' in form
    assert 'id="id_reply-body-shortcuts"' in form and 'id="id_reply-body-check"' in form
    assert "knowledge/kb.js" in html


def test_quick_reply_for_the_ticket_is_filled_from_it(agent, lead, make_ticket, web_as, org):
    from kefu.knowledge.services import phrase_create

    phrase_create(
        actor=lead,
        business_line=org.shop,
        category="售后",
        shortcut="dh",
        title="道歉",
        body="{客户姓名}您好，工单{工单号}由{客服姓名}为您跟进。",
    )
    ticket = make_ticket(agent)
    response = web_as(agent).get(
        "/kb/assist/shortcut/", {"typed": "dh", "ticket": ticket.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f"张三您好，工单{ticket.number}由agent为您跟进。" in html


def test_api_shows_the_delivery_state_and_retries(
    api_as, agent, agent2, make_customer, make_ticket, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMail"
    ticket = make_ticket(agent, customer=make_customer(email="api@example.com"), channel="email")
    api = api_as(agent)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "您好"})
    assert created.status_code == 201
    assert created.json()["delivery_status"] == "queued"  # as it left the request
    reply = api.get(f"/api/v1/tickets/{ticket.pk}/replies").json()["items"][0]
    assert reply["delivery_status"] == "failed" and reply["delivery_status_label"] == "Failed"
    assert "550" in reply["delivery_error"]
    url = f"/api/v1/tickets/{ticket.pk}/replies/{reply['id']}/retry"
    assert api_as(agent2).post(url).status_code == 404
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.post(url)
    assert retried.status_code == 200 and retried.json()["delivery_status"] == "queued"
    again = api.post(url)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_retryable"
    assert len(mail.outbox) == 1


def test_a_reply_stuck_with_a_lost_job_can_be_sent_again(
    agent, make_customer, make_ticket, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    ticket = make_ticket(agent, customer=make_customer(email="s@example.com"), channel="email")
    with django_capture_on_commit_callbacks(execute=False):  # the worker died with the job
        message = services.ticket_reply(actor=agent, ticket=ticket, body="您好")
    TicketMessage.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.SENDING)
    message.refresh_from_db()
    assert not message.delivery_retryable  # a job may still be sending it
    TicketMessage.objects.filter(pk=message.pk).update(
        delivery_at=timezone.now() - dt.timedelta(minutes=20)
    )
    message.refresh_from_db()
    assert message.delivery_retryable
    with django_capture_on_commit_callbacks(execute=True):
        outbound.reply_retry(actor=agent, ticket=ticket, message=message)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_queue_that_cannot_be_reached_marks_the_reply_failed(
    agent, make_customer, make_ticket, reply, monkeypatch
):
    from kefu.tickets import tasks

    def down(message_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "deliver_reply_job", down)
    # e-mail replies go out through kefu.channels (a reply.created subscriber); SMS here
    ticket = make_ticket(agent, customer=make_customer(phone="13912340000"), channel="sms")
    message = reply(agent, ticket)  # the reply is kept, the request does not fail
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "Redis is down" in message.delivery_error
    assert message.delivery_retryable
