from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from kefu.commerce.reminder_rules import SHANGHAI
from kefu.commerce.services import orders as order_services
from kefu.customers.models import Order, Shop

_phones = itertools.count(13900000001)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def shop(org) -> Shop:
    return order_services.shop_create(
        actor=None, business_line=org.shop, name="官方旗舰店", platform="tmall"
    )


@pytest.fixture
def make_orders(shop):
    """make_orders([(order_id, placed, amount, extra…)]) → the imported orders by id."""

    def _make(specs, **common):
        rows = []
        for spec in specs:
            order_id, placed, amount = spec[:3]
            extra = spec[3] if len(spec) > 3 else {}
            rows.append(
                {
                    "order_id": order_id,
                    "buyer_id": f"buyer-{order_id}",
                    "buyer_name": "王小姐",
                    "phone": str(next(_phones)),
                    "amount": str(amount),
                    "placed_at": placed,
                    **common,
                    **extra,
                }
            )
        result = order_services.orders_upsert(actor=None, shop=shop, rows=rows)
        assert not result.errors, result.errors
        return {o.order_no: o for o in Order.objects.filter(shop=shop)}

    return _make


AMOUNT = Decimal
