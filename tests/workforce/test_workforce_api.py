"""Workforce API (issue 6, "pages and API for all of it"): shapes, scope, 409 on stale pins,
the Erlang endpoints with the CLI's JSON keys, and bounded queries on lists."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.workforce.services import peak_plan_from_template

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workforce"
MONDAY = dt.date(2025, 11, 3)


def _need(days=2):
    return [[1 if 18 <= i < 36 else 0 for i in range(48)] for _ in range(days)]


@pytest.fixture
def rostered(agent, agent_b, profile, shifts):
    profile(agent, "aftersales", cost=30)
    profile(agent_b, "aftersales", cost=40)


def test_erlang_c_endpoint_mirrors_the_cli_json(api_as, agent):
    resp = api_as(agent).post(
        f"{BASE}/staffing/erlang-c",
        {
            "arrivals": 100,
            "interval_seconds": 1800,
            "aht": 180,
            "target_answer": 20,
            "service_level": "0.8",
            "shrinkage": "0.3",
        },
    )
    data = resp.json()
    assert resp.status_code == 200
    assert (data["raw_agents"], data["agents"], data["traffic_erlangs"]) == (14, 20, 10.0)
    assert {"service_level", "asa_seconds", "occupancy", "probability_wait"} <= set(data)


def test_erlang_a_endpoint_has_abandon_rate_and_refuses_100_percent(api_as, agent):
    client = api_as(agent)
    body = {
        "arrivals": 100,
        "interval_seconds": 1800,
        "aht": 180,
        "target_answer": 20,
        "service_level": "0.8",
        "patience": 120,
    }
    data = client.post(f"{BASE}/staffing/erlang-a", body).json()
    assert "abandon_rate" in data and data["raw_agents"] > 0
    resp = client.post(f"{BASE}/staffing/erlang-c", {**body, "service_level": 1})
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "invalid"


def test_roster_run_api_round_trip_with_pin_and_409(
    api_as, manager, agent, agent_b, rostered, django_capture_on_commit_callbacks
):
    client = api_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            f"{BASE}/roster-runs",
            {
                "start_date": MONDAY.isoformat(),
                "days": 2,
                "requirement": {"aftersales": _need()},
                "time_limit_seconds": 10,
            },
        )
    assert resp.status_code == 201
    run_id = resp.json()["id"]
    roster = client.get(f"{BASE}/roster-runs/{run_id}").json()
    assert roster["status"] == "done"
    assert {a["shift"] for a in roster["assignments"]} == {"D"}
    assert roster["gaps"] == []
    # when the manager pins agent_b to the early shift on Monday
    resp = client.patch(
        f"{BASE}/roster-runs/{run_id}/assignments/{agent_b.pk}/{MONDAY.isoformat()}",
        {"shift": "E", "group": "aftersales", "version": roster["version"]},
    )
    assert resp.status_code == 200
    pinned = [a for a in resp.json()["assignments"] if a["pinned"]]
    assert pinned == [
        {
            "user": agent_b.pk,
            "date": MONDAY.isoformat(),
            "shift": "E",
            "shift_label": "07:00–14:00",
            "group": "aftersales",
            "pinned": True,
        }
    ]
    # then a second edit with the old version is refused
    resp = client.patch(
        f"{BASE}/roster-runs/{run_id}/assignments/{agent.pk}/{MONDAY.isoformat()}",
        {"shift": "L", "group": "aftersales", "version": roster["version"]},
    )
    assert resp.status_code == 409


def test_agent_gets_own_schedule_and_404_for_another(
    api_as, manager, agent, agent_b, rostered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_as(manager).post(
            f"{BASE}/roster-runs",
            {
                "start_date": MONDAY.isoformat(),
                "days": 2,
                "requirement": {"aftersales": _need()},
                "time_limit_seconds": 10,
            },
        )
    client = api_as(agent)
    data = client.get(f"{BASE}/schedule", {"start": MONDAY.isoformat()}).json()
    assert data["user"] == agent.pk
    assert [a["shift"] for a in data["items"]] == ["D", "D"]
    assert client.get(f"{BASE}/schedule", {"user": agent_b.pk}).status_code == 404
    assert client.get(f"{BASE}/roster-runs").json() == {"items": [], "next": None}


def test_agents_cannot_create_roster_runs(api_as, agent):
    resp = api_as(agent).post(
        f"{BASE}/roster-runs", {"start_date": MONDAY.isoformat(), "requirement": {}}
    )
    assert resp.status_code == 403


def test_forecast_api_create_get_and_requirement(api_as, manager, agent2, groups, ticket_at):
    for d in range(14):
        day = dt.date(2025, 3, 3) + dt.timedelta(days=d)
        ticket_at(agent2, dt.datetime.combine(day, dt.time(10, 0)))
    client = api_as(manager)
    resp = client.post(
        f"{BASE}/forecasts",
        {"group": groups["presale"].pk, "start_date": "2025-03-17", "days": 7, "weeks": 2},
    )
    assert resp.status_code == 201, resp.content
    f = resp.json()
    assert len(f["volumes"]) == 7 * 48 and len(f["required"]) == 7 * 48
    assert f["wape"] == pytest.approx(0, abs=1e-9)
    assert client.get(f"{BASE}/forecasts/{f['id']}").json()["id"] == f["id"]
    req = client.get(f"{BASE}/requirement", {"start_date": "2025-03-17", "days": 2}).json()
    assert req["groups"]["presale"][0][20] == f["required"][20]
    assert req["groups"]["refund"][0] == [0] * 48


def test_forecast_of_another_line_is_404(api_as, manager, wy_agent, groups, agent2, ticket_at):
    from kefu.accounts.services import user_create

    for d in range(14):
        ticket_at(
            agent2, dt.datetime.combine(dt.date(2025, 3, 3) + dt.timedelta(days=d), dt.time(10))
        )
    f = (
        api_as(manager)
        .post(
            f"{BASE}/forecasts",
            {"group": groups["presale"].pk, "start_date": "2025-03-17", "weeks": 2},
        )
        .json()
    )
    other = user_create(
        username="wy_manager",
        password="x-Pass-2026!",
        role="manager",
        business_line=wy_agent.business_line,
    )
    assert api_as(other).get(f"{BASE}/forecasts/{f['id']}").status_code == 404


def test_peak_plan_api_and_list_query_count(api_as, manager, django_assert_max_num_queries):
    client = api_as(manager)
    resp = client.post(f"{BASE}/peak-plans", {"year": 2026})
    assert resp.status_code == 201
    plan = resp.json()
    assert plan["group_sizes"]["during"] == {"售前": 10, "催付": 2, "售后": 2}
    assert len(plan["checklist"]) >= 7
    for year in (2024, 2025):
        peak_plan_from_template(actor=manager, year=year)
    with django_assert_max_num_queries(6):
        page = client.get(f"{BASE}/peak-plans", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"]
    rows = client.get(f"{BASE}/peak-plans/{plan['id']}/intraday", {"date": "2026-11-10"}).json()
    assert len(rows) == 24 and set(rows[0]) == {
        "hour",
        "planned_agents",
        "forecast_volume",
        "tickets",
        "active_agents",
    }


def test_roster_list_query_count(
    api_as, manager, rostered, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = api_as(manager)
    for k in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"{BASE}/roster-runs",
                {
                    "start_date": (MONDAY + dt.timedelta(days=7 * k)).isoformat(),
                    "days": 1,
                    "requirement": {"aftersales": _need(1)},
                    "time_limit_seconds": 5,
                },
            )
    with django_assert_max_num_queries(6):
        data = client.get(f"{BASE}/roster-runs").json()
    assert len(data["items"]) == 3
