"""/api/v1/sla through the URL stack: SLA state, policies (supervisors+), routing rules,
complaint stages, hand-offs, promises/tasks and notifications."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.tickets.sla_services import sla_check

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def urgent(time_machine, agent, make_ticket):
    time_machine.move_to(MONDAY_10, tick=False)
    return make_ticket(agent, priority="urgent", title="快递丢件了")


def test_ticket_sla_state(urgent, agent, api_as, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 23, 10, 50, tzinfo=SH), tick=False)
    sla_check()
    body = api_as(agent).get(f"/api/v1/sla/tickets/{urgent.pk}").json()
    clocks = {c["clock"]: c for c in body["clocks"]}
    assert clocks["first_response"]["target_seconds"] == 3600
    assert clocks["first_response"]["elapsed_seconds"] == 50 * 60
    assert clocks["first_response"]["remaining_seconds"] == 10 * 60
    assert clocks["first_response"]["warning"] is True
    # 14:00 in Shanghai, written in UTC like every time the API gives
    assert clocks["resolution"]["due_at"] == "2026-11-23T06:00:00Z"
    assert [(e["clock"], e["level"]) for e in body["events"]] == [("first_response", 0)]


def test_ticket_sla_outside_scope_is_404(urgent, wy_agent, api_as):
    assert api_as(wy_agent).get(f"/api/v1/sla/tickets/{urgent.pk}").status_code == 404


def test_policies_editable_by_supervisors_only(
    supervisor, agent, api_as, django_assert_max_num_queries
):
    sup = api_as(supervisor)
    # incl. the return and refund windows (RET-1, RET-2)
    assert sup.post("/api/v1/sla/policies/seed").json() == {"created": 9}
    created = sup.post(
        "/api/v1/sla/policies",
        {
            "name": "VIP",
            "customer_tier": "vip",
            "resolution_minutes": 120,
            "first_response_minutes": 15,
        },
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert (
        sup.patch(f"/api/v1/sla/policies/{pk}", {"warning_percent": 70}).json()["warning_percent"]
        == 70
    )
    bad = sup.patch(f"/api/v1/sla/policies/{pk}", {"priority": "asap"})
    assert bad.status_code == 400
    assert "priority" in bad.json()["error"]["fields"]
    refused = api_as(agent).post("/api/v1/sla/policies", {"name": "x", "resolution_minutes": 5})
    assert refused.status_code == 403
    reader = api_as(agent)
    with django_assert_max_num_queries(6):
        listed = reader.get("/api/v1/sla/policies", {"limit": 3}).json()
    assert len(listed["items"]) == 3 and listed["next"]


def test_routing_rules_and_strategy(org, supervisor, api_as):
    sup = api_as(supervisor)
    rule = sup.post(
        "/api/v1/sla/routing/rules",
        {"name": "物流", "keywords": "物流", "team": org.aftersales2.pk},
    )
    assert rule.status_code == 201
    assert sup.get("/api/v1/sla/routing/rules").json()["items"][0]["team"] == org.aftersales2.pk
    strategy = sup.post(
        f"/api/v1/sla/routing/teams/{org.aftersales1.pk}", {"strategy": "least_load"}
    )
    assert strategy.json() == {"team": org.aftersales1.pk, "strategy": "least_load"}
    assert (
        sup.post(
            f"/api/v1/sla/routing/teams/{org.wy_front.pk}", {"strategy": "least_load"}
        ).status_code
        == 404
    )


def test_complaint_stage_api_refuses_not_valid_without_explanation(urgent, agent, api_as):
    client = api_as(agent)
    url = f"/api/v1/sla/tickets/{urgent.pk}/complaint"
    assert client.get(url).json()["stage"] == "accepted"
    refused = client.post(url, {"stage": "clarified", "validity": "not_valid"})
    assert refused.status_code == 400
    assert "explanation" in refused.json()["error"]["fields"]
    out_of_order = client.post(url, {"stage": "follow_through"})
    assert out_of_order.json()["error"]["code"] == "invalid_transition"
    assert (
        client.post(url, {"stage": "clarified", "validity": "valid"}).json()["stage"] == "clarified"
    )


def test_promise_handoff_and_tasks(urgent, agent, supervisor, api_as):
    client = api_as(agent)
    promise = client.post(
        f"/api/v1/sla/tickets/{urgent.pk}/promises", {"title": "30分钟内回电", "minutes": 30}
    )
    assert promise.status_code == 201
    due = dt.datetime.fromisoformat(promise.json()["due_at"].replace("Z", "+00:00"))
    assert due == MONDAY_10 + dt.timedelta(minutes=30)
    unit = (
        api_as(supervisor).post("/api/v1/sla/units", {"name": "仓库", "kind": "department"}).json()
    )
    handoff = client.post(
        f"/api/v1/sla/tickets/{urgent.pk}/handoffs",
        {"unit": unit["id"], "due_at": "2026-11-24T12:00:00+08:00", "note": "补发"},
    ).json()
    task = client.post(f"/api/v1/sla/handoffs/{handoff['id']}/done", {"report": "已补发"})
    assert task.json()["kind"] == "recontact"
    mine = client.get("/api/v1/sla/tasks").json()["items"]
    assert [t["kind"] for t in mine] == ["promise", "recontact"]
    assert client.post(f"/api/v1/sla/tasks/{mine[0]['id']}/done").json()["done_at"]


def test_notifications_and_unread_count(urgent, agent, api_as):
    sla_check(now=dt.datetime(2026, 11, 23, 10, 50, tzinfo=SH))
    client = api_as(agent)
    body = client.get("/api/v1/sla/notifications").json()
    assert body["unread"] == 1
    assert urgent.number in body["items"][0]["text"]
    assert client.post("/api/v1/sla/notifications/read", {}).json() == {"marked": 1}
    assert client.get("/api/v1/sla/notifications").json()["unread"] == 0
