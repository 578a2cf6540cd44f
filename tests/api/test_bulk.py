"""``POST /api/v1/tickets/bulk``: up to 100 tickets, each through the ticket rules as a PATCH
would be, with one result per item; more than 100 is a 400 that changes nothing."""

from __future__ import annotations

import pytest

from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

URL = "/api/v1/tickets/bulk"


@pytest.fixture
def tickets(org, agent):
    customer = customer_create(actor=None, business_line=org.shop, name="陈三", phone="13577776666")
    return [
        ticket_create(
            actor=agent, title=f"批量{i}", type="consult", channel="im", customer=customer
        )
        for i in range(3)
    ]


def test_each_item_is_applied_with_its_own_result(api_as, lead, tickets, wy_agent, org):
    first, second, third = tickets
    items = [
        {"id": first.pk, "version": first.version, "status": "in_progress", "priority": "high"},
        {"id": second.pk, "version": second.version + 5, "priority": "urgent"},  # stale
        {"id": third.pk, "status": "closed"},  # new → closed is not a move the workflow allows
        {"id": 999_999, "priority": "low"},
    ]

    answer = api_as(lead).post(URL, {"items": items})

    assert answer.status_code == 200, answer.content
    results = answer.json()["items"]
    assert [r["id"] for r in results] == [first.pk, second.pk, third.pk, 999_999]
    ok, stale, refused, missing = results
    assert ok["ok"] is True and ok["status_code"] == 200 and ok.get("error") is None
    assert ok["ticket"]["status"] == "in_progress" and ok["ticket"]["priority"] == "high"
    assert ok["ticket"]["version"] == first.version + 1
    assert (stale["ok"], stale["status_code"], stale["error"]["code"]) == (False, 409, "stale")
    assert refused["ok"] is False and refused["status_code"] == 400
    assert refused["error"]["message"]
    assert (missing["status_code"], missing["error"]["code"]) == (404, "not_found")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.priority == "normal" and third.status == "new"


def test_assignee_and_team_go_through_the_same_rules_as_a_patch(api_as, lead, tickets, org, agent):
    first, second, _third = tickets

    answer = api_as(lead).post(
        URL,
        {
            "items": [
                {"id": first.pk, "assignee": agent.pk},
                {"id": second.pk, "team": org.wy_front.pk},  # another business line's team
            ]
        },
    )

    assigned, moved = answer.json()["items"]
    assert assigned["ok"] and assigned["ticket"]["assignee"] == agent.pk
    assert moved["ok"] is False and moved["status_code"] == 400
    assert "team" in moved["error"]["fields"]


def test_tickets_outside_the_scope_are_not_found(api_as, wy_agent, tickets):
    answer = api_as(wy_agent).post(URL, {"items": [{"id": tickets[0].pk, "priority": "low"}]})

    (result,) = answer.json()["items"]
    assert (result["ok"], result["status_code"]) == (False, 404)
    tickets[0].refresh_from_db()
    assert tickets[0].priority == "normal"


def test_more_than_100_items_is_a_400_and_nothing_changes(api_as, lead, tickets):
    items = [{"id": tickets[0].pk, "priority": "low"}] + [
        {"id": 10_000 + i, "priority": "low"} for i in range(100)
    ]

    answer = api_as(lead).post(URL, {"items": items})

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    assert "items" in answer.json()["error"]["fields"]
    tickets[0].refresh_from_db()
    assert tickets[0].priority == "normal"


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"items": [{"id": 1, "priority": "low"}, {"id": 1, "priority": "high"}]},
    ],
)
def test_an_empty_or_repeated_selection_is_a_400(api_as, lead, tickets, body):
    answer = api_as(lead).post(URL, body)

    assert answer.status_code == 400
    assert not Ticket.objects.filter(priority__in=["low", "high"]).exists()


def test_a_field_a_bulk_update_does_not_take_is_a_422(api_as, lead, tickets):
    answer = api_as(lead).post(URL, {"items": [{"id": tickets[0].pk, "title": "改标题"}]})

    assert answer.status_code == 422


def test_a_read_token_may_not_bulk_update(agent, tickets, capsys):
    from django.test import Client

    from kefu.cli import main

    main(["token", "agent", "--scope", "read"])
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        URL, {"items": [{"id": tickets[0].pk, "priority": "low"}]}, content_type="application/json"
    )

    assert answer.status_code == 403


def test_ten_tickets_at_once(api_as, lead, org, agent):
    customer = customer_create(actor=None, business_line=org.shop, name="量", phone="13566665555")
    made = [
        ticket_create(actor=agent, title=f"量{i}", type="consult", channel="im", customer=customer)
        for i in range(10)
    ]
    api = api_as(lead)
    api.get("/api/v1/tickets")  # the token's first use writes last_used_at

    answer = api.post(URL, {"items": [{"id": t.pk, "priority": "high"} for t in made]})

    assert all(r["ok"] for r in answer.json()["items"])
    assert Ticket.objects.filter(priority="high").count() == 10
