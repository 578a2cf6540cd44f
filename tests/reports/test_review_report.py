"""The e-commerce row of issue 22 §4: the month's 中差评 per shop and the list (CARE-3, FU-11),
recomputed from the raw reviews, within scope, as page, .xlsx and PDF."""

from __future__ import annotations

import io

import pytest
from commerce.conftest import at, make_orders, shop  # noqa: F401  (the shop's order fixtures)
from openpyxl import load_workbook
from testkit import make_user

from kefu.commerce.models import Review
from kefu.commerce.services import reviews
from kefu.reports import capability_reports

pytestmark = pytest.mark.django_db
PAID = {"paid_at": "2026-11-11 09:10:00", "delivered_at": "2026-11-13 10:00:00"}


def test_poor_review_report_counts_the_months_neutral_and_negative_reviews(
    make_orders,  # noqa: F811
    manager,
    agent,
    org,
    client,
):
    # given: in November a negative (replied), a neutral and a good review; one in December
    orders = make_orders([(f"R{i}", "2026-11-11 09:00:00", 100, PAID) for i in range(1, 5)])

    def review(no, rating, day="2026-11-14", **kw):
        return reviews.review_record(
            actor=None, order=orders[no], rating=rating, reviewed_at=at(f"{day} 12:00:00"), **kw
        )

    poor = review("R1", 1, text="=包装破了")
    review("R2", 3)
    review("R3", 5)
    review("R4", 2, day="2026-12-01")
    reviews.review_reply(actor=agent, review=poor, version=poor.version, text="非常抱歉")
    # when
    data = capability_reports.build(manager, "poor_reviews", "2026-11").data
    # then: the raw rows of the month
    raw = Review.objects.filter(
        reviewed_at__gte=at("2026-11-01 00:00:00"), reviewed_at__lt=at("2026-12-01 00:00:00")
    ).exclude(grade="good")
    total = data["total"]
    assert total["total"] == raw.count() == 2
    assert (total["poor"], total["medium"]) == (1, 1)
    assert total["replied"] == raw.filter(replied_at__isnull=False).count() == 1
    assert total["called"] == raw.filter(callback_id__isnull=False).count() == 2
    assert total["reply_rate"] == 50.0
    assert [r["text"] for r in data["reviews"]] == ["=包装破了", ""]
    # scope: another line's supervisor sees none
    wy = make_user("wy_boss", "supervisor", department=org.wy_front.department)
    assert capability_reports.build(wy, "poor_reviews", "2026-11").data["total"]["total"] == 0
    # page, .xlsx (a review text never runs as a formula) and PDF
    client.force_login(manager)
    page = client.get("/reports/poor_reviews/?period=2026-11", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "中差评" in page.content.decode()
    xlsx = client.get("/reports/poor_reviews/report.xlsx?period=2026-11")
    cells = [
        c
        for s in load_workbook(io.BytesIO(xlsx.content)).worksheets
        for r in s.iter_rows()
        for c in r
    ]
    assert "'=包装破了" in [c.value for c in cells] and not [c for c in cells if c.data_type == "f"]
    assert client.get("/reports/poor_reviews/report.pdf?period=2026-11").content[:5] == b"%PDF-"
