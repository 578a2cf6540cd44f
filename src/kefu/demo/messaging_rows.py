"""The demo's SMS outbox, inbound messages and web-form submissions (issue 17, CH-1/CH-10,
CARE-1, PAY-6): 180 days of the shop's and the property office's SMS (payment reminders, dispatch
notices, replies; a few refused or failed), the customers' SMS and web-form submissions behind
the generated SMS and web tickets with the acknowledgement each got (no ticket is added: the demo
holds exactly the tickets asked for), the shop's IM accounts mapped to their team queues with the
IM messages behind its IM tickets (CH-2/CH-3), and one TD opt-out through the service.

Every history is a ``bulk_create`` with its timestamps set afterwards."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import Team
from kefu.channels.messaging import rules, services
from kefu.channels.messaging.models import (
    AutoReply,
    ImAccount,
    InboundMessage,
    OutboundMessage,
    Status,
    WebSubmission,
)
from kefu.customers.models import Customer
from kefu.knowledge.models import AutoReply as KnowledgeReply
from kefu.tickets.models import Ticket

DAYS = 180
PER_DAY = (2, 6)
HISTORY = 60  # SMS and web tickets per line given their inbound rows
TEXTS = {
    "shop": [
        ("reminder", "亲，您的订单还未付款，库存有限，请尽快完成支付哦"),
        ("notice", "您的订单已发货，快递单号 {n}，请留意查收"),
        ("notice", "您的包裹已签收，如有问题请联系在线客服"),
        ("reply", "您好，退款已原路退回，预计1-3个工作日到账"),
        ("message", "双十一活动期间发货时间会延长，敬请谅解，我们会尽快为您安排"),
    ],
    "wy": [
        ("notice", "物业通知：本周六上午9点至12点小区停水检修，请提前储水"),
        ("reminder", "温馨提示：您本季度的物业费尚未缴纳，请于月底前缴费"),
        ("reply", "您好，您报修的水管问题师傅将于明天上午上门处理"),
    ],
}


def _inbound_history(line) -> int:
    """The customers' SMS behind the line's SMS tickets of the last 180 days (the generator made
    the tickets; here the messages that opened them, and the acknowledgement each got)."""
    tickets = list(
        Ticket.objects.filter(business_line=line, channel="sms")
        .select_related("customer")
        .order_by("-id")[:HISTORY]
    )
    rows = [
        InboundMessage(
            business_line=line,
            channel="sms",
            provider_id=f"demo-sms-{t.pk}",
            sender=t.customer.phone or "-",
            conversation=t.customer.phone or "-",
            text=(t.description or t.title)[:500],
            ticket=t,
            opened_ticket=True,
        )
        for t in tickets
    ]
    created = InboundMessage.objects.bulk_create(rows, batch_size=500)
    for row, t in zip(created, tickets, strict=True):
        row.received_at = t.created_at
    InboundMessage.objects.bulk_update(created, ["received_at"], batch_size=500)
    _acks(line, "sms", [(t, t.customer.phone or "-") for t in tickets])
    return len(created)


#: the shop's IM accounts and the queue each feeds (CH-2 by topic, CH-3 refunds apart)
IM_ACCOUNTS = [
    ("网店旗舰店:小美", "售前咨询", "reception", "售前组", "consult"),
    ("网店旗舰店:售后", "产品问题", "reception", "售后一组", "repair"),
    ("网店旗舰店:物流", "物流问题", "reception", "售后二组", "consult"),
    ("网店旗舰店:退款", "退款", "refund", "售后一组", "refund"),
]


def _im_history(line, rng) -> tuple[int, int]:
    """The shop's IM accounts mapped to their team queues, and the customers' IM messages behind
    the line's IM tickets, each to the account whose queue took it; every fourth conversation
    is on WeCom, with its session's messages (``_wecom_history``). Returns (inbound, outbound)."""
    teams = {t.name: t for t in Team.objects.filter(business_line=line)}
    accounts = [
        ImAccount(
            business_line=line,
            account=account,
            name=name,
            purpose=purpose,
            team=teams[team],
            ticket_type=ticket_type,
        )
        for account, name, purpose, team, ticket_type in IM_ACCOUNTS
        if team in teams
    ]
    if not accounts:
        return 0, 0
    accounts = ImAccount.objects.bulk_create(accounts)
    by_team = {}
    for account in accounts:
        if account.purpose == "reception":
            by_team.setdefault(account.team_id, account)
    refund = next((a for a in accounts if a.purpose == "refund"), None)
    tickets = list(
        Ticket.objects.filter(business_line=line, channel="im")
        .select_related("customer")
        .order_by("-id")[: HISTORY * 3]
    )
    rows, stamps, wecom, on_wecom = [], [], [], set()
    for index, t in enumerate(tickets):
        account = refund if t.type in ("refund", "return") and refund else by_team.get(t.team_id)
        conversation = f"旺旺-{t.customer_id}"  # the buyer's conversation on the platform
        if index % 4 == 3 and t.customer_id not in on_wecom:
            # a WeCom customer-service conversation (5 messages within 48 h): one per customer
            on_wecom.add(t.customer_id)
            conversation = f"wm-{t.customer_id}"
            wecom.append((t, conversation))
        rows.append(
            InboundMessage(
                business_line=line,
                channel="im",
                provider_id=f"demo-im-{t.pk}",
                sender=conversation,
                conversation=conversation,
                text=(t.description or t.title)[:500],
                ticket=t,
                opened_ticket=True,
                account=account,
            )
        )
        stamps.append(t.created_at)
    created = InboundMessage.objects.bulk_create(rows, batch_size=500)
    for row, at in zip(created, stamps, strict=True):
        row.received_at = at
    InboundMessage.objects.bulk_update(created, ["received_at"], batch_size=500)
    return len(created), _wecom_history(line, wecom, rng)


WECOM_TEXTS = (
    "您好，已为您查询，订单今天下午发出",
    "快递单号稍后发给您，请留意",
    "补发的商品已经安排，明天可以送达",
    "请问还有其他可以帮您的吗？",
    "已为您登记，售后同事会尽快联系您",
    "另外提醒一下，优惠券今晚到期",
)


def _wecom_history(line, conversations, rng) -> int:
    """The WeCom session of each WeCom conversation (issue 17): the buyer's 企业微信 account, and
    1 to 5 messages the shop wrote within 48 h of the customer's message; every third
    conversation had a sixth refused because the session's 5 were spent."""
    from django.utils import translation

    from kefu.channels.messaging.outbox import _session_error
    from kefu.customers.models import BuyerAccount

    with translation.override("zh-hans"):
        spent = _session_error(rules.USED)
    rows, stamps = [], []
    for n, (t, conversation) in enumerate(conversations):
        BuyerAccount.objects.get_or_create(
            customer_id=t.customer_id, platform="企业微信", platform_user_id=conversation
        )
        spent_session = n % 3 == 2
        count = 6 if spent_session else rng.randint(1, 5)  # the sixth is refused
        for k in range(count):
            at = t.created_at + dt.timedelta(minutes=5 + 40 * k + rng.randint(0, 30))
            refused = k >= 5
            rows.append(
                OutboundMessage(
                    business_line=line,
                    channel="im",
                    kind="message",
                    recipient=conversation,
                    text=WECOM_TEXTS[k],
                    parts=1,
                    status=Status.REFUSED if refused else Status.DELIVERED,
                    backend="" if refused else "webhook",
                    provider_id="" if refused else f"demo-wm-{t.pk}-{k}",
                    error=spent if refused else "",
                    ticket=t,
                    local_day=timezone.localtime(at).date(),
                    sent_at=None if refused else at,
                )
            )
            stamps.append(at)
    created = OutboundMessage.objects.bulk_create(rows, batch_size=500)
    for row, at in zip(created, stamps, strict=True):
        row.created_at = at
    OutboundMessage.objects.bulk_update(created, ["created_at"], batch_size=500)
    return len(created)


def _web_history(line) -> int:
    """The web-form submissions behind the line's web tickets (and their acknowledgements)."""
    tickets = list(
        Ticket.objects.filter(business_line=line, channel="web").order_by("-id")[:HISTORY]
    )
    rows = [
        WebSubmission(business_line=line, client=services.client_key(f"demo-{t.pk}"), ticket=t)
        for t in tickets
    ]
    created = WebSubmission.objects.bulk_create(rows, batch_size=500)
    for row, t in zip(created, tickets, strict=True):
        row.created_at = t.created_at
    WebSubmission.objects.bulk_update(created, ["created_at"], batch_size=500)
    _acks(line, "web", [(t, f"web-{t.pk}") for t in tickets])
    return len(created)


#: the SMS, web-form and e-mail acknowledgements the lines keep in their knowledge base (CH-4)
KB_ACKS = {
    "sms": "亲，您的消息已收到，工单号 {number}，客服会在 2 小时内联系您。",
    "web": "您好，您的留言已受理（工单号 {number}），可随时通过本页面查看处理进度。",
    "email": "您好，来信已收到，工单号 {number}，我们会在一个工作日内回复您。回信时请保留邮件标题中的工单号。",
}


def _knowledge_acks(line) -> None:
    for channel, message in KB_ACKS.items():
        KnowledgeReply.objects.get_or_create(
            business_line=line, channel=channel, kind="welcome", defaults={"message": message}
        )


def _acks(line, channel: str, pairs) -> None:
    rows = [
        AutoReply(
            business_line=line,
            channel=channel,
            conversation=conversation,
            kind=rules.ACK,
            ticket=t,
            text=services.auto_text(line, rules.ACK, t, channel),
        )
        for t, conversation in pairs
    ]
    created = AutoReply.objects.bulk_create(rows, batch_size=500)
    for row, (t, _c) in zip(created, pairs, strict=True):
        row.sent_at = t.created_at
    AutoReply.objects.bulk_update(created, ["sent_at"], batch_size=500)


def _in_sending_hours(now, day: int, rng) -> dt.datetime:
    """A moment ``day`` days back between 09:00 and 20:59 local time (the lines' quiet hours are
    21:00–08:00: a notice the outbox sent was never written in them), never after ``now``."""
    local = timezone.localtime(now)
    at = local.replace(hour=rng.randint(9, 20), minute=rng.randint(0, 59), second=0, microsecond=0)
    at -= dt.timedelta(days=day)
    return at - dt.timedelta(days=1) if at > now else at


def build_messaging_rows(lines, *, now=None, seed: int = 0) -> dict[str, int]:
    now = now or timezone.now()
    rng = random.Random(seed + 17)
    by_code = {line.code: line for line in lines}
    counts = {"outbox": 0, "inbound": 0, "web": 0}
    for code, texts in TEXTS.items():
        line = by_code.get(code)
        if line is None:
            continue
        line.policies = {**line.policies, "quiet_hours": "21:00-08:00"}
        line.save(update_fields=["policies"])
        phones = list(
            Customer.objects.filter(business_line=line, merged_into=None)
            .exclude(phone="")
            .order_by("id")
            .values_list("phone", flat=True)[:200]
        )
        if not phones:
            continue
        rows, stamps = [], []
        for day in range(DAYS, -1, -1):
            for _ in range(rng.randint(*PER_DAY)):
                kind, text = rng.choice(texts)
                full = rules.with_opt_out(
                    rules.signed(text.format(n=rng.randint(10**11, 10**12 - 1)), line.name), kind
                )
                at = _in_sending_hours(now, day, rng)
                roll = rng.random()
                status = (
                    Status.DELIVERED
                    if roll < 0.78
                    else Status.SENT
                    if roll < 0.92
                    else Status.FAILED
                    if roll < 0.97
                    else Status.REFUSED
                )
                rows.append(
                    OutboundMessage(
                        business_line=line,
                        channel="sms",
                        kind=kind,
                        recipient=rng.choice(phones),
                        text=full,
                        parts=rules.sms_parts(full),
                        status=status,
                        backend="log",
                        provider_id=f"log-demo-{code}-{len(rows)}",
                        error="运营商返回：号码状态异常" if status == Status.FAILED else "",
                        local_day=timezone.localtime(at).date(),
                        sent_at=at if status in (Status.SENT, Status.DELIVERED) else None,
                    )
                )
                stamps.append(at)
        created = OutboundMessage.objects.bulk_create(rows, batch_size=500)
        for row, at in zip(created, stamps, strict=True):
            row.created_at = at
        OutboundMessage.objects.bulk_update(created, ["created_at"], batch_size=500)
        counts["outbox"] += len(created)
        _knowledge_acks(line)
        counts["inbound"] += _inbound_history(line)
        counts["web"] += _web_history(line)
        if line.industry == "ecommerce":
            inbound, outbound = _im_history(line, rng)
            counts["inbound"] += inbound
            counts["outbox"] += outbound
        # a customer texts TD: recorded as an opt-out, no ticket (the service's own path)
        services.receive(
            line=line, channel="sms", provider_id=f"demo-td-{code}", sender=phones[-1], text="TD"
        )
    return counts
