"""Grades 一般/重复/恶性 (§9.9), escalation after 2 days (§9.2), the periodic cadence run."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import PermissionDenied
from kefu.core.models import AuditEvent
from kefu.followups import selectors, services
from kefu.followups.models import CallbackTask, ComplaintGrade, Escalation, GradeChange, Kind
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_update

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    return time_machine


def _grade(ticket) -> str:
    return ComplaintGrade.objects.get(ticket=ticket).grade


def _reopen_and_resolve(ticket, actor):
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket = ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
    )
    return ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )


def test_reopened_complaint_becomes_a_repeat_with_an_audited_reason(
    agent, make_ticket, resolve, outcome, monday
):
    """§9.9: a reopened complaint becomes 重复投诉; the change is audited and on the timeline.
    (A callback's 不满意 also reopens it, but that is a failed callback: see
    test_repeat_complaints.py.)"""
    # given
    ticket = resolve(make_ticket(agent), agent)
    # when the customer comes back about it and the agent reopens it
    ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
    )
    # then
    assert _grade(ticket) == "repeat"
    change = GradeChange.objects.get(ticket=ticket)
    assert (change.before, change.after, change.rule) == ("ordinary", "repeat", "reopened")
    assert AuditEvent.objects.filter(action="complaint.grade", object_id=str(ticket.pk)).exists()
    assert TicketEvent.objects.filter(ticket=ticket, field="grade").exists()


def test_complaint_unresolved_after_2_failed_callbacks_becomes_a_repeat(
    agent, make_ticket, resolve, outcome, monday
):
    """§9.9: still unresolved after 2 failed callbacks (default 2) → 重复投诉 (a failed callback:
    the customer says it is unresolved or refuses the solution)."""
    # given
    ticket = resolve(make_ticket(agent), agent)
    first = CallbackTask.objects.get(ticket=ticket)
    # when one callback failed
    outcome(first, agent, "dissatisfied")
    # then it is still ordinary
    assert not GradeChange.objects.filter(ticket=ticket).exists()
    # when the second failed too
    ticket = resolve(ticket, agent)
    outcome(CallbackTask.objects.get(ticket=ticket, status="open"), agent, "dissatisfied")
    # then
    assert _grade(ticket) == "repeat"
    assert GradeChange.objects.get(ticket=ticket).rule == "failed_callbacks"


def test_third_repeat_makes_the_complaint_malignant(agent, make_ticket, resolve, monday):
    """§9.9: the rule "third repeat" upgrades to 恶性投诉."""
    # given
    ticket = resolve(make_ticket(agent), agent)
    # when reopened three times
    for _ in range(2):
        _reopen_and_resolve(ticket, agent)
    assert _grade(ticket) == "repeat"
    _reopen_and_resolve(ticket, agent)
    # then
    assert _grade(ticket) == "malignant"
    assert GradeChange.objects.filter(ticket=ticket).first().rule == "third_repeat"


def test_supervisor_marks_a_complaint_malignant_with_a_reason(agent, supervisor, make_ticket):
    """§9.9: 恶性 when a supervisor marks it severe (reason required; agents may not)."""
    # given
    ticket = make_ticket(agent)
    # then an agent may not
    with pytest.raises(PermissionDenied):
        services.complaint_mark_severe(actor=agent, ticket=ticket, reason="情节严重")
    # when
    services.complaint_mark_severe(actor=supervisor, ticket=ticket, reason="客户多次投诉到总部")
    # then
    change = GradeChange.objects.get(ticket=ticket)
    assert (change.after, change.rule, change.reason, change.actor) == (
        "malignant",
        "supervisor",
        "客户多次投诉到总部",
        supervisor,
    )


def test_media_exposure_flag_makes_the_complaint_malignant(agent, make_ticket):
    ticket = make_ticket(agent)
    services.complaint_flag(actor=agent, ticket=ticket, flag="media", note="记者来电")
    assert _grade(ticket) == "malignant"
    assert GradeChange.objects.get(ticket=ticket).rule == "flag"


def test_monthly_lists_of_repeat_and_malignant_complaints(
    agent, supervisor, make_ticket, resolve, monday
):
    # given
    repeat = resolve(make_ticket(agent, title="重复"), agent)
    _reopen_and_resolve(repeat, agent)
    malignant = make_ticket(agent, title="恶性")
    services.complaint_mark_severe(actor=supervisor, ticket=malignant, reason="严重")
    # when
    repeats = selectors.graded_complaints_for(user=supervisor, period="2026-11", grade="repeat")
    severe = selectors.graded_complaints_for(user=supervisor, period="2026-11", grade="malignant")
    october = selectors.graded_complaints_for(user=supervisor, period="2026-10", grade="repeat")
    # then
    assert [c.ticket_id for c in repeats] == [repeat.pk]
    assert [c.ticket_id for c in severe] == [malignant.pk]
    assert october == []


def test_unresolved_callback_issue_escalates_to_the_supervisor_after_2_days(
    agent, supervisor, make_ticket, resolve, outcome, monday
):
    """CMP-4, §9.2: an issue raised in a callback, still unresolved after 2 days → supervisor."""
    # given a dissatisfied callback (the ticket reopened and stays open)
    ticket = resolve(make_ticket(agent, type="consult"), agent)
    outcome(CallbackTask.objects.get(ticket=ticket), agent, "dissatisfied")
    # when 1 day later
    monday.move_to(dt.datetime(2026, 11, 3, 10, 30, tzinfo=SH), tick=False)
    assert services.escalations_run() == 0
    # when 2 days later, twice
    monday.move_to(dt.datetime(2026, 11, 4, 10, 30, tzinfo=SH), tick=False)
    created = services.escalations_run()
    again = services.escalations_run()
    # then
    assert (created, again) == (1, 0)
    escalation = Escalation.objects.get()
    assert (escalation.ticket_id, escalation.supervisor) == (ticket.pk, supervisor)


def test_resolved_issue_does_not_escalate(agent, make_ticket, resolve, outcome, monday):
    """CMP-4: a solution the customer was told the same day closes the loop."""
    from kefu.followups.models import SolutionNotice

    ticket = resolve(make_ticket(agent, type="consult"), agent)
    outcome(CallbackTask.objects.get(ticket=ticket), agent, "dissatisfied")
    resolve(ticket, agent)
    services.notice_done(actor=agent, notice=SolutionNotice.objects.get(ticket=ticket))
    monday.move_to(dt.datetime(2026, 11, 10, 10, 0, tzinfo=SH), tick=False)
    assert services.escalations_run() == 0


def test_maintenance_reminders_14_days_before_and_again_3_days_before(
    agent, org, make_customer, monday
):
    """Maintenance reminder 2 weeks before next_maintenance_on and again 3 days before."""
    from kefu.customers.assets import vehicle_add

    # given a vehicle due on 2026-11-16 (14 days after Monday 2 November)
    customer = make_customer(org.auto, dedicated_agent=None)
    vehicle_add(
        actor=agent,
        customer=customer,
        data={"model_name": "卡罗拉", "plate": "京A12345", "next_maintenance_on": "2026-11-16"},
    )
    # when
    services.maintenance_run()
    # then
    first = CallbackTask.objects.get(customer=customer, kind=Kind.MAINTENANCE)
    assert (first.sequence, first.window_start, first.window_end) == (
        1,
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 12),
    )
    # when 3 days before the date
    monday.move_to(dt.datetime(2026, 11, 13, 9, 0, tzinfo=SH), tick=False)
    services.maintenance_run()
    # then
    second = CallbackTask.objects.get(customer=customer, kind=Kind.MAINTENANCE, sequence=2)
    assert (second.window_start, second.window_end) == (
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 16),
    )


def test_periodic_job_run_twice_creates_no_duplicates(
    agent, org, make_customer, make_ticket, monday
):
    """The Huey job is idempotent: two runs, the same tasks."""
    from kefu.customers.assets import vehicle_add
    from kefu.followups.tasks import followups_cadence

    # given a vehicle due in 2 weeks, an education-like inactive customer and a reopened issue
    customer = make_customer(org.auto)
    vehicle_add(
        actor=agent,
        customer=customer,
        data={"model_name": "雅阁", "next_maintenance_on": "2026-11-14"},
    )
    # when
    followups_cadence()
    count = CallbackTask.objects.count()
    followups_cadence()
    # then
    assert count == 1
    assert CallbackTask.objects.count() == count


def test_inactive_customer_gets_a_callback_after_3_weeks(
    agent, supervisor, org, make_ticket, time_machine
):
    """FU-6: no visit or lesson for ≥ 3 weeks (21 days) → one callback per inactive spell."""
    # given the inactivity policy on, and a customer last seen on 12 October
    policy = services.policy_for(org.shop, Kind.INACTIVITY)
    services.policy_update(actor=supervisor, policy=policy, changes={"enabled": True})
    time_machine.move_to(dt.datetime(2026, 10, 12, 10, 0, tzinfo=SH), tick=False)
    ticket = make_ticket(agent, type="consult")
    # when 20 days later
    time_machine.move_to(dt.datetime(2026, 11, 1, 10, 0, tzinfo=SH), tick=False)
    services.inactivity_run()
    assert not CallbackTask.objects.filter(kind=Kind.INACTIVITY).exists()
    # when 21 days later, twice
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False)
    services.inactivity_run()
    services.inactivity_run()
    # then
    task = CallbackTask.objects.get(kind=Kind.INACTIVITY)
    assert (task.customer_id, task.owner, task.window_start) == (
        ticket.customer_id,
        agent,
        dt.date(2026, 11, 2),
    )


def test_event_notice_by_phone_2_weeks_ahead_then_a_letter_within_2_days(
    lead, make_customer, org, monday
):
    # given
    customer = make_customer(dedicated_agent=None)
    # when
    event = services.event_create(
        actor=lead,
        business_line=org.shop,
        title="双十二会员日",
        happens_on=dt.date(2026, 12, 12),
        customers=[customer],
    )
    # then
    call = CallbackTask.objects.get(event=event, kind=Kind.EVENT_NOTICE)
    letter = CallbackTask.objects.get(event=event, kind=Kind.EVENT_LETTER)
    assert (call.window_start, call.window_end) == (dt.date(2026, 11, 28), dt.date(2026, 11, 28))
    assert (letter.window_start, letter.window_end) == (
        dt.date(2026, 11, 28),
        dt.date(2026, 11, 30),
    )
