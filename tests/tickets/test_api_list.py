"""GET /api/v1/tickets: filters, scope, cursor pagination and bounded queries (Kefu: REST API)."""

from __future__ import annotations

import pytest

from kefu.core import search
from kefu.tickets import services

URL = "/api/v1/tickets"


def _numbers(response):
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_list_scope_per_role(
    api_as, agent, agent2, lead, supervisor, manager, admin_user, wy_agent, make_ticket
):
    # given one ticket in 售后一组, one in 售前组, one at the property office
    mine = make_ticket(agent).number
    presale = make_ticket(agent2).number
    prop = make_ticket(wy_agent, type="repair").number
    # then
    assert _numbers(api_as(agent).get(URL)) == {mine}
    assert _numbers(api_as(lead).get(URL)) == {mine}
    assert _numbers(api_as(agent2).get(URL)) == {presale}
    assert _numbers(api_as(supervisor).get(URL)) == {mine, presale}
    assert _numbers(api_as(manager).get(URL)) == {mine, presale}
    assert _numbers(api_as(admin_user).get(URL)) == {mine, presale, prop}


def test_agent_sees_tickets_they_first_owned_in_another_team(api_as, agent, org, make_ticket):
    routed = make_ticket(agent, team=org.presale).number
    assert _numbers(api_as(agent).get(URL)) == {routed}


def test_list_filters(api_as, agent, make_ticket):
    # given
    late = make_ticket(agent, title="快递一直没有到", type="complaint", priority="high")
    size = make_ticket(agent, title="咨询尺码", type="consult", channel="im")
    refund = make_ticket(agent, title="申请退款", type="refund")
    services.ticket_update(actor=agent, ticket=refund, version=1, changes={"status": "resolved"})
    api = api_as(agent)
    # then
    assert _numbers(api.get(URL, {"q": "快递"})) == {late.number}
    assert _numbers(api.get(URL, {"status": "open"})) == {late.number, size.number}
    assert _numbers(api.get(URL, {"status": "resolved,new"})) == {
        late.number,
        size.number,
        refund.number,
    }
    assert _numbers(api.get(URL, {"type": "consult,refund"})) == {size.number, refund.number}
    assert _numbers(api.get(URL, {"channel": "im"})) == {size.number}
    assert _numbers(api.get(URL, {"priority": "high", "status": "open"})) == {late.number}
    assert _numbers(api.get(URL, {"created_after": "2000-01-01"})) == {
        late.number,
        size.number,
        refund.number,
    }
    assert _numbers(api.get(URL, {"created_after": "2999-01-01"})) == set()
    assert _numbers(api.get(URL, {"customer": str(late.customer_id)})) == {late.number}
    assert _numbers(api.get(URL, {"assignee": "me", "q": "退款"})) == {refund.number}


@pytest.mark.parametrize("few", [2_000, 1])
def test_search_finds_the_same_tickets_whatever_plan_the_match_count_picks(
    api_as, agent, make_ticket, monkeypatch, few
):
    # given three tickets about a late parcel and one about a refund; the threshold makes 3
    # matches "few" or "many" (SQLite's two query plans)
    monkeypatch.setattr(search, "FEW_MATCHES", few)
    late = [make_ticket(agent, title=f"快递一直没有到 {i}") for i in range(3)]
    make_ticket(agent, title="申请退款")
    api = api_as(agent)
    # then every plan finds the same tickets, newest first, page by page
    first = api.get(URL, {"q": "快递", "limit": 2}).json()
    rest = api.get(URL, {"q": "快递", "limit": 2, "cursor": first["next"]}).json()
    seen = [item["number"] for item in first["items"] + rest["items"]]
    assert seen == [t.number for t in reversed(late)]
    assert rest["next"] is None


def test_list_orders_and_paginates_with_a_cursor(api_as, agent, make_ticket):
    # given
    tickets = [make_ticket(agent, priority=p) for p in ("low", "urgent", "normal", "high", "low")]
    api = api_as(agent)
    # when
    first = api.get(URL, {"limit": 2, "ordering": "due_at"}).json()
    second = api.get(URL, {"limit": 2, "ordering": "due_at", "cursor": first["next"]}).json()
    third = api.get(URL, {"limit": 2, "ordering": "due_at", "cursor": second["next"]}).json()
    # then
    seen = [t["id"] for t in first["items"] + second["items"] + third["items"]]
    by_due = sorted(tickets, key=lambda t: (t.due_at, t.pk))
    assert seen == [t.pk for t in by_due]
    assert third["next"] is None
    newest = api.get(URL).json()["items"]
    assert [t["id"] for t in newest] == [t.pk for t in reversed(tickets)]


def test_a_supervisor_lists_by_due_time_without_a_status_filter(
    api_as, supervisor, agent, make_ticket
):
    tickets = [make_ticket(agent, priority=p) for p in ("low", "urgent")]
    response = api_as(supervisor).get(URL, {"ordering": "due_at"})
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [
        t.pk for t in sorted(tickets, key=lambda t: (t.due_at, t.pk))
    ]


def test_open_tickets_of_a_team_by_due_time_merge_every_status(api_as, agent, make_ticket):
    # given open tickets in two statuses (each status is read from its own index range)
    tickets = [make_ticket(agent, priority=p) for p in ("low", "urgent", "normal", "high", "low")]
    for ticket in tickets[1::2]:
        services.ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
        )
    params = {"team": agent.team_id, "status": "open", "ordering": "due_at", "limit": 2}
    api = api_as(agent)
    # when the agent walks the pages
    seen, cursor = [], None
    for _ in range(3):
        page = api.get(URL, {**params, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
    # then every ticket comes once, by due time
    assert seen == [t.pk for t in sorted(tickets, key=lambda t: (t.due_at, t.pk))]
    assert cursor is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "!!not-a-cursor"}, "cursor"),
        ({"cursor": "WzEsMl0"}, "cursor"),  # [1, 2]: decodes, but not for this ordering
        ({"cursor": "WyJ4IiwyXQ", "ordering": "due_at"}, "cursor"),  # ["x", 2]
        ({"status": "open,archived"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"ordering": "title"}, "ordering"),
        ({"team": "x"}, "team"),
        ({"assignee": "somebody"}, "assignee"),
    ],
)
def test_list_bad_parameters_get_4xx(api_as, agent, make_ticket, params, field):
    make_ticket(agent)
    response = api_as(agent).get(URL, params)
    assert response.status_code in (400, 422), response.content
    error = response.json()["error"]
    assert field in error["fields"]
    assert error["message"]


@pytest.mark.parametrize("count", [5, 30])
def test_list_runs_a_bounded_number_of_queries(
    api_as, agent, agent_b, supervisor, org, make_ticket, django_assert_max_num_queries, count
):
    # given tickets with different assignees, customers, teams and first owners
    for i in range(count):
        actor = agent if i % 2 else agent_b
        team = org.aftersales1 if i % 3 else org.aftersales2
        make_ticket(actor, team=team, description=f"第{i}单")
    api = api_as(supervisor)
    api.get(URL)  # the token's last-used stamp is written once a minute
    # when / then: the token, the search count, the rows (and, without Redis, the per-token
    # request counter of the rate limit)
    with django_assert_max_num_queries(4):
        response = api.get(URL, {"limit": 50, "status": "open", "q": "少发"})
    items = response.json()["items"]
    assert len(items) == count
    # and each row carries the description and the names of its related rows (loaded in the query)
    assert {i["assignee_name"] for i in items} <= {agent.name, agent_b.name, None}
    assert {i["first_owner_name"] for i in items} == {agent.name, agent_b.name}
    assert {i["team_name"] for i in items} == {org.aftersales1.name, org.aftersales2.name}
    assert {i["description"] for i in items} == {f"第{i}单" for i in range(count)}
    assert all(i["customer_name"] for i in items)
