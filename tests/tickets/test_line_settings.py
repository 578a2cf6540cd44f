"""Intake reads a line's routing rules, teams, SLA policies and calendar days once per process
(core.line_settings, issue 7 W1); a change to any of them applies to the very next ticket."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.accounts.models import Team
from kefu.core.business_calendar import calendar_year_enter
from kefu.tickets import services
from kefu.tickets.routing_services import routing_rule_create, routing_rule_update
from kefu.tickets.sla_services import sla_policies_seed, sla_policy_create

SH = dt.timezone(dt.timedelta(hours=8))
SETTINGS_TABLES = ("routingrule", "slapolicy", "calendarday", "accounts_team")


@pytest.fixture
def intake(make_customer):
    def _intake(actor, title="商品有问题", **fields):
        return services.ticket_create(
            actor=actor,
            title=title,
            type="consult",
            channel="im",
            customer=make_customer(),
            **fields,
        )

    return _intake


def test_the_second_ticket_of_a_line_reads_none_of_its_settings_again(agent, intake):
    intake(agent)
    with CaptureQueriesContext(connection) as ctx:
        intake(agent)
    read = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert not [sql for sql in read if any(table in sql for table in SETTINGS_TABLES)]


def _logistics_to_aftersales2(org, supervisor):
    return routing_rule_create(
        actor=supervisor,
        business_line=org.shop,
        name="物流",
        keywords="物流",
        team=org.aftersales2.pk,
    )


def test_a_rule_added_or_switched_off_between_two_tickets_applies_to_the_next(
    org, supervisor, agent2, intake
):
    # given a ticket recorded before 售后二组 takes logistics questions
    assert intake(agent2, title="物流一直不更新").team_id == org.presale.pk
    rule = _logistics_to_aftersales2(org, supervisor)
    # when / then the next one is routed by the new rule, and not after it is switched off
    assert intake(agent2, title="物流一直不更新").team_id == org.aftersales2.pk
    routing_rule_update(actor=supervisor, rule=rule, changes={"is_active": False})
    assert intake(agent2, title="物流一直不更新").team_id == org.presale.pk


def test_a_team_closed_outside_the_services_gets_no_more_routed_tickets(
    org, supervisor, agent2, intake
):
    _logistics_to_aftersales2(org, supervisor)
    assert intake(agent2, title="物流一直不更新").team_id == org.aftersales2.pk
    # when the team is closed from the admin site (a plain save)
    team = Team.objects.get(pk=org.aftersales2.pk)
    team.is_active = False
    team.save()
    # then the rule no longer routes there
    assert intake(agent2, title="物流一直不更新").team_id == org.presale.pk


def test_policies_seeded_in_bulk_between_two_tickets_apply_to_the_next(
    org, supervisor, agent, intake, time_machine
):
    time_machine.move_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH), tick=False)
    before = intake(agent)
    sla_policies_seed(actor=supervisor, business_line=org.shop)
    sla_policy_create(
        actor=supervisor,
        business_line=org.shop,
        name="咨询 2 小时",
        ticket_type="consult",
        priority="normal",
        resolution_minutes=120,
        business_time=False,
    )
    after = intake(agent)
    assert after.due_at == dt.datetime(2026, 11, 23, 12, 0, tzinfo=SH)
    assert before.due_at != after.due_at


def test_holidays_entered_in_bulk_between_two_tickets_move_the_next_deadline(
    admin_user, agent, intake, time_machine
):
    # given two tickets recorded on the last afternoon of 2026, when 2027 has no holiday data
    time_machine.move_to(dt.datetime(2026, 12, 31, 17, 0, tzinfo=SH), tick=False)
    before = intake(agent)
    # when the State Council's 元旦 (1–3 January 2027) is entered for every line
    calendar_year_enter(
        actor=admin_user, year=2027, holidays=[dt.date(2027, 1, d) for d in (1, 2, 3)]
    )
    after = intake(agent)
    # then the next ticket's deadline skips Friday 1 January
    assert after.due_at > before.due_at
    assert dt.date(2027, 1, 1) not in {after.due_at.astimezone(SH).date()}
