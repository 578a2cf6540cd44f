"""Issue 15, item 1: pages show only what the role may see, also inside another object.

A customer of the shop is served by two teams (售后一组 and 售前组). An agent of one team who
opens the customer sees their own team's tickets, calls and letters, and counts made of them,
on the page, in the API timeline and in the customer export; a manager sees both teams'. Old
versions of a knowledge article never show draft text to an agent, on the history, the diff,
the API and the export.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.customers.services import customer_create
from kefu.followups.services.registers import call_record_create, letter_record_create
from kefu.tickets.services import ticket_create


@pytest.fixture
def shared(org, agent, agent2, manager):
    """One customer; each team has a ticket, a call and a letter with it."""
    customer = customer_create(
        actor=manager, business_line=org.shop, name="共享客户", phone="13811112222"
    )
    mine = ticket_create(
        actor=agent,
        title="售后一组的工单",
        type="complaint",
        channel="phone",
        customer=customer,
    )
    theirs = ticket_create(
        actor=agent2,
        title="售前组的秘密工单",
        type="consult",
        channel="im",
        customer=customer,
        team=org.presale,
    )
    call_record_create(
        actor=agent, customer=customer, direction="out", result="answered", notes="我方回访电话"
    )
    call_record_create(
        actor=agent2, customer=customer, direction="in", result="answered", notes="售前组的通话"
    )
    letter_record_create(
        actor=agent, customer=customer, kind="notice", channel="post", subject="我方信函"
    )
    letter_record_create(
        actor=agent2, customer=customer, kind="notice", channel="post", subject="售前组的信函"
    )
    return customer, mine, theirs


HIDDEN = ("售前组的秘密工单", "售前组的通话", "售前组的信函")
OWN = ("售后一组的工单", "我方回访电话", "我方信函")


def _visits(html: str) -> str:
    start = html.index('id="customer-visits">') + len('id="customer-visits">')
    return html[start : html.index("<", start)].strip()


def test_an_agent_sees_only_their_scope_on_a_shared_customers_page(shared, agent, web_as):
    customer, _mine, theirs = shared

    html = web_as(agent).get(reverse("customers:detail", args=[customer.pk])).content.decode()

    for text in OWN:
        assert text in html, text
    for text in HIDDEN:
        assert text not in html, text
    assert theirs.number not in html
    assert _visits(html) == "1"  # the count is of visible tickets only


def test_a_manager_sees_both_teams_on_the_same_page(shared, manager, web_as):
    customer, _mine, _theirs = shared

    html = web_as(manager).get(reverse("customers:detail", args=[customer.pk])).content.decode()

    for text in OWN + HIDDEN:
        assert text in html, text
    assert _visits(html) == "2"


def test_the_api_timeline_and_detail_follow_the_same_scope(shared, agent, manager, api_as):
    customer, mine, theirs = shared

    items = api_as(agent).get(f"/api/v1/customers/{customer.pk}/timeline").json()["items"]
    detail = api_as(agent).get(f"/api/v1/customers/{customer.pk}").json()
    every = api_as(manager).get(f"/api/v1/customers/{customer.pk}/timeline").json()["items"]

    shown = " ".join(f"{i['title']} {i['detail']}" for i in items)
    assert [i["ref"]["id"] for i in items if i["kind"] == "ticket"] == [mine.pk]
    for text in HIDDEN:
        assert text not in shown, text
    assert detail["visits_12m"] == 1
    assert {i["ref"]["id"] for i in every if i["kind"] == "ticket"} == {mine.pk, theirs.pk}
    assert len([i for i in every if i["kind"] in ("call", "letter")]) == 4


def test_the_customer_list_and_export_count_only_visible_tickets(shared, agent, web_as):
    _customer, _mine, _theirs = shared
    web = web_as(agent)

    api_row = web.get(reverse("customers:list"), {"q": "共享客户"})
    export = web.get(reverse("customers:export"), {"q": "共享客户"})

    assert api_row.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    visits = next(i for i, h in enumerate(header) if "12" in str(h))
    assert row[1] == "共享客户"
    assert row[visits] == 1
