"""The stable CLI of issue 20: ``kefu reminders plan``, ``kefu returns check``,
``kefu orders import`` (JSON out; bad input → stderr, exit 2)."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from kefu.cli import main
from kefu.customers.models import Order

PLAN_CSV = """order_id,placed_at,amount,paid_at,closed_at,buyer_online,sent
A,2026-11-11 10:00:00,100,,,1,
B,2026-11-11 09:00:00,800,,,0,sms
C,2026-11-11 08:00:00,800,,,0,
D,2026-11-11 09:00:00,300,2026-11-11 11:00:00,,1,
E,2026-11-11 09:00:00,50,,2026-11-11 12:00:00,0,
F,2026-11-10 20:45:00,20,,,1,sms|im
"""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_reminders_plan_at_13_00_lists_each_channel_phone_by_amount(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(PLAN_CSV, encoding="utf-8")
    code, out, _ = run(
        capsys, "reminders", "plan", "--orders", str(path), "--at", "2026-11-11T13:00:00"
    )
    assert code == 0
    # D is paid, E closed; B and F were already sent an SMS; only A is online for IM;
    # phone: amount descending, the earlier of the two 800s first
    assert out == {
        "at": "2026-11-11T13:00:00+08:00",
        "sms": ["A", "C"],
        "im": ["A"],
        "phone": ["C", "B", "A", "F"],
    }


def test_reminders_plan_matches_the_rules_at_the_edges(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(PLAN_CSV, encoding="utf-8")
    argv = ["reminders", "plan", "--orders", str(path), "--at"]
    _, early, _ = run(capsys, *argv, "2026-11-11T10:59:59+08:00")
    # A was placed at 10:00 (not yet an hour); D and E are still unpaid and open at 10:59:59
    assert early == {
        "at": "2026-11-11T10:59:59+08:00",
        "sms": ["C", "D", "E"],
        "im": ["D"],
        "phone": ["F"],  # placed the evening before: its phone window opened at 10:00
    }
    _, late, _ = run(capsys, *argv, "2026-11-11T21:30:00")
    assert (late["sms"], late["im"], late["phone"]) == ([], ["A"], [])


def test_reminders_plan_bad_input_exits_2_on_stderr(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,placed_at,amount\nA,yesterday,10\n", encoding="utf-8")
    code, _, err = run(
        capsys, "reminders", "plan", "--orders", str(path), "--at", "2026-11-11T13:00"
    )
    assert code == 2 and "row 2" in err
    code, _, err = run(capsys, "reminders", "plan", "--orders", str(path), "--at", "soon")
    assert code == 2 and "--at" in err


@pytest.mark.parametrize(
    ("extra", "eligible", "rule"),
    [
        (["--tier", "normal", "--requested-at", "2026-11-19T15:00:00"], True, "no_reason_window"),
        (["--tier", "normal", "--requested-at", "2026-11-19T15:00:01"], False, "window_expired"),
        (["--tier", "gold", "--requested-at", "2026-12-12T15:00:00"], True, "higher_tier_window"),
        (["--tier", "vip", "--opened", "--amount", "499.99"], True, "opened_under_limit"),
        (["--tier", "vip", "--opened", "--amount", "500.00"], False, "opened_refused"),
        (["--tier", "silver", "--opened", "--reason", "allergy"], True, "green_allergy"),
    ],
)
def test_returns_check(capsys, extra, eligible, rule):
    args = {
        "--delivered-at": "2026-11-12T15:00:00",
        "--requested-at": "2026-11-13T10:00:00",
        "--amount": "100",
    }
    flags = []
    i = 0
    while i < len(extra):
        if extra[i] in args:
            args[extra[i]] = extra[i + 1]
            i += 2
        else:
            flags.append(extra[i])
            if extra[i] == "--tier" or extra[i] == "--reason":
                flags.append(extra[i + 1])
                i += 1
            i += 1
    argv = ["returns", "check", *flags]
    for k, v in args.items():
        argv += [k, v]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert (out["eligible"], out["rule"]) == (eligible, rule)
    assert out["message"]


@pytest.mark.django_db
def test_ret10_returns_check_reads_a_line_with_refunds_off(org, capsys):
    org.shop.policies = {"refunds_enabled": False}
    org.shop.save()
    code, out, _ = run(
        capsys,
        "returns",
        "check",
        "--tier",
        "normal",
        "--line",
        "shop",
        "--delivered-at",
        "2026-11-12T15:00",
        "--requested-at",
        "2026-11-13T15:00",
        "--amount",
        "10",
    )
    assert code == 0 and (out["eligible"], out["rule"]) == (False, "refunds_off")


def test_returns_check_bad_input_exits_2(capsys):
    code, _, err = run(
        capsys,
        "returns",
        "check",
        "--tier",
        "platinum",
        "--delivered-at",
        "2026-11-12T15:00",
        "--requested-at",
        "2026-11-13T15:00",
        "--amount",
        "10",
    )
    assert code == 2 and "--tier" in err
    code, _, err = run(
        capsys,
        "returns",
        "check",
        "--tier",
        "gold",
        "--delivered-at",
        "2026-11-12T15:00",
        "--requested-at",
        "2026-11-13T15:00",
        "--amount",
        "ten",
    )
    assert code == 2 and "--amount" in err


GBK_CSV = "订单编号,买家会员名,收货人姓名,联系手机,买家实际支付金额,订单创建时间,订单付款时间\n"


@pytest.mark.django_db
def test_orders_import_gbk_csv_then_xlsx_upserts_idempotently(org, tmp_path, capsys):
    from kefu.commerce.services.orders import shop_create

    shop = shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    path = tmp_path / "export.csv"
    body = GBK_CSV + "T100,小王,王小姐,13912345678,199.00,2026-11-11 00:01:00,\n"
    body += "T101,小李,李先生,13912345679,88.5,2026/11/11 00:02,2026-11-11 00:05:00\n"
    path.write_bytes(body.encode("gbk"))
    code, out, _ = run(capsys, "orders", "import", str(path), "--shop", str(shop.pk))
    assert code == 0 and (out["created"], out["updated"], out["errors"]) == (2, 0, [])
    code, out, _ = run(capsys, "orders", "import", str(path), "--shop", str(shop.pk))
    assert (out["created"], out["updated"], out["unchanged"]) == (0, 0, 2)

    book = Workbook()
    sheet = book.active
    sheet.append(["order_id", "buyer_id", "amount", "placed_at", "paid_at"])
    sheet.append(["T100", "小王", 199, "2026-11-11 00:01:00", "2026-11-11 02:00:00"])
    xlsx = tmp_path / "export.xlsx"
    book.save(xlsx)
    code, out, _ = run(capsys, "orders", "import", str(xlsx), "--shop", str(shop.pk))
    assert code == 0 and (out["created"], out["updated"]) == (0, 1)
    order = Order.objects.get(shop=shop, order_no="T100")
    assert order.status == "已付款" and order.customer.name == "王小姐"
    assert Order.objects.filter(shop=shop).count() == 2


@pytest.mark.django_db
def test_orders_import_row_errors_load_nothing_and_exit_2(org, tmp_path, capsys):
    from kefu.commerce.services.orders import shop_create

    shop = shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    path = tmp_path / "bad.csv"
    path.write_text(
        "order_id,phone,amount,placed_at\nOK1,13900000011,10,2026-11-11 10:00\n"
        "BAD,13900000012,abc,2026-11-11 10:00\nNOPE,13900000013,5,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "orders", "import", str(path), "--shop", str(shop.pk))
    assert code == 2 and "nothing was loaded" in err
    assert [e["row"] for e in out["errors"]] == [3, 4]
    assert out["created"] == 0 and not Order.objects.filter(shop=shop).exists()
    code, out, _ = run(capsys, "orders", "import", str(path), "--shop", "999999")
    assert code == 2
