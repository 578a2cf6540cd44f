"""The lesson desk's pages: a cancellation inside 12 hours is refused on the page (4xx, nothing
changes); the leader approves the leave with evidence and the hours return."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.booking import services
from kefu.booking.models import Lesson
from kefu.customers import services as customers

pytestmark = pytest.mark.django_db
_phones = itertools.count(13500000001)


def test_refused_cancel_then_leader_restores_hours(web_as, org, client):
    line = account_services.business_line_create(name="学校", code="edu2", industry="education")
    team = Team.objects.filter(business_line=line).first()
    agent = make_user("edu_a", "agent", team=team)
    leader = make_user("edu_l", "lead", team=team)
    customer = customers.customer_create(
        actor=agent, business_line=line, name="小红", phone=str(next(_phones))
    )
    student = services.student_create(actor=agent, customer_id=customer.pk)
    services.hours_purchase(actor=agent, student_id=student.pk, hours=10)
    lesson = services.lesson_book(
        actor=agent,
        student_id=student.pk,
        start_at=timezone.now() + dt.timedelta(hours=3),
        hours=2,
        teacher="李老师",
    )
    web_as(agent)
    response = client.post(
        reverse("booking:cancel", args=[lesson.pk]), {"version": 1, "by": "student"}
    )
    assert response.status_code == 400
    assert Lesson.objects.get(pk=lesson.pk).status == "booked"
    client.post(reverse("booking:leave", args=[lesson.pk]), {"version": 1, "reason": "sick"})
    assert services.balance_of(student.pk) == 8
    client.force_login(leader)
    page = client.get(reverse("booking:index"))
    assert "小红" in page.content.decode()
    response = client.post(
        reverse("booking:decide", args=[lesson.pk]),
        {"version": 2, "approve": "yes", "evidence": SimpleUploadedFile("cert.pdf", b"%PDF")},
    )
    assert response.status_code == 302
    assert services.balance_of(student.pk) == 10
    page = client.get(reverse("booking:student", args=[student.pk]))
    assert page.status_code == 200


def test_repair_centre_page_receives_an_order_and_refuses_a_missing_quote(web_as, org, client):
    line = account_services.business_line_create(name="维修", code="rc2", industry="repair")
    team = Team.objects.filter(business_line=line).first()
    repairer = make_user("rc_a", "agent", team=team)
    customer = customers.customer_create(
        actor=repairer, business_line=line, name="老王", phone=str(next(_phones))
    )
    web_as(repairer)
    data = {
        "customer": customer.pk,
        "device": "电视",
        "serial": "TV9",
        "fault": "无图像",
        "purchased_on": (timezone.localdate() - dt.timedelta(days=900)).isoformat(),
        "warranty_months": "12",
    }
    refused = client.post(reverse("booking:repair_intake"), data)
    assert refused.status_code == 400
    assert (
        client.post(reverse("booking:repair_intake"), {**data, "quote_yuan": "260"}).status_code
        == 302
    )
    page = client.get(reverse("booking:repairs"))
    assert "TV9" in page.content.decode()


def test_bk6_the_student_page_offers_weekday_mornings_first_and_books_one_in_a_click(
    web_as, org, client
):
    line = account_services.business_line_create(name="学校", code="edu6", industry="education")
    team = Team.objects.filter(business_line=line).first()
    agent = make_user("edu6_a", "agent", team=team)
    customer = customers.customer_create(
        actor=agent, business_line=line, name="王奶奶", phone=str(next(_phones))
    )
    student = services.student_create(actor=agent, customer_id=customer.pk)
    services.hours_purchase(actor=agent, student_id=student.pk, hours=10)
    web_as(agent)
    # when
    page = client.get(
        reverse("booking:student", args=[student.pk]),
        {"teacher": "周老师", "hours": "1", "daytime": "1"},
    )
    # then: every suggestion is a weekday morning
    starts = page.context["suggestions"]
    assert len(starts) == 5
    assert all(
        timezone.localtime(s).weekday() < 5 and timezone.localtime(s).hour < 12 for s in starts
    )
    # and one click books the first
    client.post(
        reverse("booking:book", args=[student.pk]),
        {
            "start_at": timezone.localtime(starts[0]).strftime("%Y-%m-%dT%H:%M"),
            "hours": "1",
            "teacher": "周老师",
            "kind": "regular",
        },
    )
    assert Lesson.objects.get(student=student).start_at == starts[0]


def _school(code: str):
    line = account_services.business_line_create(name="学校", code=code, industry="education")
    team = Team.objects.filter(business_line=line).first()
    agent = make_user(f"{code}_a", "agent", team=team)
    customer = customers.customer_create(
        actor=agent, business_line=line, name="小明", phone=str(next(_phones))
    )
    return agent, services.student_create(actor=agent, customer_id=customer.pk)


def test_every_cancellation_offers_the_next_booking_and_the_schools_a_make_up(web_as, client):
    agent, student = _school("edu7")
    services.hours_purchase(actor=agent, student_id=student.pk, hours=20)
    soon, later = (timezone.now() + dt.timedelta(days=d) for d in (3, 5))
    first, second = (
        services.lesson_book(
            actor=agent, student_id=student.pk, start_at=t, hours="1.5", teacher="周老师"
        )
        for t in (soon, later)
    )
    web_as(agent)
    # the student cancels in time: the next booking is offered, a regular lesson with 周老师
    response = client.post(
        reverse("booking:cancel", args=[first.pk]), {"version": 1, "by": "student"}
    )
    page = client.get(response["Location"])
    assert page.context["cancelled"].pk == first.pk
    assert page.context["suggest"]["teacher"] == "周老师" and page.context["suggestions"]
    body = page.content.decode()
    assert 'id="next-booking"' in body and 'name="kind" value="regular"' in body
    assert 'name="hours" value="1.5"' in body
    # the teacher cancels: no hours deducted, the offer is a make-up (an ad-hoc lesson)
    response = client.post(
        reverse("booking:cancel", args=[second.pk]), {"version": 1, "by": "teacher"}
    )
    page = client.get(response["Location"])
    assert 'name="kind" value="adhoc"' in page.content.decode()
    assert services.balance_of(student.pk) == 20
    # an ordinary visit offers nothing special
    page = client.get(reverse("booking:student", args=[student.pk]))
    assert 'id="next-booking"' not in page.content.decode()


def test_seg8_low_free_hours_prompt_a_renewal_or_an_upgrade(web_as, client):
    agent, student = _school("edu8")
    services.hours_purchase(actor=agent, student_id=student.pk, hours=6)
    web_as(agent)
    url = reverse("booking:student", args=[student.pk])
    assert 'id="low-balance"' not in client.get(url).content.decode()  # 6 free hours
    services.lesson_book(
        actor=agent,
        student_id=student.pk,
        start_at=timezone.now() + dt.timedelta(days=2),
        hours=2,
        teacher="周老师",
    )
    # 6 bought − 2 promised = 4 free: at the threshold, the desk prompts
    assert 'id="low-balance"' in client.get(url).content.decode()
    index = client.get(reverse("booking:index"))
    assert [s.low_balance for s in index.context["students"]] == [True]


def test_the_desk_pages_through_every_student(web_as, client):
    agent, first = _school("edu9")
    for i in range(51):
        customer = customers.customer_create(
            actor=agent,
            business_line=first.business_line,
            name=f"学员{i:02d}",
            phone=str(next(_phones)),
        )
        services.student_create(actor=agent, customer_id=customer.pk)
    web_as(agent)
    page = client.get(reverse("booking:index"))
    names = [s.customer.name for s in page.context["students"]]
    assert len(names) == 50 and "学员50" in names and "小明" not in names
    older = client.get(reverse("booking:index"), {"page": 2})
    assert [s.customer.name for s in older.context["students"]] == ["学员00", "小明"]
    assert client.get(reverse("booking:index"), {"page": "x"}).status_code == 200


def test_rpr1_the_repair_centre_works_out_each_repairers_quota_and_commission(web_as, client):
    from kefu.booking import repairs

    line = account_services.business_line_create(name="维修", code="rc3", industry="repair")
    team = Team.objects.filter(business_line=line).first()
    a, b = make_user("rc3_a", "agent", team=team), make_user("rc3_b", "agent", team=team)
    lead = make_user("rc3_l", "lead", team=team)
    customer = customers.customer_create(
        actor=a, business_line=line, name="老李", phone=str(next(_phones))
    )
    bought = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    for n, repairer in enumerate((a, a, a, b)):
        repairs.order_intake(
            actor=repairer,
            customer_id=customer.pk,
            device="手机",
            serial=f"SN{n}",
            fault="黑屏",
            purchased_on=bought,
        )
    web_as(lead)
    month = timezone.localdate().strftime("%Y-%m")
    # (3,400 + 3,400) × 0.015 ÷ 2 repairers − 50 = 1 repair each; 8 yuan a repair above it
    figures = {"month": month, "sales_1": "3400", "sales_2": "3400", "fault_rate": "0.015"}
    page = client.get(reverse("booking:repairs"), {**figures, "per_unit": "8"})
    quota = page.context["quota"]
    assert (quota["repairers"], quota["quota"]) == (2, 1)
    assert {(r["total"], r["above"], r["commission"]) for r in quota["rows"]} == {
        (3, 2, Decimal("16.00")),
        (1, 0, Decimal("0.00")),
    }
    # a fault rate of 3 (not a share) is refused on the page, with the field named
    bad = client.get(reverse("booking:repairs"), {**figures, "fault_rate": "3"})
    assert bad.status_code == 400 and bad.context["quota"] is None
    assert "0.03 = 3%" in bad.content.decode()
