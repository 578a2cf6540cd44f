"""SLA clocks on tickets, the periodic check and its escalation chain (issue 4 §1, spec §1.5/§9)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from testkit import agree_solution

from kefu.accounts.services import user_update
from kefu.core.errors import Invalid, PermissionDenied
from kefu.tickets import services
from kefu.tickets.models_sla import Notification, SlaClock, SlaEvent
from kefu.tickets.notify import notify_settings_set
from kefu.tickets.sla_services import (
    sla_check,
    sla_policies_seed,
    sla_policy_create,
    sla_policy_update,
    sla_states,
)
from kefu.tickets.tasks import sla_check_job

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def urgent(time_machine, agent, make_ticket):
    """An urgent complaint (1 h first response, 4 h resolution) taken Monday 10:00 by agent."""
    time_machine.move_to(MONDAY_10, tick=False)
    return make_ticket(agent, priority="urgent", title="快递丢件了")


def _levels(ticket, clock):
    return list(
        SlaEvent.objects.filter(ticket=ticket, clock=clock)
        .order_by("level")
        .values_list("level", "escalated_to__username")
    )


def test_urgent_complaint_gets_one_hour_first_response_and_four_hour_resolution(urgent):
    clocks = {c.kind: c for c in SlaClock.objects.filter(ticket=urgent)}
    assert clocks["first_response"].target_seconds == 3600
    assert clocks["resolution"].target_seconds == 4 * 3600
    assert clocks["first_response"].due_at == at(2026, 11, 23, 11, 0)
    urgent.refresh_from_db()
    assert urgent.due_at == at(2026, 11, 23, 14, 0)


def test_pending_pauses_and_the_deadline_moves_by_exactly_the_paused_business_time(
    time_machine, agent, make_ticket
):
    """High priority (24 business hours): due Wed 16:00; pending Mon 15:00 → Tue 11:00 is 5
    business hours, so the deadline moves to Thu 12:00."""
    # given
    time_machine.move_to(MONDAY_10, tick=False)
    ticket = make_ticket(agent, priority="high")
    assert ticket.due_at == at(2026, 11, 25, 16, 0)
    # when
    time_machine.move_to(at(2026, 11, 23, 15, 0), tick=False)
    ticket = services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "pending"}
    )
    time_machine.move_to(at(2026, 11, 24, 11, 0), tick=False)
    ticket = services.ticket_update(
        actor=agent, ticket=ticket, version=ticket.version, changes={"status": "in_progress"}
    )
    # then
    ticket.refresh_from_db()
    assert ticket.due_at == at(2026, 11, 26, 12, 0)
    clock = SlaClock.objects.get(ticket=ticket, kind="resolution")
    assert clock.paused_seconds == 5 * 3600


def test_warning_at_80_percent_of_the_target(urgent, agent):
    assert sla_check(now=at(2026, 11, 23, 10, 47)) == 0
    assert sla_check(now=at(2026, 11, 23, 10, 48)) == 1
    assert _levels(urgent, "first_response") == [(0, "agent")]
    note = Notification.objects.get(user=agent)
    assert (note.ticket_id, note.clock, note.level) == (urgent.pk, "first_response", 0)


def test_breach_escalates_assignee_then_lead_then_supervisor_then_manager(
    urgent, lead, supervisor, manager
):
    # when the first response is 2 hours late, four levels have passed (80/100/150/200 %)
    created = sla_check(now=at(2026, 11, 23, 12, 0))
    # then
    assert created >= 4
    assert _levels(urgent, "first_response") == [
        (0, "agent"),
        (1, "lead"),
        (2, "supervisor"),
        (3, "manager"),
    ]
    assert Notification.objects.filter(user=manager, level=3).count() == 1


def test_one_step_per_level_as_time_passes(urgent, lead, supervisor, manager):
    sla_check(now=at(2026, 11, 23, 11, 0))
    assert [lvl for lvl, _who in _levels(urgent, "first_response")] == [0, 1]
    sla_check(now=at(2026, 11, 23, 11, 30))
    assert [lvl for lvl, _who in _levels(urgent, "first_response")] == [0, 1, 2]


def test_running_the_job_twice_creates_nothing_twice(urgent, lead, supervisor, manager):
    # given
    now = at(2026, 11, 23, 13, 0)
    first = sla_check(now=now)
    events, notes = SlaEvent.objects.count(), Notification.objects.count()
    # when run again, and once more with the clock forced back as if the state update was lost
    second = sla_check(now=now)
    SlaClock.objects.filter(ticket=urgent, kind="first_response").update(
        last_level=None, next_level=0, next_at=MONDAY_10
    )
    third = sla_check(now=now)
    # then
    assert first > 0
    assert (second, third) == (0, 0)
    assert (SlaEvent.objects.count(), Notification.objects.count()) == (events, notes)


def test_the_huey_job_runs_the_check(urgent, time_machine):
    time_machine.move_to(at(2026, 11, 23, 10, 50), tick=False)
    sla_check_job.call_local()
    assert _levels(urgent, "first_response") == [(0, "agent")]


def test_first_reply_stops_the_first_response_clock(urgent, agent, time_machine):
    time_machine.move_to(at(2026, 11, 23, 10, 30), tick=False)
    services.ticket_reply(actor=agent, ticket=urgent, body="您好,我们马上查")
    assert sla_check(now=at(2026, 11, 23, 11, 30)) == 0
    state = {clock.kind: s for clock, s in sla_states(ticket=urgent, now=at(2026, 11, 23, 11, 30))}
    assert state["first_response"].stopped and not state["first_response"].breached
    assert state["resolution"].elapsed == 90 * 60


def test_paused_clocks_do_not_warn(urgent, agent, time_machine):
    time_machine.move_to(at(2026, 11, 23, 10, 30), tick=False)
    services.ticket_update(actor=agent, ticket=urgent, version=1, changes={"status": "pending"})
    assert sla_check(now=at(2026, 11, 24, 17, 0)) == 0


def test_resolution_stops_and_reopen_resumes_without_counting_the_resolved_time(
    urgent, agent, time_machine
):
    time_machine.move_to(at(2026, 11, 23, 11, 0), tick=False)
    agree_solution(urgent, agent)
    urgent = services.ticket_update(
        actor=agent, ticket=urgent, version=1, changes={"status": "resolved"}
    )
    time_machine.move_to(at(2026, 11, 23, 13, 0), tick=False)
    urgent = services.ticket_update(
        actor=agent, ticket=urgent, version=urgent.version, changes={"status": "in_progress"}
    )
    urgent.refresh_from_db()
    assert urgent.due_at == at(2026, 11, 23, 16, 0)  # 14:00 + the 2 resolved hours


def test_escalation_notifies_by_email_and_sms_after_commit(
    urgent, agent, admin_user, caplog, django_capture_on_commit_callbacks
):
    user_update(user=agent, actor=admin_user, role="agent", team=agent.team, email="a@example.com")
    notify_settings_set(user=agent, phone="13900001111")
    with caplog.at_level(logging.INFO, logger="kefu.sms"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sla_check(now=at(2026, 11, 23, 10, 50))
        assert mail.outbox == []  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert "T" in mail.outbox[0].body
    assert "139****1111" in caplog.text


def test_policy_edit_needs_a_supervisor(org, agent, supervisor):
    with pytest.raises(PermissionDenied):
        sla_policy_create(actor=agent, business_line=org.shop, name="x", resolution_minutes=60)
    policy = sla_policy_create(
        actor=supervisor,
        business_line=org.shop,
        name="VIP 投诉",
        ticket_type="complaint",
        customer_tier="vip",
        first_response_minutes=30,
        resolution_minutes=120,
    )
    with pytest.raises(Invalid):
        sla_policy_update(actor=supervisor, policy=policy, changes={"warning_percent": 150})
    with pytest.raises(Invalid):
        sla_policy_create(actor=supervisor, business_line=org.shop, name="no target")


def test_own_policies_replace_the_defaults_and_vip_tier_matches(
    org, supervisor, agent, make_customer, make_ticket, time_machine
):
    # given the line's policies seeded, plus a VIP complaint policy
    time_machine.move_to(MONDAY_10, tick=False)
    # 4 priorities, the urgent complaint, return and refund (48 h, VIP 24 h)
    assert sla_policies_seed(actor=supervisor, business_line=org.shop) == 9
    assert sla_policies_seed(actor=supervisor, business_line=org.shop) == 0
    sla_policy_create(
        actor=supervisor,
        business_line=org.shop,
        name="VIP 投诉",
        ticket_type="complaint",
        customer_tier="vip",
        first_response_minutes=30,
        resolution_minutes=120,
    )
    # when
    vip = make_customer(name="钻石会员", tier="vip")
    ticket = make_ticket(agent, customer=vip)
    # then
    clocks = {c.kind: c.target_seconds for c in SlaClock.objects.filter(ticket=ticket)}
    assert clocks == {"first_response": 1800, "resolution": 7200}


def test_priority_change_retargets_the_clocks(urgent, agent):
    services.ticket_update(actor=agent, ticket=urgent, version=1, changes={"priority": "normal"})
    urgent.refresh_from_db()
    clock = SlaClock.objects.get(ticket=urgent, kind="resolution")
    assert clock.target_seconds == 48 * 3600
    assert urgent.due_at == clock.due_at


def test_property_minor_repair_is_due_the_same_day(org, wy_agent, make_customer, time_machine):
    from kefu.tickets.models import Category
    from kefu.tickets.services import category_tree_create

    category_tree_create(business_line=org.property, tree={"居家报修": ["小修", "大修"]})
    minor = Category.objects.get(business_line=org.property, name="小修")
    time_machine.move_to(at(2026, 11, 25, 10, 0), tick=False)
    ticket = services.ticket_create(
        actor=wy_agent,
        title="卫生间水龙头漏水",
        type="repair",
        channel="phone",
        customer=make_customer(org.property),
        category=minor.pk,
    )
    assert ticket.due_at == at(2026, 11, 25, 23, 59, 59)  # issue 23: end of the calendar day
