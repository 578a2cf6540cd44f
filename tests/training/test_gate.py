"""The 上岗 gate (issue 19 §4): a queue or skill group names its certifications; an agent without
a valid one is skipped by routing, refused on manual and API assignment (400 ``not_certified``),
not rostered to the group, and shown as 未上岗. Tickets and workforce never import training: they
ask through the core.events guards ``ticket.assigning`` and ``roster.staffing``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.errors import Ineligible
from kefu.tickets import services as tickets
from kefu.tickets.routing_services import team_strategy_set
from kefu.training import selectors
from kefu.training.models import CertificationGrant

from .kit import certify

pytestmark = pytest.mark.django_db


def _intake(actor, make_customer, **fields):
    return tickets.ticket_create(
        actor=actor,
        title="退款进度",
        type="consult",
        channel="im",
        customer=make_customer(),
        **fields,
    )


def test_pk4_routing_skips_an_agent_without_the_queues_certification(
    org, supervisor, agent, agent_b, gated, make_customer
):
    certify(agent)
    team_strategy_set(actor=supervisor, team=org.aftersales1, strategy="round_robin")
    assignees = {
        _intake(supervisor, make_customer, team=org.aftersales1.pk).assignee_id for _ in range(3)
    }
    assert assignees == {agent.pk}  # agent_b and the lead are 未上岗


def test_pk4_manual_assignment_of_an_uncertified_agent_is_refused(
    org, supervisor, agent, agent_b, gated, make_customer
):
    with pytest.raises(Ineligible) as exc:
        _intake(supervisor, make_customer, team=org.aftersales1.pk, assignee=agent_b.pk)
    assert exc.value.code == "not_certified"
    certify(agent_b)
    ticket = _intake(supervisor, make_customer, team=org.aftersales1.pk, assignee=agent_b.pk)
    assert ticket.assignee_id == agent_b.pk


def test_pk4_an_uncertified_agent_does_not_take_their_own_intake(org, agent, gated, make_customer):
    assert _intake(agent, make_customer).assignee_id is None
    certify(agent)
    assert _intake(agent, make_customer).assignee_id == agent.pk


def test_pk4_api_assignment_answers_400_not_certified(
    org, supervisor, agent, gated, make_customer, api_as
):
    ticket = _intake(supervisor, make_customer, team=org.aftersales1.pk)
    api = api_as(supervisor)
    body = {"assignee": agent.pk, "version": ticket.version}
    answer = api.patch(f"/api/v1/tickets/{ticket.pk}", body)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["code"] == "not_certified"
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
    certify(agent)
    assert api.patch(f"/api/v1/tickets/{ticket.pk}", body).status_code == 200


def test_pk4_an_expired_certification_no_longer_counts(
    org, supervisor, agent, gated, make_customer
):
    certify(agent)
    CertificationGrant.objects.filter(user=agent).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(Ineligible):
        _intake(supervisor, make_customer, team=org.aftersales1.pk, assignee=agent.pk)
    assert selectors.on_duty([agent], org.aftersales1.pk) == {agent.pk: False}


def test_pk4_an_ungated_queue_is_untouched(org, supervisor, agent2, gated, make_customer):
    ticket = _intake(supervisor, make_customer, team=org.presale.pk, assignee=agent2.pk)
    assert ticket.assignee_id == agent2.pk


def test_pk4_roster_does_not_staff_a_skill_group_with_uncertified_agents(
    org, manager, lead, agent, agent_b, cert
):
    from kefu.training.services import gate_set
    from kefu.workforce.services import (
        agent_profile_set,
        roster_run_create,
        shift_templates_ensure,
        skill_groups_ensure,
    )
    from kefu.workforce.services.rosters import assignment_pin, build_problem

    groups = {g.code: g for g in skill_groups_ensure(business_line=org.shop)}
    shifts = shift_templates_ensure(business_line=org.shop)
    gate_set(actor=lead, certification=cert, skill_group=groups["aftersales"])
    for user in (agent, agent_b):
        agent_profile_set(
            actor=manager, user=user, groups=[groups["aftersales"], groups["presale"]]
        )
    certify(agent)
    run = roster_run_create(
        actor=manager,
        start_date=dt.date(2026, 12, 14),
        days=1,
        requirement={"aftersales": [[1] * 48]},
    )
    problem, *_ = build_problem(run)
    skills = {a.id: a.groups for a in problem.agents}
    assert "aftersales" in skills[str(agent.pk)]
    assert skills[str(agent_b.pk)] == ("presale",)
    with pytest.raises(Ineligible):
        assignment_pin(
            actor=manager,
            run=run,
            user_id=agent_b.pk,
            date=dt.date(2026, 12, 14),
            shift_code=shifts[0].code,
            group_code="aftersales",
        )


def test_pk4_status_lists_certifications_and_the_missing_queues(org, agent, gated):
    before = selectors.status(agent)
    assert before["certifications"] == [] and before["missing"] == [f"team-{org.aftersales1.pk}"]
    certify(agent)
    after = selectors.status(agent)
    assert [c["code"] for c in after["certifications"]] == ["aftersales-duty"]
    assert after["missing"] == []


def test_the_gate_costs_one_query_whatever_the_team_size(
    org, supervisor, gated, django_assert_num_queries
):
    from testkit import make_user

    from kefu.tickets.routing_services import eligible_agents

    people = [make_user(f"a{i}", "agent", team=org.aftersales1) for i in range(30)]
    for p in people[:10]:
        certify(p)
    # the queue's requirements joined with the valid grants, in one statement (issue 24)
    with django_assert_num_queries(1):
        ok = eligible_agents(org.aftersales1, [p.pk for p in people])
    assert ok == [p.pk for p in people[:10]]
