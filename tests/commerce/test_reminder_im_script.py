"""An IM payment reminder goes out with the words of its campaign (PAY-6, issue 17 §4): the
``reminder.due`` event carries the campaign's IM script filled in for the order, and the
channel adapter sends exactly that text to the buyer's IM account; without a campaign script,
commerce's default."""

from __future__ import annotations

import pytest

from kefu.channels.messaging.models import OutboundMessage
from kefu.commerce.services import reminders
from kefu.core.models import DomainEvent

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _log_backend(settings):
    settings.KEFU_SMS_BACKEND = "log"


def test_pay6_the_campaigns_im_script_is_what_the_buyer_receives(
    org, make_orders, django_capture_on_commit_callbacks
):
    reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双12催付",
        starts_at=at("2026-12-11 00:00:00"),
        ends_at=at("2026-12-13 00:00:00"),
        im_script="{name}您好，双12专享：订单{order}今晚付款送运费险～",
    )
    make_orders([("S1", "2026-12-12 09:00:00", 88, {"buyer_online": "1"})])
    reminders.plan_due(at=at("2026-12-12 15:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due(at=at("2026-12-12 15:01:00"))["im"] == 1
    event = DomainEvent.objects.get(type="reminder.due", payload__channel="im")
    assert event.payload["text"] == "王小姐您好，双12专享：订单S1今晚付款送运费险～"
    sms = DomainEvent.objects.get(type="reminder.due", payload__channel="sms")
    assert sms.payload["text"] is None  # an SMS leaves with its own text, no name in the log
    (sent,) = OutboundMessage.objects.filter(channel="im", kind="reminder")
    assert sent.recipient == "buyer-S1"
    assert sent.text == "王小姐您好，双12专享：订单S1今晚付款送运费险～"


def test_pay6_without_a_campaign_the_default_im_words_go_out(
    make_orders, django_capture_on_commit_callbacks
):
    make_orders([("S2", "2026-12-12 09:00:00", 60, {"buyer_online": "1"})])
    reminders.plan_due(at=at("2026-12-12 15:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(at=at("2026-12-12 15:01:00"))
    (sent,) = OutboundMessage.objects.filter(channel="im", kind="reminder")
    assert sent.text == reminders.DEFAULT_SCRIPTS["im"].format(order="S2")
