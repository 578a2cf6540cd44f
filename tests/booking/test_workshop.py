"""The 4S workshop desk on a real database: a booking takes a bay and promises estimate × 1.5
(CMP-10); a full slot is refused naming quieter slots (SR-5); the customer is told by SMS through
the messaging outbox before, during and after the repair (SR-4); the month's 首保, comebacks
(RPR-3), 续保 and in-store events (SEG-7); scope and stale versions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.booking import workshop_selectors, workshop_services
from kefu.booking.models import Appointment, AppointmentUpdate
from kefu.channels.messaging.models import OutboundMessage
from kefu.customers import assets
from kefu.customers import services as customers

pytestmark = pytest.mark.django_db
_phones = itertools.count(13700000001)
DAY = timezone.localdate() + dt.timedelta(days=7)


def slot(hour: int, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(DAY, dt.time(hour, minute)))


@pytest.fixture
def desk(org):
    advisor = make_user("s4_advisor", "agent", team=org.s4_front)
    boss = make_user("s4_boss", "supervisor", department=org.s4_front.department)
    workshop_services.workshop_set(actor=boss, bays=2, mechanics=1, advisors=1)
    return advisor, boss


def car(advisor, org, plate="粤A12345"):
    customer = customers.customer_create(
        actor=advisor, business_line=org.auto, name="车主", phone=str(next(_phones))
    )
    return assets.vehicle_add(
        actor=advisor, customer=customer, data={"model_name": "凯美瑞", "plate": plate}
    )


def book(advisor, vehicle, hour, hours=2, kind="maintenance", **extra):
    return workshop_services.appointment_book(
        actor=advisor,
        customer_id=None,
        vehicle_id=vehicle.pk,
        kind=kind,
        start_at=slot(hour),
        estimate_hours=hours,
        **extra,
    )


def test_bk10_cmp10_booking_takes_a_bay_and_promises_estimate_times_one_and_a_half(
    desk, org, django_capture_on_commit_callbacks
):
    advisor, _boss = desk
    vehicle = car(advisor, org)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(advisor, vehicle, 9, hours=2)
    # then
    assert appointment.bay == 1 and appointment.customer_id == vehicle.customer_id
    assert timezone.localtime(appointment.quoted_ready_at).time() == dt.time(12, 30)
    update = AppointmentUpdate.objects.get(appointment=appointment)
    assert update.stage == "before"
    sms = OutboundMessage.objects.get(recipient=vehicle.customer.phone)
    assert "粤A12345" in sms.text and "12:30" in sms.text


def test_sr5_a_full_slot_is_refused_with_the_quieter_slots_and_nothing_changes(desk, org, api_as):
    advisor, _boss = desk
    book(advisor, car(advisor, org), 8, hours=2)  # the one mechanic: 08:30–10:30
    other = car(advisor, org, plate="粤B00001")
    # when
    response = api_as(advisor).post(
        "/api/v1/booking/appointments",
        {
            "vehicle": other.pk,
            "kind": "repair",
            "start_at": slot(9).isoformat(),
            "estimate_hours": 1,
        },
    )
    # then
    assert response.status_code == 409
    assert "10:30" in response.json()["error"]["message"]
    assert Appointment.objects.count() == 1
    board = api_as(advisor).get("/api/v1/booking/workshop/board", {"day": DAY.isoformat()}).json()
    assert board["booked"] == 1
    assert dt.datetime.fromisoformat(board["suggestions"][0]) == slot(10)


def test_sr4_customer_told_before_during_and_after_and_a_stale_move_is_409(
    desk, org, api_as, django_capture_on_commit_callbacks
):
    advisor, _boss = desk
    vehicle = car(advisor, org)
    client = api_as(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(advisor, vehicle, 9)
        url = f"/api/v1/booking/appointments/{appointment.pk}/move"
        for version, status in enumerate(("arrived", "in_repair"), start=1):
            assert client.post(url, {"version": version, "status": status}).status_code == 200
        workshop_services.appointment_progress(
            actor=advisor, appointment_id=appointment.pk, text="刹车片磨损，已征得同意更换"
        )
        for version, status in enumerate(("ready", "delivered"), start=3):
            assert client.post(url, {"version": version, "status": status}).status_code == 200
    # then
    stages = list(
        AppointmentUpdate.objects.filter(appointment=appointment).values_list("stage", flat=True)
    )
    assert stages == ["before", "before", "during", "during", "after", "after"]
    assert OutboundMessage.objects.filter(recipient=vehicle.customer.phone).count() == 6
    stale = client.post(url, {"version": 1, "status": "delivered"})
    assert stale.status_code == 409


def test_rpr3_seg7_month_counts_first_services_comebacks_renewals_and_events(desk, org):
    advisor, boss = desk
    first = book(advisor, car(advisor, org), 8, hours=1, kind="first_service")
    for status in ("arrived", "in_repair", "ready", "delivered"):
        first = workshop_services.appointment_move(
            actor=advisor, appointment_id=first.pk, version=first.version, status=status
        )
    back = workshop_services.appointment_book(
        actor=advisor,
        customer_id=first.customer_id,
        kind="repair",
        start_at=slot(10),
        estimate_hours=1,
        comeback_of_id=first.pk,
    )
    workshop_services.appointment_move(
        actor=advisor, appointment_id=back.pk, version=1, status="arrived"
    )
    today = timezone.localdate()
    workshop_services.activity_record(
        actor=advisor, kind="renewal", happened_on=today, customer_id=first.customer_id
    )
    workshop_services.activity_record(
        actor=boss, kind="store_event", happened_on=today, title="冬季免费检测日", attendees=35
    )
    # when
    months = {m["month"]: m for m in workshop_selectors.monthly_figures(boss, today=DAY)}
    # then
    cars = months[DAY.replace(day=1)]
    assert (cars["received"], cars["first_service"], cars["delivered"], cars["comebacks"]) == (
        2,
        1,
        1,
        1,
    )
    assert str(cars["comeback_rate"]) == "1.0000" and not cars["comeback_ok"]
    assert cars["comeback_pct"] == 100  # the page reads 100.00%, not 1.0000
    acts = months[today.replace(day=1)]
    assert (acts["renewals"], acts["events"], acts["attendees"]) == (1, 1, 35)
    assert cars["target"] == 650


def test_workshop_is_scoped_and_the_capacity_is_the_supervisors(desk, org, agent, api_as):
    advisor, _boss = desk
    appointment = book(advisor, car(advisor, org), 9)
    shop_agent = api_as(agent)
    moved = shop_agent.post(
        f"/api/v1/booking/appointments/{appointment.pk}/move", {"version": 1, "status": "arrived"}
    )
    assert moved.status_code == 403 and Appointment.objects.get().status != "arrived"
    with pytest.raises(Exception, match="supervisor"):
        workshop_services.workshop_set(actor=advisor, bays=20)


def test_the_advisor_page_shows_the_board_and_refuses_a_full_slot_in_place(desk, org, web_as):
    advisor, _boss = desk
    book(advisor, car(advisor, org), 8, hours=2)
    other = car(advisor, org, plate="粤C00002")
    client = web_as(advisor)
    page = client.get(reverse("booking:workshop"), {"day": DAY.isoformat()})
    assert page.status_code == 200 and "粤A12345" in page.content.decode()
    refused = client.post(
        reverse("booking:appointment_new"),
        {
            "vehicle": other.pk,
            "kind": "repair",
            "start_at": f"{DAY.isoformat()}T09:30",
            "estimate_hours": "1",
            "day": DAY.isoformat(),
        },
    )
    assert refused.status_code == 409 and 'id="page-error"' in refused.content.decode()
    assert Appointment.objects.count() == 1


def test_the_supervisor_sets_the_capacity_on_the_page_and_an_advisor_may_not(desk, org, web_as):
    advisor, boss = desk
    values = {
        "bays": "3",
        "mechanics": "2",
        "advisors": "1",
        "opens": "08:00",
        "closes": "18:00",
        "day_target": "20",
        "month_target": "650",
        "day": DAY.isoformat(),
    }
    refused = web_as(advisor).post(reverse("booking:workshop_settings"), values)
    assert refused.status_code == 403
    web_as(boss).post(reverse("booking:workshop_settings"), values)
    board = workshop_selectors.day_board(boss, DAY)
    assert (board["capacity"].in_workshop, len(board["slots"])) == (2, 10)
