"""The demo's SMS outbox, inbound messages and web-form tickets (issue 17, CH-1/CH-10, CARE-1,
PAY-6): 180 days of the shop's and the property office's SMS (payment reminders, dispatch
notices, replies; a few held, refused after a TD or failed), a handful of customers' SMS that
opened or joined tickets, and web-form tickets through the public form's own service.

The outbox history is one ``bulk_create``; the inbound and web-form rows go through the services,
so their tickets, auto-replies and audit records are the real ones."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.channels.messaging import rules, services
from kefu.channels.messaging.models import OptOut, OutboundMessage, Status
from kefu.customers.models import Customer

DAYS = 180
PER_DAY = (2, 6)
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
WEB = {
    "shop": [
        ("complaint", "收到的杯子碎了一个，包装太简单了"),
        ("return", "衣服尺码偏小，想换大一号"),
        ("consult", "请问这款面霜孕妇可以用吗"),
        ("refund", "申请退款三天了还没处理"),
    ],
    "wy": [
        ("repair", "卫生间顶上漏水，麻烦派人看一下"),
        ("complaint", "楼下晚上装修噪音太大"),
        ("consult", "车位月卡怎么办理"),
    ],
}
INBOUND = {
    "shop": ["我的快递三天没动了", "能帮我查一下物流吗", "TD"],
    "wy": ["电梯又坏了", "什么时候来修"],
}


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
                at = now - dt.timedelta(
                    days=day, hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
                )
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
        OptOut.objects.get_or_create(business_line=line, recipient=phones[-1])
        for i, text in enumerate(INBOUND.get(code, [])):
            services.receive(
                line=line,
                channel="sms",
                provider_id=f"demo-{code}-{i}",
                sender=phones[i % 2],
                text=text,
            )
            counts["inbound"] += 1
        for i, (ticket_type, text) in enumerate(WEB.get(code, [])):
            if ticket_type not in line.ticket_types:
                continue
            services.web_submit(
                line=line,
                data={
                    "type": ticket_type,
                    "name": f"网页访客{i + 1}",
                    "phone": f"1860000{i:04d}",
                    "description": text,
                },
                address=f"demo-{code}-{i}",
            )
            counts["web"] += 1
    return counts
