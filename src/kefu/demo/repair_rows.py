"""The demo's property repairs on 「小修不过夜,大修不过三」 (decision §9.13, issue 23): a few open
小修 and 大修 repairs reported at the front desk today, through the ticket service, so their SLA
clocks are the real ones: a 小修 due at 23:59:59 tonight, a 大修 72 calendar hours after it was
reported (the front desk works 07:00–21:00 every day, SCH-4). A fixed handful, whatever the size
of the build; idempotent (a second run finds its titles and adds nothing)."""

from __future__ import annotations

from kefu.accounts.models import BusinessLine, User
from kefu.customers.models import Customer
from kefu.tickets.models import Category, Ticket
from kefu.tickets.services import ticket_create

REPAIRS = (
    (
        "小修",
        "卫生间水龙头滴水不止",
        "业主反映卫生间水龙头关不紧，一直滴水，请维修师傅今天上门更换阀芯。",
    ),
    ("小修", "厨房灯不亮", "厨房吸顶灯突然不亮，已换灯泡仍不亮，怀疑开关或线路问题。"),
    ("小修", "入户门锁卡顿", "入户门锁转动困难，钥匙不易拔出，需要上门检修。"),
    (
        "大修",
        "楼上渗水导致客厅天花板发霉",
        "客厅天花板大面积水渍发霉，疑似楼上防水层破损，需要查漏并修复防水。",
    ),
    (
        "大修",
        "阳台外墙瓷砖空鼓脱落",
        "阳台外墙多块瓷砖空鼓，一块已脱落，存在安全隐患，需要搭架维修。",
    ),
)


def build_repair_rows() -> int:
    """Report the repairs above on each property line; the number of tickets created."""
    created = 0
    for line in BusinessLine.objects.filter(industry="property").order_by("id"):
        agent = (
            User.objects.filter(business_line=line, role="agent", is_active=True)
            .order_by("id")
            .first()
        )
        if agent is None:
            continue
        categories = dict(
            Category.objects.filter(business_line=line, name__in=("小修", "大修")).values_list(
                "name", "pk"
            )
        )
        customers = list(Customer.objects.filter(business_line=line).order_by("id")[:20])
        if len(categories) < 2 or not customers:
            continue
        have = set(
            Ticket.objects.filter(
                business_line=line, title__in=[title for _kind, title, _d in REPAIRS]
            ).values_list("title", flat=True)
        )
        for index, (kind, title, description) in enumerate(REPAIRS):
            if title in have:
                continue
            ticket_create(
                actor=agent,
                title=title,
                description=description,
                type="repair",
                channel="phone" if index % 2 == 0 else "visit",
                customer=customers[(index * 3) % len(customers)],
                category=categories[kind],
            )
            created += 1
    return created
