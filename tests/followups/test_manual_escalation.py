"""ESC-4 / ESC-5 / ESC-6: escalation by hand to the team lead, supervisor or manager, difficult
customers reported, and escalated complaints counted per level and month."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.core.errors import Invalid
from kefu.core.models import AuditEvent
from kefu.followups import selectors
from kefu.followups.models import ManualEscalation
from kefu.followups.services.manual import ticket_escalate
from kefu.tickets.models import TicketEvent
from kefu.tickets.models_sla import Notification

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def november(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


def test_esc4_agent_hands_a_hard_customer_to_the_manager_with_a_reason(
    agent, manager, make_ticket, november
):
    ticket = make_ticket(agent)
    # a reason is required: nothing is recorded without one
    with pytest.raises(Invalid):
        ticket_escalate(actor=agent, ticket=ticket, level="manager", reason="  ")
    assert ManualEscalation.objects.count() == 0
    # when the agent escalates to the manager
    row = ticket_escalate(
        actor=agent, ticket=ticket, level="manager", reason="客户情绪激动，要求经理出面"
    )
    # then the manager is notified in the app, it is audited and on the ticket's timeline
    assert (row.level, row.recipient, row.is_complaint) == ("manager", manager, True)
    assert Notification.objects.filter(user=manager, ticket=ticket).exists()
    assert AuditEvent.objects.filter(action="ticket.escalate", object_id=str(row.pk)).exists()
    entry = TicketEvent.objects.get(ticket=ticket, field="escalation")
    assert "客户情绪激动" in entry.after


def test_esc6_difficult_customer_is_reported_to_the_supervisor(
    agent, supervisor, make_ticket, november
):
    ticket = make_ticket(agent, type="consult")
    row = ticket_escalate(
        actor=agent, ticket=ticket, level="supervisor", reason="反复无理要求补偿", difficult=True
    )
    assert (row.kind, row.recipient) == ("difficult", supervisor)
    assert Notification.objects.filter(user=supervisor, ticket=ticket).exists()


def test_escalation_goes_above_the_actors_own_level_and_to_someone(lead, agent, make_ticket):
    ticket = make_ticket(agent)
    # a lead cannot escalate to a lead
    with pytest.raises(Invalid):
        ticket_escalate(actor=lead, ticket=ticket, level="lead", reason="请处理")
    # nobody is a manager of this line yet: refused, nothing recorded
    with pytest.raises(Invalid):
        ticket_escalate(actor=agent, ticket=ticket, level="manager", reason="请处理")
    with pytest.raises(Invalid):
        ticket_escalate(actor=agent, ticket=ticket, level="boss", reason="请处理")
    assert ManualEscalation.objects.count() == 0


def test_esc5_escalated_complaints_are_counted_per_level_and_month(
    agent, lead, supervisor, manager, make_ticket, november
):
    # given October: one complaint escalated to the supervisor
    november.move_to(dt.datetime(2026, 10, 20, 10, 0, tzinfo=SH), tick=False)
    old = make_ticket(agent)
    ticket_escalate(actor=agent, ticket=old, level="supervisor", reason="十月")
    # and November: one complaint to the supervisor twice (counts once), another to the lead and
    # then the manager, a consultation to the supervisor (not a complaint), a difficult customer
    november.move_to(dt.datetime(2026, 11, 3, 10, 0, tzinfo=SH), tick=False)
    first, second, consult = (
        make_ticket(agent),
        make_ticket(agent),
        make_ticket(agent, type="consult"),
    )
    ticket_escalate(actor=agent, ticket=first, level="supervisor", reason="一")
    ticket_escalate(actor=agent, ticket=first, level="supervisor", reason="再次")
    ticket_escalate(actor=agent, ticket=second, level="lead", reason="二")
    ticket_escalate(actor=lead, ticket=second, level="manager", reason="组长处理不了")
    ticket_escalate(actor=agent, ticket=consult, level="supervisor", reason="咨询")
    ticket_escalate(actor=agent, ticket=consult, level="supervisor", reason="无理", difficult=True)
    # when the supervisor reads November and October
    nov = selectors.escalation_counts(user=supervisor, period="2026-11")
    octo = selectors.escalation_counts(user=supervisor, period="2026-10")
    # then
    assert [(code, c, d) for code, _label, c, d in nov.rows] == [
        ("lead", 1, 0),
        ("supervisor", 1, 1),
        ("manager", 1, 0),
    ]
    assert (nov.complaints, nov.difficult) == (3, 1)
    assert (octo.complaints, octo.difficult) == (1, 0)


def test_esc4_ticket_page_form_and_complaints_report(
    agent, agent2, supervisor, make_ticket, web_as, client, november
):
    ticket = make_ticket(agent)
    url = reverse("followups:ticket_escalate", args=[ticket.pk])
    # an agent of another team does not find the ticket
    assert web_as(agent2).post(url, {"level": "supervisor", "reason": "x"}).status_code == 404
    client.logout()
    browser = web_as(agent)
    page = browser.get(reverse("tickets:detail", args=[ticket.pk]))
    assert 'id="ticket-escalate"' in page.text
    browser.post(url, {"level": "supervisor", "reason": "客户要求主管回电", "kind": "escalation"})
    assert ManualEscalation.objects.filter(ticket=ticket, level="supervisor").count() == 1
    client.logout()
    report = web_as(supervisor).get(reverse("followups:complaints"), {"period": "2026-11"})
    assert report.status_code == 200
    assert 'id="escalated-supervisor"' in report.text and "客户要求主管回电" in report.text
