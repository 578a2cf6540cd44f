"""Re-importing orders writes every changed field back as saving the row would (issue 20): the
import's plain-SQL UPDATE (``core.db.update_rows``) for amounts, times, text, flags and lines,
rows changing different fields in one import, and more rows than one UPDATE batch."""

from __future__ import annotations

from decimal import Decimal

from kefu.commerce.services import orders as order_services
from kefu.customers.models import Order

from .conftest import at


def test_reimport_writes_each_kind_of_field_back(shop, make_orders):
    # given: three orders placed and unpaid
    make_orders(
        [
            ("T-1", "2026-11-11 00:05:00", "99.90"),
            ("T-2", "2026-11-11 00:06:00", "120.00"),
            ("T-3", "2026-11-11 00:07:00", "5.00"),
        ]
    )
    before = {o.order_no: o for o in Order.objects.filter(shop=shop)}
    rows = [
        # paid, with a new amount, lines and the buyer online
        {
            "order_id": "T-1",
            "amount": "89.90",
            "placed_at": "2026-11-11 00:05:00",
            "paid_at": "2026-11-11 09:30:15",
            "buyer_online": "1",
            "lines": "连衣裙 M;腰带",
        },
        # shipped (another set of fields: its own UPDATE)
        {
            "order_id": "T-2",
            "amount": "120.00",
            "placed_at": "2026-11-11 00:06:00",
            "paid_at": "2026-11-11 08:00:00",
            "shipped_at": "2026-11-12 10:00:00",
            "courier": "顺丰",
            "tracking_no": "SF1234567890",
            "warehouse_city": "杭州",
        },
        # unchanged
        {"order_id": "T-3", "amount": "5.00", "placed_at": "2026-11-11 00:07:00"},
    ]
    # when
    result = order_services.orders_upsert(actor=None, shop=shop, rows=rows)
    # then
    assert (result.updated, result.unchanged, result.errors) == (2, 1, [])
    after = {o.order_no: o for o in Order.objects.filter(shop=shop)}
    one, two, three = after["T-1"], after["T-2"], after["T-3"]
    assert one.amount == Decimal("89.90") and one.paid_at == at("2026-11-11 09:30:15")
    assert one.buyer_online is True and one.lines == ["连衣裙 M", "腰带"]
    assert one.status != before["T-1"].status and one.shipped_at is None
    assert one.updated_at > before["T-1"].updated_at
    assert two.shipped_at == at("2026-11-12 10:00:00") and two.paid_at == at("2026-11-11 08:00:00")
    assert (two.courier, two.tracking_no, two.warehouse_city) == ("顺丰", "SF1234567890", "杭州")
    assert two.amount == Decimal("120.00") and two.buyer_online is False
    assert three.updated_at == before["T-3"].updated_at and three.paid_at is None


def test_more_rows_than_one_update_batch(shop, make_orders):
    n = order_services.UPDATE_BATCH + 7
    make_orders([(f"B-{i}", "2026-11-11 00:10:00", "10.00") for i in range(n)])
    rows = [
        {
            "order_id": f"B-{i}",
            "amount": f"{10 + i}.50",
            "placed_at": "2026-11-11 00:10:00",
            "paid_at": "2026-11-11 09:00:00",
        }
        for i in range(n)
    ]
    result = order_services.orders_upsert(actor=None, shop=shop, rows=rows)
    assert result.updated == n
    amounts = dict(Order.objects.filter(shop=shop).values_list("order_no", "amount"))
    assert all(amounts[f"B-{i}"] == Decimal(f"{10 + i}.50") for i in range(n))
    assert not Order.objects.filter(shop=shop, paid_at__isnull=True).exists()
