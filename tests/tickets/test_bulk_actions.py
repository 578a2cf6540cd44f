"""Bulk actions on the ticket list (issue 15): assign, transfer, change the status and export
the selected tickets. Every ticket goes through the ticket services on its own; the outcome of
each is reported, and a request that cannot be understood changes nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.tickets import bulk, services
from kefu.tickets.models import Ticket, TicketEvent

URL = "/tickets/bulk/"
LIST = "/tickets/"


def _items(*tickets):
    return [(t.pk, t.version) for t in tickets]


def _selection(*tickets):
    return [f"{t.pk}:{t.version}" for t in tickets]


@pytest.fixture
def team_tickets(agent, make_ticket):
    """Three open enquiries of 售后一组, taken by agent."""
    return [make_ticket(agent, title=f"批量工单{i}", type="consult") for i in range(3)]


# -- the service -------------------------------------------------------------------------------


def test_lead_assigns_many_tickets_each_through_the_service(lead, agent_b, team_tickets):
    result = bulk.tickets_bulk_update(
        actor=lead, items=_items(*team_tickets), action="assign", value=str(agent_b.pk)
    )

    assert [t.pk for t in result.updated] == [t.pk for t in team_tickets]
    assert result.skipped == []
    for ticket in team_tickets:
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.assignee_id == agent_b.pk
        assert fresh.version == ticket.version + 1
        assert TicketEvent.objects.filter(
            ticket=fresh, kind=TicketEvent.Kind.ASSIGNED, actor=lead
        ).exists()
        assert AuditEvent.objects.filter(
            action="ticket.update", object_id=str(ticket.pk), actor=lead
        ).exists()
    summary = AuditEvent.objects.get(action="ticket.bulk_update")
    assert summary.changes["updated"] == [t.pk for t in team_tickets]
    assert result.summary() == "3 tickets updated."


def test_a_stale_and_an_unseen_ticket_are_skipped_with_their_reasons(
    lead, agent, agent_b, wy_agent, team_tickets, make_ticket, org
):
    # given the lead loaded the list, then agent_b changed one ticket meanwhile
    first, stale, third = team_tickets
    seen = _items(*team_tickets)
    services.ticket_update(
        actor=agent_b, ticket=stale, version=stale.version, changes={"priority": "high"}
    )
    # and a ticket of the property office (another business line) was slipped into the batch
    elsewhere = make_ticket(wy_agent, title="物业报修")
    # when the lead moves them all to 处理中
    result = bulk.tickets_bulk_update(
        actor=lead,
        items=[*seen, (elsewhere.pk, elsewhere.version)],
        action="status",
        value="in_progress",
    )

    # then the fresh ones moved, the stale one and the unseen one did not, each with a reason
    assert {t.pk for t in result.updated} == {first.pk, third.pk}
    reasons = {s.ticket_id: s.reason for s in result.skipped}
    assert "changed by someone else" in reasons[stale.pk]
    assert "not in your scope" in reasons[elsewhere.pk]
    assert Ticket.objects.get(pk=stale.pk).status == "new"
    assert Ticket.objects.get(pk=elsewhere.pk).status == "new"
    assert Ticket.objects.get(pk=first.pk).status == "in_progress"
    # the message names the skipped ticket by number, not by a code
    text = result.summary()
    assert text.startswith("2 tickets updated, 2 skipped: ")
    assert stale.number in text
    assert elsewhere.number not in text  # its number is not the lead's to know


def test_the_outcome_reads_in_chinese(lead, team_tickets):
    stale = team_tickets[1]
    seen = _items(*team_tickets)
    services.ticket_update(
        actor=lead, ticket=stale, version=stale.version, changes={"priority": "high"}
    )
    with translation.override("zh-hans"):
        result = bulk.tickets_bulk_update(actor=lead, items=seen, action="status", value="pending")
        text = result.summary()
    assert text == (
        f"已更新 2 张工单，跳过 1 张：{stale.number} 加载列表后已被他人修改，请刷新后重试。"
    )


def test_the_state_machine_refuses_per_ticket_and_the_rest_goes_on(lead, team_tickets):
    # given one ticket already resolved (resolved → closed is allowed, new → closed is not)
    done = team_tickets[0]
    services.ticket_update(
        actor=lead, ticket=done, version=done.version, changes={"status": "resolved"}
    )
    done.refresh_from_db()
    result = bulk.tickets_bulk_update(
        actor=lead, items=_items(*team_tickets), action="status", value="closed"
    )
    skipped = {s.ticket_id: s.reason for s in result.skipped}
    for ticket in team_tickets[1:]:
        assert "cannot go from “New” to “Closed”" in skipped[ticket.pk]
        assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_a_complaint_is_not_resolved_in_bulk_before_its_solution_step(
    lead, agent, team_tickets, make_ticket
):
    complaint = make_ticket(agent, title="投诉：少发一件", type="complaint")
    result = bulk.tickets_bulk_update(
        actor=lead, items=_items(complaint, *team_tickets), action="status", value="resolved"
    )
    assert {t.pk for t in result.updated} == {t.pk for t in team_tickets}
    [skipped] = result.skipped
    assert skipped.number == complaint.number
    assert "resolved only after a solution is agreed" in skipped.reason
    assert Ticket.objects.get(pk=complaint.pk).status == "new"


def test_an_agent_may_not_assign_or_transfer_in_bulk(agent, agent_b, org, team_tickets):
    for action, value in (("assign", agent_b.pk), ("transfer", org.presale.pk)):
        with pytest.raises(PermissionDenied):
            bulk.tickets_bulk_update(
                actor=agent, items=_items(*team_tickets), action=action, value=str(value)
            )
    assert not Ticket.objects.filter(assignee=agent_b).exists()
    assert not Ticket.objects.filter(team=org.presale).exists()


def test_targets_outside_the_actors_reach_change_nothing(lead, agent2, org, team_tickets):
    # a lead assigns only to people of the teams they oversee
    with pytest.raises(Invalid):
        bulk.tickets_bulk_update(
            actor=lead, items=_items(*team_tickets), action="assign", value=str(agent2.pk)
        )
    # and transfers only to teams of their business line
    with pytest.raises(Invalid):
        bulk.tickets_bulk_update(
            actor=lead, items=_items(*team_tickets), action="transfer", value=str(org.wy_front.pk)
        )
    with pytest.raises(Invalid):
        bulk.tickets_bulk_update(
            actor=lead, items=_items(*team_tickets), action="status", value="lost"
        )
    assert all(t.version == Ticket.objects.get(pk=t.pk).version for t in team_tickets)


def test_a_supervisor_transfers_to_another_team_of_the_line(supervisor, org, team_tickets):
    result = bulk.tickets_bulk_update(
        actor=supervisor, items=_items(*team_tickets), action="transfer", value=str(org.presale.pk)
    )
    assert len(result.updated) == 3
    assert set(
        Ticket.objects.filter(pk__in=[t.pk for t in team_tickets]).values_list("team_id", flat=True)
    ) == {org.presale.pk}


def test_assigning_to_someone_of_another_team_is_skipped_with_the_reason(
    manager, agent2, team_tickets
):
    # the manager may assign to agent2 (售前组), but these tickets are 售后一组's
    result = bulk.tickets_bulk_update(
        actor=manager, items=_items(*team_tickets), action="assign", value=str(agent2.pk)
    )
    assert result.updated == []
    assert all("must be an active agent or lead of the ticket" in s.reason for s in result.skipped)


def test_the_selection_is_parsed_strictly_and_limited():
    assert bulk.parse_selection(["5:2", "7", "5:3"]) == [(5, 2), (7, None)]
    for bad in (["x"], ["1:y"], ["-1"], ["0"], ["99999999999999999999"]):
        with pytest.raises(Invalid):
            bulk.parse_selection(bad)
    with pytest.raises(Invalid):
        bulk.parse_selection([])
    with pytest.raises(Invalid):
        bulk.parse_selection([str(i) for i in range(1, bulk.MAX_ITEMS + 2)])
    assert len(bulk.parse_selection([str(i) for i in range(1, bulk.MAX_ITEMS + 1)])) == 100


# -- the page ----------------------------------------------------------------------------------


def test_the_page_posts_and_reports_each_outcome(web_as, lead, agent_b, team_tickets):
    client = web_as(lead)
    selection = _selection(*team_tickets)  # what the lead's page showed
    stale = team_tickets[1]
    services.ticket_update(
        actor=agent_b, ticket=stale, version=stale.version, changes={"priority": "high"}
    )
    response = client.post(
        URL,
        {
            "t": selection,
            "action": "assign",
            "assignee": agent_b.pk,
            "query": "tab=team&priority=normal",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{LIST}?tab=team&priority=normal"
    html = response.content.decode()
    assert "2 tickets updated, 1 skipped: " in html
    assert stale.number in html
    assert Ticket.objects.filter(assignee=agent_b).count() == 2


def test_a_bad_request_is_a_4xx_with_a_message_and_changes_nothing(
    web_as, agent, lead, agent_b, team_tickets
):
    too_many = [str(i) for i in range(1, bulk.MAX_ITEMS + 2)]
    cases = [
        (lead, {"t": too_many, "action": "status", "status": "pending"}, 400, "at most 100"),
        (lead, {"action": "status", "status": "pending"}, 400, "Select at least one ticket"),
        (lead, {"t": _selection(*team_tickets), "action": "dance"}, 400, "Choose an action"),
        (lead, {"t": ["abc"], "action": "status", "status": "pending"}, 400, "not valid"),
        (
            agent,
            {"t": _selection(*team_tickets), "action": "assign", "assignee": agent_b.pk},
            403,
            "assign in bulk",
        ),
    ]
    for user, data, status, text in cases:
        response = web_as(user).post(URL, data)
        assert response.status_code == status, data
        assert text in response.content.decode()
    assert all(t.version == Ticket.objects.get(pk=t.pk).version for t in team_tickets)


def test_bulk_actions_need_a_post_with_the_csrf_token(lead, team_tickets):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    assert client.get(URL).status_code == 405
    response = client.post(
        URL, {"t": _selection(*team_tickets), "action": "status", "status": "pending"}
    )
    assert response.status_code == 403
    assert not Ticket.objects.filter(status="pending").exists()


def test_only_those_who_dispatch_see_assign_and_transfer(web_as, agent, lead, team_tickets):
    agent_html = web_as(agent).get(LIST).content.decode()
    assert 'id="bulk-form"' in agent_html
    assert 'value="status"' in agent_html and 'value="export"' in agent_html
    assert 'value="assign"' not in agent_html
    assert 'value="transfer"' not in agent_html
    lead_html = web_as(lead).get(LIST).content.decode()
    assert 'value="assign"' in lead_html and 'value="transfer"' in lead_html
    # every row has its checkbox carrying the version the page showed
    for ticket in team_tickets:
        assert f'value="{ticket.pk}:{ticket.version}" form="bulk-form"' in lead_html


def test_export_writes_the_selection_as_text_with_phones_masked(
    web_as, agent, make_customer, make_ticket
):
    customer = make_customer(name='=HYPERLINK("http://x","y")', phone="13912345678")
    ticket = make_ticket(agent, customer=customer, title="+SUM(1,2)")
    response = web_as(agent).post(
        URL, {"t": [f"{ticket.pk}:{ticket.version}"], "action": "export", "query": ""}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(
        r'attachment; filename="tickets-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    number, title, *_rest = rows[1]
    assert number == ticket.number
    assert title == "'+SUM(1,2)"
    assert rows[1][6] == '\'=HYPERLINK("http://x","y")'
    assert rows[1][7] == "139****5678"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert AuditEvent.objects.filter(action="ticket.export", actor=agent).exists()


def test_export_leaves_out_tickets_outside_the_scope(web_as, agent, wy_agent, make_ticket):
    mine = make_ticket(agent, title="我的")
    theirs = make_ticket(wy_agent, title="物业的")
    response = web_as(agent).post(URL, {"t": [str(mine.pk), str(theirs.pk)], "action": "export"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [mine.number]
