"""The phone-call intake screen and the new-ticket page (Kefu golden path 1: a call comes in)."""

from __future__ import annotations

import re

from kefu.customers.models import Customer
from kefu.tickets.models import Ticket

URL = "/tickets/intake/"
SEARCH = "/tickets/intake/customers/"


def _ticket_fields(**extra):
    return {
        "type": "complaint",
        "channel": "phone",
        "priority": "normal",
        "title": "少发一件",
        **extra,
    }


def test_intake_creates_customer_and_ticket_in_one_post(web_as, agent, org):
    # when a new caller is recorded
    response = web_as(agent).post(
        URL,
        _ticket_fields(customer_name="李雷", customer_phone="13700001234", description="订单 8812"),
    )
    # then the agent lands on the new ticket, which they own as first-ask owner
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.customer.name == "李雷"
    assert ticket.customer.phone == "13700001234"
    assert ticket.customer.business_line_id == org.shop.pk
    assert ticket.first_owner_id == agent.pk
    assert (ticket.type, ticket.channel, ticket.title) == ("complaint", "phone", "少发一件")
    page = web_as(agent).get(response["Location"]).content.decode()
    assert f"Ticket {ticket.number} is recorded for 李雷." in page


def test_intake_with_a_known_phone_reuses_the_customer(web_as, agent, make_customer):
    known = make_customer(name="韩梅梅", phone="13700005678")
    web_as(agent).post(URL, _ticket_fields(customer_name="韩梅", customer_phone="13700005678"))
    assert Customer.objects.count() == 1
    assert Ticket.objects.get().customer_id == known.pk


def test_search_finds_an_existing_customer_by_four_digits(
    web_as, agent, make_customer, make_ticket
):
    # given a customer with one open ticket
    customer = make_customer(name="王芳", phone="13912345678")
    make_ticket(agent, customer=customer)
    make_customer(name="赵强", phone="13800009999")
    # when the agent types four digits of the phone
    response = web_as(agent).get(SEARCH, {"customer_q": "5678"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    # then the caller is offered with masked phone, tier and open ticket count
    assert response.status_code == 200
    assert "王芳" in html
    assert "赵强" not in html
    assert "139****5678" in html
    assert "1 open ticket" in html
    assert f'hx-get="/tickets/intake/customers/{customer.pk}/"' in html


def test_search_by_name(web_as, agent, make_customer):
    make_customer(name="王芳", phone="13912345678")
    html = web_as(agent).get(SEARCH, {"customer_q": "王"}).content.decode()
    assert "王芳" in html


def test_fewer_than_four_digits_asks_for_more(web_as, agent, make_customer):
    make_customer(name="王芳", phone="13912345678")
    html = web_as(agent).get(SEARCH, {"customer_q": "567"}).content.decode()
    assert "Type at least 4 digits" in html
    assert "王芳" not in html


def test_no_match_points_to_the_new_caller_fields(web_as, agent, org):
    html = web_as(agent).get(SEARCH, {"customer_q": "0000"}).content.decode()
    assert "No customer matches “0000”." in html
    assert "Enter the new caller's name and phone below." in html


def test_customer_of_another_business_line_is_not_offered(web_as, agent, org, make_customer):
    make_customer(org.property, name="业主", phone="13912345678")
    html = web_as(agent).get(SEARCH, {"customer_q": "5678"}).content.decode()
    assert "业主" not in html


def test_picking_a_customer_shows_open_and_recent_tickets(
    web_as, agent, make_customer, make_ticket
):
    customer = make_customer(name="王芳")
    earlier = make_ticket(agent, customer=customer, title="上次的投诉")
    html = (
        web_as(agent)
        .get(f"/tickets/intake/customers/{customer.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f'name="customer" value="{customer.pk}"' in html
    assert re.search(r'id="open-tickets".*上次的投诉', html, re.S)
    assert re.search(r'id="recent-tickets".*' + earlier.number, html, re.S)


def test_intake_for_a_picked_customer(web_as, agent, make_customer):
    customer = make_customer(name="王芳")
    response = web_as(agent).post(URL, _ticket_fields(customer=customer.pk, type="consult"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.customer_id == customer.pk
    assert Customer.objects.count() == 1


def test_intake_without_a_customer_explains_and_saves_nothing(web_as, agent, org):
    response = web_as(agent).post(URL, _ticket_fields())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pick a customer from the search, or enter the new caller&#x27;s name and phone." in html
    # the agent's input is kept
    assert 'value="少发一件"' in html
    assert not Ticket.objects.exists()


def test_intake_with_a_bad_phone_keeps_the_input(web_as, agent, org):
    response = web_as(agent).post(URL, _ticket_fields(customer_name="李雷", customer_phone="12"))
    assert response.status_code == 400
    assert 'value="李雷"' in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()


def test_customer_of_another_business_line_cannot_be_used(web_as, agent, org, make_customer):
    owner = make_customer(org.property, name="业主")
    response = web_as(agent).post(URL, _ticket_fields(customer=owner.pk))
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_intake_screen_is_keyboard_first(web_as, agent, org):
    html = web_as(agent).get(URL).content.decode()
    # focus starts in the search box, which searches as the agent types
    assert re.search(r'<input type="search" id="customer-search"[^>]*autofocus', html, re.S)
    assert 'hx-trigger="keyup changed delay:300ms, search"' in html
    # Ctrl+Enter submits; Enter in the title moves on
    assert "data-submit-shortcut" in html
    assert re.search(r'name="title"[^>]*data-enter-next', html)
    # type defaults to enquiry, channel to phone; access keys are shown
    assert re.search(r'<option value="consult" selected>', html)
    assert re.search(r'<option value="phone" selected>', html)
    assert 'accesskey="t"' in html
    assert "Alt+T" in html
    # every field has a label
    for name in ("customer_name", "customer_phone", "type", "channel", "priority", "title"):
        assert f'for="id_{name}"' in html


def test_new_ticket_page_needs_a_picked_customer(web_as, agent, make_customer):
    client = web_as(agent)
    html = client.get("/tickets/new/").content.decode()
    assert 'name="customer_phone"' not in html
    response = client.post("/tickets/new/", _ticket_fields(customer_phone="13700001234"))
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    customer = make_customer()
    response = client.post("/tickets/new/", _ticket_fields(customer=customer.pk))
    assert response.status_code == 302


def test_intake_page_preselects_a_customer_from_the_query(web_as, agent, make_customer):
    customer = make_customer(name="王芳")
    html = web_as(agent).get(URL, {"customer": customer.pk}).content.decode()
    assert f'name="customer" value="{customer.pk}"' in html
