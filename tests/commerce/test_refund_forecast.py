"""STF-3, the refund workload forecast: a sales forecast times the refund rates of a reference
cohort (orders paid in a period and their refunds), split by the stage of the order when the
refund was asked for — 未发货 / 已发货 / 已收货 — recomputed from the rows, on the API, the CLI
and the Double 11 page; another line's rows never count."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from testkit import make_user

from kefu.commerce import refund_forecast
from kefu.commerce.models import Refund
from kefu.commerce.services import reminders, returns
from kefu.customers.models import Order

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/commerce"


def test_stf3_the_stage_is_the_orders_when_the_refund_was_asked_for_to_the_second():
    asked = at("2026-11-12 10:00:00")
    assert refund_forecast.stage(asked, None, None) == "unshipped"
    assert refund_forecast.stage(asked, at("2026-11-12 10:00:01"), None) == "unshipped"
    assert refund_forecast.stage(asked, at("2026-11-12 10:00:00"), None) == "shipped"
    assert refund_forecast.stage(asked, asked, at("2026-11-12 10:00:01")) == "shipped"
    assert refund_forecast.stage(asked, asked, asked) == "received"


def test_stf3_expected_refunds_per_stage_are_the_forecast_times_the_rates():
    f = refund_forecast.forecast(
        orders=10_000, base_orders=800, base_refunds={"unshipped": 20, "shipped": 6, "received": 9}
    )
    by = {s.stage: s for s in f.stages}
    assert by["unshipped"].rate == Decimal("2.50") and by["unshipped"].expected == 250
    assert by["shipped"].rate == Decimal("0.75") and by["shipped"].expected == 75
    assert by["received"].expected == 113  # 112.5 rounds half up
    assert f.base_refunds == 35 and f.expected == 438 and f.rate == Decimal("4.38")
    empty = refund_forecast.forecast(orders=10_000, base_orders=0, base_refunds={})
    assert empty.expected is None and {s.rate for s in empty.stages} == {None}
    with pytest.raises(ValueError):
        refund_forecast.forecast(orders=-1, base_orders=1, base_refunds={})


@pytest.fixture
def cohort(org, make_orders, agent):
    """Ten orders paid on 11 November; four refunds asked at each stage's edge, one of an order
    paid after the period (not in the cohort)."""
    paid = "2026-11-11 10:00:00"
    specs = [(f"F{i}", "2026-11-11 09:00:00", 100, {"paid_at": paid}) for i in range(10)]
    specs[1][3].update(shipped_at="2026-11-12 10:00:00")
    specs[2][3].update(shipped_at="2026-11-12 10:00:00", delivered_at="2026-11-14 10:00:00")
    specs[3][3].update(shipped_at="2026-11-12 10:00:00", delivered_at="2026-11-14 10:00:00")
    specs.append(("LATE", "2026-11-25 09:00:00", 100, {"paid_at": "2026-11-25 10:00:00"}))
    orders = make_orders(specs)
    asked = {
        "F0": "2026-11-11 12:00:00",  # not shipped yet
        "F1": "2026-11-12 09:59:59",  # a second before dispatch: still 未发货
        "F2": "2026-11-13 10:00:00",  # on its way: 已发货
        "F3": "2026-11-14 10:00:00",  # the moment of delivery: 已收货
        "LATE": "2026-11-25 12:00:00",
    }
    for no, when in asked.items():
        refund = returns.refund_create(actor=agent, order=orders[no], amount="50")
        Refund.objects.filter(pk=refund.pk).update(created_at=at(when))
    return orders


def _recomputed(start, end) -> dict:
    """The stages counted again from the rows with the pure rule."""
    counts = dict.fromkeys(refund_forecast.STAGES, 0)
    for r in Refund.objects.select_related("order"):
        if start <= r.order.paid_at < end:
            o = r.order
            counts[refund_forecast.stage(r.created_at, o.shipped_at, o.delivered_at)] += 1
    return counts


def test_stf3_the_api_forecast_is_recomputed_from_the_rows_and_scoped(org, agent, api_as, cohort):
    api = api_as(agent)
    query = {"orders": 5000, "start": "2026-11-11", "end": "2026-11-20"}
    body = api.get(f"{BASE}/refunds/forecast", query).json()
    assert _recomputed(at("2026-11-11 00:00"), at("2026-11-21 00:00")) == {
        "unshipped": 2,
        "shipped": 1,
        "received": 1,
    }
    assert body["base_orders"] == 10 and body["base_refunds"] == 4
    assert [(s["stage"], s["base_refunds"], s["rate"], s["expected"]) for s in body["stages"]] == [
        ("unshipped", 2, "20.00", 1000),
        ("shipped", 1, "10.00", 500),
        ("received", 1, "10.00", 500),
    ]
    assert body["expected"] == 2000 and body["rate"] == "40.00"
    for bad in ({"orders": -1}, {"orders": 10**9}, {"orders": "many"}, {}):
        assert api.get(f"{BASE}/refunds/forecast", bad).status_code in (400, 422), bad
    too_long = api.get(f"{BASE}/refunds/forecast", {"orders": 1, "start": "2025-01-01"})
    assert too_long.status_code == 400
    stranger = api_as(make_user("wy-fc", "agent", team=org.wy_front))
    assert stranger.get(f"{BASE}/refunds/forecast", query).status_code == 403


def test_stf3_cli_prints_the_forecast_and_refuses_bad_input(agent, cohort, capsys):
    from kefu.cli import main

    argv = ["returns", "forecast", "--user", agent.username, "--orders", "100"]
    assert main([*argv, "--from", "2026-11-11", "--to", "2026-11-11", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["base_orders"] == 10 and body["expected"] == 40
    for bad in (
        ["returns", "forecast", "--user", agent.username, "--orders", "-5"],
        ["returns", "forecast", "--user", "nobody", "--orders", "5"],
        [*argv, "--from", "2026-11-31"],
    ):
        assert main(bad) == 2, bad
        out, err = capsys.readouterr()
        assert out == "" and err.strip()


def test_stf3_the_double11_page_shows_the_events_rates_and_the_forecast(
    org, cohort, web_as, manager
):
    campaign = reminders.campaign_create(
        actor=None,
        business_line=org.shop,
        name="双11",
        starts_at=at("2026-11-10 00:00"),
        ends_at=at("2026-11-20 00:00"),
        team=org.presale,
    )
    assert (
        Order.objects.filter(paid_at__gte=campaign.starts_at, paid_at__lt=campaign.ends_at).count()
        == 10
    )
    url = f"/commerce/double11/?campaign={campaign.pk}&forecast_orders=2,000"
    for lang, words in (("zh-hans", "退款工作量预测"), ("en", "Refund workload forecast")):
        html = web_as(manager).get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert words in html and 'id="forecast-expected">800<' in html  # 4 of 10 × 2,000
    bad = web_as(manager).get(f"/commerce/double11/?campaign={campaign.pk}&forecast_orders=-3")
    assert bad.status_code == 200 and 'id="forecast-error"' in bad.content.decode()
    assert 'id="forecast-expected">—<' in bad.content.decode()
