"""A survey invitation's SMS is a notice of its business line (issue 17): the line's daily
quota and quiet hours apply, and a refusal or a hold is recorded on the invitation, never an
exception that loses the e-mail half."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from kefu.channels.messaging.models import OutboundMessage, Status
from kefu.surveys import services
from kefu.surveys.models import SurveyInvitation


@pytest.fixture
def invitation(org, agent, make_ticket, close, questionnaire, settings):
    settings.KEFU_SMS_BACKEND = "log"
    questionnaire()
    ticket = close(make_ticket(agent), agent)
    return SurveyInvitation.objects.get(ticket=ticket)


def test_an_invitation_over_the_daily_quota_is_recorded_refused(
    invitation, org, django_capture_on_commit_callbacks
):
    # given the shop allows one message a day per recipient and the customer has had it
    org.shop.policies = {**org.shop.policies, "message_daily_quota": 1}
    org.shop.save(update_fields=["policies"])
    phone = invitation.customer.phone
    from kefu.core.sms import send_sms

    send_sms(phone, "您的快递已发出", business_line_id=org.shop.pk)
    # when the invitation is delivered
    with django_capture_on_commit_callbacks(execute=True):
        delivered = services.invitation_deliver(invitation_id=invitation.pk)
    # then the mail goes (after the commit), the SMS is refused and the invitation says so
    assert delivered.sent_channels == "email,sms:refused" and len(mail.outbox) == 1
    refused = OutboundMessage.objects.get(recipient=phone, status=Status.REFUSED)
    assert refused.business_line_id == org.shop.pk and refused.kind == "notice"


def test_an_invitation_in_the_quiet_hours_is_held_with_its_line(invitation, org):
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    org.shop.policies = {**org.shop.policies, "quiet_hours": f"{start}-{end}"}
    org.shop.save(update_fields=["policies"])
    delivered = services.invitation_deliver(invitation_id=invitation.pk)
    # both halves wait for the end of the quiet hours: the mail as the SMS (the mail outbox)
    assert delivered.sent_channels == "email:held,sms:held"
    held = OutboundMessage.objects.get(recipient=invitation.customer.phone)
    assert held.status == Status.HELD and held.text.endswith("回复TD退订")
