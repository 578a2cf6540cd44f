"""The complaint workflow (CMP-1, CMP-5) and promises as tasks (WL-4, FU-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.tickets import complaints
from kefu.tickets.models import TicketEvent
from kefu.tickets.models_sla import Notification, Task
from kefu.tickets.sla_selectors import task_list_for

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def complaint(time_machine, agent, make_ticket):
    time_machine.move_to(MONDAY_10, tick=False)
    return make_ticket(agent, title="老师经常临时请假")


def test_complaint_stages_go_in_order(complaint, agent):
    # skipping 澄清判定 is refused
    with pytest.raises(Invalid) as refused:
        complaints.complaint_advance(
            actor=agent, ticket=complaint, stage="solution", options=["a"], agreed_option="a"
        )
    assert refused.value.code == "invalid_transition"
    # the four stages in order
    complaints.complaint_advance(actor=agent, ticket=complaint, stage="clarified", validity="valid")
    complaints.complaint_advance(
        actor=agent,
        ticket=complaint,
        stage="solution",
        options=["换老师", "补课两节"],
        agreed_option="补课两节",
    )
    case = complaints.complaint_advance(
        actor=agent, ticket=complaint, stage="follow_through", notes="已排课"
    )
    assert (case.stage, case.agreed_option) == ("follow_through", "补课两节")
    events = TicketEvent.objects.filter(ticket=complaint, field="complaint_stage")
    assert events.count() == 3
    assert AuditEvent.objects.filter(action="complaint.stage").count() == 3
    # nothing comes after 跟进落实, and going back is refused
    with pytest.raises(Invalid):
        complaints.complaint_advance(
            actor=agent, ticket=complaint, stage="clarified", validity="valid"
        )


def test_not_valid_without_the_explanation_to_the_customer_is_refused(complaint, agent):
    with pytest.raises(Invalid) as refused:
        complaints.complaint_advance(
            actor=agent, ticket=complaint, stage="clarified", validity="not_valid"
        )
    assert "explanation" in refused.value.fields
    case = complaints.complaint_advance(
        actor=agent,
        ticket=complaint,
        stage="clarified",
        validity="not_valid",
        explanation="课程表上写明了可调课,已向家长说明",
    )
    assert case.validity == "not_valid"


def test_agreed_option_must_be_one_offered(complaint, agent):
    complaints.complaint_advance(actor=agent, ticket=complaint, stage="clarified", validity="valid")
    with pytest.raises(Invalid):
        complaints.complaint_advance(
            actor=agent, ticket=complaint, stage="solution", options=["退费"], agreed_option="换课"
        )


def test_only_complaints_have_stages(agent, make_ticket):
    enquiry = make_ticket(agent, type="consult")
    with pytest.raises(Invalid):
        complaints.complaint_advance(
            actor=agent, ticket=enquiry, stage="clarified", validity="valid"
        )


def test_promise_task_is_due_exactly_30_minutes_later(complaint, agent):
    # when the agent promises a callback in 30 minutes
    task = complaints.promise_create(
        actor=agent, ticket=complaint, title="30分钟内回电", minutes=30
    )
    # then
    assert task.due_at == MONDAY_10 + dt.timedelta(minutes=30)
    assert (task.owner_id, task.kind) == (agent.pk, "promise")


def test_overdue_list_shows_open_past_due_promises(complaint, agent, time_machine):
    task = complaints.promise_create(actor=agent, ticket=complaint, title="回电", minutes=30)
    assert list(task_list_for(user=agent, overdue=True)) == []
    time_machine.move_to(MONDAY_10 + dt.timedelta(minutes=31), tick=False)
    assert list(task_list_for(user=agent, overdue=True)) == [task]
    complaints.task_done(actor=agent, task=task)
    assert list(task_list_for(user=agent, overdue=True)) == []
    with pytest.raises(Conflict):
        complaints.task_done(actor=agent, task=task)


def test_unit_done_creates_the_desk_recontact_task(complaint, agent, supervisor, org, time_machine):
    """CMP-5: the unit acts, then the desk re-contacts the customer the same working day."""
    # given
    with pytest.raises(PermissionDenied):
        complaints.unit_create(actor=agent, business_line=org.shop, name="仓库", kind="department")
    unit = complaints.unit_create(
        actor=supervisor, business_line=org.shop, name="仓库", kind="department"
    )
    handoff = complaints.handoff_create(
        actor=agent,
        ticket=complaint,
        unit=unit.pk,
        due_at=MONDAY_10 + dt.timedelta(days=1),
        note="补发",
    )
    # when the unit reports done at 15:00
    time_machine.move_to(dt.datetime(2026, 11, 23, 15, 0, tzinfo=SH), tick=False)
    task = complaints.handoff_report_done(actor=agent, handoff=handoff, report="已补发,单号SF123")
    # then
    assert (task.kind, task.owner_id) == (Task.Kind.RECONTACT, agent.pk)
    assert task.due_at == dt.datetime(2026, 11, 23, 18, 0, tzinfo=SH)
    assert Notification.objects.filter(user=agent, kind="handoff_done").count() == 1
    with pytest.raises(Conflict):
        complaints.handoff_report_done(actor=agent, handoff=handoff, report="again")


def test_handoff_needs_a_unit_of_the_line_and_a_future_deadline(complaint, agent, supervisor, org):
    unit = complaints.unit_create(
        actor=supervisor, business_line=org.shop, name="A站", kind="station"
    )
    with pytest.raises(Invalid):
        complaints.handoff_create(actor=agent, ticket=complaint, unit=unit.pk, due_at=MONDAY_10)
    with pytest.raises(Invalid):
        complaints.handoff_create(
            actor=agent, ticket=complaint, unit=999999, due_at=MONDAY_10 + dt.timedelta(days=1)
        )
