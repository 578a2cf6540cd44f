"""Masked phones cannot be rebuilt by searching digit by digit (issue 15).

The mask shows the first 3 and last 4 digits (138****5678). For a user who sees it masked, a
search by the last 4 digits is free (it matches the last 4 only); a search by more digits is a
reveal: audited as ``customer.reveal``, rate-limited together with reveals, and refused for
users who may not reveal at all — in the customer search, the customer list, the ticket search
and the ticket list's customer filter, on pages and in the API."""

from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent

CUSTOMERS = "/api/v1/customers"
TICKETS = "/api/v1/tickets"


@pytest.fixture
def zhang(new_customer):
    return new_customer(name="张小明", phone="13812345678")


@pytest.fixture
def masked(agent):
    agent.contact_access = "masked"
    agent.save(update_fields=["contact_access"])
    return agent


def _reveals(user) -> int:
    return AuditEvent.objects.filter(actor=user, action="customer.reveal").count()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["items"]]


def test_the_last_four_digits_are_free_and_match_only_the_last_four(agent, api_as, zhang):
    api = api_as(agent)
    assert _ids(api.get(CUSTOMERS, {"q": "5678"})) == [zhang.pk]
    # four hidden digits (positions 4-7) do not find anyone: that would tell them
    assert _ids(api.get(CUSTOMERS, {"q": "1234"})) == []
    assert _reveals(agent) == 0


def test_more_digits_are_a_reveal_audited_with_the_search(agent, api_as, zhang):
    api = api_as(agent)
    assert _ids(api.get(CUSTOMERS, {"q": "12345678"})) == [zhang.pk]
    event = AuditEvent.objects.get(actor=agent, action="customer.reveal")
    assert event.changes["search"] == "12345678"
    # the ticket search by phone digits counts the same way
    assert api.get(TICKETS, {"q": "13812345678"}).status_code == 200
    assert _reveals(agent) == 2


def test_full_access_roles_search_any_digits_without_a_reveal(supervisor, api_as, zhang):
    api = api_as(supervisor)
    assert _ids(api.get(CUSTOMERS, {"q": "1234"})) == [zhang.pk]
    assert _ids(api.get(CUSTOMERS, {"q": "3812345"})) == [zhang.pk]
    assert _reveals(supervisor) == 0


def test_reveals_and_digit_searches_share_one_budget(settings, agent, api_as, zhang):
    settings.KEFU_REVEAL_LIMIT = 2
    api = api_as(agent)
    assert api.post(f"{CUSTOMERS}/{zhang.pk}/reveal").status_code == 200
    assert _ids(api.get(CUSTOMERS, {"q": "123456"})) == [zhang.pk]
    # the third in the window is refused, by search or by the reveal button
    response = api.get(CUSTOMERS, {"q": "2345678"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert api.get(TICKETS, {"q": "13812345678"}).status_code == 429
    assert api.post(f"{CUSTOMERS}/{zhang.pk}/reveal").status_code == 429
    # the last four stay free
    assert _ids(api.get(CUSTOMERS, {"q": "5678"})) == [zhang.pk]
    assert _reveals(agent) == 2


def test_refused_where_reveal_is_refused(masked, api_as, web_as, zhang):
    from kefu.tickets.services import ticket_create

    api = api_as(masked)
    ticket = ticket_create(
        actor=masked, title="少发一件", type="consult", channel="phone", customer=zhang
    )
    for url, params in (
        (CUSTOMERS, {"q": "12345678"}),
        (TICKETS, {"q": "13812345678"}),
        (TICKETS, {"customer": "138-1234-5678"}),
    ):
        response = api.get(url, params)
        assert response.status_code == 403, (url, params)
        assert "masked" in response.json()["error"]["message"]
    assert _reveals(masked) == 0
    # the last four still work
    assert _ids(api.get(CUSTOMERS, {"q": "5678"})) == [zhang.pk]
    # pages say why and list nothing
    client = web_as(masked)
    page = client.get("/tickets/", {"tab": "all", "q": "13812345678"})
    body = page.content.decode()
    assert "masked" in body and ticket.number not in body
    page = client.get("/customers/", {"q": "12345678"})
    body = page.content.decode()
    assert "masked" in body and "张小明" not in body
