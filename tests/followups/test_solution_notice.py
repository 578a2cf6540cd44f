"""CMP-4 / §9.2: once the issue a customer raised in a callback has a solution, the customer is
told the same day (a task for the owner, due at the end of that business day), and the 2-day
escalation to the supervisor checks that this task was done."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.core.errors import Invalid
from kefu.core.models import AuditEvent
from kefu.followups import services
from kefu.followups.models import CallbackTask, Escalation, Kind, SolutionNotice
from kefu.followups.services.notices import notice_due
from kefu.tickets.models import TicketEvent
from kefu.tickets.models_sla import Notification

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


def _dissatisfied_consult(agent, make_ticket, resolve, outcome):
    ticket = resolve(make_ticket(agent, type="consult"), agent)
    outcome(CallbackTask.objects.get(ticket=ticket), agent, "dissatisfied", notes="还是没收到")
    return ticket


def _end_of_day(day: dt.date, org) -> dt.datetime:
    """The end of ``day``'s working hours on the shop's calendar (what the page shows)."""
    return notice_due(dt.datetime.combine(day, dt.time(0, 1), tzinfo=SH), org.shop)


def test_cmp4_solution_on_the_ticket_makes_a_same_day_task_for_the_owner(
    agent, org, make_ticket, resolve, outcome, monday
):
    # given an issue raised in the callback of a ticket (the ticket reopened)
    ticket = _dissatisfied_consult(agent, make_ticket, resolve, outcome)
    # when the ticket gets its solution on Monday morning
    resolve(ticket, agent)
    # then the owner must tell the customer by the end of that same business day
    notice = SolutionNotice.objects.get()
    due = notice.due_at.astimezone(SH)
    assert (notice.owner, notice.ticket_id, notice.done_at) == (agent, ticket.pk, None)
    assert due.date() == dt.date(2026, 11, 2)
    assert due > dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)
    assert due == _end_of_day(dt.date(2026, 11, 2), org)
    # and is told so in the app, with an audit record
    assert Notification.objects.filter(user=agent, kind="task", ticket=ticket).exists()
    assert AuditEvent.objects.filter(action="callback.notice").count() == 1


def test_cmp4_solution_after_hours_is_due_by_the_end_of_the_next_business_day(
    agent, org, make_ticket, resolve, outcome, monday
):
    # given an issue raised on Friday 6 November
    monday.move_to(dt.datetime(2026, 11, 6, 10, 0, tzinfo=SH), tick=False)
    ticket = _dissatisfied_consult(agent, make_ticket, resolve, outcome)
    # when the solution comes on Friday at 23:00
    monday.move_to(dt.datetime(2026, 11, 6, 23, 0, tzinfo=SH), tick=False)
    resolve(ticket, agent)
    # then the task is due at the end of Monday 9 November (Saturday and Sunday are off)
    due = SolutionNotice.objects.get().due_at.astimezone(SH)
    assert due.date() == dt.date(2026, 11, 9)
    assert due == _end_of_day(dt.date(2026, 11, 9), org)


def test_cmp4_escalates_after_2_days_when_the_customer_was_not_told(
    agent, supervisor, make_ticket, resolve, outcome, monday
):
    # given an issue raised on Monday whose solution came the same day
    ticket = _dissatisfied_consult(agent, make_ticket, resolve, outcome)
    resolve(ticket, agent)
    # when 2 business days pass and nobody told the customer
    monday.move_to(dt.datetime(2026, 11, 3, 10, 30, tzinfo=SH), tick=False)
    assert services.escalations_run() == 0
    monday.move_to(dt.datetime(2026, 11, 4, 10, 30, tzinfo=SH), tick=False)
    created, again = services.escalations_run(), services.escalations_run()
    # then the supervisor gets it once, with the reason that the customer was not told
    assert (created, again) == (1, 0)
    escalation = Escalation.objects.get()
    assert (escalation.ticket_id, escalation.supervisor) == (ticket.pk, supervisor)
    assert "not been told" in escalation.reason or "告知" in escalation.reason


def test_cmp4_telling_the_customer_closes_the_loop_and_stops_the_escalation(
    agent, make_ticket, resolve, outcome, monday
):
    # given an issue with a solution
    ticket = _dissatisfied_consult(agent, make_ticket, resolve, outcome)
    resolve(ticket, agent)
    notice = SolutionNotice.objects.get()
    # when the owner tells the customer the same day
    services.notice_done(actor=agent, notice=notice, notes="已电话告知补发单号")
    # then no escalation, the ticket's timeline says so, and it is audited
    monday.move_to(dt.datetime(2026, 11, 10, 10, 0, tzinfo=SH), tick=False)
    assert services.escalations_run() == 0
    assert TicketEvent.objects.filter(ticket=ticket, after__contains="已电话告知补发单号").exists()
    assert AuditEvent.objects.filter(action="callback.notice_done").count() == 1
    # and doing it twice is refused without a change
    with pytest.raises(Exception) as refused:
        services.notice_done(actor=agent, notice=notice)
    assert getattr(refused.value, "status", None) == 409


def test_cmp4_issue_without_a_ticket_needs_its_solution_written_then_a_same_day_task(
    agent, make_customer, outcome, monday
):
    # given a dissatisfied callback about a negative review (no ticket)
    customer = make_customer(agent.business_line, dedicated_agent=agent)
    task = services.callback_trigger(kind=Kind.REVIEW, customer=customer, actor=agent)
    outcome(task, agent, "dissatisfied", notes="抱怨快递太慢")
    task.refresh_from_db()
    # when the solution is left empty, nothing changes
    with pytest.raises(Invalid):
        services.callback_issue_resolve(actor=agent, task=task, notes="  ")
    assert SolutionNotice.objects.count() == 0
    # when the solution is written
    services.callback_issue_resolve(actor=agent, task=task, notes="改发顺丰")
    # then the owner has a task due today
    notice = SolutionNotice.objects.get()
    assert (notice.owner, notice.solution, notice.ticket_id) == (agent, "改发顺丰", None)
    assert notice.due_at.astimezone(SH).date() == dt.date(2026, 11, 2)


def test_cmp4_workbench_shows_the_task_and_the_agent_marks_it_told(
    agent, agent2, make_ticket, resolve, outcome, web_as, monday, client
):
    # given a task to tell the customer
    ticket = _dissatisfied_consult(agent, make_ticket, resolve, outcome)
    resolve(ticket, agent)
    notice = SolutionNotice.objects.get()
    # an agent of another team does not find it
    assert (
        web_as(agent2).post(reverse("followups:notice_done", args=[notice.pk])).status_code == 404
    )
    client.logout()
    # when the owner opens the workbench and marks it told
    browser = web_as(agent)
    page = browser.get(reverse("followups:workbench"))
    assert page.status_code == 200 and f"notice-{notice.pk}" in page.text
    done = browser.post(
        reverse("followups:notice_done", args=[notice.pk]), {"notes": "已告知"}, follow=True
    )
    # then it is done and leaves the workbench
    notice.refresh_from_db()
    assert notice.done_at is not None and notice.done_by == agent
    assert f"notice-{notice.pk}" not in done.text
