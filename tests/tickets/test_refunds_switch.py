"""§9.6 (decision 6, RET-10 不退费): a line whose ``refunds_enabled`` is off refuses return and
refund tickets and the change of a ticket to one, with a clear message, in pages and the API;
nothing is written. (No ticket import exists: every ticket write goes through these services.)
"""

from __future__ import annotations

import pytest

from kefu.accounts.models import BusinessLine
from kefu.core.errors import Invalid
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create, ticket_update

FIELDS = {"channel": "phone", "priority": "normal", "title": "要求退款"}


def _switch(line, on: bool) -> BusinessLine:
    line.policies = {**(line.policies or {}), "refunds_enabled": on}
    line.save(update_fields=["policies"])
    return line


@pytest.mark.parametrize("kind", ["return", "refund"])
def test_s96_refunds_off_refuses_return_and_refund_tickets(agent, org, make_customer, kind):
    _switch(org.shop, False)
    customer = make_customer()
    with pytest.raises(Invalid) as refused:
        ticket_create(actor=agent, customer=customer, type=kind, **FIELDS)
    assert refused.value.code == "refunds_disabled"
    assert "refunds are switched off" in str(refused.value.message)
    assert not Ticket.objects.exists()
    # other types are taken as before; with refunds on, so are returns and refunds
    ticket_create(actor=agent, customer=customer, type="consult", **FIELDS)
    _switch(org.shop, True)
    ticket_create(actor=agent, customer=customer, type=kind, **FIELDS)
    assert Ticket.objects.count() == 2


def test_s96_refunds_off_refuses_changing_a_ticket_to_a_refund_but_keeps_old_ones_editable(
    agent, org, make_customer
):
    customer = make_customer()
    old_refund = ticket_create(actor=agent, customer=customer, type="refund", **FIELDS)
    consult = ticket_create(actor=agent, customer=customer, type="consult", **FIELDS)
    _switch(org.shop, False)
    consult = Ticket.objects.get(pk=consult.pk)
    with pytest.raises(Invalid) as refused:
        ticket_update(
            actor=agent, ticket=consult, version=consult.version, changes={"type": "refund"}
        )
    assert refused.value.code == "refunds_disabled"
    assert Ticket.objects.get(pk=consult.pk).type == "consult"
    # a refund recorded before the switch is still worked on (its type unchanged)
    old_refund = Ticket.objects.get(pk=old_refund.pk)
    ticket_update(
        actor=agent,
        ticket=old_refund,
        version=old_refund.version,
        changes={"type": "refund", "title": "退款已受理"},
    )
    assert Ticket.objects.get(pk=old_refund.pk).title == "退款已受理"


def test_s96_refunds_off_api_answers_4xx_with_the_code_and_a_translated_message(
    agent, org, make_customer, api_as
):
    _switch(org.shop, False)
    customer = make_customer()
    client = api_as(agent)
    response = client.client.post(
        "/api/v1/tickets",
        {"type": "refund", "customer": customer.pk, **FIELDS},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["code"] == "refunds_disabled"
    assert "type" in error["fields"]
    assert "退款" in error["message"]
    assert not Ticket.objects.exists()


def test_s96_refunds_off_page_offers_no_refund_type_and_refuses_a_forged_one(
    agent, org, make_customer, web_as
):
    _switch(org.shop, False)
    customer = make_customer()
    client = web_as(agent)
    page = client.get("/tickets/new/").content.decode()
    assert 'value="refund"' not in page and 'value="return"' not in page
    assert 'value="consult"' in page
    response = client.post("/tickets/new/", {"type": "refund", "customer": customer.pk, **FIELDS})
    assert response.status_code == 400
    assert not Ticket.objects.exists()
