"""The demo's messaging rows give the IM accounts page real figures (issue 17, CH-2/CH-3): the
shop's IM accounts map to its team queues and its IM tickets' messages count on them."""

import datetime as dt

import pytest

from kefu.channels.messaging.models import ImAccount, InboundMessage, OutboundMessage
from kefu.customers.services import customer_create
from kefu.demo.messaging_rows import build_messaging_rows
from kefu.knowledge.models import AutoReply as KnowledgeReply
from kefu.tickets.services import ticket_create


@pytest.mark.django_db
def test_demo_maps_im_accounts_and_counts_their_messages(org, agent, agent2):
    customer = customer_create(actor=None, business_line=org.shop, name="赵六", phone="13600136000")
    for actor, title in ((agent, "屏幕有划痕"), (agent2, "什么时候发货"), (agent, "物流停了三天")):
        ticket_create(actor=actor, customer=customer, type="consult", channel="im", title=title)

    counts = build_messaging_rows([org.shop])

    accounts = {a.name: a for a in ImAccount.objects.filter(business_line=org.shop)}
    assert set(accounts) == {"售前咨询", "产品问题", "物流问题", "退款"}
    assert accounts["退款"].purpose == "refund" and accounts["退款"].ticket_type == "refund"
    im = InboundMessage.objects.filter(channel="im")
    assert im.count() == 3 and not im.filter(account=None).exists()
    assert im.filter(account=accounts["售前咨询"]).count() == 1
    assert counts["outbox"] == OutboundMessage.objects.count() > 0
    assert KnowledgeReply.objects.filter(business_line=org.shop, kind="welcome").count() == 3


@pytest.mark.django_db
def test_demo_wecom_conversations_keep_the_session_rule(org, agent):
    """Every fourth IM conversation is on WeCom: at most 5 messages after the customer's, the
    refused sixth says why — what the outbox would do (issue 17)."""
    from kefu.channels.messaging.models import Status
    from kefu.customers.models import BuyerAccount

    for n in range(12):
        customer = customer_create(
            actor=None, business_line=org.shop, name=f"客户{n}", phone=f"136001360{n:02d}"
        )
        ticket_create(actor=agent, customer=customer, type="consult", channel="im", title=f"问{n}")
    build_messaging_rows([org.shop], seed=3)
    wecom = InboundMessage.objects.filter(channel="im", sender__startswith="wm-")
    assert wecom.count() == 3
    for message in wecom:
        assert BuyerAccount.objects.filter(
            platform="企业微信", platform_user_id=message.sender
        ).exists()
        out = OutboundMessage.objects.filter(channel="im", recipient=message.sender)
        sent = out.exclude(status=Status.REFUSED)
        assert 1 <= sent.count() <= 5
        assert all(
            message.received_at < m.created_at < message.received_at + dt.timedelta(hours=48)
            for m in out
        )
        for refused in out.filter(status=Status.REFUSED):
            assert sent.count() == 5 and "企业微信" in refused.error
    assert OutboundMessage.objects.filter(channel="im", status=Status.REFUSED).count() == 1


@pytest.mark.django_db
def test_demo_sms_history_was_never_written_in_the_quiet_hours(org, agent):
    """The demo lines keep quiet hours 21:00–08:00: the outbox history's notices and reminders
    were written between 09:00 and 21:00, as the outbox would have sent them."""
    from django.utils import timezone

    customer_create(actor=None, business_line=org.shop, name="赵六", phone="13600136000")
    build_messaging_rows([org.shop], seed=3)
    times = [
        timezone.localtime(at)
        for at in OutboundMessage.objects.filter(channel="sms", backend="log").values_list(
            "created_at", flat=True
        )
    ]
    assert len(times) > 100
    assert all(9 <= t.hour < 21 for t in times)
    assert max(times) <= timezone.localtime() + dt.timedelta(seconds=1)
