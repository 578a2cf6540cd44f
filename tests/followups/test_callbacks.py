"""Callbacks after resolution, outcomes, the closed loop and deputies (issue 4 §4, spec FU-1/2/12)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.followups import services
from kefu.followups.models import CallbackTask, CallRecord, Kind
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def test_first_callback_window_is_days_3_to_7_after_resolution(agent, make_ticket, resolve, monday):
    """FU-1, §9.1: first callback 3–7 calendar days after the ticket is resolved."""
    # given
    ticket = make_ticket(agent)
    # when
    resolve(ticket, agent)
    # then
    task = CallbackTask.objects.get(ticket=ticket)
    assert task.kind == Kind.RESOLUTION_FIRST
    assert (task.window_start, task.window_end) == (dt.date(2026, 11, 5), dt.date(2026, 11, 9))
    assert task.owner == agent
    assert "satisfied" in task.script


def test_first_callback_counts_working_days_when_the_policy_says_so(
    agent, supervisor, org, make_ticket, resolve, time_machine
):
    """§9.1: a policy may count working days (the tracker rule "within 3 working days")."""
    # given: resolved on a Friday, the policy counts working days
    policy = services.policy_for(org.shop, Kind.RESOLUTION_FIRST)
    services.policy_update(actor=supervisor, policy=policy, changes={"working_days": True})
    time_machine.move_to(dt.datetime(2026, 11, 6, 10, 0, tzinfo=SH), tick=False)
    ticket = make_ticket(agent)
    # when
    resolve(ticket, agent)
    # then: +3 working days is Wednesday, +7 working days the Tuesday after
    task = CallbackTask.objects.get(ticket=ticket)
    assert (task.window_start, task.window_end) == (dt.date(2026, 11, 11), dt.date(2026, 11, 17))


def test_second_callback_window_is_days_7_to_14_after_the_first_was_completed(
    agent, make_ticket, resolve, outcome, monday
):
    """FU-2, §9.1: the second callback's window is days 7–14 after the first was completed."""
    # given
    ticket = make_ticket(agent, type="consult")
    resolve(ticket, agent)
    first = CallbackTask.objects.get(ticket=ticket)
    monday.move_to(dt.datetime(2026, 11, 6, 15, 0, tzinfo=SH), tick=False)
    # when
    outcome(first, agent, "satisfied")
    # then
    second = CallbackTask.objects.get(ticket=ticket, kind=Kind.RESOLUTION_SECOND)
    assert (second.window_start, second.window_end) == (
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 20),
    )


def test_unreached_callback_is_retried_next_day_up_to_3_attempts(
    agent, make_ticket, resolve, outcome, monday
):
    """未接通 → retried the next day, at most 3 attempts in all."""
    # given
    ticket = make_ticket(agent, type="consult")
    resolve(ticket, agent)
    task = CallbackTask.objects.get(ticket=ticket)
    monday.move_to(dt.datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False)
    # when
    outcome(task, agent, "unreachable")
    second = CallbackTask.objects.get(ticket=ticket, attempt=2)
    outcome(second, agent, "unreachable")
    third = CallbackTask.objects.get(ticket=ticket, attempt=3)
    outcome(third, agent, "unreachable")
    # then
    assert (second.window_start, second.window_end) == (dt.date(2026, 11, 6), dt.date(2026, 11, 6))
    assert third.previous_id == second.pk
    assert CallbackTask.objects.filter(ticket=ticket).count() == 3
    assert not CallbackTask.objects.filter(ticket=ticket, status="open").exists()


def test_dissatisfied_callback_reopens_the_ticket(agent, make_ticket, resolve, outcome, monday):
    """不满意 → the ticket reopens (through ticket_update, so its version moves)."""
    # given
    ticket = resolve(make_ticket(agent, type="consult"), agent)
    task = CallbackTask.objects.get(ticket=ticket)
    # when
    outcome(task, agent, "dissatisfied", notes="还是没收到")
    # then
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress"
    assert ticket.reopen_count == 1
    assert ticket.events.filter(kind="reopened").exists()


def test_complaint_closes_only_after_a_successful_callback(
    agent, make_ticket, resolve, outcome, monday
):
    """CMP-2: a complaint closes only after a successful callback (code callback_required)."""
    # given
    ticket = resolve(make_ticket(agent), agent)
    # when closing by hand before any callback
    with pytest.raises(Invalid) as refused:
        ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "closed"}
        )
    # then
    assert refused.value.code == "callback_required"
    # when the callback confirms satisfaction
    outcome(CallbackTask.objects.get(ticket=ticket), agent, "satisfied")
    # then the complaint closed itself (complaint_close_on_satisfied defaults on)
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_complaint_may_close_without_callback_when_the_policy_is_off(
    agent, supervisor, org, make_ticket, resolve, monday
):
    """The closed-loop rule is switchable per business line."""
    # given
    services.line_settings_update(
        actor=supervisor, line=org.shop, values={"complaint_close_requires_callback": False}
    )
    ticket = resolve(make_ticket(agent), agent)
    # when
    ticket = ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "closed"}
    )
    # then
    assert ticket.status == "closed"


def test_satisfied_callback_leaves_complaint_resolved_when_auto_close_is_off(
    agent, supervisor, org, make_ticket, resolve, outcome, monday
):
    # given
    services.line_settings_update(
        actor=supervisor, line=org.shop, values={"complaint_close_on_satisfied": False}
    )
    ticket = resolve(make_ticket(agent), agent)
    # when
    outcome(CallbackTask.objects.get(ticket=ticket), agent, "satisfied")
    ticket = Ticket.objects.get(pk=ticket.pk)
    # then: still resolved, but now the agent may close it
    assert ticket.status == "resolved"
    ticket = ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "closed"}
    )
    assert ticket.status == "closed"


def test_phone_outcome_is_registered_in_the_call_register(
    agent, make_ticket, resolve, outcome, monday
):
    """LOG-1: logging a callback by phone creates the call record."""
    # given
    ticket = resolve(make_ticket(agent, type="consult"), agent)
    task = CallbackTask.objects.get(ticket=ticket)
    # when
    outcome(task, agent, "unreachable", duration_seconds=30, recording_ref="rec-001")
    # then
    call = CallRecord.objects.get(callback=task)
    assert (call.direction, call.result, call.duration_seconds) == ("out", "unreachable", 30)
    assert (call.customer_id, call.ticket_id, call.agent, call.recording_ref) == (
        ticket.customer_id,
        ticket.pk,
        agent,
        "rec-001",
    )


def test_logging_a_done_callback_again_is_a_conflict(agent, make_ticket, resolve, outcome, monday):
    from kefu.core.errors import Conflict

    ticket = resolve(make_ticket(agent, type="consult"), agent)
    task = CallbackTask.objects.get(ticket=ticket)
    outcome(task, agent, "refused")
    with pytest.raises(Conflict):
        services.callback_log_outcome(
            actor=agent, task=task, version=task.version, outcome="satisfied"
        )


def test_deputy_takes_the_absent_owners_callbacks(
    agent, agent_b, supervisor, make_ticket, resolve, monday
):
    """FU-12: the supervisor's chosen deputy takes the absent owner's callbacks."""
    # given: agent has a callback due, then is away for two weeks
    before = resolve(make_ticket(agent, type="consult"), agent)
    services.deputy_set(actor=supervisor, owner=agent, deputy=agent_b)
    # when
    services.absence_create(
        actor=supervisor,
        user=agent,
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2026, 11, 15),
        reason="年假",
    )
    after = resolve(make_ticket(agent, type="consult"), agent)
    # then: the open callback moved, and the new one was given to the deputy
    for ticket in (before, after):
        task = CallbackTask.objects.get(ticket=ticket)
        assert (task.owner, task.original_owner) == (agent_b, agent)


def test_only_a_supervisor_chooses_deputies(agent, agent_b):
    with pytest.raises(PermissionDenied):
        services.deputy_set(actor=agent, owner=agent_b, deputy=agent)


def test_callback_trigger_creates_one_task_per_day_and_respects_the_switch(
    agent, supervisor, org, make_customer, monday
):
    """Triggered policies (no-show the same day) are idempotent and switchable."""
    # given
    customer = make_customer(dedicated_agent=agent)
    # when
    first = services.callback_trigger(kind=Kind.NO_SHOW, customer=customer)
    again = services.callback_trigger(kind=Kind.NO_SHOW, customer=customer)
    # then
    assert first.pk == again.pk
    assert (first.window_start, first.window_end, first.owner) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 2),
        agent,
    )
    # when the policy is off
    policy = services.policy_for(org.shop, Kind.REVIEW)
    services.policy_update(actor=supervisor, policy=policy, changes={"enabled": False})
    # then
    assert services.callback_trigger(kind=Kind.REVIEW, customer=customer) is None


def test_policies_seed_the_default_numbers(org):
    """Every default number of the cadence policies, pinned."""
    numbers = {
        p.kind: (p.enabled, p.start_days, p.end_days, p.second_days, p.max_attempts, p.retry_days)
        for p in services.policies_seed(org.auto)
    }
    assert numbers[Kind.RESOLUTION_FIRST] == (True, 3, 7, None, 3, 1)
    assert numbers[Kind.RESOLUTION_SECOND] == (True, 7, 14, None, 3, 1)
    assert numbers[Kind.EVENT_NOTICE] == (True, -14, -14, None, 3, 1)
    assert numbers[Kind.EVENT_LETTER] == (True, 0, 2, None, 3, 1)
    assert numbers[Kind.MAINTENANCE] == (True, -14, -4, 3, 3, 1)
    assert numbers[Kind.INACTIVITY][1:3] == (21, 23)
    assert numbers[Kind.NO_SHOW][1:3] == (0, 0)
    assert len(services.policies_seed(org.auto)) == len(numbers)


def test_working_days_skip_the_national_day_holiday(
    agent, supervisor, org, make_ticket, resolve, time_machine
):
    """Working days come from the business calendar: 1–7 October 2026 are holidays."""
    # given
    policy = services.policy_for(org.shop, Kind.RESOLUTION_FIRST)
    services.policy_update(actor=supervisor, policy=policy, changes={"working_days": True})
    time_machine.move_to(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH), tick=False)
    ticket = make_ticket(agent, type="consult")
    # when
    resolve(ticket, agent)
    # then: +3 working days skips 1–7 October and lands on Saturday 10 October, a 调休 workday
    task = CallbackTask.objects.get(ticket=ticket)
    assert task.window_start == dt.date(2026, 10, 10)
