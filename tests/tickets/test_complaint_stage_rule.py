"""Complaint stages are enforced (CMP-1, issue 15): a complaint is not 已解决 (resolved) before
its solution is agreed (方案协商), whichever way the status is changed — the service, the ticket
page, the API, a bulk action. Nothing changes when it is refused."""

from __future__ import annotations

import pytest

from kefu.core.errors import Invalid
from kefu.tickets import complaints, services
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import Stage


def _fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def _clarify(ticket, actor, validity="valid", explanation=""):
    complaints.complaint_advance(
        actor=actor,
        ticket=ticket,
        stage=Stage.CLARIFIED,
        validity=validity,
        explanation=explanation,
    )


def _agree(ticket, actor):
    complaints.complaint_advance(
        actor=actor,
        ticket=ticket,
        stage=Stage.SOLUTION,
        options=["补发一件", "退款 30 元"],
        agreed_option="补发一件",
    )


def test_the_service_refuses_to_resolve_a_complaint_before_its_solution(agent, make_ticket):
    ticket = make_ticket(agent, type="complaint")

    with pytest.raises(Invalid) as refused:
        services.ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )

    assert refused.value.code == "complaint_stage_required"
    assert "solution" in str(refused.value.message)
    assert _fresh(ticket).status == "new"
    assert _fresh(ticket).version == ticket.version


def test_a_clarified_valid_complaint_is_still_refused(agent, make_ticket):
    ticket = make_ticket(agent, type="complaint")
    _clarify(ticket, agent)

    with pytest.raises(Invalid):
        services.ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )
    assert _fresh(ticket).status == "new"


def test_once_the_solution_is_agreed_the_complaint_is_resolved(agent, make_ticket):
    ticket = make_ticket(agent, type="complaint")
    _clarify(ticket, agent)
    _agree(ticket, agent)

    services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )

    assert _fresh(ticket).status == "resolved"


def test_a_complaint_judged_not_valid_is_resolved_after_the_explanation(agent, make_ticket):
    ticket = make_ticket(agent, type="complaint")
    _clarify(ticket, agent, validity="not_valid", explanation="订单显示已签收，已向客户说明。")

    services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )

    assert _fresh(ticket).status == "resolved"


def test_other_tickets_resolve_without_stages(agent, make_ticket):
    ticket = make_ticket(agent, type="consult")

    services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )

    assert _fresh(ticket).status == "resolved"


def test_a_resolved_enquiry_cannot_become_a_complaint_that_skipped_its_stages(agent, make_ticket):
    ticket = make_ticket(agent, type="consult")
    ticket = services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )

    with pytest.raises(Invalid):
        services.ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"type": "complaint"}
        )
    assert _fresh(ticket).type == "consult"


def test_the_ticket_page_answers_4xx_with_the_reason(agent, make_ticket, web_as):
    ticket = make_ticket(agent, type="complaint")

    response = web_as(agent).post(
        f"/tickets/{ticket.pk}/status/",
        {"status-version": ticket.version, "status-status": "resolved"},
    )

    assert response.status_code == 400
    assert "solution is agreed" in response.content.decode()
    assert _fresh(ticket).status == "new"


def test_the_api_answers_400_with_a_stable_code(agent, make_ticket, api_as):
    ticket = make_ticket(agent, type="complaint")

    response = api_as(agent).patch(
        f"/api/v1/tickets/{ticket.pk}", {"version": ticket.version, "status": "resolved"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "complaint_stage_required"
    assert "status" in response.json()["error"]["fields"]
    assert _fresh(ticket).status == "new"


def test_a_bulk_status_change_skips_the_complaint_and_resolves_the_others(lead, make_ticket):
    bulk = pytest.importorskip("kefu.tickets.bulk")
    complaint = make_ticket(lead, type="complaint")
    enquiry = make_ticket(lead, type="consult")

    result = bulk.tickets_bulk_update(
        actor=lead,
        items=[(complaint.pk, complaint.version), (enquiry.pk, enquiry.version)],
        action="status",
        value="resolved",
    )

    assert [s.ticket_id for s in result.skipped] == [complaint.pk]
    assert _fresh(complaint).status == "new"
    assert _fresh(enquiry).status == "resolved"
