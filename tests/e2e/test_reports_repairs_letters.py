"""Issue 22 §4 and FU-10 in Chromium, offline, in Chinese and in English: the 4S after-sales
report, the repeat-repair report and the poor-review report each download as .xlsx and PDF, and the archive of the
weekly feedback letters shows the letter with its e-mail."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from commerce.conftest import at, make_orders, shop  # noqa: F401  (the shop's order fixtures)
from django.conf import settings
from django.test import Client
from django.utils import timezone
from testkit import make_user

from kefu.booking import repairs, workshop_services
from kefu.commerce.services import reviews
from kefu.customers import assets
from kefu.customers import services as customers
from kefu.reports import letter_mail, periodic_services, periods
from kefu.tickets import complaints

pytestmark = pytest.mark.e2e
TZ = dt.timezone(dt.timedelta(hours=8))
_phones = itertools.count(13900000001)
YEAR = "2026"


def _context(browser, live_server, user, language):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    context.route(  # no network: anything not served by this server is refused
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    return context


@pytest.fixture
def rows(transactional_db, org, manager, make_orders):  # noqa: F811
    """A delivered 首保 that came back (a 100 % comeback rate), a 续保 (March 2026); a repeat repair (April 2026); a
    letter to 仓库 for last week, e-mailed."""
    advisor = make_user("s4_advisor", "agent", team=org.s4_front)
    boss = make_user("s4_boss", "manager", business_line=org.auto)
    owner = customers.customer_create(
        actor=advisor, business_line=org.auto, name="车主", phone=str(next(_phones))
    )
    car = assets.vehicle_add(
        actor=advisor, customer=owner, data={"model_name": "凯美瑞", "plate": "粤A10001"}
    )
    start = dt.datetime(2026, 3, 9, 9, 30, tzinfo=TZ)
    job = workshop_services.appointment_book(
        actor=advisor,
        customer_id=None,
        vehicle_id=car.pk,
        kind="first_service",
        start_at=start,
        estimate_hours=1,
        now=start - dt.timedelta(days=1),
    )
    for status in ("arrived", "in_repair", "ready", "delivered"):
        job = workshop_services.appointment_move(
            actor=advisor, appointment_id=job.pk, version=job.version, status=status
        )
    back_at = dt.datetime(2026, 3, 20, 9, 30, tzinfo=TZ)
    back = workshop_services.appointment_book(
        actor=advisor,
        customer_id=None,
        vehicle_id=car.pk,
        kind="repair",
        start_at=back_at,
        estimate_hours=1,
        comeback_of_id=job.pk,
        now=back_at - dt.timedelta(days=1),
    )
    workshop_services.appointment_move(
        actor=advisor, appointment_id=back.pk, version=back.version, status="arrived"
    )
    workshop_services.activity_record(
        actor=advisor, kind="renewal", happened_on="2026-03-12", customer_id=owner.pk
    )
    repairer = make_user("repairer1", "agent", team=org.aftersales2)
    buyer = customers.customer_create(
        actor=repairer, business_line=org.shop, name="机主", phone=str(next(_phones))
    )
    for day in ("2026-04-01", "2026-04-20"):
        repairs.order_intake(
            actor=repairer,
            customer_id=buyer.pk,
            device="云帆手机",
            serial="SN1",
            fault="无法充电",
            purchased_on="2026-01-02",
            received_on=day,
        )
    unit = complaints.unit_create(
        actor=manager,
        business_line=org.shop,
        name="仓库",
        kind="station",
        contact="王主管 cangku@shop.example.cn",
    )
    week = periods.week_of(timezone.localdate() - dt.timedelta(days=7)).label
    letter = periodic_services.feedback_write(
        user=manager, week=week, unit_id=unit.pk, text="本周客户反映配送慢，请仓库整改。"
    )
    letter_mail.send(letter.pk)
    paid = {"paid_at": "2026-11-11 09:10:00", "delivered_at": "2026-11-13 10:00:00"}
    orders = make_orders([("R1", "2026-11-11 09:00:00", 100, paid)])
    reviews.review_record(
        actor=None,
        order=orders["R1"],
        rating=1,
        text="包装破了",
        reviewed_at=at("2026-11-14 12:00:00"),
    )
    return boss, week


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_repair_reports_and_the_letter_archive_open_and_download(
    browser, live_server, rows, manager, language
):
    from conftest import ARTIFACTS

    boss, week = rows
    ARTIFACTS.mkdir(exist_ok=True)
    zh = language == "zh-hans"
    pages = (
        (boss, "aftersales", "4S店售后" if zh else "4S after-sales report", "100.00 %"),
        (manager, "repeat_repairs", "重复维修率" if zh else "Repeat-repair rate", "50.00 %"),
        (manager, "poor_reviews", "中差评统计表" if zh else "Poor-review report", "包装破了"),
    )
    for user, kind, title, figure in pages:
        context = _context(browser, live_server, user, language)
        page = context.new_page()
        page.set_default_timeout(90_000)
        param = "period=2026-11" if kind == "poor_reviews" else f"year={YEAR}"
        page.goto(f"/reports/{kind}/?{param}", wait_until="domcontentloaded")
        text = page.inner_text("body")
        assert title in text and figure in text
        page.screenshot(path=str(ARTIFACTS / f"reports-{kind}-{language}.png"), full_page=True)
        with page.expect_download() as xlsx:
            page.click("#export-xlsx")
        assert xlsx.value.path().read_bytes()[:2] == b"PK"
        with page.expect_download() as pdf:
            page.click("#export-pdf")
        assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
        context.close()
    context = _context(browser, live_server, manager, language)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"/reports/weekly/?week={week}", wait_until="domcontentloaded")
    page.click("#letters-link")
    page.wait_for_selector("#letters")
    row = page.locator("#letters .letter-row").inner_text()
    assert "请仓库整改" in row and "cangku@shop.example.cn" in row
    assert ("已发送" if zh else "Sent") in row
    page.screenshot(path=str(ARTIFACTS / f"reports-letters-{language}.png"), full_page=True)
    context.close()
