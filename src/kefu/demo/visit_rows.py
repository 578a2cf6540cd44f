"""The demo's door-to-door visits (SEG-11): on each property line, six months of visits by the
line's agents, four to seven households each a month, a household never twice within 30 days,
each with its note in the owner's profile; this month one agent is still short of four. The
visits found out why most owing households do not pay (ARC-12, FEE-1). The community's
activities calendar (PM-X5) has three to four activities a month, with the activity centre's
fees, from six months ago to next month."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import BusinessLine, User
from kefu.customers.models import CustomerNote, PropertyUnit
from kefu.demo.bulk import historic_timestamps
from kefu.property import rules
from kefu.property.models import DoorVisit

MONTHS = 6
NOTES = (
    "业主反映楼道灯偶尔不亮，已报修",
    "独居老人身体良好，留了管家电话",
    "租户已登记，提醒办理出入证",
    "业主建议增加小区绿化修剪次数",
    "家中有宠物，已提醒文明养犬",
    "业主对物业费标准有疑问，已解释收费依据",
    "新装修完毕，已告知装修垃圾清运时间",
    "业主满意近期的维修服务",
)


def build_visit_rows(*, now: dt.datetime, seed: int) -> int:
    """The visits above; the number written (0 when a line has them already)."""
    written = 0
    for line in BusinessLine.objects.filter(industry="property").order_by("id"):
        if DoorVisit.objects.filter(business_line=line).exists():
            continue
        agents = list(
            User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
        )
        units = list(
            PropertyUnit.objects.filter(customer__business_line=line, customer__merged_into=None)
            .order_by("id")
            .values_list("pk", "customer_id", "building", "unit", "room")
        )
        if not agents or not units:
            continue
        rng = random.Random(seed + 11 + line.pk)
        with transaction.atomic():
            written += _line(line, agents, units, now, rng)
            _reasons(line, now, rng)
            _activities(line, agents, now, rng)
    return written


ACTIVITIES = (
    ("业主篮球友谊赛", "小区篮球场", "0"),
    ("亲子手工课", "活动中心二楼", "30"),
    ("长者健康讲座", "活动中心一楼", "0"),
    ("瑜伽体验课", "活动中心舞蹈室", "20"),
    ("周末电影夜", "中心广场", "0"),
    ("少儿书法班", "活动中心书画室", "50"),
    ("邻里跳蚤市场", "中心广场", "0"),
)


def _activities(line, agents, now, rng: random.Random) -> None:
    from decimal import Decimal

    from kefu.property.models import CommunityActivity

    boss = (
        User.objects.filter(business_line=line, role="supervisor").order_by("id").first()
        or agents[0]
    )
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    rows = []
    for offset in range(-6 * 30, 45, 9):
        day = today + dt.timedelta(days=offset + rng.randint(0, 3))
        title, place, fee = rng.choice(ACTIVITIES)
        start = dt.datetime.combine(day, dt.time(rng.choice((10, 15, 19))), tzinfo=tz)
        published = min(now, start - dt.timedelta(days=rng.randint(7, 14)))
        rows.append(
            CommunityActivity(
                business_line=line,
                title=title,
                starts_at=start,
                place=place,
                fee_yuan=Decimal(fee),
                created_by=boss,
                created_at=published,
                updated_at=published,
            )
        )
    with historic_timestamps(CommunityActivity):
        CommunityActivity.objects.bulk_create(rows)


REASONS = (("service", 30), ("dispute", 20), ("hardship", 15), ("vacant", 20))
REASONS += (("unreachable", 10), ("other", 5))


def _reasons(line, now, rng: random.Random) -> None:
    """Four in five households owing today have their reason for not paying on file."""
    from django.db.models import F

    from kefu.property.models import Bill, UnitProfile

    owing = set(
        Bill.objects.filter(
            business_line=line, due_on__lt=timezone.localdate(now), paid__lt=F("amount")
        ).values_list("unit_id", flat=True)
    )
    values, weights = zip(*REASONS, strict=True)
    have = dict(UnitProfile.objects.filter(unit_id__in=owing).values_list("unit_id", "pk"))
    new, changed = [], []
    for unit_id in sorted(owing):
        if rng.random() > 0.8:
            continue
        reason = rng.choices(values, weights)[0]
        if unit_id in have:
            changed.append(UnitProfile(pk=have[unit_id], arrears_reason=reason))
        else:
            new.append(UnitProfile(unit_id=unit_id, business_line=line, arrears_reason=reason))
    UnitProfile.objects.bulk_update(changed, ["arrears_reason"], batch_size=500)
    UnitProfile.objects.bulk_create(new, batch_size=500)


def _next_unit(pool, last: dict, day: dt.date, size: int):
    for _ in range(size):
        candidate = next(pool)
        # every earlier visit, not only the last picked: days within a month come in any order
        seen = last.get(candidate[0], ())
        if all(abs((day - d).days) >= rules.VISIT_GAP_DAYS for d in seen):
            return candidate
    return None


def _line(line, agents, units, now, rng: random.Random) -> int:
    rng.shuffle(units)
    pool = itertools.cycle(units)  # a small line's units come round again, 30 days apart
    last: dict[int, list[dt.date]] = {}
    today = timezone.localdate(now)
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    visits, notes = [], []
    for month in reversed(months):
        last_day = min(today, (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        for n, agent in enumerate(agents):
            count = rng.randint(4, 7)
            if month.month == today.month and month.year == today.year:
                count = 2 if n == 0 else min(count, max(1, today.day // 5 + 1))
            for _ in range(count):
                day = month + dt.timedelta(days=rng.randint(0, (last_day - month).days))
                picked = _next_unit(pool, last, day, len(units))
                if picked is None:
                    continue  # every household was visited within 30 days: none left
                pk, customer_id, building, unit, room = picked
                last.setdefault(pk, []).append(day)
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17))))
                note = rng.choice(NOTES)
                visits.append(
                    DoorVisit(
                        business_line_id=line.pk,
                        department_id=agent.department_id,
                        team_id=agent.team_id,
                        agent=agent,
                        unit_id=pk,
                        visited_on=day,
                        note=note,
                        created_at=at,
                        updated_at=at,
                    )
                )
                where = f"{building}{unit}{room}"
                notes.append(
                    CustomerNote(
                        customer_id=customer_id,
                        author=agent,
                        body=f"上门拜访 {day.isoformat()}（{where}）：{note}",
                        created_at=at,
                        updated_at=at,
                    )
                )
    with historic_timestamps(DoorVisit, CustomerNote):
        DoorVisit.objects.bulk_create(visits, batch_size=500)
        CustomerNote.objects.bulk_create(notes, batch_size=500)
    return len(visits)
