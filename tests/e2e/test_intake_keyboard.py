"""Golden path 1 in a real browser: a call comes in and is recorded with the keyboard only.

Debian's Chromium driven by Playwright; skipped, with the reason, where Chromium is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.tickets.models import Ticket

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name || ''")


def test_a_call_is_recorded_with_the_keyboard_only(
    transactional_db, page, agent, make_customer, make_ticket
):
    # given a known customer with an earlier open ticket
    customer = make_customer(name="王芳", phone="13912345678")
    make_ticket(agent, customer=customer, title="上次的投诉")
    _sign_in(page, agent)
    # when the agent opens the intake screen, focus is in the search box
    page.goto("/tickets/intake/")
    assert _focused(page) == "customer-search"
    # typing four digits offers the caller; ↓ then Enter picks them
    page.keyboard.type("5678")
    page.wait_for_selector("[data-pick-customer]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#open-tickets")
    assert "上次的投诉" in page.inner_text("#customer-panel")
    # focus moved on to the ticket type; Tab through channel and priority to the title
    assert _focused(page) == "id_type"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_title"
    page.keyboard.type("快递丢件")
    # Enter in the title does not submit: it moves to the description
    page.keyboard.press("Enter")
    assert _focused(page) == "id_description"
    page.keyboard.type("要求补发")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tickets-intake.png"), full_page=True)
    assert not Ticket.objects.filter(title="快递丢件").exists()
    # Ctrl+Enter saves and shows the new ticket
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.get(title="快递丢件")
    assert (ticket.customer_id, ticket.description, ticket.first_owner_id) == (
        customer.pk,
        "要求补发",
        agent.pk,
    )
    assert ticket.number in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "tickets-detail.png"), full_page=True)
