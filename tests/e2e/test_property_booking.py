"""Issue 21 in Chromium: an agent books a lesson and is refused a cancellation inside 12 hours,
records the sick leave (hours deducted), a leader approves the exception with the certificate
and the hours return; a property supervisor prints a 催缴函 batch and finds it in the letter
register."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from testkit import PASSWORD, make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.booking import services as booking
from kefu.customers import services as customers
from kefu.customers.models import PropertyUnit
from kefu.property import services as property_services

_phones = itertools.count(13200000001)
SH = ZoneInfo("Asia/Shanghai")


def _sign_in(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_bk3_bk4_refused_cancel_then_leader_restores_hours(browser, live_server, org, screenshot):
    line = account_services.business_line_create(name="少儿英语", code="edu", industry="education")
    team = Team.objects.filter(business_line=line).first()
    agent = make_user("edu_agent", "agent", team=team)
    leader = make_user("edu_lead", "lead", team=team)
    customer = customers.customer_create(
        actor=agent, business_line=line, name="小明", phone=str(next(_phones))
    )
    student = booking.student_create(actor=agent, customer_id=customer.pk, campus="徐汇校区")
    booking.hours_purchase(actor=agent, student_id=student.pk, hours=10)

    context, page = _sign_in(browser, live_server, agent)
    page.goto(f"/booking/students/{student.pk}/")
    start = (dt.datetime.now(SH) + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    page.fill("#start_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#hours", "2")
    page.fill("#teacher", "王老师")
    page.click("#book-form button[type=submit]")
    page.wait_for_selector("#lessons .cancel-lesson")
    assert page.inner_text("#balance") == "10"
    page.click("#lessons .cancel-lesson")
    error = page.wait_for_selector("#page-error")
    assert "12" in error.inner_text()
    assert "已预约" in page.inner_text("#lessons .lesson-status")
    page.set_input_files(
        ".leave-form input[type=file]",
        files=[{"name": "病假条.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    page.click(".leave-form button[type=submit]")
    page.wait_for_selector("text=临时请假，课时已扣")
    assert page.inner_text("#balance") == "8"
    screenshot("booking-leave-deducted", page)
    context.close()

    context, page = _sign_in(browser, live_server, leader)
    page.goto("/booking/")
    page.click("#pending a")
    page.click(".decide-form button[value=yes]")
    page.wait_for_selector("text=请假已批准，课时已恢复")
    assert page.inner_text("#balance") == "10"
    screenshot("booking-leave-approved", page)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_fee2_supervisor_prints_a_dunning_batch_found_in_the_letter_register(
    browser, live_server, org, screenshot
):
    supervisor = make_user("wy_sup", "supervisor", department=org.wy_front.department)
    owner = customers.customer_create(
        actor=None, business_line=org.property, name="欠费业主", phone=str(next(_phones))
    )
    unit = PropertyUnit.objects.create(
        customer=owner, building="3栋", unit="2", room="1201", area_m2=100
    )
    property_services.fee_type_save(
        actor=supervisor,
        code="wyf",
        name="物业管理费",
        kind="property",
        basis="area_month",
        unit_price="2.50",
    )
    year = dt.date.today().year - 2
    property_services.bills_issue(
        actor=supervisor, fee_code="wyf", period=dt.date(year, 1, 1), due_on=dt.date(year, 1, 31)
    )

    context, page = _sign_in(browser, live_server, supervisor)
    page.goto("/property/")
    assert page.inner_text("#dunning-count") == "1"
    page.select_option("#kind", "dunning")
    page.click("#print-batch button[type=submit]")
    page.wait_for_url(lambda url: "/property/batches/" in url)
    assert "欠费业主" in page.content()
    screenshot("property-dunning-batch", page)
    page.goto("/followups/registers/")
    assert f"催缴函 {unit}" in page.content()
    context.close()
