"""/api/v1/tickets through the real URL stack (Kefu foundation: REST API)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.models import AuditEvent
from kefu.tickets.models import Ticket

URL = "/api/v1/tickets"


def _create_body(customer_obj, **extra):
    return {
        "title": "快递一直没有到",
        "description": "下单五天了",
        "type": "complaint",
        "channel": "phone",
        "priority": "high",
        "customer": customer_obj.pk,
        **extra,
    }


def test_post_ticket_returns_201_with_the_ticket(api_as, agent, make_customer):
    # given
    customer = make_customer()
    # when
    response = api_as(agent).post(URL, _create_body(customer))
    # then
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["number"] == ticket.number
    assert body["status"] == "new"
    assert body["status_label"] == "New"
    assert body["type"] == "complaint"
    assert body["type_label"] == "Complaint"
    assert body["channel"] == "phone"
    assert body["priority"] == "high"
    assert body["team"] == agent.team_id
    assert body["assignee"] == agent.pk
    assert body["first_owner"] == agent.pk
    assert body["customer"] == customer.pk
    assert body["category"] is None
    assert body["version"] == 1
    assert body["reopen_count"] == 0
    for key in ("created_at", "updated_at", "due_at", "resolved_at", "closed_at", "description"):
        assert key in body


def test_get_ticket_answers_what_intake_answered_in_three_queries(
    api_as, agent, make_customer, django_assert_max_num_queries
):
    # given a ticket taken through the API
    api = api_as(agent)
    created = api.post(URL, _create_body(make_customer())).json()
    api.get(URL)  # the token's last-used stamp is written once a minute
    # when it is read back: the token, its user and the ticket with its names
    with django_assert_max_num_queries(3):
        response = api.get(f"{URL}/{created['id']}")
    # then every field is the same, the names of its team, customer and people included
    assert response.status_code == 200
    assert response.json() == created
    assert created["customer_name"] and created["team_name"]
    assert created["assignee_name"] == created["first_owner_name"] == agent.name


def test_post_ticket_with_caller_phone_creates_the_customer(api_as, agent, org):
    body = {
        "title": "查询物流",
        "type": "consult",
        "channel": "im",
        "customer_phone": "13700001234",
        "customer_name": "赵六",
        "team": org.presale.pk,
    }
    response = api_as(agent).post(URL, body)
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.customer.phone == "13700001234"
    assert ticket.team == org.presale
    assert ticket.priority == "normal"


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "question"}, "type"),
        ({"type": "repair"}, "type"),  # not enabled for the shop
        ({"channel": "fax"}, "channel"),
        ({"priority": "asap"}, "priority"),
        ({"title": ""}, "title"),
        ({"title": 12}, "title"),
        ({"customer": 999999}, "customer"),
        ({"customer": "abc"}, "customer"),
        ({"customer": 10**30}, "customer"),
        ({"customer": None}, "customer"),
        ({"team": 999999}, "team"),
        ({"category": 999999}, "category"),
        ({"assignee": 999999}, "assignee"),
    ],
)
def test_post_ticket_bad_field_gets_4xx_naming_it(api_as, agent, make_customer, change, field):
    # when
    response = api_as(agent).post(URL, _create_body(make_customer(), **change))
    # then
    assert response.status_code in (400, 422)
    assert field in _error(response, response.status_code)["fields"]
    assert Ticket.objects.count() == 0


def test_post_ticket_customer_outside_scope_is_refused(api_as, agent, org, make_customer):
    other = make_customer(org.property)
    error = _error(api_as(agent).post(URL, _create_body(other)), 400)
    assert "customer" in error["fields"]
    assert Ticket.objects.count() == 0


def test_malformed_json_gets_4xx(api_as, agent):
    client = api_as(agent).client
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    _error(response, response.status_code)
    for raw in ("[1, 2]", "null", '"text"', ""):
        response = client.post(URL, raw, content_type="application/json")
        assert response.status_code in (400, 422)
        _error(response, response.status_code)
    response = client.patch(f"{URL}/1", "{oops", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_get_ticket_and_guessed_id_of_another_team(api_as, agent, agent2, make_ticket):
    # given a ticket of 售前组
    other = make_ticket(agent2)
    # then
    assert api_as(agent2).get(f"{URL}/{other.pk}").json()["number"] == other.number
    error = _error(api_as(agent).get(f"{URL}/{other.pk}"), 404)
    assert error["code"] == "not_found"
    response = api_as(agent).patch(f"{URL}/{other.pk}", {"version": 1, "title": "改掉"})
    _error(response, 404)
    _error(api_as(agent).post(f"{URL}/{other.pk}/notes", {"body": "偷看"}), 404)
    _error(api_as(agent).get(f"{URL}/{other.pk}/timeline"), 404)
    other.refresh_from_db()
    assert other.title != "改掉"


@pytest.mark.parametrize("role_fixture", ["supervisor", "manager", "admin_user"])
def test_higher_roles_see_another_teams_ticket(request, api_as, agent2, make_ticket, role_fixture):
    # 售前组 is in the supervisor's department (客服部) and the manager's business line
    other = make_ticket(agent2)
    user = request.getfixturevalue(role_fixture)
    response = api_as(user).get(f"{URL}/{other.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == other.pk


def test_lead_sees_the_team_not_other_teams(api_as, lead, agent, agent2, make_ticket):
    mine = make_ticket(agent)
    other = make_ticket(agent2)
    assert api_as(lead).get(f"{URL}/{mine.pk}").status_code == 200
    assert api_as(lead).get(f"{URL}/{other.pk}").status_code == 404


def test_property_agent_cannot_see_the_shop(api_as, wy_agent, agent, make_ticket):
    ticket = make_ticket(agent)
    assert api_as(wy_agent).get(f"{URL}/{ticket.pk}").status_code == 404
    items = api_as(wy_agent).get(URL).json()["items"]
    assert items == []


def test_unknown_and_non_numeric_ids_are_404(api_as, agent):
    _error(api_as(agent).get(f"{URL}/999999"), 404)
    response = api_as(agent).get(f"{URL}/abc")
    _error(response, response.status_code)
    assert response.status_code in (404, 422)
    response = api_as(agent).get(f"{URL}/{10**30}")
    _error(response, response.status_code)
    assert response.status_code in (404, 422)


def test_patch_changes_fields_and_bumps_version(api_as, agent, agent_b, make_ticket):
    ticket = make_ticket(agent)
    response = api_as(agent).patch(
        f"{URL}/{ticket.pk}",
        {"version": 1, "status": "in_progress", "assignee": agent_b.pk, "priority": "urgent"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["assignee"], body["priority"]) == (
        "in_progress",
        agent_b.pk,
        "urgent",
    )
    assert body["version"] == 2
    assert body["first_owner"] == agent.pk
    assert AuditEvent.objects.filter(action="ticket.update").count() == 1


def test_patch_null_assignee_unassigns(api_as, agent, make_ticket):
    ticket = make_ticket(agent)
    response = api_as(agent).patch(f"{URL}/{ticket.pk}", {"version": 1, "assignee": None})
    assert response.status_code == 200
    assert response.json()["assignee"] is None


def test_stale_patch_gets_409_and_changes_nothing(api_as, agent, agent_b, make_ticket):
    # given agent_b saved first
    ticket = make_ticket(agent, title="原标题")
    assert (
        api_as(agent_b).patch(f"{URL}/{ticket.pk}", {"version": 1, "priority": "high"}).status_code
        == 200
    )
    # when agent sends the version they read before
    response = api_as(agent).patch(f"{URL}/{ticket.pk}", {"version": 1, "title": "新标题"})
    # then
    assert _error(response, 409)["code"] == "stale"
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version, ticket.priority) == ("原标题", 2, "high")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x"}, "version"),
        ({"version": "one"}, "version"),
        ({"version": 1, "status": "closed"}, "status"),  # new → closed is not allowed
        ({"version": 1, "status": "done"}, "status"),
        ({"version": 1, "team": 999999}, "team"),
        ({"version": 1, "number": "T1"}, "number"),
        ({"version": -1, "title": "x"}, "version"),
        ({"version": 1, "title": None}, "title"),
        ({"version": 1, "assignee": "x"}, "assignee"),
        ({"version": 1, "category": 10**20}, "category"),
    ],
)
def test_patch_bad_input_gets_4xx(api_as, agent, make_ticket, body, field):
    ticket = make_ticket(agent)
    response = api_as(agent).patch(f"{URL}/{ticket.pk}", body)
    assert 400 <= response.status_code < 500
    assert field in _error(response, response.status_code)["fields"]
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_reply_note_timeline(api_as, agent, make_ticket):
    ticket = make_ticket(agent)
    api = api_as(agent)
    reply = api.post(f"{URL}/{ticket.pk}/replies", {"body": "您好，已为您催促快递"})
    assert reply.status_code == 201
    assert reply.json()["kind"] == "reply"
    assert api.post(f"{URL}/{ticket.pk}/notes", {"body": "快递公司已回电"}).status_code == 201
    _error(api.post(f"{URL}/{ticket.pk}/notes", {"body": "  "}), 400)
    replies = api.get(f"{URL}/{ticket.pk}/replies").json()
    assert [m["body"] for m in replies["items"]] == ["您好，已为您催促快递"]
    assert replies["next"] is None
    notes = api.get(f"{URL}/{ticket.pk}/notes").json()["items"]
    assert [m["body"] for m in notes] == ["快递公司已回电"]
    timeline = api.get(f"{URL}/{ticket.pk}/timeline").json()["items"]
    # the first reply moved the ticket from 新建 to 处理中
    assert [e["kind"] for e in timeline] == ["created", "reply", "status", "note"]
    assert timeline[1]["message_body"] == "您好，已为您催促快递"
    assert api.get(f"{URL}/{ticket.pk}").json()["first_response_at"] is not None


def test_attachment_upload(api_as, agent, make_ticket):
    ticket = make_ticket(agent)
    client = api_as(agent).client
    ok = client.post(
        f"{URL}/{ticket.pk}/attachments",
        {"file": SimpleUploadedFile("发票.pdf", b"%PDF-1.4 ...", content_type="application/pdf")},
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "application/pdf"
    bad = client.post(
        f"{URL}/{ticket.pk}/attachments",
        {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/pdf")},
    )
    assert "file" in _error(bad, 400)["fields"]
    missing = client.post(f"{URL}/{ticket.pk}/attachments", {})
    assert 400 <= missing.status_code < 500
    assert ticket.attachments.count() == 1
