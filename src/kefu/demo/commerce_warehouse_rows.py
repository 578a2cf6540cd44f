"""The demo's warehouse plan for Double 11 (PK-5): the shop's orders carry their brand (four
cosmetics brands, the flagship one selling most), the 618 event of the summer is the previous
event whose brand shares split the orders expected, and the 双11 campaign has its orders
expected, pre-packs (聚划算 / 爆款 / 热销套装) partly packed and a premium courier per city."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count

from kefu.accounts.models import User
from kefu.commerce.models import Campaign, CourierChoice, PrePack, PrePackKind
from kefu.customers.models import Order

BRANDS = (("雅诗兰黛", 45), ("兰蔻", 25), ("海蓝之谜", 18), ("倩碧", 12))
PREVIOUS_DAYS = (120, 100)  # 618: from 120 to 100 days ago
GROWTH = 1.8  # Double 11 brings more orders than 618
PREPACKS = (
    (PrePackKind.JUHUASUAN, "雅诗兰黛", "小棕瓶精华 50ml 聚划算装"),
    (PrePackKind.JUHUASUAN, "兰蔻", "小黑瓶 30ml 聚划算装"),
    (PrePackKind.BESTSELLER, "雅诗兰黛", "DW 持妆粉底液"),
    (PrePackKind.BESTSELLER, "海蓝之谜", "精华面霜 30ml"),
    (PrePackKind.BUNDLE, "兰蔻", "菁纯套装（水 + 乳 + 霜）"),
    (PrePackKind.BUNDLE, "倩碧", "黄油三部曲套装"),
)
COURIERS = (
    ("上海", "顺丰"),
    ("北京", "京东物流"),
    ("广州", "顺丰"),
    ("深圳", "顺丰"),
    ("杭州", "中通"),
    ("成都", "EMS"),
)


def build_commerce_warehouse_rows(lines, *, now, seed: int) -> int:
    line = next((x for x in lines if x.industry == "ecommerce"), None)
    current = Campaign.objects.filter(business_line=line).order_by("-starts_at").first()
    if line is None or current is None:
        return 0
    rng = random.Random(seed + 25)
    ids = list(
        Order.objects.filter(shop__business_line=line).order_by("id").values_list("id", flat=True)
    )
    names, weights = zip(*BRANDS, strict=True)
    picked: dict[str, list[int]] = {name: [] for name in names}
    for pk in ids:
        picked[rng.choices(names, weights)[0]].append(pk)
    for name, pks in picked.items():
        Order.objects.filter(pk__in=pks).update(brand=name)
    previous = Campaign.objects.create(
        business_line=line,
        name="618大促",
        starts_at=now - dt.timedelta(days=PREVIOUS_DAYS[0]),
        ends_at=now - dt.timedelta(days=PREVIOUS_DAYS[1]),
    )
    base = Order.objects.filter(
        shop__business_line=line, paid_at__gte=previous.starts_at, paid_at__lt=previous.ends_at
    ).aggregate(n=Count("id"))["n"]
    current.forecast_orders = round(base * GROWTH / 10) * 10 or 100
    current.save(update_fields=["forecast_orders"])
    planner = User.objects.filter(business_line=line, role="manager").order_by("id").first()
    prepacks = []
    for kind, brand, item in PREPACKS:
        quantity = rng.choice((200, 300, 500, 800))
        prepacks.append(
            PrePack(
                campaign=current,
                kind=kind,
                brand=brand,
                item=item,
                quantity=quantity,
                packed=int(quantity * rng.choice((1.0, 0.9, 0.75, 0.6))),
                created_by=planner,
            )
        )
    PrePack.objects.bulk_create(prepacks)
    CourierChoice.objects.bulk_create(
        CourierChoice(campaign=current, city=city, courier=courier, chosen_by=planner)
        for city, courier in COURIERS
    )
    return len(ids)
