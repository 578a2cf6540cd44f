"""Incremental export: what an integrator polls with ``updated_after`` — tickets whose replies,
notes, attachments and status moved, customers merged away (``merged_into``), and the event log
(``GET /api/v1/events``) with the shape of ``kefu events list --json``."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.tickets.models import Ticket

URL = "/api/v1/tickets"
_phones = itertools.count(13600000001)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _after(ticket: Ticket) -> str:
    """Just after the ticket's current ``updated_at``: the export must name it again only once
    something changed."""
    ticket.refresh_from_db()
    return _iso(ticket.updated_at + dt.timedelta(microseconds=1))


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


@pytest.fixture
def ticket(api_as, agent):
    created = api_as(agent).post(
        URL,
        {
            "title": "退款没到账",
            "type": "refund",
            "channel": "phone",
            "customer_phone": str(next(_phones)),
            "customer_name": "王五",
        },
    )
    assert created.status_code == 201, created.content
    return Ticket.objects.get(pk=created.json()["id"])


@pytest.mark.parametrize("change", ["note", "second reply", "attachment", "status"])
def test_a_reply_note_attachment_or_status_change_puts_the_ticket_in_the_next_export(
    api_as, agent, ticket, change
):
    api = api_as(agent)
    # the first reply moves the ticket (first response, 新建 → 处理中); a later one must too
    assert api.post(f"{URL}/{ticket.pk}/replies", {"body": "您好，正在处理"}).status_code == 201
    since = _after(ticket)
    assert _ids(api.get(URL, {"updated_after": since})) == []

    if change == "note":
        answer = api.post(f"{URL}/{ticket.pk}/notes", {"body": "已联系财务"})
    elif change == "second reply":
        answer = api.post(f"{URL}/{ticket.pk}/replies", {"body": "款项已退回"})
    elif change == "attachment":
        upload = SimpleUploadedFile("凭证.txt", "退款凭证".encode(), content_type="text/plain")
        answer = api.client.post(f"{URL}/{ticket.pk}/attachments", {"file": upload})
    else:
        ticket.refresh_from_db()
        answer = api.patch(f"{URL}/{ticket.pk}", {"version": ticket.version, "status": "pending"})
    assert answer.status_code in (200, 201), answer.content

    assert _ids(api.get(URL, {"updated_after": since})) == [ticket.pk]


def test_a_note_does_not_make_an_open_edit_stale(api_as, agent, ticket):
    api = api_as(agent)
    ticket.refresh_from_db()
    seen = ticket.version
    assert api.post(f"{URL}/{ticket.pk}/notes", {"body": "内部备注"}).status_code == 201

    answer = api.patch(f"{URL}/{ticket.pk}", {"version": seen, "priority": "high"})

    assert answer.status_code == 200, answer.content


def test_the_export_pages_by_updated_at_then_id_with_a_cursor(api_as, agent, org):
    from kefu.customers.services import customer_create
    from kefu.tickets.services import ticket_create, ticket_note

    customer = customer_create(actor=None, business_line=org.shop, name="赵六", phone="13611112222")
    first, second, third = (
        ticket_create(
            actor=agent, title=f"咨询{i}", type="consult", channel="im", customer=customer
        )
        for i in range(3)
    )
    since = _iso(first.created_at - dt.timedelta(seconds=1))
    ticket_note(actor=agent, ticket=first, body="又来电")  # the first is now the latest change

    api = api_as(agent)
    page1 = api.get(URL, {"updated_after": since, "limit": 2}).json()
    page2 = api.get(URL, {"updated_after": since, "limit": 2, "cursor": page1["next"]}).json()

    order = [row["id"] for row in page1["items"] + page2["items"]]
    assert order == [second.pk, third.pk, first.pk]
    assert page2["next"] is None
    stamps = [row["updated_at"] for row in page1["items"] + page2["items"]]
    assert stamps == sorted(stamps)


def test_the_ticket_export_keeps_the_callers_scope(api_as, wy_agent, ticket):
    since = _iso(ticket.created_at - dt.timedelta(seconds=1))

    assert _ids(api_as(wy_agent).get(URL, {"updated_after": since})) == []


def test_a_bad_updated_after_is_a_400_naming_it(api_as, agent):
    answer = api_as(agent).get(URL, {"updated_after": "yesterday"})

    assert answer.status_code == 400
    assert "updated_after" in answer.json()["error"]["fields"]


# -- customers ---------------------------------------------------------------------------------


def test_a_merged_customer_is_exported_with_merged_into(api_as, manager, org):
    from kefu.customers.services import customer_create, customer_merge

    keep = customer_create(actor=None, business_line=org.shop, name="张三", phone="13622223333")
    gone = customer_create(
        actor=None, business_line=org.shop, name="张三(重复)", phone="13622224444"
    )
    gone.refresh_from_db()
    since = _iso(gone.updated_at + dt.timedelta(microseconds=1))
    api = api_as(manager)
    assert _ids(api.get("/api/v1/customers", {"updated_after": since})) == []

    customer_merge(actor=manager, keep=keep, merge=gone)

    rows = api.get("/api/v1/customers", {"updated_after": since}).json()["items"]
    assert {row["id"]: row["merged_into"] for row in rows} == {keep.pk: None, gone.pk: keep.pk}
    assert [row["updated_at"] for row in rows] == sorted(row["updated_at"] for row in rows)
    # the ordinary list keeps showing only the survivor
    listed = _ids(api.get("/api/v1/customers", {"q": "张三"}))
    assert keep.pk in listed and gone.pk not in listed


def test_the_customer_export_keeps_the_business_line(api_as, wy_agent, org):
    from kefu.customers.services import customer_create

    shop_customer = customer_create(
        actor=None, business_line=org.shop, name="钱七", phone="13633334444"
    )
    since = _iso(shop_customer.created_at - dt.timedelta(seconds=1))

    assert _ids(api_as(wy_agent).get("/api/v1/customers", {"updated_after": since})) == []


# -- the event log -----------------------------------------------------------------------------


def test_events_read_by_cursor_in_the_shape_of_the_cli(api_as, agent, ticket, capsys):
    from kefu.cli import main

    api = api_as(agent)
    first = api.get("/api/v1/events", {"limit": 1})
    assert first.status_code == 200, first.content
    page = first.json()
    assert page["items"][0]["type"] in {"customer.created", "ticket.created"}
    rest = api.get("/api/v1/events", {"after": page["items"][0]["cursor"], "limit": 1000}).json()
    types = [item["type"] for item in page["items"] + rest["items"]]
    assert "ticket.created" in types
    assert rest["next"] is None

    main(["events", "list", "--json", "--limit", "1000"])
    cli = __import__("json").loads(capsys.readouterr().out)
    assert set(cli) == set(page) == {"items", "next"}
    assert set(cli["items"][0]) == set(page["items"][0])
    ticket_event = next(i for i in rest["items"] + page["items"] if i["type"] == "ticket.created")
    assert ticket_event in cli["items"]
    assert ticket_event["object_id"] == ticket.pk


def test_events_of_another_business_line_are_not_listed(api_as, wy_agent, admin_user, ticket):
    theirs = api_as(wy_agent).get("/api/v1/events", {"limit": 1000}).json()["items"]
    everything = api_as(admin_user).get("/api/v1/events", {"limit": 1000}).json()["items"]

    assert all(item["object_id"] != ticket.pk for item in theirs if item["object_type"] == "ticket")
    assert any(item["object_id"] == ticket.pk for item in everything)


@pytest.mark.parametrize("params", [{"after": "abc"}, {"limit": 0}, {"limit": 1001}])
def test_a_bad_cursor_or_limit_is_a_client_error(api_as, agent, params):
    answer = api_as(agent).get("/api/v1/events", params)

    assert answer.status_code in (400, 422)
    assert answer.json()["error"]["fields"]
