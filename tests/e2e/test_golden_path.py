"""Golden path 1 end to end in Chromium: an agent signs in, a new caller phones, the agent
records the customer and the ticket with the keyboard alone and finds the ticket in the queue."""

from __future__ import annotations

import re

import pytest
from testkit import PASSWORD

from kefu.customers.models import Customer
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.e2e


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name || ''")


def tab_to(page, element_id: str, limit: int = 25) -> None:
    """Press Tab until ``element_id`` has the focus, as a person on the keyboard would."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}; focus is on {focused(page)!r}")


def test_agent_signs_in_records_a_new_caller_and_finds_the_ticket_in_the_queue(
    transactional_db, page, screenshot, agent
):
    # given the sign-in page, typed into with the keyboard
    page.goto("/accounts/login/")
    page.keyboard.type(agent.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    screenshot("home-agent")

    # when a caller nobody knows phones in: 4+ digits find nobody
    page.goto("/tickets/intake/")
    assert focused(page) == "customer-search"
    page.keyboard.type("13766668888")
    page.wait_for_selector("#no-match")
    tab_to(page, "id_customer_name")
    page.keyboard.type("赵敏")
    tab_to(page, "id_customer_phone")
    page.keyboard.type("137 6666 8888")
    tab_to(page, "id_title")
    page.keyboard.type("面霜收到时破损")
    page.keyboard.press("Enter")
    page.keyboard.type("外包装压坏，瓶身有裂缝，要求换货")
    screenshot("intake-new-caller")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))

    # then the customer exists with a normalised phone, the agent is the first-ask owner
    customer = Customer.objects.get(phone="13766668888")
    ticket = Ticket.objects.get(title="面霜收到时破损")
    assert (customer.name, ticket.customer_id, ticket.first_owner_id) == (
        "赵敏",
        customer.pk,
        agent.pk,
    )
    # and the ticket is in the agent's queue
    page.goto("/tickets/?tab=mine")
    row = page.locator("tr", has_text="面霜收到时破损")
    assert row.count() == 1
    assert ticket.number in row.inner_text()
    screenshot("queue-mine")
