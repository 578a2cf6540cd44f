"""Importing interval data (issue 6 §2): .csv in UTF-8 or GBK with English or Chinese headers,
.xlsx, row-level errors that load nothing, and a forecast from the imported intervals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kefu.workforce.models import IntervalRecord
from kefu.workforce.services import ImportRejected, forecast_create, intervals_import

pytestmark = pytest.mark.django_db


def _csv(rows, header="时间段,来话量,接通量,平均处理时长") -> str:
    return "\n".join([header, *rows]) + "\n"


def test_gbk_csv_with_chinese_headers_is_accepted(manager, groups):
    # given a GBK file as Excel in China saves it
    text = _csv(["2025-03-03 09:00,12,11,200", "2025/03/03 09:15,8,8,180"])
    # when
    n = intervals_import(
        actor=manager, group=groups["aftersales"], filename="话务.csv", content=text.encode("gbk")
    )
    # then
    assert n == 2
    rec = IntervalRecord.objects.order_by("interval_start").first()
    assert (rec.offered, rec.handled, rec.aht_seconds) == (12, 11, 200)
    assert rec.interval_start.astimezone(dt.UTC).hour == 1  # 09:00 in Shanghai


def test_bad_rows_are_reported_by_row_number_and_nothing_is_loaded(manager, groups):
    # given rows 3 and 5 are wrong (a word for a number, a time off the grid)
    text = _csv(
        [
            "2025-03-03 09:00,12,11,200",
            "2025-03-03 09:15,很多,8,180",
            "2025-03-03 09:30,5,5,100",
            "2025-03-03 09:40,5,5,100",
        ]
    )
    # when
    with pytest.raises(ImportRejected) as exc:
        intervals_import(
            actor=manager, group=groups["aftersales"], filename="a.csv", content=text.encode()
        )
    # then
    assert set(exc.value.fields) == {"row 3", "row 5"}
    assert "nothing was imported" in str(exc.value.message)
    assert IntervalRecord.objects.count() == 0


def test_xlsx_with_english_headers_is_accepted(manager, groups):
    book = Workbook()
    sheet = book.active
    sheet.append(["Interval start", "Offered", "Handled", "AHT"])
    sheet.append([dt.datetime(2025, 3, 3, 9, 0), 10, 9, 240])
    out = io.BytesIO()
    book.save(out)
    n = intervals_import(
        actor=manager, group=groups["refund"], filename="x.xlsx", content=out.getvalue()
    )
    assert n == 1


def test_forecast_from_imported_intervals_uses_their_aht(manager, groups):
    # given two weeks of 20 offered at 10:00 with an AHT of 300 s
    rows = []
    for d in range(14):
        day = dt.date(2025, 3, 3) + dt.timedelta(days=d)
        rows.append(f"{day} 10:00,20,20,300")
    intervals_import(
        actor=manager, group=groups["refund"], filename="r.csv", content=_csv(rows).encode()
    )
    # when
    f = forecast_create(
        actor=manager,
        group=groups["refund"],
        source="import",
        start_date=dt.date(2025, 3, 17),
        days=1,
        weeks=2,
    )
    # then
    assert f.aht_seconds == 300
    assert f.volumes[20] == pytest.approx(20)
    assert f.required[20] > 0
