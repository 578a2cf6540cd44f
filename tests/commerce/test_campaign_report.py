"""RPT-6 as a report page (issue 22 §4): the post-Double-11 report of a campaign as a page, .xlsx
and PDF in the reports section, with the commerce app's figures; no campaign is an empty state."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from testkit import make_user

from kefu.commerce.services import reminders

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_post_event_report_page_and_exports_show_the_campaigns_figures(
    org, make_orders, web_as
):
    campaign = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-20 00:00"),
        team=org.presale,
    )
    paid = {"paid_at": "2026-11-11 10:00:00"}
    make_orders(
        [
            ("A", "2026-11-11 09:00:00", 10, {**paid, "shipped_at": "2026-11-13 10:00:00"}),
            ("B", "2026-11-11 09:00:00", 10, {**paid, "shipped_at": "2026-11-17 10:00:00"}),
        ]
    )
    boss = make_user("boss", "manager", business_line=org.shop)
    client = web_as(boss)
    page = client.get("/reports/double11/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # the latest campaign by default: one of two paid orders shipped within 5 days
    assert "双11" in page and "50.0 %" in page and "补发准确率" in page
    assert f'<option value="{campaign.pk}" selected>' in page
    xlsx = client.get(f"/reports/double11/report.xlsx?campaign={campaign.pk}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for sheet in book.worksheets for row in sheet.values for c in row]
    assert "50.0 %" in cells and len(book.worksheets) == 6
    pdf = client.get(f"/reports/double11/report.pdf?campaign={campaign.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/reports/double11/?campaign=987654").status_code == 404
    assert client.get("/reports/double11/?campaign=abc").status_code == 404
    # the property office has no campaign: an empty report, not an error
    wy = make_user("wy_sup", "supervisor", department=org.wy_front.department)
    empty = web_as(wy).get("/reports/double11/")
    assert empty.status_code == 200 and "No campaign yet" in empty.content.decode()
