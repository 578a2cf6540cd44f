"""SLA, routing, complaint and task pages (issue 4 §4) through the URL stack."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.tickets import complaints
from kefu.tickets.models_sla import ComplaintCase, RoutingRule, SlaPolicy, Task
from kefu.tickets.sla_services import sla_check

# until kefu/urls.py includes the SLA pages, this module serves them at the same path
SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def urgent(time_machine, agent, make_ticket):
    time_machine.move_to(MONDAY_10, tick=False)
    return make_ticket(agent, priority="urgent", title="快递丢件了")


def test_ticket_page_shows_the_sla_and_complaint_panels(urgent, agent, web_as):
    page = web_as(agent).get(f"/tickets/{urgent.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sla-panel"' in html and 'id="complaint-panel"' in html
    assert "Complaint · Urgent" in html  # the default policy, named by its conditions


def test_stage_form_refuses_not_valid_without_explanation(urgent, agent, web_as):
    client = web_as(agent)
    client.post(f"/sla/tickets/{urgent.pk}/stage/", {"stage": "clarified", "validity": "not_valid"})
    assert not ComplaintCase.objects.filter(ticket=urgent, stage="clarified").exists()
    client.post(f"/sla/tickets/{urgent.pk}/stage/", {"stage": "clarified", "validity": "valid"})
    assert ComplaintCase.objects.get(ticket=urgent).stage == "clarified"


def test_promise_form_makes_a_task_due_in_30_minutes(urgent, agent, web_as):
    response = web_as(agent).post(
        f"/sla/tickets/{urgent.pk}/promise/", {"title": "回电", "minutes": "30"}
    )
    assert response.status_code == 302
    assert Task.objects.get(ticket=urgent).due_at == MONDAY_10 + dt.timedelta(minutes=30)
    tasks = web_as(agent).get("/sla/tasks/")
    assert "回电" in tasks.content.decode()


def test_policy_and_routing_pages_edit_for_supervisors_only(org, agent, supervisor, web_as, client):
    web_as(agent)
    client.post("/sla/policies/new/", {"name": "x", "resolution_minutes": "60"})
    assert not SlaPolicy.objects.exists()
    client.force_login(supervisor)
    client.post(
        "/sla/policies/new/",
        {"name": "VIP", "customer_tier": "vip", "resolution_minutes": "120", "business_time": "on"},
    )
    assert SlaPolicy.objects.get().resolution_minutes == 120
    assert "VIP" in client.get("/sla/policies/").content.decode()
    client.post(
        "/sla/routing/rules/new/", {"name": "物流", "keywords": "物流", "team": org.aftersales2.pk}
    )
    assert RoutingRule.objects.get().team_id == org.aftersales2.pk
    assert "物流" in client.get("/sla/routing/").content.decode()


def test_notification_page_lists_the_warning(urgent, agent, web_as):
    sla_check(now=MONDAY_10 + dt.timedelta(minutes=50))
    page = web_as(agent).get("/sla/notifications/")
    assert urgent.number in page.content.decode()


def test_units_page(org, supervisor, web_as):
    client = web_as(supervisor)
    client.post("/sla/units/new/", {"name": "一号站", "kind": "station"})
    assert "一号站" in client.get("/sla/units/").content.decode()
    assert complaints.STAGES[0] == "accepted"
