"""The demo's repair centre (issue 21 §4, 维修中心): a fifth business line, 速修电子维修中心
(`fix`, industry repair), with its logins (`fix_supervisor`; `fix_lead` and `fix_agent` of 前台组;
`fix_tech_lead`, `fix_tech`, `fix_tech2` of 维修组; the demo password), 150 customers and 180
days of repair orders of their phones, tablets and appliances: warranty decided from the
purchase date and term (else a quote the customer approved), every step logged with the message
sent to the customer (diagnosing, waiting for parts for some, repairing, QC — a few sent back —,
ready, collected), today's and the last days' jobs still on the bench, a few hard cases with the
manager, and about 4 % repeat repairs (the same device back with the same fault within 90 days,
marked by the same rule as the intake). A few enquiries of each team go through the ticket
intake. The same seed gives the same data; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kefu.accounts import services as account_services
from kefu.accounts.models import BusinessLine, Team, User
from kefu.booking import rules
from kefu.booking.models import RepairOrder, RepairStepLog, Step
from kefu.booking.repairs import step_message
from kefu.customers.models import Customer
from kefu.demo.bulk import Ids, historic_timestamps, reset_sequences
from kefu.demo.data.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES

LINE = ("速修电子维修中心", "fix", "repair")
# username, display name, role, team (None: the department)
USERS = (
    ("fix_supervisor", "韩志强", "supervisor", None),
    ("fix_lead", "冯雪", "lead", "前台组"),
    ("fix_agent", "邓琳", "agent", "前台组"),
    ("fix_tech_lead", "曹刚", "lead", "维修组"),
    ("fix_tech", "彭涛", "agent", "维修组"),
    ("fix_tech2", "袁博", "agent", "维修组"),
)
CUSTOMERS = 150
DAYS = 180
DEVICES = (
    ("华为畅享手机", 12),
    ("小米红米手机", 12),
    ("荣耀平板", 12),
    ("OPPO手机", 12),
    ("联想笔记本电脑", 24),
    ("美的扫地机器人", 24),
)
FAULTS = (
    ("屏幕碎裂", 30),
    ("电池鼓包", 15),
    ("无法充电", 20),
    ("进水不开机", 10),
    ("摄像头模糊", 10),
    ("按键失灵", 10),
    ("主板故障", 5),
)
ACCESSORIES = ("充电器、数据线", "保护壳", "", "", "包装盒、发票")
REPEAT_SHARE = 0.04
TICKETS = (
    ("前台组", "咨询维修进度", "consult"),
    ("前台组", "报价太高想确认", "complaint"),
    ("前台组", "预约上门取件", "repair"),
    ("维修组", "返修：屏幕又出现亮线", "repair"),
    ("维修组", "配件到货时间咨询", "consult"),
)


def build_repair_centre_rows(*, now: dt.datetime, seed: int, story: bool = True) -> int:
    """Build the repair centre; the number of repair orders written (0 when it exists)."""
    if BusinessLine.objects.filter(code=LINE[1]).exists():
        return 0
    rng = random.Random(seed + 44)
    with transaction.atomic():
        line = account_services.business_line_create(name=LINE[0], code=LINE[1], industry=LINE[2])
        users = _users(line)
        customers = _customers(line, rng)
        written = _orders(line, users, customers, now, rng)
    if story:
        _tickets(line, users, customers)
    return written


def _users(line) -> dict[str, User]:
    from kefu.demo.builder import DEMO_PASSWORD

    teams = {t.name: t for t in Team.objects.filter(business_line=line)}
    department = next(iter(teams.values())).department
    users = {}
    for username, display, role, team in USERS:
        place = {"team": teams[team]} if team else {"department": department}
        users[username] = account_services.user_create(
            username=username, password=None, role=role, display_name=display, **place
        )
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return users


def _customers(line, rng: random.Random) -> list[Customer]:
    from kefu.customers.services import customer_create

    out = []
    phones = rng.sample(range(10_000_000, 99_999_999), CUSTOMERS)
    for n in range(CUSTOMERS):
        given = rng.choice(GIVEN_MALE if n % 2 else GIVEN_FEMALE)
        out.append(
            customer_create(
                actor=None,
                business_line=line,
                name=rng.choice(SURNAMES) + given,
                phone=f"13{n % 10}{phones[n]}",
                allow_duplicate=True,
            )
        )
    return out


def _path(in_warranty: bool, rng: random.Random) -> list[str]:
    """The steps of a job from intake to collection, as the workflow allows them."""
    steps = [Step.RECEIVED] + ([] if in_warranty else [Step.QUOTED]) + [Step.DIAGNOSING]
    if rng.random() < 0.3:
        steps.append(Step.WAITING_PARTS)
    steps += [Step.REPAIRING, Step.QC]
    if rng.random() < 0.05:
        steps += [Step.REPAIRING, Step.QC]  # QC sent it back once
    steps += [Step.READY, Step.COLLECTED]
    return steps


def _orders(line, users, customers, now, rng: random.Random) -> int:
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    techs = [u for u in users.values() if u.team and u.team.name == "维修组"]
    desk = users["fix_agent"]
    ids = Ids(RepairOrder)
    orders, logs = [], []
    last: dict[tuple[str, str], dt.date] = {}
    done: list[tuple[str, str, Customer, str, dt.date, int]] = []
    faults, weights = zip(*FAULTS, strict=True)
    for back in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        for _ in range(rng.randint(5, 9) if day.weekday() >= 5 else rng.randint(3, 6)):
            fresh = [d for d in done if 7 <= (day - d[4]).days <= 80]
            if fresh and rng.random() < REPEAT_SHARE:  # the same device back, same fault
                serial, fault, customer, device, purchased, months = rng.choice(fresh)
            else:
                device, months = rng.choice(DEVICES)
                customer = rng.choice(customers)
                serial = f"SN{rng.randint(10**9, 10**10 - 1)}{rng.choice('ABCDEFGHJK')}"
                fault = rng.choices(faults, weights)[0]
                purchased = day - dt.timedelta(days=rng.randint(20, 900))
            covered = rules.in_warranty(purchased, months, day)
            repeat = rules.is_repeat(day, last.get((serial, fault)))
            last[(serial, fault)] = day
            tech = rng.choice(techs)
            path = _path(covered, rng)
            # how far the job has come: older ones are collected, the last days' on the bench
            reached = len(path) if back > 8 else min(len(path), 1 + back + rng.randint(0, 2))
            steps = path[:reached]
            pk = ids.take(RepairOrder)
            at = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), tz)
            for n, step in enumerate(steps):
                when = min(at + dt.timedelta(hours=n * rng.uniform(3, 20)), now)
                logs.append(
                    RepairStepLog(
                        order_id=pk,
                        step=step,
                        message=step_message(step),
                        actor=desk if step in (Step.RECEIVED, Step.COLLECTED) else tech,
                        created_at=when,
                    )
                )
            hard = fault == "主板故障" and rng.random() < 0.4
            orders.append(
                RepairOrder(
                    pk=pk,
                    business_line=line,
                    department_id=tech.department_id,
                    team_id=tech.team_id,
                    customer=customer,
                    device=device,
                    serial=serial,
                    fault=fault,
                    accessories=rng.choice(ACCESSORIES),
                    purchased_on=purchased,
                    warranty_months=months,
                    in_warranty=covered,
                    quote_yuan=None if covered else Decimal(rng.randrange(80, 900, 10)),
                    received_on=day,
                    step=steps[-1],
                    is_repeat=repeat,
                    escalated=hard,
                    repairer=tech,
                    version=len(steps) + (1 if hard else 0),
                    created_at=at,
                    updated_at=min(at + dt.timedelta(hours=len(steps) * 10), now),
                )
            )
            if steps[-1] == Step.COLLECTED:
                done.append((serial, fault, customer, device, purchased, months))
    with historic_timestamps(RepairOrder, RepairStepLog):
        RepairOrder.objects.bulk_create(orders, batch_size=1000)
        RepairStepLog.objects.bulk_create(logs, batch_size=2000)
    reset_sequences(RepairOrder)
    return len(orders)


def _tickets(line, users, customers) -> None:
    """A few enquiries of the centre's two teams, filed through the intake service."""
    from kefu.tickets.services import ticket_create

    by_team = {u.team.name: u for u in users.values() if u.role == "agent"}
    for (team, title, kind), customer in zip(TICKETS, customers, strict=False):
        ticket_create(
            actor=by_team[team],
            title=title,
            description="客户来电，已记录并按流程处理。",
            type=kind,
            channel="phone",
            priority="normal",
            customer=customer,
        )
