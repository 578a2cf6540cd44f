"""PK-5, the warehouse's plan for an event: the brand read from the platform export, the orders
expected per brand (the previous event's shares of the orders expected, recomputed here from the
rows), pre-packs (聚划算 / 爆款 / 热销套装) and the courier per destination city — on the page, the
API and the command line, a lead plans, anyone of the line records what is packed, stale → 409."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from testkit import make_user

from kefu.commerce import warehouse_selectors
from kefu.commerce.models import CourierChoice, PrePack
from kefu.commerce.services import reminders
from kefu.commerce.services import warehouse as services
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.customers.models import Order

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/commerce"


@pytest.fixture
def events(org):
    previous = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="618大促",
        starts_at=at("2026-06-01 00:00"),
        ends_at=at("2026-06-21 00:00"),
    )
    current = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-01 00:00"),
        ends_at=at("2026-11-21 00:00"),
    )
    return previous, current


@pytest.fixture
def sales(make_orders, events):
    """618: 5 paid 雅诗兰黛, 2 paid 兰蔻, 1 paid without a brand; an unpaid one and one paid after
    the event do not count. 双11 so far: 3 雅诗兰黛, 1 海蓝之谜 (new)."""
    rows = []
    for i in range(5):
        rows.append(
            (
                f"P-E{i}",
                "2026-06-10 09:00:00",
                99,
                {"paid_at": "2026-06-10 09:10:00", "brand": "雅诗兰黛"},
            )
        )
    for i in range(2):
        rows.append(
            (
                f"P-L{i}",
                "2026-06-20 23:00:00",
                99,
                {"paid_at": "2026-06-20 23:59:59", "brand": "兰蔻"},
            )
        )
    rows.append(("P-N", "2026-06-11 09:00:00", 99, {"paid_at": "2026-06-11 09:05:00"}))
    rows.append(("P-U", "2026-06-11 09:00:00", 99, {"brand": "兰蔻"}))
    rows.append(
        ("P-X", "2026-06-20 23:50:00", 99, {"paid_at": "2026-06-21 00:00:00", "brand": "兰蔻"})
    )
    for i in range(3):
        rows.append(
            (
                f"D-E{i}",
                "2026-11-11 00:10:00",
                199,
                {"paid_at": "2026-11-11 00:20:00", "brand": "雅诗兰黛"},
            )
        )
    rows.append(
        ("D-H", "2026-11-11 00:10:00", 999, {"paid_at": "2026-11-11 00:30:00", "brand": "海蓝之谜"})
    )
    return make_orders(rows)


def _expected(forecast: int, part: int, whole: int) -> int:
    return int((Decimal(forecast) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_orders_expected_per_brand_are_the_previous_events_shares_recomputed_from_rows(
    sales, events, lead
):
    previous, current = events
    services.forecast_set(actor=lead, campaign=current, orders=1000)
    plan = warehouse_selectors.plan_for(current)
    assert plan["previous"] == previous and plan["forecast_orders"] == 1000
    # recomputed from the rows: the paid orders of the previous event per brand
    base: dict[str, int] = {}
    for o in Order.objects.filter(paid_at__gte=previous.starts_at, paid_at__lt=previous.ends_at):
        base[o.brand] = base.get(o.brand, 0) + 1
    assert base == {"雅诗兰黛": 5, "兰蔻": 2, "": 1}
    got = {b.brand: (b.base_orders, b.share, b.expected, b.actual) for b in plan["brands"]}
    assert got == {
        "雅诗兰黛": (5, Decimal("62.5"), _expected(1000, 5, 8), 3),
        "兰蔻": (2, Decimal("25.0"), _expected(1000, 2, 8), 0),
        "": (1, Decimal("12.5"), _expected(1000, 1, 8), 0),
        "海蓝之谜": (0, Decimal("0.0"), None, 1),  # new: no share to expect by
    }
    assert [b.brand for b in plan["brands"]][:2] == ["雅诗兰黛", "兰蔻"]  # most expected first
    assert (plan["expected"], plan["actual"], plan["base_orders"]) == (1000, 4, 8)
    # half up per brand: 1001 × 5/8 = 625.625 → 626, × 2/8 = 250.25 → 250, × 1/8 = 125.125 → 125
    typed = warehouse_selectors.plan_for(current, orders=1001)
    assert {b.brand: b.expected for b in typed["brands"]}["雅诗兰黛"] == 626
    # the first event of a line has no shares to split by: no expectation, not 0
    first = warehouse_selectors.plan_for(previous, orders=500)
    assert first["previous"] is None and first["expected"] is None
    assert {b.brand: (b.expected, b.actual) for b in first["brands"]} == {
        "雅诗兰黛": (None, 5),
        "兰蔻": (None, 2),
        "": (None, 1),
    }


def test_the_import_reads_the_brand_column_and_a_row_without_it_keeps_the_brand(
    org, tmp_path, capsys
):
    from kefu.cli import main
    from kefu.commerce.services.orders import shop_create

    shop = shop_create(actor=None, business_line=org.shop, name="旗舰店", platform="tmall")
    path = tmp_path / "export.csv"
    body = "订单编号,联系手机,买家实际支付金额,订单创建时间,品牌\n"
    body += "B1,13912345678,199.00,2026-11-11 00:01:00,雅诗兰黛\n"
    path.write_bytes(body.encode("gbk"))
    assert main(["orders", "import", str(path), "--shop", str(shop.pk)]) == 0
    capsys.readouterr()
    assert Order.objects.get(order_no="B1").brand == "雅诗兰黛"
    body = "订单编号,联系手机,买家实际支付金额,订单创建时间,订单付款时间\n"
    body += "B1,13912345678,199.00,2026-11-11 00:01:00,2026-11-11 00:03:00\n"
    path.write_bytes(body.encode("utf-8"))
    assert main(["orders", "import", str(path), "--shop", str(shop.pk)]) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == 1
    order = Order.objects.get(order_no="B1")
    assert order.brand == "雅诗兰黛" and order.paid_at is not None


def test_prepacks_a_lead_plans_anyone_packs_never_beyond_the_plan(org, events, lead, agent):
    _, current = events
    with pytest.raises(PermissionDenied):
        services.prepack_add(
            actor=agent, campaign=current, kind="bundle", item="小棕瓶套装", quantity=100
        )
    made = services.prepack_add(
        actor=lead,
        campaign=current,
        kind="juhuasuan",
        item="小棕瓶 50ml",
        brand="雅诗兰黛",
        quantity=300,
    )
    with pytest.raises(Conflict):  # one row per item of the event
        services.prepack_add(
            actor=lead, campaign=current, kind="juhuasuan", item="小棕瓶 50ml", quantity=5
        )
    with pytest.raises(Invalid):
        services.prepack_add(actor=lead, campaign=current, kind="gift", item="x", quantity=5)
    with pytest.raises(Invalid):
        services.prepack_add(actor=lead, campaign=current, kind="bundle", item="x", quantity=0)
    services.prepack_update(actor=agent, prepack=made, version=1, packed=120)
    assert (made.packed, made.version) == (120, 2)
    with pytest.raises(StaleWrite):
        services.prepack_update(actor=agent, prepack=made, version=1, packed=130)
    with pytest.raises(Invalid):
        services.prepack_update(actor=agent, prepack=made, version=2, packed=301)
    with pytest.raises(PermissionDenied):  # the quantity planned is the planner's
        services.prepack_update(actor=agent, prepack=made, version=2, quantity=400)
    made.refresh_from_db()
    assert (made.packed, made.quantity, made.version) == (120, 300, 2)
    services.prepack_add(actor=lead, campaign=current, kind="bundle", item="圣诞礼盒", quantity=100)
    plan = warehouse_selectors.plan_for(current)
    assert (plan["prepack_planned"], plan["prepack_packed"], plan["prepack_share"]) == (
        400,
        120,
        Decimal("30.0"),
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"commerce.prepack_add", "commerce.prepack_update"} <= actions


def test_courier_per_city_a_change_needs_the_version(events, lead, agent):
    _, current = events
    with pytest.raises(PermissionDenied):
        services.courier_set(actor=agent, campaign=current, city="北京", courier="顺丰")
    choice = services.courier_set(actor=lead, campaign=current, city="北京", courier="顺丰")
    with pytest.raises(Conflict):  # the city has one already: change it in its row
        services.courier_set(actor=lead, campaign=current, city="北京", courier="京东")
    services.courier_set(actor=lead, campaign=current, city="北京", courier="京东", version=1)
    with pytest.raises(StaleWrite):
        services.courier_set(actor=lead, campaign=current, city="北京", courier="EMS", version=1)
    choice.refresh_from_db()
    assert (choice.courier, choice.version) == ("京东", 2)
    assert CourierChoice.objects.count() == 1


def test_the_api_plans_the_warehouse_and_answers_4xx_for_mistakes(
    org, sales, events, lead, agent, api_as
):
    _, current = events
    api = api_as(lead)
    url = f"{BASE}/campaigns/{current.pk}"
    r = api.post(f"{url}/warehouse/forecast", {"orders": 800})
    assert r.status_code == 200, r.content
    brands = {b["brand"]: b for b in r.json()["brands"]}
    assert brands["雅诗兰黛"]["expected"] == _expected(800, 5, 8) == 500
    assert brands["兰蔻"]["share"] == "25.0"
    assert api.post(f"{url}/warehouse/forecast", {"orders": -1}).status_code in (400, 422)
    r = api.post(f"{url}/prepacks", {"kind": "bestseller", "item": "小黑瓶", "quantity": 50})
    assert r.status_code == 201, r.content
    prepack = r.json()
    assert (
        api.post(
            f"{url}/prepacks", {"kind": "bestseller", "item": "小黑瓶", "quantity": 9}
        ).status_code
        == 409
    )
    packed = api_as(agent).post(f"{BASE}/prepacks/{prepack['id']}", {"version": 1, "packed": 50})
    assert packed.status_code == 200 and packed.json()["packed"] == 50
    stale = api_as(agent).post(f"{BASE}/prepacks/{prepack['id']}", {"version": 1, "packed": 10})
    assert stale.status_code == 409
    assert (
        api_as(agent).post(f"{url}/couriers", {"city": "上海", "courier": "顺丰"}).status_code
        == 403
    )
    r = api.post(f"{url}/couriers", {"city": "上海", "courier": "顺丰"})
    assert r.status_code == 200 and r.json()["version"] == 1
    got = api_as(agent).get(f"{url}/warehouse?orders=1600").json()
    assert got["forecast_orders"] == 1600 and got["expected"] == 1600
    assert got["prepack_share"] == "100.0" and got["couriers"][0]["courier"] == "顺丰"
    # another line's event is not found
    other = make_user("other-boss", "manager", business_line=org.property)
    assert api_as(other).get(f"{url}/warehouse").status_code in (403, 404)
    assert PrePack.objects.get().packed == 50


def test_the_cli_prints_the_plan_and_refuses_bad_input(sales, events, lead, capsys):
    from kefu.cli import main

    _, current = events
    code = main(
        [
            "double11",
            "warehouse",
            "--user",
            lead.username,
            "--campaign",
            str(current.pk),
            "--orders",
            "80",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and {b["brand"]: b["expected"] for b in out["brands"]}["雅诗兰黛"] == 50
    assert main(["double11", "warehouse", "--user", lead.username, "--campaign", "999999"]) == 2
    assert "no campaign" in capsys.readouterr().err
    assert (
        main(
            [
                "double11",
                "warehouse",
                "--user",
                lead.username,
                "--campaign",
                str(current.pk),
                "--orders",
                "-3",
            ]
        )
        == 2
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_shows_the_plan_and_its_forms_write_through_the_services(
    sales, events, lead, web_as, language
):
    _, current = events
    web = web_as(lead)
    web.cookies["django_language"] = language
    base = f"/commerce/double11/{current.pk}"
    web.post(f"{base}/forecast/", {"orders": "400"})
    web.post(
        f"{base}/prepacks/",
        {"kind": "bundle", "item": "圣诞礼盒", "brand": "兰蔻", "quantity": "20"},
    )
    web.post(f"{base}/couriers/", {"city": "广州", "courier": "顺丰"})
    bad = web.post(
        f"{base}/prepacks/", {"kind": "bundle", "item": "x", "quantity": "abc"}, follow=True
    )
    assert bad.status_code == 200 and PrePack.objects.count() == 1
    page = web.get(f"/commerce/double11/warehouse/?campaign={current.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="brands-expected">400<' in html  # 250 + 100 + 50
    assert "圣诞礼盒" in html and "顺丰" in html
    words = {"zh-hans": ("各品牌订单", "提前打包"), "en": ("Orders per brand", "Pre-packed")}[
        language
    ]
    assert all(w in html for w in words)
