"""Ticket search (list page ``q`` and ``GET /api/v1/tickets?q=``) by the ticket's number, its
tail, the customer's name and 4+ consecutive digits of the customer's phone; and the list's
customer filter by name or phone (issue 15)."""

from __future__ import annotations

import pytest

URL = "/api/v1/tickets"
PAGE = "/tickets/"


@pytest.fixture
def found(api_as):
    def _found(user, **params) -> set[str]:
        response = api_as(user).get(URL, {"limit": 100, **params})
        assert response.status_code == 200, response.content
        return {t["number"] for t in response.json()["items"]}

    return _found


@pytest.fixture
def pair(supervisor, agent, make_ticket, make_customer):
    """Two tickets of two customers, words that say nothing of either customer."""
    wang = make_customer(name="王小明", phone="13912345678")
    li = make_customer(name="李四", phone="13698765432")
    one = make_ticket(agent, customer=wang, title="包裹破损", description="外箱压坏")
    two = make_ticket(agent, customer=li, title="发票未开", description="要电子发票")
    return one, two


def test_by_whole_number_with_or_without_t(supervisor, pair, found):
    one, _two = pair
    assert found(supervisor, q=one.number) == {one.number}
    assert found(supervisor, q=one.number.lower()) == {one.number}
    assert found(supervisor, q=one.number[1:]) == {one.number}


def test_by_the_numbers_tail(supervisor, pair, found):
    one, two = pair
    # the last 7 digits (the zero-padded id) and the tail without its zeros
    assert one.number in found(supervisor, q=one.number[-7:])
    assert two.number not in found(supervisor, q=one.number[-7:])
    assert one.number in found(supervisor, q=str(one.pk).rjust(4, "0"))
    # a tail that reaches into the date part
    assert found(supervisor, q=one.number[-10:]) == {one.number}


def test_by_customer_name(supervisor, pair, found):
    one, two = pair
    assert found(supervisor, q="王小明") == {one.number}
    assert found(supervisor, q="李四") == {two.number}
    assert found(supervisor, q="王小") == {one.number}  # the beginning of a name


def test_by_any_four_or_more_phone_digits(supervisor, pair, found):
    one, two = pair
    assert found(supervisor, q="13912345678") == {one.number}
    assert found(supervisor, q="1234") == {one.number}  # from the middle (a full-access role)
    assert found(supervisor, q="98765") == {two.number}
    assert found(supervisor, q="+86 139-1234-5678") == {one.number}


def test_words_still_search_the_text(supervisor, pair, found):
    one, two = pair
    assert found(supervisor, q="发票") == {two.number}
    assert found(supervisor, q="破损") == {one.number}


def test_the_list_page_finds_by_number_name_and_phone(web_as, supervisor, pair):
    one, two = pair
    client = web_as(supervisor)
    for q in (one.number, one.number[-7:], "王小明", "13912345678"):
        body = client.get(PAGE, {"tab": "all", "q": q}).content.decode()
        assert one.number in body, q
        assert two.number not in body, q


def test_search_stays_within_scope(agent2, pair, found):
    # an agent of another team sees neither ticket, whatever the search names
    one, _two = pair
    assert found(agent2, q=one.number) == set()
    assert found(agent2, q="王小明") == set()


def test_customer_filter_takes_a_name_or_phone_on_the_page(web_as, supervisor, pair):
    one, two = pair
    client = web_as(supervisor)
    for value in ("王小明", "13912345678", "5678"):
        response = client.get(PAGE, {"tab": "all", "customer": value})
        assert response.status_code == 200, value
        body = response.content.decode()
        assert one.number in body and two.number not in body, value


def test_customer_filter_in_the_api_takes_an_id_or_text(supervisor, pair, found, api_as):
    one, two = pair
    assert found(supervisor, customer=str(one.customer_id)) == {one.number}
    assert found(supervisor, customer="李四") == {two.number}
    assert found(supervisor, customer="139-1234-5678") == {one.number}
    # a name that matches nobody is an empty list, not a 400
    assert found(supervisor, customer="没有这个人") == set()
    # an id out of range is still a clear 400
    response = api_as(supervisor).get(URL, {"customer": "0"})
    assert response.status_code == 400
