"""An SMS reply on a ticket carries its business line (issue 17): the line's quiet hours hold
it (the reply shows it waiting, then sent when the outbox releases it) and the per-recipient
daily quota refuses it (the reply shows the failure and may be sent again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.channels.messaging import outbox
from kefu.channels.messaging.models import OutboundMessage, Status
from kefu.customers.services import customer_create
from kefu.tickets import services as tickets
from kefu.tickets.models import DeliveryStatus

PHONE = "13800138000"


@pytest.fixture
def sms_ticket(org, agent):
    customer = customer_create(actor=None, business_line=org.shop, name="王五", phone=PHONE)
    return tickets.ticket_create(
        actor=agent, customer=customer, type="consult", channel="sms", title="咨询发货"
    )


def _reply(agent, ticket, body, capture):
    with capture(execute=True):
        message = tickets.ticket_reply(actor=agent, ticket=ticket, body=body)
    message.refresh_from_db()
    return message


def test_a_reply_in_the_quiet_hours_waits_then_is_sent_on_release(
    org, agent, sms_ticket, django_capture_on_commit_callbacks
):
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    org.shop.policies = {**org.shop.policies, "quiet_hours": f"{start}-{end}"}
    org.shop.save(update_fields=["policies"])

    message = _reply(agent, sms_ticket, "明早为您处理", django_capture_on_commit_callbacks)

    assert message.delivery_status == DeliveryStatus.QUEUED
    assert "quiet hours" in message.delivery_error
    row = OutboundMessage.objects.get(reply=message)
    assert row.status == Status.HELD and row.business_line_id == org.shop.pk
    assert outbox.release_held(now=row.send_after + dt.timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_error == ""


def test_a_reply_over_the_daily_quota_fails_visibly(
    org, agent, sms_ticket, settings, django_capture_on_commit_callbacks
):
    org.shop.policies = {**org.shop.policies, "message_daily_quota": 1}
    org.shop.save(update_fields=["policies"])

    first = _reply(agent, sms_ticket, "已为您登记", django_capture_on_commit_callbacks)
    second = _reply(agent, sms_ticket, "还有一件事", django_capture_on_commit_callbacks)

    assert first.delivery_status == DeliveryStatus.SENT
    assert second.delivery_status == DeliveryStatus.FAILED
    assert "daily limit" in second.delivery_error and second.delivery_retryable
