"""The demo's warehouse plan (PK-5): every order has a brand, the 618 event is the base of the
brand split, and the 双11 page shows non-zero figures recomputed from the rows."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.accounts.models import Team
from kefu.commerce import warehouse_selectors
from kefu.customers import services as customers
from kefu.customers.models import Order
from kefu.demo.commerce_rows import build_commerce_rows
from kefu.demo.commerce_warehouse_rows import build_commerce_warehouse_rows

pytestmark = pytest.mark.django_db


def test_demo_warehouse_plan_has_brands_a_base_event_and_pre_packs(org, web_as):
    for i in range(30):
        customers.customer_create(
            actor=None, business_line=org.shop, name=f"买家{i}", phone=f"1380000{i:04d}"
        )
    team = Team.objects.get(business_line=org.shop, name="催付组")
    make_user("cuifu", "agent", team=team)
    boss = make_user("boss", "manager", business_line=org.shop)
    now = timezone.now()
    build_commerce_rows([org.shop], now=now, seed=7)
    assert build_commerce_warehouse_rows([org.shop], now=now, seed=7) > 500
    assert not Order.objects.filter(shop__business_line=org.shop, brand="").exists()
    current = warehouse_selectors.peak_selectors.campaigns_for(user=boss).get(name="双11催付")
    plan = warehouse_selectors.plan_for(current)
    assert plan["previous"].name == "618大促" and plan["base_orders"] > 50
    assert plan["forecast_orders"] > plan["base_orders"]
    # the split adds up to the orders expected within the rounding of each brand
    assert abs(plan["expected"] - plan["forecast_orders"]) <= len(plan["brands"])
    assert all(b.expected and b.actual for b in plan["brands"])
    assert 0 < plan["prepack_packed"] < plan["prepack_planned"] and len(plan["couriers"]) == 6
    page = web_as(boss).get(f"/commerce/double11/warehouse/?campaign={current.pk}")
    assert page.status_code == 200 and "雅诗兰黛" in page.content.decode()
