"""/api/v1/commerce: upsert by (shop, order id), row errors → 400 loading nothing, the phone list
and its outcome, the order card, scope (another line's shop is not found)."""

from __future__ import annotations

import pytest
from testkit import make_user

from kefu.commerce.services import reminders

from .conftest import at

pytestmark = pytest.mark.django_db


def test_orders_api_upsert_is_idempotent_and_row_errors_load_nothing(api_as, lead, shop, wy_agent):
    api = api_as(lead)
    rows = [
        {
            "order_id": "X1",
            "phone": "13911110000",
            "buyer_name": "赵",
            "amount": "66",
            "placed_at": "2026-11-11T10:00:00+08:00",
        }
    ]
    first = api.post(f"/api/v1/commerce/shops/{shop.pk}/orders", {"rows": rows})
    assert first.status_code == 200 and first.json()["created"] == 1
    again = api.post(f"/api/v1/commerce/shops/{shop.pk}/orders", {"rows": rows})
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 1
    bad = api.post(
        f"/api/v1/commerce/shops/{shop.pk}/orders",
        {"rows": [*rows, {"order_id": "X2", "amount": "x", "placed_at": ""}]},
    )
    assert bad.status_code == 400 and "row 3" in bad.json()["error"]["fields"]
    other = api_as(wy_agent).post(f"/api/v1/commerce/shops/{shop.pk}/orders", {"rows": rows})
    assert other.status_code == 403
    listed = api.get("/api/v1/commerce/orders").json()["items"]
    assert [o["order_id"] for o in listed] == ["X1"]
    card = api.get(f"/api/v1/commerce/customers/{listed[0]['customer']}/orders").json()
    assert card["items"][0]["status"] == "placed"


def test_phone_list_api_and_one_click_outcome(api_as, org, make_orders):
    caller = make_user("caller", "agent", team=org.presale)
    reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-12 00:00"),
        team=org.presale,
    )
    make_orders([("Y1", "2026-11-11 09:00:00", 10), ("Y2", "2026-11-11 09:00:00", 900)])
    reminders.plan_due(at=at("2026-11-11 12:00:00"))
    api = api_as(caller)
    items = api.get("/api/v1/commerce/reminders/phone").json()["items"]
    assert [i["order_id"] for i in items] == ["Y2", "Y1"]
    done = api.post(f"/api/v1/commerce/reminders/{items[0]['id']}/outcome", {"outcome": "promised"})
    assert done.status_code == 200 and done.json()["status"] == "called"
    twice = api.post(
        f"/api/v1/commerce/reminders/{items[0]['id']}/outcome", {"outcome": "promised"}
    )
    assert twice.status_code == 409
    wrong = api.post(f"/api/v1/commerce/reminders/{items[1]['id']}/outcome", {"outcome": "maybe"})
    assert wrong.status_code in (400, 422)
    results = api.get(
        "/api/v1/commerce/reminders/results", {"start": "2026-11-01", "end": "2026-11-30"}
    )
    assert results.status_code == 200
    assert api.get("/api/v1/commerce/reminders/results", {"start": "11/11"}).status_code == 400
