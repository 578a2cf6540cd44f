"""The demo's 4S workshop (issue 21 §3): the workshop's capacity (6 bays, 8 mechanics, 3
advisors, 08:30–17:30, targets 20 a day and 650 a month), 180 days of appointments of the line's
vehicles put into bays by the same rules as a live booking (``booking.workshop.fit``), each told
to the customer before, during and after the repair, about 1.5 % comebacks, today's jobs in the
workshop and next week's bookings; 续保 sold and in-store events every month (SEG-7). About
11,000 rows whatever the size of the build; the same seed gives the same data; a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import BusinessLine, User
from kefu.booking import workshop
from kefu.booking.models import (
    AfterSalesActivity,
    Appointment,
    AppointmentUpdate,
    Workshop,
)
from kefu.booking.workshop_services import capacity_of
from kefu.customers.models import Vehicle
from kefu.demo.bulk import historic_timestamps

DAYS = 180
NEXT_DAYS = 7
KINDS = (("maintenance", 50), ("first_service", 18), ("repair", 22), ("bodywork", 10))
ESTIMATES = {"maintenance": (1, 1.5, 2), "first_service": (1,), "repair": (1.5, 2, 3, 4)}
ESTIMATES["bodywork"] = (3, 4, 6)
# arrivals cluster in the morning, as they do without booking (SR-5 steers them away)
HOUR_WEIGHTS = (9, 8, 6, 3, 4, 5, 4, 3, 2)
EVENTS = ("冬季免费检测日", "新车主用车讲堂", "夏季空调免费检测", "会员保养节", "钣喷优惠周")
TEXTS = {
    "booked": "您 {time} 的预约已确认（{plate}），预计 {ready} 前交车。",
    "arrived": "您的车辆 {plate} 已接车，预计 {ready} 前交车。",
    "in_repair": "您的车辆 {plate} 正在维修，承诺 {ready} 前交车。",
    "ready": "您的车辆 {plate} 已完工，可以提车。",
    "delivered": "感谢您的光临。如 {plate} 的维修有任何问题，请来电，我们免费处理。",
}
ADVISOR_TEAM = "服务前台"
FLOW = ("booked", "arrived", "in_repair", "ready", "delivered")


def build_booking_rows(*, now: dt.datetime, seed: int) -> int:
    """Build the rows above on every 4S line; the number of appointments written."""
    written = 0
    for line in BusinessLine.objects.filter(industry="auto").order_by("id"):
        if Appointment.objects.filter(business_line=line).exists():
            continue
        agents = User.objects.filter(business_line=line, role="agent", is_active=True)
        # the service advisors are the front desk's (服务前台) agents where the line has one
        advisors = list(agents.filter(team__name=ADVISOR_TEAM).order_by("id")) or list(
            agents.order_by("id")
        )
        vehicles = list(
            Vehicle.objects.filter(customer__business_line=line, customer__merged_into=None)
            .order_by("id")
            .values_list("pk", "customer_id", "plate")[:3000]
        )
        if not advisors or not vehicles:
            continue
        with transaction.atomic():
            written += _build_line(line, advisors, vehicles, now, random.Random(seed + line.pk))
    return written


def _build_line(line, advisors, vehicles, now, rng: random.Random) -> int:
    shop, _created = Workshop.objects.get_or_create(business_line=line)
    shop.refresh_from_db()
    capacity = capacity_of(shop)
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    rows, stories = [], []
    delivered: list[int] = []  # positions of delivered jobs, for comebacks
    for offset in range(-DAYS, NEXT_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        weekend = day.weekday() >= 5
        wanted = rng.randint(12, 21) if weekend else rng.randint(9, 17)
        jobs: list[workshop.Job] = []
        starts = workshop.slot_starts(day, capacity, tz)
        for _ in range(wanted):
            kind = rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
            hours = Decimal(str(rng.choice(ESTIMATES[kind])))
            start = rng.choices(starts, HOUR_WEIGHTS[: len(starts)])[0]
            bay = workshop.fit(capacity, jobs, start, hours)
            if bay is None:  # full: the advisor offered the quietest slot instead
                quiet = workshop.suggestions(workshop.board(day, capacity, jobs, tz), n=1)
                if not quiet:
                    continue
                start = quiet[0].start
                bay = workshop.fit(capacity, jobs, start, hours)
                if bay is None:
                    continue
            jobs.append(workshop.Job(start, workshop.job_end(start, hours), bay))
            status = _status(start, hours, now, rng)
            comeback = None
            if status != "cancelled" and delivered and rng.random() < 0.015:
                comeback = rng.choice(delivered)
                kind = "repair"
            vehicle = rng.choice(vehicles) if comeback is None else rows[comeback][1]
            advisor = rng.choice(advisors)
            ready = workshop.quoted_ready(start, hours, capacity.opens, capacity.closes)
            booked_at = start - dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
            rows.append((start, vehicle, kind, hours, ready, bay, advisor, status, comeback))
            stories.append(min(booked_at, now))
            if status == "delivered":
                delivered.append(len(rows) - 1)
    with historic_timestamps(Appointment, AppointmentUpdate):
        made = Appointment.objects.bulk_create(
            [
                Appointment(
                    business_line=line,
                    department_id=advisor.department_id,
                    team_id=advisor.team_id,
                    customer_id=vehicle[1],
                    vehicle_id=vehicle[0],
                    kind=kind,
                    start_at=start,
                    estimate_hours=hours,
                    quoted_ready_at=ready,
                    bay=bay,
                    advisor=advisor,
                    status=status,
                    delivered_at=ready if status == "delivered" else None,
                    created_at=booked_at,
                    updated_at=booked_at,
                )
                for (
                    start,
                    vehicle,
                    kind,
                    hours,
                    ready,
                    bay,
                    advisor,
                    status,
                    _c,
                ), booked_at in zip(rows, stories, strict=True)
            ],
            batch_size=1000,
        )
        links = []
        for position, row in enumerate(rows):
            if row[8] is not None:
                made[position].comeback_of_id = made[row[8]].pk
                links.append(made[position])
        Appointment.objects.bulk_update(links, ["comeback_of"], batch_size=500)
        AppointmentUpdate.objects.bulk_create(_updates(made, rows, stories), batch_size=2000)
    _activities(line, advisors, vehicles, today, rng)
    return len(made)


def _status(start, hours, now, rng: random.Random) -> str:
    end = start + dt.timedelta(hours=float(hours))
    if start > now:
        return "booked"
    if rng.random() < 0.04:
        return rng.choice(("cancelled", "no_show"))
    if end + dt.timedelta(hours=2) < now:
        return "delivered"
    if end < now:
        return "ready"
    return "in_repair" if start + dt.timedelta(minutes=30) < now else "arrived"


def _updates(made, rows, stories):
    for appointment, row, booked_at in zip(made, rows, stories, strict=True):
        start, vehicle, _kind, hours, ready, _bay, advisor, status, _c = row
        if status in ("cancelled", "no_show"):
            reached = ("booked",)
        else:
            reached = FLOW[: FLOW.index(status) + 1]
        local_ready = timezone.localtime(ready).strftime("%m-%d %H:%M")
        moments = {
            "booked": booked_at,
            "arrived": start,
            "in_repair": start + dt.timedelta(minutes=30),
            "ready": start + dt.timedelta(hours=float(hours)),
            "delivered": ready,
        }
        for step in reached:
            yield AppointmentUpdate(
                appointment=appointment,
                stage=workshop.STAGES[step],
                status=step,
                text=TEXTS[step].format(
                    time=timezone.localtime(start).strftime("%m-%d %H:%M"),
                    plate=vehicle[2] or "",
                    ready=local_ready,
                ),
                actor=advisor,
                created_at=moments[step],
            )


def _activities(line, advisors, vehicles, today, rng: random.Random) -> None:
    rows = []
    for offset in range(DAYS):
        day = today - dt.timedelta(days=offset)
        for _ in range(rng.choice((0, 1, 1, 2))):  # about 30 renewals a month
            vehicle = rng.choice(vehicles)
            rows.append(
                AfterSalesActivity(
                    business_line=line,
                    kind="renewal",
                    happened_on=day,
                    customer_id=vehicle[1],
                    amount_yuan=Decimal(rng.randrange(3200, 9800)),
                    recorded_by=rng.choice(advisors),
                )
            )
        if day.weekday() == 5 and day.day <= 14:  # two Saturdays a month
            rows.append(
                AfterSalesActivity(
                    business_line=line,
                    kind="store_event",
                    happened_on=day,
                    title=rng.choice(EVENTS),
                    attendees=rng.randint(18, 60),
                    recorded_by=advisors[0],
                )
            )
    AfterSalesActivity.objects.bulk_create(rows, batch_size=1000)
