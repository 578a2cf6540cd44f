"""Practice tickets (the live drill in the real workbench, PK-3) never leak: a practice team's
tickets count in no monthly statement, cockpit, KPI live value, SLA figure or escalation,
staffing forecast history, survey or ticket search of anybody but their trainee — while the
same work on a real ticket changes each of them (so every check can fail)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts import services as account_services
from kefu.core.models import DomainEvent
from kefu.tickets.filters import TicketFilters
from kefu.tickets.models import Status, Ticket, TicketMessage
from kefu.tickets.selectors import ticket_get_for, ticket_list_for
from kefu.tickets.services import practice_ticket_create, ticket_create, ticket_reply, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice_team(org, admin_user):
    team = account_services.team_create(
        department=org.aftersales1.department, name="双11演练组", actor=admin_user
    )
    return account_services.team_update(
        team=team, actor=admin_user, name=team.name, is_active=True, is_practice=True
    )


@pytest.fixture
def customer(org):
    from kefu.customers.services import customer_create

    return customer_create(actor=None, business_line=org.shop, name="李四", phone="13911112222")


def _worked(ticket, actor, *, status=Status.CLOSED):
    """Reply (the first response), then resolve and close, as an agent does in the workbench."""
    ticket_reply(actor=actor, ticket=Ticket.all_objects.get(pk=ticket.pk), body="您好，已为您处理")
    for target in ("resolved", "closed")[: 2 if status == Status.CLOSED else 1]:
        ticket = Ticket.all_objects.get(pk=ticket.pk)
        ticket = ticket_update(
            actor=actor, ticket=ticket, version=ticket.version, changes={"status": target}
        )
    return ticket


def _practice(lead, agent, team, customer, text="面霜瓶子碎了要退款"):
    return practice_ticket_create(
        actor=lead,
        team=team,
        customer=customer,
        title=f"演练：{text}",
        description=text,
        trainee=agent,
        type="refund",
    )


def _real(lead, agent, customer, text="面霜瓶子碎了要退款"):
    return ticket_create(
        actor=lead,
        title=f"真实：{text}",
        description=text,
        type="refund",
        channel="im",
        customer=customer,
        team=lead.team_id,
        assignee=agent.pk,
    )


def _without_clock(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "at"}  # when it was read, not what


def _figures(manager, lead, agent, admin_user):
    """What the practice ticket must not change, read as each reader reads it."""
    from kefu.quality import selectors_live
    from kefu.reports import cockpit, statement
    from kefu.workforce.services.forecasts import history

    today = timezone.localdate()
    month = today.replace(day=1)
    monthly = statement.monthly(manager, period=month.strftime("%Y-%m"))
    line = statement.line_for(manager, None)
    return {
        "statement_sla": monthly["sla"],
        "statement_clocked": statement.drill(
            manager, line, statement.month_of(today), "resolution"
        ).count(),
        "cockpit": _without_clock(cockpit.figures(manager, cockpit.window(7))),
        "cockpit_agent": _without_clock(cockpit.figures(agent, cockpit.window(7))),
        "kpi_handled": selectors_live.figure(manager, agent, month, "handled")["value"],
        "kpi_first_response": selectors_live.figure(manager, lead, month, "first_response_sla")[
            "value"
        ],
        "forecast": sum(
            history(
                business_line=agent.business_line,
                group=None,
                channel="",
                source="tickets",
                start=today - dt.timedelta(days=1),
                days=2,
                interval_minutes=60,
            )
        ),
    }


def test_a_practice_ticket_counts_nowhere_and_a_real_one_does(
    org, practice_team, customer, manager, lead, agent, admin_user
):
    before = _figures(manager, lead, agent, admin_user)
    practice = _worked(_practice(lead, agent, practice_team, customer), agent)
    assert practice.is_practice and practice.status == Status.CLOSED
    assert _figures(manager, lead, agent, admin_user) == before
    _worked(_real(lead, agent, customer), agent)
    after = _figures(manager, lead, agent, admin_user)
    for name in before:  # the control: the same work on a real ticket changes every figure
        assert after[name] != before[name], name


def test_a_practice_ticket_breaches_silently(org, practice_team, customer, lead, agent):
    """Its SLA clocks run for the trainee's eyes; a breach escalates to nobody."""
    from kefu.tickets.models_sla import Notification
    from kefu.tickets.sla_services import sla_check

    later = timezone.now() + dt.timedelta(days=60)
    _practice(lead, agent, practice_team, customer)
    sla_check(now=later)
    assert Notification.objects.count() == 0
    _real(lead, agent, customer)
    sla_check(now=later)
    assert Notification.objects.count() > 0


def test_a_practice_ticket_sends_no_survey_nor_reply_and_publishes_nothing(
    org, practice_team, customer, admin_user, lead, agent
):
    from kefu.surveys.models import SurveyInvitation
    from kefu.surveys.services import invite_closed_tickets, questionnaire_create

    questionnaire_create(
        actor=admin_user,
        business_line=org.shop,
        name="服务满意度回访",
        status="active",
        after_close=True,
        questions=[{"kind": "scale5", "text": "您对处理结果是否满意？", "dimension": "服务满意度"}],
    )
    events = DomainEvent.objects.count()
    practice = _worked(_practice(lead, agent, practice_team, customer), agent)
    invite_closed_tickets()
    assert not SurveyInvitation.objects.filter(ticket_id=practice.pk).exists()
    reply = TicketMessage.objects.get(ticket_id=practice.pk, kind="reply")
    assert reply.delivery_status == "recorded"  # never queued to the customer's phone or mail
    assert DomainEvent.objects.count() == events  # no webhook, callback, month stamp follows
    real = _worked(_real(lead, agent, customer), agent)
    assert SurveyInvitation.objects.filter(ticket_id=real.pk).exists()
    assert DomainEvent.objects.count() > events


def test_only_the_trainee_finds_a_practice_ticket(
    org, practice_team, customer, lead, agent, agent_b, supervisor, manager
):
    practice = _practice(lead, agent, practice_team, customer, text="少发了一支眼霜")
    real = _real(lead, agent_b, customer, text="少发了一支眼霜")

    def found(user):
        rows = ticket_list_for(user=user, filters=TicketFilters(q="眼霜"))
        return {t.pk for t in rows}

    assert found(agent) == {practice.pk, real.pk}
    for user in (agent_b, lead, supervisor, manager):
        assert found(user) == {real.pk}, user.username
    assert ticket_get_for(user=agent, pk=practice.pk).is_practice
    from kefu.core.errors import NotFound

    with pytest.raises(NotFound):
        ticket_get_for(user=agent_b, pk=practice.pk)


def test_a_practice_team_is_never_routed_nor_chosen_for_a_real_ticket(
    org, customer, lead, supervisor, admin_user
):
    from kefu.core.errors import Invalid
    from kefu.tickets.routing_services import routing_rule_create

    team = account_services.team_create(
        department=org.aftersales1.department, name="双11演练组", actor=admin_user
    )
    routing_rule_create(
        actor=supervisor, business_line=org.shop, name="退款", team=team.pk, keywords="退款"
    )
    account_services.team_update(
        team=team, actor=admin_user, name=team.name, is_active=True, is_practice=True
    )
    routed = ticket_create(
        actor=lead, title="我要退款", type="refund", channel="im", customer=customer
    )
    assert routed.team_id != team.pk and not routed.is_practice
    with pytest.raises(Invalid):  # a rule cannot name it
        routing_rule_create(
            actor=supervisor, business_line=org.shop, name="x", team=team.pk, keywords="补发"
        )
    with pytest.raises(Invalid):  # nor an agent choose it
        ticket_create(
            actor=lead,
            title="我要退款",
            type="refund",
            channel="im",
            customer=customer,
            team=team.pk,
        )
    with pytest.raises(Invalid):  # nor a real ticket be moved there
        ticket_update(actor=lead, ticket=routed, version=routed.version, changes={"team": team.pk})


def test_a_drills_escalation_by_hand_goes_to_its_trainer_only(
    org, practice_team, customer, lead, agent, supervisor
):
    from kefu.followups.services.manual import ticket_escalate
    from kefu.tickets.models_sla import Notification

    practice = _practice(lead, agent, practice_team, customer, text="我要投诉到平台")
    row = ticket_escalate(actor=agent, ticket=practice, level="supervisor", reason="客户要投诉")
    assert row.recipient_id == lead.pk
    assert not Notification.objects.filter(user=supervisor).exists()
