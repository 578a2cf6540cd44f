"""The repair rows of issue 22 §4: the 4S after-sales year (首保, 续保, in-store events, comebacks
and the comeback rate, SEG-7 / RPT-12 / RPR-3) and the repair centre's repeat-repair rate per
month and repairer (RPR-2, RNK-5), recomputed from raw rows, within scope, as page, .xlsx and PDF."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from openpyxl import load_workbook
from testkit import make_user

from kefu.booking import repairs, workshop_services
from kefu.booking.models import AfterSalesActivity, Appointment, RepairOrder
from kefu.customers import assets
from kefu.customers import services as customers
from kefu.reports import capability_reports

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
_phones = itertools.count(13800000001)


def _car(advisor, line, plate):
    owner = customers.customer_create(
        actor=advisor, business_line=line, name="车主", phone=str(next(_phones))
    )
    return assets.vehicle_add(
        actor=advisor, customer=owner, data={"model_name": "凯美瑞", "plate": plate}
    )


def _book(advisor, vehicle, day, hour, kind="maintenance", **extra):
    start = dt.datetime(2026, 3, day, hour, 30, tzinfo=TZ)
    return workshop_services.appointment_book(
        actor=advisor,
        customer_id=None,
        vehicle_id=vehicle.pk,
        kind=kind,
        start_at=start,
        estimate_hours=1,
        now=start - dt.timedelta(days=1),
        **extra,
    )


def _move(advisor, appointment, *statuses):
    for status in statuses:
        appointment = workshop_services.appointment_move(
            actor=advisor, appointment_id=appointment.pk, version=appointment.version, status=status
        )
    return appointment


DELIVER = ("arrived", "in_repair", "ready", "delivered")


def test_aftersales_year_counts_first_services_comebacks_renewals_and_events(org, manager, client):
    # given: in March 2026 the 4S desk delivers a 首保 and two services, one car comes back,
    # one booking is cancelled; a 续保 is sold and an in-store event held
    advisor = make_user("s4_advisor", "agent", team=org.s4_front)
    boss = make_user("s4_boss", "supervisor", department=org.s4_front.department)
    first = _move(
        advisor,
        _book(advisor, _car(advisor, org.auto, "粤A10001"), 9, 9, "first_service"),
        *DELIVER,
    )
    _move(advisor, _book(advisor, _car(advisor, org.auto, "粤A10002"), 9, 10), *DELIVER)
    _move(advisor, _book(advisor, _car(advisor, org.auto, "粤A10003"), 10, 9), *DELIVER)
    _move(advisor, _book(advisor, _car(advisor, org.auto, "粤A10004"), 10, 10), "cancelled")
    back = _book(advisor, first.vehicle, 20, 9, "repair", comeback_of_id=first.pk)
    _move(advisor, back, "arrived")
    workshop_services.activity_record(
        actor=advisor,
        kind="renewal",
        happened_on="2026-03-12",
        customer_id=first.customer_id,
        amount_yuan="4200",
    )
    workshop_services.activity_record(
        actor=boss, kind="store_event", happened_on="2026-03-14", title="会员保养节", attendees=35
    )
    # when
    data = capability_reports.build(boss, "aftersales", "2026").data
    # then: March equals the raw rows
    march = next(m for m in data["months"] if m["month"] == "2026-03")
    rows = Appointment.objects.filter(start_at__month=3)
    received = rows.exclude(status__in=("booked", "cancelled", "no_show"))
    assert march["received"] == received.count() == 4
    assert march["first_service"] == received.filter(kind="first_service").count() == 1
    assert march["delivered"] == rows.filter(status="delivered").count() == 3
    assert march["comebacks"] == received.filter(comeback_of__isnull=False).count() == 1
    assert march["comeback_rate"] == 33.33 and march["comeback_met"] is False
    acts = AfterSalesActivity.objects.filter(happened_on__month=3)
    assert march["renewals"] == acts.filter(kind="renewal").count() == 1
    assert march["renewal_yuan"] == 4200.0
    assert (march["events"], march["attendees"]) == (1, 35)
    assert data["total"]["received"] == 4 and data["comeback_target"] == 2.0
    assert all(m["received"] == 0 for m in data["months"] if m["month"] != "2026-03")
    # scope: the shop's manager sees none of the workshop
    other = capability_reports.build(manager, "aftersales", "2026").data
    assert other["total"]["received"] == 0 and other["total"]["renewals"] == 0
    # page, .xlsx and PDF
    client.force_login(boss)
    page = client.get("/reports/aftersales/?year=2026", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "返修率" in page.content.decode()
    sheet = load_workbook(
        io.BytesIO(client.get("/reports/aftersales/report.xlsx?year=2026").content)
    )
    values = [c.value for s in sheet.worksheets for r in s.iter_rows() for c in r]
    assert "2026-03" in values and "33.33 %" in values
    assert client.get("/reports/aftersales/report.pdf?year=2026").content[:5] == b"%PDF-"
    assert client.get("/reports/aftersales/?year=20x6").status_code == 400


def test_repeat_repair_rate_per_month_and_repairer_marks_the_lowest(org, manager, client):
    # given: two repairers of the shop's repair centre in April 2026; a phone comes back to the
    # first with the same fault 30 days later (a repeat), another fault is not a repeat
    first = make_user("repairer1", "agent", team=org.aftersales2)
    second = make_user("repairer2", "agent", team=org.aftersales2)
    owner = customers.customer_create(
        actor=first, business_line=org.shop, name="机主", phone=str(next(_phones))
    )

    def intake(actor, serial, fault, day):
        return repairs.order_intake(
            actor=actor,
            customer_id=owner.pk,
            device="云帆手机",
            serial=serial,
            fault=fault,
            purchased_on="2026-01-02",
            received_on=day,
        )

    intake(first, "SN1", "无法充电", "2026-03-20")
    intake(first, "SN1", "无法充电", "2026-04-19")  # repeat
    intake(first, "SN1", "屏幕不显示", "2026-04-20")  # another fault: not a repeat
    intake(second, "SN2", "无法充电", "2026-04-21")
    # when
    data = capability_reports.build(manager, "repeat_repairs", "2026").data
    # then: the rates are repeats ÷ repairs of the raw rows
    april = next(m for m in data["months"] if m["month"] == "2026-04")
    raw = RepairOrder.objects.filter(received_on__month=4)
    assert (april["total"], april["repeats"]) == (raw.count(), raw.filter(is_repeat=True).count())
    assert (april["total"], april["repeats"], april["rate"]) == (3, 1, 33.33)
    assert (data["total"], data["repeats"], data["rate"]) == (4, 1, 25.0)
    by = {(r["month"], r["repairer"]): r for r in data["repairers"]}
    assert by[("2026-04", "repairer1")]["rate"] == 50.0
    assert by[("2026-04", "repairer2")]["rate"] == 0.0 and by[("2026-04", "repairer2")]["lowest"]
    assert not by[("2026-04", "repairer1")]["lowest"]
    # scope: an agent of another team sees only their team's repairs; another line's none
    assert (
        capability_reports.build(
            make_user("a1", "agent", team=org.aftersales1), "repeat_repairs", "2026"
        ).data["total"]
        == 0
    )
    wy = make_user("wy_boss", "supervisor", department=org.wy_front.department)
    assert capability_reports.build(wy, "repeat_repairs", "2026").data["total"] == 0
    client.force_login(manager)
    page = client.get("/reports/repeat_repairs/?year=2026", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "重复维修率" in page.content.decode()
    xlsx = client.get("/reports/repeat_repairs/report.xlsx?year=2026")
    values = [
        c.value
        for s in load_workbook(io.BytesIO(xlsx.content)).worksheets
        for r in s.iter_rows()
        for c in r
    ]
    assert "25.00 %" in values and "★" in values
    assert client.get("/reports/repeat_repairs/report.pdf?year=2026").content[:5] == b"%PDF-"
