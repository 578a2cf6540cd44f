"""The ticket list page: tabs, filters, search, cursor pages, saved views, bounded queries
(Kefu foundation: Tickets / Pages, golden path 1)."""

from __future__ import annotations

import re

import pytest

from kefu.tickets import services

URL = "/tickets/"


def _rows(response) -> set[int]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return {int(pk) for pk in re.findall(r'data-ticket="(\d+)"', response.content.decode())}


@pytest.fixture
def tickets(agent, agent_b, agent2, org, make_ticket):
    """mine: taken by agent; colleague: agent_b's in the same team; presale: agent2's team;
    routed: agent took the call but routed it to 售前组."""
    mine = make_ticket(agent, title="快递一直没有到", priority="high")
    colleague = make_ticket(agent_b, title="申请退款", type="refund")
    presale = make_ticket(agent2, title="咨询尺码", type="consult")
    routed = make_ticket(agent, title="发票抬头", type="consult", team=org.presale)
    return {"mine": mine, "colleague": colleague, "presale": presale, "routed": routed}


def test_tabs_show_mine_my_teams_queue_and_all_in_scope(web_as, agent, tickets):
    client = web_as(agent)
    t = tickets
    assert _rows(client.get(URL)) == {t["mine"].pk, t["routed"].pk}
    assert _rows(client.get(URL, {"tab": "mine"})) == {t["mine"].pk, t["routed"].pk}
    assert _rows(client.get(URL, {"tab": "team"})) == {t["mine"].pk, t["colleague"].pk}
    assert _rows(client.get(URL, {"tab": "all"})) == {
        t["mine"].pk,
        t["colleague"].pk,
        t["routed"].pk,
    }


def test_agent_of_another_team_sees_only_their_scope(web_as, agent2, tickets):
    client = web_as(agent2)
    t = tickets
    # the routed ticket is in 售前组 now, so agent2's team queue holds it
    assert _rows(client.get(URL, {"tab": "team"})) == {t["presale"].pk, t["routed"].pk}
    assert _rows(client.get(URL, {"tab": "all"})) == {t["presale"].pk, t["routed"].pk}
    assert _rows(client.get(URL, {"tab": "mine"})) == {t["presale"].pk}


def test_team_queue_holds_only_open_tickets(web_as, agent, agent_b, tickets):
    services.ticket_update(
        actor=agent_b,
        ticket=tickets["colleague"],
        version=tickets["colleague"].version,
        changes={"status": "resolved"},
    )
    assert _rows(web_as(agent).get(URL, {"tab": "team"})) == {tickets["mine"].pk}


def test_filters_narrow_the_list(web_as, agent, org, tickets):
    client = web_as(agent)
    t = tickets
    assert _rows(client.get(URL, {"tab": "all", "type": "refund"})) == {t["colleague"].pk}
    assert _rows(client.get(URL, {"tab": "all", "priority": "high"})) == {t["mine"].pk}
    assert _rows(client.get(URL, {"tab": "all", "team": org.presale.pk})) == {t["routed"].pk}
    assert _rows(client.get(URL, {"tab": "all", "assignee": "me"})) == {t["mine"].pk}
    assert _rows(client.get(URL, {"tab": "all", "status": "open", "channel": "phone"})) == {
        t["mine"].pk,
        t["colleague"].pk,
        t["routed"].pk,
    }
    # the customer box takes what an agent knows: the last 4 phone digits (or a name)
    tail = t["mine"].customer.phone[-4:]
    assert _rows(client.get(URL, {"tab": "all", "customer": tail})) == {t["mine"].pk}
    assert _rows(client.get(URL, {"tab": "all", "created_after": "2999-01-01"})) == set()


def test_keyword_search_as_you_type_returns_the_rows_fragment(web_as, agent, tickets):
    # when htmx asks while the agent types
    response = web_as(agent).get(URL, {"tab": "all", "q": "快递"}, HTTP_HX_REQUEST="true")
    # then only the rows come back, with the matching ticket
    assert _rows(response) == {tickets["mine"].pk}
    assert "<html" not in response.content.decode()


def test_search_box_searches_as_you_type(web_as, agent):
    html = web_as(agent).get(URL).content.decode()
    assert "data-search-box" in html
    assert 'hx-trigger="keyup changed delay:300ms"' in html


def test_bad_filter_is_a_400_with_a_message_not_a_500(web_as, agent, tickets):
    response = web_as(agent).get(URL, {"status": "lost", "created_after": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown value “lost”" in html
    assert "Enter a date (2026-11-23)" in html


def test_empty_state_helps(web_as, agent2):
    html = web_as(agent2).get(URL).content.decode()
    assert 'id="ticket-empty"' in html
    assert "You hold no open tickets and no open calls you took." in html


def test_overdue_due_time_is_highlighted(web_as, agent, make_ticket, time_machine):
    # given a ticket created long ago (its due time has passed)
    time_machine.move_to("2026-01-05 09:00 +08:00", tick=False)
    old = make_ticket(agent, title="很久以前的工单")
    time_machine.move_to("2026-03-01 09:00 +08:00", tick=False)
    fresh = make_ticket(agent, title="刚来的工单")
    html = web_as(agent).get(URL).content.decode()
    rows = dict(re.findall(r'data-ticket="(\d+)">(.*?)</tr>', html, re.S))
    assert 'class="overdue"' in rows[str(old.pk)]
    assert 'class="overdue"' not in rows[str(fresh.pk)]


def test_next_page_link_carries_the_cursor_and_keeps_filters(web_as, agent, make_ticket):
    customer_tickets = [make_ticket(agent, title=f"工单{i}", priority="high") for i in range(27)]
    make_ticket(agent, title="低优先级", priority="low")
    client = web_as(agent)
    first = client.get(URL, {"priority": "high"})
    html = first.content.decode()
    link = re.search(r'id="next-page" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "priority=high" in link
    assert "cursor=" in link
    second = client.get(f"{URL}?{link}")
    seen = _rows(first) | _rows(second)
    assert len(_rows(first)) == 25
    assert seen == {t.pk for t in customer_tickets}
    assert 'id="next-page"' not in second.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_list_page_runs_a_bounded_number_of_queries(
    web_as, agent, agent_b, make_ticket, make_customer, django_assert_max_num_queries, count
):
    # given many tickets, each with its own customer, assignee and first owner
    for i in range(count):
        make_ticket(agent if i % 2 else agent_b, customer=make_customer(name=f"客户{i}"))
    client = web_as(agent)
    # then the page costs the same number of queries for 5 and for 30 tickets (an agent's page
    # reads each term of the scope in its own index order, then fetches the page's rows; the
    # More menu reads the user's line for its desks)
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"tab": "all"})
    assert len(_rows(response)) == min(count, 25)


def test_saved_views_save_list_and_delete(web_as, agent, tickets):
    client = web_as(agent)
    # when the agent saves the current filters
    response = client.post(
        "/tickets/views/", {"name": "高优先级", "query": "tab=all&priority=high"}
    )
    assert response.status_code == 302
    assert "priority=high" in response["Location"]
    # then the view is a quick link on the list
    html = client.get(URL).content.decode()
    assert "高优先级" in html
    assert "?tab=all&amp;priority=high" in html
    view = agent.saved_views.get()
    # and it can be deleted
    assert client.post(f"/tickets/views/{view.pk}/delete/").status_code == 302
    assert not agent.saved_views.exists()


def test_saved_view_of_another_user_cannot_be_deleted(web_as, agent, agent_b):
    view = services.saved_view_save(user=agent_b, name="我的", query="status=open")
    response = web_as(agent).post(f"/tickets/views/{view.pk}/delete/")
    assert response.status_code == 404
    assert agent_b.saved_views.filter(pk=view.pk).exists()


def test_saving_an_invalid_view_explains_why(web_as, agent):
    client = web_as(agent)
    response = client.post("/tickets/views/", {"name": "坏的", "query": "status=lost"}, follow=True)
    assert "Some filters are not valid." in response.content.decode()
    assert not agent.saved_views.exists()


def test_list_requires_sign_in(client, org):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]


def test_filtering_with_htmx_updates_the_query_the_save_form_saves(web_as, agent):
    html = web_as(agent).get(URL, {"tab": "all", "priority": "high"}, HTTP_HX_REQUEST="true")
    assert re.search(
        r'id="saved-view-query" value="tab=all&amp;priority=high" hx-swap-oob="true"',
        html.content.decode(),
    )
