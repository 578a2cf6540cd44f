"""IM payment reminders (PAY-6, issue 17): the ``reminder.due`` event of an IM reminder writes the
message to the outbox for the buyer's IM account, a reminder of the line (quiet hours hold it);
SMS ones are left to core.sms; the same event handled twice sends once."""

import datetime as dt

from django.utils import timezone

from kefu.channels.messaging.models import OutboundMessage, Status
from kefu.channels.messaging.reminders_im import on_reminder_due
from kefu.core import events
from kefu.core.models import DomainEvent
from kefu.customers.assets import order_add
from kefu.customers.models import BuyerAccount

from .test_inbound import post

BUYER = {
    "id": "w1",
    "from": "buyer_nick",
    "text": "在吗",
    "business_line": "shop",
    "conversation": "c-9",
    "phone": "13700137000",
    "platform": "旺旺",
}


def _due(org, channel, capture, text=None):
    customer = BuyerAccount.objects.get(platform_user_id="buyer_nick").customer
    order = order_add(actor=None, customer=customer, data={"order_no": "TB8801", "amount": "59"})
    with capture(execute=True):
        events.publish(
            "reminder.due",
            object_id=1,
            business_line_id=org.shop.pk,
            payload={
                "order": order.pk,
                "customer": customer.pk,
                "channel": channel,
                "text": text,
            },
        )
    return OutboundMessage.objects.filter(kind="reminder", channel="im")


def test_an_im_reminder_goes_to_the_buyers_im_account_once(
    org, agent, django_capture_on_commit_callbacks
):
    post("im", BUYER)
    sent = _due(org, "im", django_capture_on_commit_callbacks)
    (row,) = sent
    assert row.recipient == "buyer_nick" and row.status == Status.SENT
    assert "TB8801" in row.text and row.business_line_id == org.shop.pk
    # the job retried: nothing twice
    on_reminder_due(DomainEvent.objects.filter(type="reminder.due").latest("id"))
    assert sent.count() == 1


def test_an_im_reminder_in_quiet_hours_is_held_and_sms_ones_are_not_ours(
    org, agent, django_capture_on_commit_callbacks
):
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    org.shop.policies = {**org.shop.policies, "quiet_hours": f"{start}-{end}"}
    org.shop.save(update_fields=["policies"])
    post("im", BUYER)
    assert not _due(org, "sms", django_capture_on_commit_callbacks).exists()
    (row,) = _due(org, "im", django_capture_on_commit_callbacks)
    assert row.status == Status.HELD and row.send_after > now
