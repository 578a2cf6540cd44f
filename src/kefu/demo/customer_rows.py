"""Demo customers with their assets (orders, property units, vehicles) and phone grams."""

from __future__ import annotations

import datetime as dt
import random
from array import array
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kefu.customers.models import (
    BuyerAccount,
    Customer,
    Order,
    PhoneGram,
    PropertyUnit,
    ServiceRecord,
    Vehicle,
)
from kefu.customers.services import phone_grams, tag_index
from kefu.demo.bulk import Ids, RawInsert
from kefu.demo.data import assets, people

# rows per INSERT batch: large enough to amortise round trips, small enough to bound memory
BATCH = 5_000

TIERS = (("normal", 60), ("silver", 22), ("gold", 12), ("vip", 6))
TAGS = {
    "ecommerce": ("老客户", "爱评价", "价格敏感", "差评风险", "大促活跃", "会员"),
    "property": ("业主", "租户", "独居老人", "有宠物", "物业费欠费", "业委会成员"),
    "auto": ("首保客户", "续保客户", "忠诚客户", "流失预警", "事故车", "延保客户"),
}
SOURCES = {
    "ecommerce": ("天猫旗舰店", "淘宝店", "京东店", "抖音小店"),
    "property": ("物业前台", "业主群", "入伙登记"),
    "auto": ("到店", "新车交付", "电话预约", "保险续保"),
}


@dataclass
class LinePool:
    """What the ticket builder needs of a business line's customers, compactly."""

    customer_ids: array = field(default_factory=lambda: array("q"))
    # the customer's order / property unit / vehicle (0 = none), parallel to customer_ids
    asset_ids: array = field(default_factory=lambda: array("q"))


def _all_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class CustomerMaker:
    def __init__(self, rng: random.Random, ids: Ids, now: dt.datetime):
        self.rng, self.ids, self.now = rng, ids, now
        self.phones: set[str] = set()
        self.surname_cum = list(people.SURNAME_WEIGHTS)
        total = 0.0
        for i, w in enumerate(people.SURNAME_WEIGHTS):
            total += w
            self.surname_cum[i] = total

    def name_gender(self) -> tuple[str, str]:
        rng = self.rng
        surname = rng.choices(people.SURNAMES, cum_weights=self.surname_cum)[0]
        if rng.random() < 0.5:
            return surname + rng.choice(people.GIVEN_MALE), "m"
        return surname + rng.choice(people.GIVEN_FEMALE), "f"

    def phone(self) -> str:
        while True:
            number = self.rng.choice(people.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def shop_address(self) -> str:
        rng = self.rng
        province, city, districts = rng.choice(people.SHOP_REGIONS)
        return (
            f"{province}{city}{rng.choice(districts)}{rng.choice(people.STREETS)}"
            f"{rng.randint(1, 999)}号{rng.choice(people.ESTATES)}{rng.randint(1, 30)}栋"
            f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
        )

    def auto_address(self) -> str:
        rng = self.rng
        return (
            f"广东省{people.AUTO_CITY}{rng.choice(people.AUTO_DISTRICTS)}"
            f"{rng.choice(people.STREETS)}{rng.randint(1, 500)}号{rng.choice(people.ESTATES)}"
        )


def build_customers(*, line, count: int, maker: CustomerMaker, bar=None) -> LinePool:
    """``count`` customers of ``line`` with their assets, inserted in batches."""
    pool = LinePool()
    industry = line.industry
    # every row but the phone grams carries its preassigned id
    inserts = {
        model: RawInsert(model, None if model is PhoneGram else _all_fields(model))
        for model in (
            Customer,
            PhoneGram,
            BuyerAccount,
            Order,
            PropertyUnit,
            Vehicle,
            ServiceRecord,
        )
    }
    pending: dict[type, list] = {}

    def flush():
        with transaction.atomic():
            for model, insert in inserts.items():
                insert(pending.get(model, []))
        pending.clear()

    for _ in range(count):
        customer, related, asset_id = _one_customer(line, industry, maker)
        pending.setdefault(Customer, []).append(customer)
        for row in related:
            pending.setdefault(type(row), []).append(row)
        pool.customer_ids.append(customer.pk)
        pool.asset_ids.append(asset_id)
        if len(pending[Customer]) >= BATCH:
            flush()
        if bar is not None:
            bar.update(1)
    if pending:
        flush()
    return pool


def _one_customer(line, industry: str, maker: CustomerMaker):
    rng, ids, now = maker.rng, maker.ids, maker.now
    name, gender = maker.name_gender()
    phone = maker.phone()
    created = now - dt.timedelta(days=rng.uniform(181, 1100), seconds=rng.randrange(86400))
    tags = rng.sample(TAGS[industry], k=rng.choice((0, 1, 1, 2)))
    pk = ids.take(Customer)
    related: list = [
        PhoneGram(customer_id=pk, business_line_id=line.pk, gram=g) for g in phone_grams(phone)
    ]
    asset_id = 0
    if industry == "ecommerce":
        address = maker.shop_address()
        platform = _weighted(rng, assets.SHOP_PLATFORMS)
        related.append(
            BuyerAccount(
                pk=ids.take(BuyerAccount),
                customer_id=pk,
                platform=platform,
                platform_user_id=f"{name[0]}{rng.choice('小大阿')}{rng.randrange(10**6):06d}",
                created_at=created,
                updated_at=created,
            )
        )
        placed = created
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            placed = min(now, placed + dt.timedelta(days=rng.uniform(20, 300)))
            if placed > now - dt.timedelta(days=1):
                placed = now - dt.timedelta(days=rng.uniform(1, 200))
            _product, price = rng.choice(assets.SHOP_PRODUCTS)
            status = _weighted(rng, assets.ORDER_STATUSES)
            asset_id = ids.take(Order)
            related.append(
                Order(
                    pk=asset_id,
                    customer_id=pk,
                    order_no=f"{rng.randrange(10**17, 10**18)}",
                    platform=platform,
                    amount=Decimal(price * rng.choice((1, 1, 1, 2, 3))),
                    status=status,
                    placed_at=placed,
                    paid_at=None
                    if status == "待付款"
                    else placed + dt.timedelta(minutes=rng.randint(1, 30)),
                    created_at=placed,
                    updated_at=placed,
                )
            )
    elif industry == "property":
        building, unit = rng.randint(1, people.PROPERTY_BUILDINGS), rng.randint(1, 3)
        room = f"{rng.randint(2, 32)}{rng.randint(1, 4):02d}"
        address = f"{people.PROPERTY_ADDRESS}{building}栋{unit}单元{room}"
        asset_id = ids.take(PropertyUnit)
        related.append(
            PropertyUnit(
                pk=asset_id,
                customer_id=pk,
                building=f"{building}栋",
                unit=f"{unit}单元",
                room=room,
                area_m2=Decimal(rng.randrange(5800, 16500)) / 100,
                created_at=created,
                updated_at=created,
            )
        )
    else:
        address = maker.auto_address()
        model_name, kind = rng.choice(assets.CAR_MODELS)
        asset_id = ids.take(Vehicle)
        interval = rng.choice((180, 180, 365))
        plate = people_plate(rng)
        related.append(
            Vehicle(
                pk=asset_id,
                customer_id=pk,
                model_name=model_name,
                plate=plate,
                kind=kind,
                vin="LVG" + "".join(rng.choice(assets.VIN_CHARS) for _ in range(14)),
                maintenance_interval_days=interval,
                next_maintenance_on=(now + dt.timedelta(days=rng.randint(-20, interval))).date(),
                created_at=created,
                updated_at=created,
            )
        )
        serviced = created
        mileage = rng.randint(500, 30000)
        for _ in range(rng.randint(1, 4)):
            serviced = serviced + dt.timedelta(days=rng.randint(60, 200))
            if serviced > now:
                break
            mileage += rng.randint(3000, 9000)
            items, amount = rng.choice(assets.SERVICE_ITEMS)
            related.append(
                ServiceRecord(
                    pk=ids.take(ServiceRecord),
                    vehicle_id=asset_id,
                    serviced_on=serviced.date(),
                    items=items,
                    mileage_km=mileage,
                    amount=Decimal(amount),
                    created_at=serviced,
                    updated_at=serviced,
                )
            )
    customer = Customer(
        pk=pk,
        business_line_id=line.pk,
        name=name,
        phone=phone,
        email=f"{rng.randrange(10**5, 10**10)}@{rng.choice(people.EMAIL_DOMAINS)}"
        if rng.random() < 0.3
        else "",
        address=address,
        gender=gender,
        tier=_weighted(rng, TIERS),
        source_channel=rng.choice(SOURCES[industry]),
        tags=tags,
        tag_index=tag_index(tags),
        first_visit_on=created.date(),
        created_at=created,
        updated_at=created,
    )
    return customer, related, asset_id


def people_plate(rng: random.Random) -> str:
    """A Guangzhou plate: 粤A + a letter + four letters/digits."""
    tail = "".join(rng.choice(assets.PLATE_LETTERS[:8] + "0123456789") for _ in range(4))
    return f"{assets.PLATE_PREFIX}{rng.choice(assets.PLATE_LETTERS)}{tail}"
