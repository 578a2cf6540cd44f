"""Reviews (CARE-1/3, FU-11) and the shop indicators (SAT-7): 中差评 called back, the reply rate,
the 5-star + photo cash-back, the poor-review workbook, DSR against each event's threshold."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kefu.commerce import indicators
from kefu.commerce.models import IndicatorRecord, Review
from kefu.commerce.services import indicators as indicator_services
from kefu.commerce.services import reviews
from kefu.core.errors import Conflict, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.followups.models import CallbackTask

from .conftest import at

pytestmark = pytest.mark.django_db
PAID = {"paid_at": "2026-11-11 09:10:00", "delivered_at": "2026-11-13 10:00:00"}


@pytest.fixture
def delivered(make_orders):
    return make_orders([(f"R{i}", "2026-11-11 09:00:00", 100, PAID) for i in range(1, 5)])


def _review(order, rating, **kw):
    return reviews.review_record(
        actor=None, order=order, rating=rating, reviewed_at=at("2026-11-14 12:00:00"), **kw
    )


def test_fu11_a_neutral_or_negative_review_makes_a_callback_task_a_good_one_none(delivered):
    poor = _review(delivered["R1"], 2, text="包装破了")
    medium = _review(delivered["R2"], 3)
    good = _review(delivered["R3"], 5)
    assert (poor.grade, medium.grade, good.grade) == ("poor", "medium", "good")
    tasks = CallbackTask.objects.filter(kind="review")
    assert sorted(tasks.values_list("customer_id", flat=True)) == sorted(
        [delivered["R1"].customer_id, delivered["R2"].customer_id]
    )
    assert poor.callback_id in set(tasks.values_list("id", flat=True))
    assert good.callback_id is None
    with pytest.raises(Conflict):
        _review(delivered["R1"], 4)


def test_care1_five_stars_with_a_photo_earn_the_cashback_paid_once_by_a_lead(
    delivered, agent, lead
):
    photo = _review(delivered["R1"], 5, has_photo=True)
    plain = _review(delivered["R2"], 5)
    assert (photo.cashback, photo.cashback_amount) == ("eligible", Decimal("5.00"))
    assert plain.cashback == "none"
    with pytest.raises(PermissionDenied):
        reviews.cashback_pay(actor=agent, review=photo, version=photo.version)
    paid = reviews.cashback_pay(actor=lead, review=photo, version=photo.version)
    assert paid.cashback == "paid" and paid.cashback_paid_at is not None
    with pytest.raises(Conflict):
        reviews.cashback_pay(actor=lead, review=paid, version=paid.version)


def test_care3_reply_rate_and_a_stale_reply_is_refused(delivered, agent, web_as):
    first = _review(delivered["R1"], 2)
    _review(delivered["R2"], 5)
    seen = first.version
    reviews.review_reply(actor=agent, review=first, version=seen, text="非常抱歉，已安排补发")
    with pytest.raises(StaleWrite):
        reviews.review_reply(actor=agent, review=first, version=seen, text="again")
    page = web_as(agent).get("/commerce/reviews/?first=2026-11-01&last=2026-11-30").content
    page = page.decode()
    assert 'id="reply-rate">50.0%<' in page and 'id="reviews-total">2<' in page


def test_care3_poor_review_workbook_lists_the_neutral_and_negative_ones_safely(
    delivered, agent, web_as
):
    _review(delivered["R1"], 1, text='=HYPERLINK("http://x","y")')
    _review(delivered["R2"], 3, text="一般")
    _review(delivered["R3"], 5, text="很好")
    response = web_as(agent).get("/commerce/reviews/poor.xlsx?first=2026-11-14&last=2026-11-14")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert sorted(r[2] for r in rows) == ["R1", "R2"]
    assert '\'=HYPERLINK("http://x","y")' in [r[6] for r in rows]
    per_day = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert per_day[0] == ("2026-11-14", 1, 1)
    assert AuditEvent.objects.filter(action="commerce.poor_reviews_export", actor=agent).exists()


def test_sat7_indicator_status_warns_before_it_falls_below():
    t, m = Decimal("4.6"), Decimal("0.05")
    assert indicators.status("dsr_item", Decimal("4.65"), t, m) == "ok"
    assert indicators.status("dsr_item", Decimal("4.649"), t, m) == "warn"
    assert indicators.status("dsr_item", Decimal("4.6"), t, m) == "warn"
    assert indicators.status("dsr_item", Decimal("4.599"), t, m) == "below"
    assert indicators.status("refund_rate", Decimal("7.9"), Decimal("10"), Decimal("2")) == "ok"
    assert indicators.status("refund_rate", Decimal("8.1"), Decimal("10"), Decimal("2")) == "warn"
    assert indicators.status("refund_rate", Decimal("10.1"), Decimal("10"), Decimal("2")) == "below"


def test_sat7_daily_record_recomputes_dsr_from_reviews_and_the_page_warns(
    delivered, shop, manager, web_as
):
    for order, stars in zip(delivered.values(), (5, 5, 4, 4), strict=True):
        _review(order, 5, dsr={"dsr_item": stars, "dsr_service": 5, "dsr_logistics": 4})
    assert indicator_services.record_day(day=dt.date(2026, 11, 14)) == 5
    values = dict(
        IndicatorRecord.objects.filter(shop=shop, day=dt.date(2026, 11, 14)).values_list(
            "code", "value"
        )
    )
    assert values["dsr_item"] == Decimal("4.500") and values["dsr_service"] == Decimal("5.000")
    assert values["refund_rate"] == Decimal("0.000")
    # a review of the next day is not in that day's figure; a rerun replaces the day
    assert indicator_services.record_day(day=dt.date(2026, 11, 14)) == 5
    assert IndicatorRecord.objects.filter(shop=shop).count() == 5
    page = web_as(manager).get("/commerce/care/").content.decode()
    assert page.count('data-status="below"') == 2  # item 4.5 and logistics 4.0 under 4.6
    assert Review.objects.count() == 4


def test_reviews_api_records_replies_and_reports_indicators(
    api_as, lead, agent, wy_agent, delivered
):
    order = delivered["R1"].pk
    body = {
        "order": order,
        "rating": 2,
        "text": "漏液",
        "dsr_item": 3,
        "dsr_service": 4,
        "dsr_logistics": 5,
        "reviewed_at": "2026-11-14 12:00:00",
    }
    assert api_as(agent).post("/api/v1/commerce/reviews", body).status_code == 403
    assert api_as(wy_agent).post("/api/v1/commerce/reviews", body).status_code == 403
    bad = api_as(lead).post("/api/v1/commerce/reviews", {**body, "rating": 6})
    assert bad.status_code == 400 and Review.objects.count() == 0
    made = api_as(lead).post("/api/v1/commerce/reviews", body)
    assert made.status_code == 201 and made.json()["grade"] == "poor"
    assert made.json()["callback"] is not None
    review = made.json()
    unreplied = api_as(agent).get("/api/v1/commerce/reviews?unreplied=true").json()["items"]
    assert [r["id"] for r in unreplied] == [review["id"]]
    url = f"/api/v1/commerce/reviews/{review['id']}/reply"
    assert (
        api_as(agent).post(url, {"version": review["version"], "text": "抱歉"}).status_code == 200
    )
    assert api_as(agent).post(url, {"version": review["version"], "text": "再"}).status_code == 409
    indicator_services.record_day(day=dt.date(2026, 11, 14))
    board = api_as(agent).get("/api/v1/commerce/indicators").json()["items"]
    status = {c["code"]: c["status"] for c in board[0]["checks"]}
    assert status["dsr_item"] == "below" and status["dsr_logistics"] == "ok"
