"""Routing and ownership (issue 4 §2, spec CH-2, CH-5): rules by keyword/category/channel, round-robin,
least open load, agents on leave or off shift skipped, the first-ask owner kept."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.followups.services import absence_create
from kefu.tickets import routing, services
from kefu.tickets.routing_services import (
    agent_shift_set,
    routing_rule_create,
    team_strategy_set,
)

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return time_machine


def _intake(actor, make_customer, *, title="商品有问题", **fields):
    fields.setdefault("type", "consult")
    return services.ticket_create(
        actor=actor,
        title=title,
        channel=fields.pop("channel", "im"),
        customer=make_customer(),
        **fields,
    )


def test_round_robin_and_least_load_pure():
    assert [routing.round_robin([3, 1, 2], last) for last in (None, 1, 2, 3)] == [1, 2, 3, 1]
    assert routing.round_robin([1, 3], 2) == 3  # the pointer's agent left: the next one up
    assert routing.least_load({7: 2, 5: 0, 6: 0}) == 5


def test_round_robin_order_within_the_team(
    monday, org, supervisor, agent, agent_b, lead, make_customer
):
    # given
    team_strategy_set(actor=supervisor, team=org.aftersales1, strategy="round_robin")
    members = sorted([agent.pk, agent_b.pk, lead.pk])
    # when a supervisor (not in the team) records four tickets for 售后一组
    assignees = [
        _intake(supervisor, make_customer, team=org.aftersales1.pk).assignee_id for _ in range(4)
    ]
    # then
    assert assignees == [*members, members[0]]


def test_round_robin_skips_agents_on_leave(
    monday, org, supervisor, agent, agent_b, lead, make_customer
):
    team_strategy_set(actor=supervisor, team=org.aftersales1, strategy="round_robin")
    absence_create(
        actor=supervisor,
        user=agent_b,
        starts_on=dt.date(2026, 11, 23),
        ends_on=dt.date(2026, 11, 24),
    )
    assignees = {
        _intake(supervisor, make_customer, team=org.aftersales1.pk).assignee_id for _ in range(4)
    }
    assert assignees == {agent.pk, lead.pk}


def test_agents_off_shift_are_skipped(
    time_machine, org, supervisor, agent, agent_b, lead, make_customer
):
    # given agent_b works only Saturdays and Sundays 09:00–18:00; lead only mornings
    team_strategy_set(actor=supervisor, team=org.aftersales1, strategy="round_robin")
    agent_shift_set(
        actor=supervisor, user=agent_b, weekdays=[5, 6], starts=dt.time(9), ends=dt.time(18)
    )
    agent_shift_set(
        actor=supervisor, user=lead, weekdays=range(7), starts=dt.time(8), ends=dt.time(12)
    )
    # when on Monday 14:00
    time_machine.move_to(dt.datetime(2026, 11, 23, 14, 0, tzinfo=SH), tick=False)
    assignees = {
        _intake(supervisor, make_customer, team=org.aftersales1.pk).assignee_id for _ in range(3)
    }
    # then
    assert assignees == {agent.pk}


def test_least_open_load_picks_the_agent_with_fewest_open_tickets(
    monday, org, supervisor, agent, agent_b, lead, make_customer
):
    # given agent holds two open tickets, lead one, agent_b none
    for holder in (agent, agent, lead):
        _intake(supervisor, make_customer, team=org.aftersales1.pk, assignee=holder.pk)
    team_strategy_set(actor=supervisor, team=org.aftersales1, strategy="least_load")
    # when / then
    first = _intake(supervisor, make_customer, team=org.aftersales1.pk)
    assert first.assignee_id == agent_b.pk
    second = _intake(supervisor, make_customer, team=org.aftersales1.pk)
    assert second.assignee_id == min(agent_b.pk, lead.pk)


def test_keyword_rule_routes_logistics_to_the_logistics_team(
    monday, org, supervisor, agent2, make_customer
):
    """CH-2: 产品问题 vs 物流问题 to different groups; the first-ask owner stays the agent who
    recorded it."""
    # given 售后二组 is the logistics group
    routing_rule_create(
        actor=supervisor,
        business_line=org.shop,
        name="物流",
        keywords="物流 快递,丢件",
        team=org.aftersales2.pk,
    )
    routing_rule_create(
        actor=supervisor,
        business_line=org.shop,
        name="产品",
        category="产品问题",
        team=org.aftersales1.pk,
        position=5,
    )
    # when an agent of 售前组 records a logistics question without choosing a team
    logistics = _intake(agent2, make_customer, title="物流一直不更新")
    other = _intake(agent2, make_customer, title="发票怎么开")
    # then
    assert logistics.team_id == org.aftersales2.pk
    assert logistics.first_owner_id == agent2.pk
    assert logistics.assignee_id is None  # 售后二组 assigns by hand
    assert other.team_id == org.presale.pk  # no rule: the agent's own team


def test_category_rule_by_parent_name(monday, org, supervisor, agent2, make_customer):
    from kefu.tickets.models import Category

    routing_rule_create(
        actor=supervisor,
        business_line=org.shop,
        name="产品",
        category="产品问题",
        team=org.aftersales1.pk,
    )
    quality = Category.objects.get(business_line=org.shop, name="质量问题")
    ticket = _intake(agent2, make_customer, category=quality.pk)
    assert ticket.team_id == org.aftersales1.pk


def test_rules_need_a_supervisor_and_a_condition(org, agent, supervisor):
    with pytest.raises(PermissionDenied):
        routing_rule_create(
            actor=agent, business_line=org.shop, name="x", keywords="a", team=org.presale.pk
        )
    with pytest.raises(Invalid):
        routing_rule_create(actor=supervisor, business_line=org.shop, name="x", team=org.presale.pk)
    with pytest.raises(Invalid):
        routing_rule_create(
            actor=supervisor, business_line=org.shop, name="x", keywords="a", team=org.wy_front.pk
        )
