"""The ticket list opens where each role's work is (issue 15): an agent's own open tickets, a
lead's team queue, a supervisor's department queue most overdue first, a manager's tickets that
need attention; a tab the user picks is remembered."""

from __future__ import annotations

import re

import pytest

from kefu.tickets import services

URL = "/tickets/"


def _rows(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return [int(pk) for pk in re.findall(r'data-ticket="(\d+)"', response.content.decode())]


def _active_tab(response) -> str:
    return re.search(
        r'class="nav-link active" aria-current="page" href="\?tab=(\w+)', response.content.decode()
    ).group(1)


@pytest.fixture
def queue(agent, agent_b, make_ticket, time_machine):
    """An old (overdue) ticket, an unassigned fresh one, a fresh assigned one."""
    time_machine.move_to("2026-01-05 09:00 +08:00", tick=False)
    overdue = make_ticket(agent_b, title="很久以前的工单")
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    unassigned = make_ticket(agent, title="没人接的工单")
    services.ticket_update(
        actor=agent, ticket=unassigned, version=unassigned.version, changes={"assignee": None}
    )
    assigned = make_ticket(agent, title="有人在办的工单", type="consult")
    return {"overdue": overdue, "unassigned": unassigned, "assigned": assigned}


def test_a_manager_sees_what_needs_attention(web_as, manager, queue):
    response = web_as(manager).get(URL)
    assert _active_tab(response) == "attention"
    # overdue first, then the unassigned; the fresh assigned ticket needs nobody's attention
    assert _rows(response) == [queue["overdue"].pk, queue["unassigned"].pk]


def test_an_escalated_ticket_needs_attention_even_when_assigned_and_on_time(web_as, manager, queue):
    from kefu.tickets.models_sla import Level, SlaEvent

    escalated = queue["assigned"]
    SlaEvent.objects.create(
        ticket=escalated, clock="resolution", level=Level.SUPERVISOR, due_at=escalated.due_at
    )
    assert escalated.pk in _rows(web_as(manager).get(URL))


def test_a_supervisor_sees_the_department_queue_most_overdue_first(web_as, supervisor, queue):
    response = web_as(supervisor).get(URL)
    assert _active_tab(response) == "department"
    rows = _rows(response)
    assert rows[0] == queue["overdue"].pk
    assert set(rows) == {t.pk for t in queue.values()}


def test_queues_hold_open_tickets_unless_a_status_is_chosen(web_as, agent, queue):
    done = queue["assigned"]
    services.ticket_update(
        actor=agent, ticket=done, version=done.version, changes={"status": "resolved"}
    )
    client = web_as(agent)
    assert done.pk not in _rows(client.get(URL, {"tab": "mine"}))
    assert _rows(client.get(URL, {"tab": "mine", "status": "resolved"})) == [done.pk]
    # "any status" (an empty choice) is a choice too
    assert done.pk in _rows(client.get(URL, {"tab": "mine", "status": ""}))


def test_a_chosen_tab_is_remembered_for_that_user(client, lead, agent, queue):
    client.force_login(lead)
    assert _active_tab(client.get(URL)) == "team"
    _rows(client.get(URL, {"tab": "all"}))
    # when the lead comes back to the list, it opens on the tab they chose
    assert _active_tab(client.get(URL)) == "all"
    # another user in the same browser starts on their own role's tab
    client.force_login(agent)
    assert _active_tab(client.get(URL)) == "mine"


@pytest.mark.parametrize("count", [5, 30])
def test_each_roles_default_page_runs_a_bounded_number_of_queries(
    web_as,
    agent,
    agent_b,
    lead,
    supervisor,
    manager,
    admin_user,
    make_ticket,
    make_customer,
    django_assert_max_num_queries,
    time_machine,
    count,
):
    # tickets from long ago, so they are overdue and need a manager's attention too
    time_machine.move_to("2026-01-05 09:00 +08:00", tick=False)
    for i in range(count):
        make_ticket(agent if i % 2 else agent_b, customer=make_customer(name=f"客户{i}"))
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    for user in (agent, lead, supervisor, manager, admin_user):
        client = web_as(user)
        # the same number of queries for 5 and for 30 tickets: no query per row
        with django_assert_max_num_queries(12):
            response = client.get(URL)
        assert _rows(response), user.username
