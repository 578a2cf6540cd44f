"""The demo's household archive and rental register (ARC-9, PM-X5) on each property line:
every household's 业主资料登记表 (from the owner and unit rows), its fee record for last year
(from its real bills), a copy of its 催缴函 when it was in a printed batch, 装修验收报告 for
some, 停水 announcements and notices for a few; about one unit in seven rented out with its tenant, phone and
lease (a few rows lacking a phone or a lease end, a few leases ended: the register is about 85 %
complete), some former tenants moved out; and the activity centre's published fees. The files
are small text/CSV documents written to the media storage. A second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kefu.customers.models import PropertyUnit
from kefu.demo.bulk import historic_timestamps
from kefu.demo.data.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from kefu.property import activities
from kefu.property.models import (
    Bill,
    DunningLetter,
    HouseholdDocument,
    Occupancy,
    Possession,
    Tenancy,
    UnitProfile,
)

CENTRE_FEES = (
    ("乒乓球室", "10", "hour", "业主凭门禁卡预约"),
    ("羽毛球场", "30", "hour", "晚间 18:00 后 40 元/小时"),
    ("健身房", "80", "month", "办卡需签署安全须知"),
    ("舞蹈室", "50", "session", "每次 2 小时"),
    ("阅览室", "0", "hour", "业主免费开放"),
    ("棋牌室", "5", "hour", ""),
)
RENTED_SHARE = 0.15
REPORT_SHARE = 0.3
NOTICE_SHARE = 0.1


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_MALE if rng.random() < 0.5 else GIVEN_FEMALE)
    return rng.choice(SURNAMES) + given


def build_archive_rows(*, line, supervisor, agent, units, now, rng: random.Random) -> int:
    """The rows above for one property line; the number of documents filed."""
    if HouseholdDocument.objects.filter(business_line=line).exists():
        return 0
    today = timezone.localdate(now)
    with transaction.atomic():
        for item, price, per, note in CENTRE_FEES:
            activities.centre_fee_publish(
                actor=supervisor, item=item, price_yuan=price, per=per, note=note
            )
        _tenancies(line, agent, units, today, rng)
        return _documents(line, agent, units, now, rng)


def _tenancies(line, agent, units, today: dt.date, rng: random.Random) -> None:
    taken = set(
        UnitProfile.objects.filter(unit__in=units, possession=Possession.TAKEN).values_list(
            "unit_id", flat=True
        )
    )
    rented = [u for u in units if u.pk in taken and rng.random() < RENTED_SHARE]
    rows = []
    for unit in rented:
        start = today - dt.timedelta(days=rng.randint(20, 700))
        end = start + dt.timedelta(days=365 * rng.choice((1, 1, 2)))
        while end < today:  # renewed in time: the register has the current lease
            start, end = end, end + dt.timedelta(days=365)
        if rng.random() < 0.3:  # a former tenant who moved out before this one came
            before = start - dt.timedelta(days=rng.randint(380, 800))
            rows.append(
                _tenancy(line, unit, agent, before, before + dt.timedelta(days=365), rng, start)
            )
        row = _tenancy(line, unit, agent, start, end, rng, None)
        gap = rng.random()
        if gap < 0.06:
            row.phone = ""  # the tenant did not leave a number
        elif gap < 0.10:
            row.lease_end = None  # an open-ended lease nobody wrote down
        elif gap < 0.14:
            row.lease_end = today - dt.timedelta(days=rng.randint(1, 30))  # ended: renewed?
        rows.append(row)
    with historic_timestamps(Tenancy):
        Tenancy.objects.bulk_create(rows, batch_size=500)
    UnitProfile.objects.filter(unit__in=rented).update(occupancy=Occupancy.RENTED)


def _tenancy(line, unit, agent, start, end, rng, moved_out) -> Tenancy:
    at = timezone.make_aware(dt.datetime.combine(start, dt.time(rng.randint(9, 17))))
    return Tenancy(
        business_line=line,
        unit=unit,
        tenant_name=_name(rng),
        phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
        lease_start=start,
        lease_end=end,
        moved_out_on=moved_out,
        recorded_by=agent,
        created_at=at,
        updated_at=at,
    )


def _documents(line, agent, units, now, rng: random.Random) -> int:
    today = timezone.localdate(now)
    last_year = today.year - 1
    bills: dict[int, list] = {}
    for b in (
        Bill.objects.filter(unit__in=units, year=last_year)
        .select_related("fee_type")
        .order_by("unit_id", "period", "fee_type_id")
    ):
        bills.setdefault(b.unit_id, []).append(b)
    letters = {
        letter.unit_id: letter
        for letter in DunningLetter.objects.filter(batch__business_line=line).select_related(
            "batch"
        )
    }
    units = PropertyUnit.objects.filter(pk__in=[u.pk for u in units]).select_related(
        "customer", "office_profile"
    )
    docs = []
    for unit in units:
        joined = unit.customer.created_at
        docs.append(
            _doc(
                line,
                unit,
                agent,
                "owner_info",
                "业主资料登记表",
                "业主资料登记表.txt",
                f"房号：{unit}\n业主：{unit.customer.name}\n面积：{unit.area_m2} 平方米\n"
                f"交房状态：{_possession(unit)}\n",
                min(joined, now),
            )
        )
        if bills.get(unit.pk):
            lines = ["账期,费用,应缴(元),已缴(元)"] + [
                f"{b.period:%Y-%m},{b.fee_type.name},{b.amount},{b.paid}" for b in bills[unit.pk]
            ]
            docs.append(
                _doc(
                    line,
                    unit,
                    agent,
                    "fee_record",
                    f"{last_year}年度缴费记录",
                    f"{last_year}年度缴费记录.csv",
                    "\n".join(lines) + "\n",
                    _at(dt.date(today.year, 1, rng.randint(5, 20)), rng),
                )
            )
        letter = letters.get(unit.pk)
        if letter is not None:
            docs.append(
                _doc(
                    line,
                    unit,
                    agent,
                    "notice",
                    "催缴函（存档）",
                    "催缴函.txt",
                    f"{unit.customer.name} 业主：截至 {letter.batch.as_of}，您户欠缴物业费 "
                    f"{letter.arrears} 元（最早应缴日 {letter.oldest_due}），请尽快缴纳。\n",
                    letter.batch.created_at,
                )
            )
        if rng.random() < REPORT_SHARE:
            day = today - dt.timedelta(days=rng.randint(30, 170))
            docs.append(
                _doc(
                    line,
                    unit,
                    agent,
                    "report",
                    "装修验收报告",
                    "装修验收报告.txt",
                    f"{unit} 装修验收：水电、防水、外立面均符合管理规约。验收日期 {day}。\n",
                    _at(day, rng),
                )
            )
        if rng.random() < NOTICE_SHARE:
            day = today - dt.timedelta(days=rng.randint(1, 90))
            docs.append(
                _doc(
                    line,
                    unit,
                    agent,
                    rng.choice(("announcement", "notice")),
                    "二次供水水箱清洗停水通知",
                    "停水通知.txt",
                    f"{unit.building} 将于 {day} 09:00-15:00 清洗水箱，期间停水，请提前储水。\n",
                    _at(day - dt.timedelta(days=3), rng),
                )
            )
    with historic_timestamps(HouseholdDocument):
        HouseholdDocument.objects.bulk_create(docs, batch_size=500)
    return len(docs)


def _possession(unit) -> str:
    profile = getattr(unit, "office_profile", None)
    return profile.get_possession_display() if profile else Possession.TAKEN.label


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17))))


def _doc(line, unit, agent, kind, title, name, text, at) -> HouseholdDocument:
    body = text.encode()
    doc = HouseholdDocument(
        business_line=line,
        unit=unit,
        kind=kind,
        title=title,
        name=name,
        size=len(body),
        content_type="text/csv" if name.endswith(".csv") else "text/plain",
        uploaded_by=agent,
        created_at=at,
        updated_at=at,
    )
    doc.file.save(f"{unit.pk}-{kind}-{name}", ContentFile(body), save=False)
    return doc
