"""The 4S workshop's pure rules: the quote is the estimate × 1.5 in workshop hours (CMP-10),
slots take vehicles while an advisor and a bay with a mechanic are free (SR-5, BK-10), quiet
slots are offered first, and the comeback rate must stay below 2 % (RPR-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kefu.booking import workshop

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 8)
SMALL = workshop.Capacity(
    bays=2, mechanics=1, advisors=1, opens=dt.time(8, 30), closes=dt.time(17, 30)
)


def at(hour: int, minute: int = 30, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def job(hour: int, hours: float, bay: int = 1) -> workshop.Job:
    return workshop.Job(at(hour), workshop.job_end(at(hour), hours), bay)


def test_cmp10_a_one_hour_job_is_quoted_one_and_a_half_hours():
    assert workshop.quoted_minutes(1) == 90
    assert workshop.quoted_minutes("1.2") == 120  # 108 minutes, up to the quarter hour
    assert workshop.quoted_ready(at(9), 1, dt.time(8, 30), dt.time(17, 30)) == at(11, 0)


def test_cmp10_the_quote_carries_over_to_the_next_opening():
    # a 2-hour job at 16:30 is quoted 3 h: 1 h today, 2 h from 08:30 the next day
    ready = workshop.quoted_ready(at(16), 2, dt.time(8, 30), dt.time(17, 30))
    assert ready == at(10, day=DAY + dt.timedelta(days=1))


def test_sr5_one_mechanic_takes_one_vehicle_at_a_time_whatever_the_bays():
    jobs = [job(8, 2)]  # 08:30–10:30
    assert workshop.fit(SMALL, jobs, at(9), 1) is None
    assert workshop.fit(SMALL, jobs, at(10), 1) == 1


def test_sr5_an_advisor_receives_two_vehicles_a_slot_and_bays_are_the_lowest_free():
    roomy = workshop.Capacity(4, 4, 1, dt.time(8, 30), dt.time(17, 30))
    assert workshop.fit(roomy, [job(9, 1, bay=1)], at(9), 1) == 2
    assert workshop.fit(roomy, [job(9, 1, bay=1), job(9, 1, bay=2)], at(9), 1) is None
    assert workshop.fit(roomy, [job(8, 3, bay=1)], at(10), 1) == 2


def test_sr5_a_booking_starts_on_a_slot_of_the_opening_hours():
    with pytest.raises(workshop.WorkshopError):
        workshop.fit(SMALL, [], at(9, 0), 1)
    with pytest.raises(workshop.WorkshopError):
        workshop.fit(SMALL, [], at(17), 1)  # 17:30 is closing time


def test_sr5_quiet_slots_are_suggested_before_busy_ones():
    roomy = workshop.Capacity(4, 4, 2, dt.time(8, 30), dt.time(11, 30))
    jobs = [job(8, 1, 1), job(8, 1, 2), job(8, 1, 3), job(9, 1, 1)]
    slots = workshop.board(DAY, roomy, jobs, TZ)
    assert [(s.in_workshop, s.free, s.peak, s.quiet) for s in slots] == [
        (3, 1, False, False),
        (1, 3, False, True),
        (0, 4, False, True),
    ]
    assert [s.start for s in workshop.suggestions(slots)] == [at(10), at(9), at(8)]


def test_rpr3_comeback_rate_is_below_two_percent_or_flagged():
    assert workshop.comeback_rate(1, 60) == Decimal("0.0167")
    assert workshop.comeback_ok(workshop.comeback_rate(1, 60))
    assert not workshop.comeback_ok(workshop.comeback_rate(2, 100))
    assert workshop.comeback_rate(0, 0) is None


def test_sr4_each_status_told_to_the_customer_belongs_to_a_stage():
    assert [
        workshop.STAGES[s] for s in ("booked", "arrived", "in_repair", "ready", "delivered")
    ] == [
        "before",
        "before",
        "during",
        "after",
        "after",
    ]
    assert workshop.may_move("booked", "arrived") and not workshop.may_move("booked", "ready")
