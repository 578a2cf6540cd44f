"""The WeCom session window, enforced locally (issue 17: "WeCom allows 5 messages within 48 h of
the customer's last message"): an IM customer on 企业微信 gets at most 5 messages after each of
their messages, none 48 h after it (nor when the quiet hours end after it); a 旺旺 buyer is not
limited by it; a batch (the PAY-6 IM reminders) follows the same rule."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.channels.messaging import outbox
from kefu.channels.messaging.models import InboundMessage, OutboundMessage, Status
from kefu.customers.models import BuyerAccount, Customer

from .test_inbound import post

WECOM = "wm_kf_buyer01"


@pytest.fixture
def shop(org, agent):
    return org.shop


def _im(line, to, text="您好，订单已发出"):
    return outbox.send(to=to, text=text, channel="im", business_line=line)


def _buyer(line, account: str, platform: str, *, hours_ago: float | None = None):
    customer = Customer.objects.create(business_line=line, name="企业微信客户", phone="13700137001")
    BuyerAccount.objects.create(customer=customer, platform=platform, platform_user_id=account)
    if hours_ago is not None:
        message = InboundMessage.objects.create(
            business_line=line,
            channel="im",
            provider_id=f"in-{account}-{hours_ago}",
            sender=account,
            conversation=account,
            text="在吗",
        )
        at = timezone.now() - dt.timedelta(hours=hours_ago)
        InboundMessage.objects.filter(pk=message.pk).update(received_at=at)


def test_five_messages_after_the_customers_message_then_none_until_they_write(
    shop, django_capture_on_commit_callbacks
):
    first = {
        "id": "wc-1",
        "from": WECOM,
        "text": "我的订单怎么还没发货",
        "business_line": "shop",
        "phone": "13700137000",
        "platform": "企业微信",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post("im", first).status_code == 201
    # the acknowledgement (and, outside working hours, the out-of-hours notice) already count
    auto = OutboundMessage.objects.filter(recipient=WECOM, status=Status.SENT).count()
    assert auto >= 1
    statuses = [_im(shop, WECOM).status for _ in range(6 - auto)]
    assert statuses == [Status.SENT] * (5 - auto) + [Status.REFUSED]
    refused = OutboundMessage.objects.filter(recipient=WECOM, status=Status.REFUSED).get()
    assert "5" in refused.error and "WeCom" in refused.error
    # the customer writes again: a new session of 5
    with django_capture_on_commit_callbacks(execute=True):
        assert post("im", {**first, "id": "wc-2", "text": "好的谢谢"}).status_code == 201
    assert _im(shop, WECOM).status == Status.SENT


def test_no_message_48_hours_after_the_customers_last_one(shop):
    _buyer(shop, WECOM, "企业微信", hours_ago=48.5)
    late = _im(shop, WECOM)
    assert late.status == Status.REFUSED and "48" in late.error
    _buyer(shop, "wm_never", "wecom")  # never wrote at all
    assert _im(shop, "wm_never").status == Status.REFUSED
    _buyer(shop, "wm_recent", "微信客服", hours_ago=47)
    assert _im(shop, "wm_recent").status == Status.SENT


def test_a_message_held_past_the_window_is_refused_not_held(shop):
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=90)).strftime("%H:%M")
    shop.policies = {**shop.policies, "quiet_hours": f"{start}-{end}"}
    shop.save(update_fields=["policies"])
    _buyer(shop, WECOM, "企业微信", hours_ago=47)  # the window closes in an hour
    assert _im(shop, WECOM).status == Status.REFUSED
    _buyer(shop, "wm_fresh", "企业微信", hours_ago=1)
    held = _im(shop, "wm_fresh")
    assert held.status == Status.HELD and held.send_after > now


def test_a_wangwang_buyer_has_no_session_limit(shop):
    _buyer(shop, "tb_buyer", "旺旺")  # never wrote: 旺旺 takes messages anyway
    assert [_im(shop, "tb_buyer").status for _ in range(7)] == [Status.SENT] * 7


def test_a_batch_of_im_reminders_keeps_the_session_rule(shop):
    _buyer(shop, WECOM, "企业微信", hours_ago=2)
    _buyer(shop, "wm_old", "企业微信", hours_ago=50)
    _buyer(shop, "tb_buyer", "旺旺")
    rows = outbox.send_many(
        channel="im",
        items=[(WECOM, f"提醒{i}") for i in range(6)] + [("wm_old", "提醒"), ("tb_buyer", "提醒")],
        business_line=shop,
        kind="reminder",
    )
    assert [r.status for r in rows] == [Status.SENT] * 5 + [Status.REFUSED] * 2 + [Status.SENT]


def test_a_wecom_conversation_id_is_held_to_its_customers_session(
    shop, django_capture_on_commit_callbacks
):
    """The platform names a conversation apart from the customer's account: the auto-reply and
    the shop's messages go to the conversation, and its customer's session rule holds there."""
    first = {
        "id": "wk-1",
        "from": "wm_kf_buyer02",
        "conversation": "kf-session-77",
        "text": "请问发货了吗",
        "business_line": "shop",
        "phone": "13700137002",
        "platform": "企业微信",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post("im", first).status_code == 201
    auto = OutboundMessage.objects.filter(recipient="kf-session-77", status=Status.SENT).count()
    assert auto >= 1  # the acknowledgement went to the conversation
    statuses = [_im(shop, "kf-session-77").status for _ in range(6 - auto)]
    assert statuses == [Status.SENT] * (5 - auto) + [Status.REFUSED]
