"""Reads of the 4S workshop desk, scoped like the lesson desk: an advisor sees their team's
appointments (and those they advise), a supervisor the department, a manager the line. Figures
are aggregates in SQL: the day's board (SR-5), the month's intake against the targets (TGT-1),
the comeback rate (RPR-3) and the 首保, 续保 and in-store event counts (SEG-7)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kefu.booking import workshop
from kefu.booking.models import (
    ActivityKind,
    AfterSalesActivity,
    Appointment,
    AppointmentStatus,
    ServiceKind,
)
from kefu.booking.workshop_services import RECEIVED, capacity_of, jobs_on, workshop_of
from kefu.core import scope
from kefu.customers.models import Vehicle

MONTHS_SHOWN = 6


def appointments_for(user):
    return Appointment.objects.filter(scope.records_q(user, owners=("advisor_id",)))


def activities_for(user):
    return AfterSalesActivity.objects.filter(scope.business_line_q(user))


def vehicles_for(user):
    """The line's vehicles to book, newest first, with their owner."""
    return (
        Vehicle.objects.filter(
            scope.business_line_q(user, "customer__business_line_id"), customer__merged_into=None
        )
        .select_related("customer")
        .order_by("-id")
    )


def day_board(user, day: dt.date) -> dict:
    """The day's slots with load and free places, the quiet ones to offer first, and the
    appointments of the day the user may see."""
    line_id = user.business_line_id
    if line_id is None:
        return {"workshop": None, "slots": [], "suggestions": [], "appointments": []}
    shop = workshop_of(line_id)
    capacity = capacity_of(shop)
    tz = timezone.get_current_timezone()
    slots = workshop.board(day, capacity, jobs_on(line_id, day), tz)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    appointments = (
        appointments_for(user)
        .filter(start_at__gte=start, start_at__lt=start + dt.timedelta(days=1))
        .select_related("customer", "vehicle", "advisor")
        .order_by("start_at", "bay")
    )
    booked = (
        Appointment.objects.filter(
            business_line_id=line_id,
            start_at__gte=start,
            start_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW))
        .count()
    )
    return {
        "workshop": shop,
        "capacity": capacity,
        "slots": slots,
        "suggestions": workshop.suggestions(slots, after=timezone.now()),
        "appointments": appointments,
        "booked": booked,
    }


def monthly_figures(user, *, months: int = MONTHS_SHOWN, today: dt.date | None = None) -> list:
    """Per month, newest first: vehicles received against the month target, 首保, delivered,
    comebacks and their rate (RPR-3), 续保 sold and in-store events with their attendees."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _step in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    jobs = (
        appointments_for(user)
        .filter(start_at__gte=since)
        .annotate(month=TruncMonth("start_at"))
        .values("month")
        .annotate(
            received=Count("pk", filter=Q(status__in=RECEIVED)),
            first_service=Count(
                "pk", filter=Q(status__in=RECEIVED, kind=ServiceKind.FIRST_SERVICE)
            ),
            delivered=Count("pk", filter=Q(status=AppointmentStatus.DELIVERED)),
            comebacks=Count("pk", filter=Q(status__in=RECEIVED, comeback_of__isnull=False)),
        )
    )
    acts = (
        activities_for(user)
        .filter(happened_on__gte=first)
        .annotate(month=TruncMonth("happened_on"))
        .values("month")
        .annotate(
            renewals=Count("pk", filter=Q(kind=ActivityKind.RENEWAL)),
            events=Count("pk", filter=Q(kind=ActivityKind.STORE_EVENT)),
            attendees=Sum("attendees", filter=Q(kind=ActivityKind.STORE_EVENT)),
        )
    )
    target = workshop_of(user.business_line_id).month_target if user.business_line_id else None
    rows: dict[dt.date, dict] = {}
    empty = {
        "received": 0,
        "first_service": 0,
        "delivered": 0,
        "comebacks": 0,
        "renewals": 0,
        "events": 0,
        "attendees": 0,
    }
    for row in (*jobs, *acts):
        month = row.pop("month")
        key = month.date() if isinstance(month, dt.datetime) else month
        rows.setdefault(key, dict(empty)).update({k: v or 0 for k, v in row.items()})
    out = []
    for month in sorted(rows, reverse=True):
        row = rows[month]
        rate = workshop.comeback_rate(row["comebacks"], row["delivered"])
        out.append(
            {
                "month": month,
                **row,
                "target": target,
                "comeback_rate": rate,
                # the page reads it as people do, in per cent (RPR-3: below 2 %)
                "comeback_pct": None if rate is None else rate * 100,
                "comeback_ok": workshop.comeback_ok(rate),
            }
        )
    return out
