"""/api/v1/followups: scope, outcomes, 回访率, registers and their .xlsx exports."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from kefu.followups.models import CallbackTask

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/followups"


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


@pytest.fixture
def callbacks(agent, agent_b, agent2, make_ticket, resolve, monday):
    """One resolved consult each for agent, agent_b (same team) and agent2 (售前组)."""
    return {
        user.username: CallbackTask.objects.get(
            ticket=resolve(make_ticket(user, type="consult"), user)
        )
        for user in (agent, agent_b, agent2)
    }


def test_agent_sees_own_and_team_callbacks_only(api_as, agent, callbacks):
    # when
    response = api_as(agent).get(f"{URL}/callbacks")
    # then
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["items"]}
    assert ids == {callbacks["agent"].pk, callbacks["agent_b"].pk}


def test_other_teams_callback_is_not_found(api_as, agent, callbacks):
    other = callbacks["agent2"]
    assert api_as(agent).get(f"{URL}/callbacks/{other.pk}").status_code == 404
    response = api_as(agent).post(
        f"{URL}/callbacks/{other.pk}/outcome", {"version": other.version, "outcome": "satisfied"}
    )
    assert response.status_code == 404


def test_callback_list_masks_phones_and_runs_bounded_queries(
    api_as, agent, callbacks, django_assert_max_num_queries
):
    client = api_as(agent)
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}/callbacks", {"status": "open", "limit": 1})
    body = response.json()
    assert len(body["items"]) == 1
    assert "****" in body["items"][0]["phone"]
    second = client.get(f"{URL}/callbacks", {"status": "open", "limit": 1, "cursor": body["next"]})
    assert second.json()["items"][0]["id"] != body["items"][0]["id"]


def test_bad_filter_is_a_400_naming_the_field(api_as, agent, callbacks):
    response = api_as(agent).get(f"{URL}/callbacks", {"status": "later"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_outcome_through_the_api_with_stale_version_is_409(api_as, agent, callbacks):
    task = callbacks["agent"]
    client = api_as(agent)
    ok = client.post(
        f"{URL}/callbacks/{task.pk}/outcome",
        {"version": task.version, "outcome": "unreachable", "duration_seconds": 20},
    )
    assert ok.status_code == 200
    assert ok.json()["outcome"] == "unreachable"
    again = client.post(
        f"{URL}/callbacks/{task.pk}/outcome", {"version": task.version, "outcome": "satisfied"}
    )
    assert again.status_code == 409


def test_callback_rate_is_completed_over_due_per_agent_and_team(
    api_as, agent, supervisor, callbacks, outcome
):
    """§9.12: 回访率 = completed ÷ due, counting callbacks (not dials) due in the month."""
    # given: agent's first callback reached on the second attempt (which schedules the second
    # callback, due 16 November), agent_b's not yet
    outcome(callbacks["agent"], agent, "unreachable")
    outcome(CallbackTask.objects.get(previous=callbacks["agent"]), agent, "satisfied")
    # when
    response = api_as(supervisor).get(f"{URL}/rates", {"period": "2026-11"})
    # then
    body = response.json()
    agents = {row["name"]: (row["due"], row["completed"], row["rate"]) for row in body["agents"]}
    assert agents["agent"] == (2, 1, 50.0)
    assert agents["agent_b"] == (1, 0, 0.0)
    teams = {row["name"]: row["rate"] for row in body["teams"]}
    assert teams["售后一组"] == 33.3
    assert teams["售前组"] == 0.0  # the same department (客服部)
    assert (body["total"]["due"], body["total"]["completed"], body["total"]["rate"]) == (4, 1, 25.0)
    assert api_as(supervisor).get(f"{URL}/rates", {"period": "11/2026"}).status_code == 400


def test_register_a_call_and_a_letter(api_as, agent, make_customer, monday):
    customer = make_customer()
    client = api_as(agent)
    call = client.post(
        f"{URL}/calls",
        {"customer": customer.pk, "direction": "in", "result": "answered", "duration_seconds": 95},
    )
    assert call.status_code == 201
    letter = client.post(
        f"{URL}/letters",
        {
            "customer": customer.pk,
            "kind": "invitation",
            "channel": "post",
            "tracking_number": "SF1",
        },
    )
    assert letter.status_code == 201
    assert [row["id"] for row in client.get(f"{URL}/calls").json()["items"]] == [call.json()["id"]]
    assert client.get(f"{URL}/letters").json()["items"][0]["tracking_number"] == "SF1"
    bad = client.post(f"{URL}/calls", {"customer": customer.pk, "direction": "up", "result": "x"})
    assert bad.status_code in (400, 422)


def test_registers_export_masks_phones_and_neutralises_formulas(
    api_as, agent, make_customer, monday
):
    # given
    customer = make_customer(name="=HYPERLINK(1)", phone="13812345678")
    api_as(agent).post(
        f"{URL}/calls",
        {"customer": customer.pk, "direction": "out", "result": "answered", "notes": "+1 回访"},
    )
    # when
    response = api_as(agent).get(f"{URL}/calls.xlsx")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [cell.value for cell in sheet[3]]
    assert row[2] == "'=HYPERLINK(1)"
    assert row[3] == "138****5678"
    assert row[9] == "'+1 回访"
    letters = api_as(agent).get(f"{URL}/letters.xlsx")
    assert letters.status_code == 200


def test_supervisor_marks_severe_through_the_api_and_agent_gets_403(
    api_as, agent, supervisor, make_ticket
):
    ticket = make_ticket(agent)
    denied = api_as(agent).post(f"{URL}/complaints/{ticket.pk}/severe", {"reason": "严重"})
    assert denied.status_code == 403
    ok = api_as(supervisor).post(f"{URL}/complaints/{ticket.pk}/severe", {"reason": "严重"})
    assert ok.json()["grade"] == "malignant"
    listed = api_as(supervisor).get(f"{URL}/complaints", {"grade": "malignant"}).json()
    assert [row["ticket"] for row in listed] == [ticket.pk]
