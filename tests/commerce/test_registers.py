"""The daily registers of the previous day (RET-8): one table each for 查件, 延长收货时间, 货物破损,
补货, 换货, 退货, 申请退款 and 客户维权, on the page and in one .xlsx (audited)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.commerce.models import LogisticsCase, Refund, Reshipment, Return, ShipmentCheck
from kefu.commerce.services import returns
from kefu.commerce.services import returns_team as team
from kefu.core.models import AuditEvent

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)
DONE = {
    "paid_at": "2026-11-11 10:05:00",
    "shipped_at": "2026-11-11 18:00:00",
    "delivered_at": "2026-11-18 15:00:00",
    "courier": "顺丰",
    "tracking_no": "SF1",
}


def _fill(agent, make_orders, org):
    orders = make_orders([(f"G{i}", "2026-11-11 10:00:00", 120, DONE) for i in range(1, 10)])
    on_day, day_after = at("2026-11-20 10:00"), at("2026-11-21 10:00")
    team.case_open(actor=agent, order=orders["G1"], kind="anomaly", at=on_day)
    team.case_open(actor=agent, order=orders["G2"], kind="lost", at=on_day)
    team.case_open(actor=agent, order=orders["G3"], kind="damaged", at=on_day)
    team.case_open(actor=agent, order=orders["G3"], kind="lost", at=day_after)  # not that day
    ShipmentCheck.objects.create(
        business_line=org.shop,
        order=orders["G4"],
        shipped_on=DAY - dt.timedelta(days=1),
        traceable=False,
        extended_days=3,
        checked_at=on_day,
    )
    team.reshipment_create(actor=agent, order=orders["G5"], reason="short", items="袜子", at=on_day)
    returns.return_request(actor=agent, order=orders["G6"], requested_at=on_day)
    returns.return_request(actor=agent, order=orders["G7"], requested_at=on_day, exchange=True)
    returns.return_request(actor=agent, order=orders["G8"], requested_at=day_after)
    refund = returns.refund_create(actor=agent, order=orders["G9"], amount=30)
    Refund.objects.filter(pk=refund.pk).update(created_at=on_day)
    disputed = returns.return_request(
        actor=agent, order=orders["G1"], requested_at=at("2026-11-19 09:00")
    )
    Return.objects.filter(pk=disputed.pk).update(status="disputed", updated_at=on_day)
    assert LogisticsCase.objects.count() == 4 and Reshipment.objects.count() == 1


def test_ret8_each_register_lists_that_day_only(web_as, agent, make_orders, org):
    _fill(agent, make_orders, org)
    page = web_as(agent).get("/commerce/registers/?day=2026-11-20").content.decode()
    counts = {
        code: int(page.split(f'id="count-{code}">')[1].split("<")[0])
        for code in (
            "trace",
            "extend",
            "damaged",
            "resend",
            "exchange",
            "return",
            "refund",
            "dispute",
        )
    }
    assert counts == {
        "trace": 2,  # the anomaly and the lost parcel of that day
        "extend": 1,
        "damaged": 1,
        "resend": 1,
        "exchange": 1,
        "return": 1,
        "refund": 1,
        "dispute": 1,
    }
    nothing = web_as(agent).get("/commerce/registers/?day=2026-11-10").content.decode()
    assert nothing.count('id="count-') == 8 and 'id="count-trace">0<' in nothing


def test_ret8_registers_default_to_yesterday_and_export_one_sheet_each(web_as, agent, org):
    page = web_as(agent).get("/commerce/registers/?day=not-a-day").content.decode()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert f'value="{yesterday:%Y-%m-%d}"' in page
    response = web_as(agent).get("/commerce/registers.xlsx?day=2026-11-20")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 8
    assert AuditEvent.objects.filter(action="commerce.registers_export").count() == 1


def test_ret8_export_rows_match_the_page(web_as, agent, make_orders, org):
    _fill(agent, make_orders, org)
    wb = load_workbook(
        io.BytesIO(web_as(agent).get("/commerce/registers.xlsx?day=2026-11-20").content)
    )
    rows = {ws.title: list(ws.iter_rows(min_row=3, values_only=True)) for ws in wb.worksheets}
    assert sum(len(r) for r in rows.values()) == 9
    trace = next(r for title, r in rows.items() if "查件" in title)
    assert sorted(r[1] for r in trace) == ["G1", "G2"]


def test_ret8_export_keeps_a_formula_as_text(web_as, agent, make_orders):
    hostile = '=HYPERLINK("http://x","y")'
    orders = make_orders([("H1", "2026-11-11 10:00:00", 120, {**DONE, "buyer_name": hostile})])
    returns.return_request(
        actor=agent, order=orders["H1"], requested_at=at("2026-11-20 10:00"), reason=hostile
    )
    content = web_as(agent).get("/commerce/registers.xlsx?day=2026-11-20").content
    cells = [
        c
        for ws in load_workbook(io.BytesIO(content)).worksheets
        for row in ws.iter_rows()
        for c in row
    ]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + hostile in texts and hostile not in texts
