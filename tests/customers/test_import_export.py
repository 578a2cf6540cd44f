"""Import and export of customers as .xlsx (ARC-6): row-level errors, nothing partial unless
asked, assets from optional columns, masked and formula-safe export, the CLI and the page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kefu.cli import main
from kefu.core.models import AuditEvent
from kefu.customers.imports import customers_import
from kefu.customers.models import Customer, PropertyUnit, Vehicle
from kefu.customers.sheets import safe_cell

HEADER = ["姓名", "电话", "地址", "等级", "标签", "来源", "备注"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_row_loads_nothing_and_reports_the_row_number(org, manager):
    # given
    data = workbook(
        [
            ["张三", "13800000001", "广州", "金卡", "老客户，投诉过", "淘宝", ""],
            ["李四", "12", "", "", "", "", ""],
            ["王五", "13800000003", "", "钻石", "", "", ""],
        ]
    )
    # when
    result = customers_import(actor=manager, business_line=org.shop, source=io.BytesIO(data))
    # then
    assert not result.loaded
    assert [(e.row, e.column) for e in result.errors] == [(3, "电话"), (4, "等级")]
    assert Customer.objects.count() == 0


def test_allow_partial_loads_the_good_rows(org, manager):
    data = workbook(
        [
            ["张三", "138-0000-0001", "", "VIP", "老客户、大客户", "", ""],
            ["李四", "12", "", "", "", "", ""],
            ["张三重复", "13800000001", "", "", "", "", ""],
        ]
    )
    result = customers_import(
        actor=manager, business_line=org.shop, source=io.BytesIO(data), allow_partial=True
    )
    assert result.loaded and result.created == 1 and result.error_count == 2
    customer = Customer.objects.get()
    assert (customer.phone, customer.tier, customer.tags) == (
        "13800000001",
        "vip",
        ["老客户", "大客户"],
    )
    assert [e.row for e in result.errors] == [3, 4]
    assert "row 2" in result.errors[1].reason
    assert AuditEvent.objects.filter(action="customer.import").count() == 1


def test_phone_already_in_the_archive_is_a_row_error(org, manager, new_customer):
    new_customer(phone="13800000001")
    data = workbook([["张三", "13800000001", "", "", "", "", ""]])
    result = customers_import(actor=manager, business_line=org.shop, source=io.BytesIO(data))
    assert result.error_count == 1 and result.errors[0].row == 2
    assert Customer.objects.count() == 1


def test_english_headers_and_asset_columns(org, admin_user):
    header = [
        "name",
        "phone",
        "tier",
        "车型",
        "车号",
        "保养周期",
        "下一次保养期",
        "楼栋",
        "房号",
        "面积",
    ]
    data = workbook(
        [
            [
                "Li",
                "13800000009",
                "gold",
                "凯美瑞",
                "粤A12345",
                180,
                "2026-06-30",
                "3栋",
                "1201",
                "89.5",
            ]
        ],
        header=header,
    )
    result = customers_import(actor=admin_user, business_line=org.auto, source=io.BytesIO(data))
    assert result.created == 1
    vehicle = Vehicle.objects.get()
    unit = PropertyUnit.objects.get()
    assert (vehicle.plate, vehicle.maintenance_interval_days) == ("粤A12345", 180)
    assert str(vehicle.next_maintenance_on) == "2026-06-30"
    assert str(unit) == "3栋-1201" and float(unit.area_m2) == 89.5


def test_missing_required_column_is_reported_on_row_one(org, manager):
    data = workbook([["张三"]], header=["姓名"])
    result = customers_import(actor=manager, business_line=org.shop, source=io.BytesIO(data))
    assert [(e.row, e.column) for e in result.errors] == [(1, "电话")]


def test_import_into_another_business_line_is_refused(org, manager):
    from kefu.core.errors import PermissionDenied

    data = workbook([["张三", "13800000001"]])
    with pytest.raises(PermissionDenied):
        customers_import(actor=manager, business_line=org.property, source=io.BytesIO(data))


def test_export_neutralises_formulas_and_masks_per_role(org, agent, web_as, new_customer):
    # given
    new_customer(name='=HYPERLINK("http://x")', phone="13812345678", notes="+1 call")
    # when
    response = web_as(agent).get(reverse("customers:export"))
    # then
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == "138****5678"
    assert rows[1][7] == "'+1 call"
    assert AuditEvent.objects.filter(action="customer.export", actor=agent).count() == 1


def test_safe_cell_prefixes_every_formula_start():
    assert [safe_cell(v) for v in ["=1", "+1", "-1", "@a", "ok", 5]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "ok",
        5,
    ]


def test_cli_import_exits_2_with_row_errors(org, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([["张三", "13800000001"], ["", "13800000002"]]))
    code = main(["customers", "import", str(path), "--business-line", "shop"])
    err = capsys.readouterr().err
    assert code == 2
    assert "row 3" in err
    assert Customer.objects.count() == 0


def test_cli_import_allow_partial_json_and_export(org, tmp_path, capsys):
    path = tmp_path / "in.xlsx"
    path.write_bytes(workbook([["张三", "13800000001"], ["", "13800000002"]]))
    code = main(
        ["customers", "import", str(path), "--business-line", "shop", "--allow-partial", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["created"] == 1 and out["error_count"] == 1
    target = tmp_path / "out.xlsx"
    assert main(["customers", "export", "--out", str(target), "--business-line", "shop"]) == 0
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][1] == "张三" and rows[1][2] == "13800000001"


def test_import_page_shows_row_errors_then_summary(org, agent, web_as):
    client = web_as(agent)
    data = workbook([["张三", "13800000001"], ["李四", "1"]])
    upload = SimpleUploadedFile("c.xlsx", data)
    failed = client.post(reverse("customers:import"), {"file": upload})
    assert 'id="import-errors"' in failed.content.decode()
    assert Customer.objects.count() == 0
    upload = SimpleUploadedFile("c.xlsx", data)
    ok = client.post(reverse("customers:import"), {"file": upload, "allow_partial": "on"})
    assert 'id="import-summary"' in ok.content.decode()
    assert Customer.objects.count() == 1


def test_import_page_rejects_a_file_that_is_not_xlsx(org, agent, web_as):
    upload = SimpleUploadedFile("c.xlsx", b"not a workbook")
    response = web_as(agent).post(reverse("customers:import"), {"file": upload})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
