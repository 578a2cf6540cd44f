"""core.scope.records_q per role (spec ACL-1: higher levels see lower levels' data)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from kefu.core.scope import business_line_q, records_q
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket

_phones = itertools.count(13900000001)


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row for scope tests; ticket rules are tested in tests/tickets."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"T-SCOPE-{n}")
    business_line = factory.SelfAttribute("team.business_line")
    department = factory.SelfAttribute("team.department")
    title = "scope"
    type = "consult"
    channel = "phone"
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    customer = factory.LazyAttribute(
        lambda t: customer_create(
            actor=None, business_line=t.business_line, name="客户", phone=str(next(_phones))
        )
    )


@pytest.fixture
def tickets(org, agent, agent_b, agent2, wy_agent):
    """One ticket per team of interest, named by who took it."""
    return {
        "agent": TicketFactory(team=org.aftersales1, first_owner=agent),
        "agent_b": TicketFactory(team=org.aftersales1, first_owner=agent_b),
        "aftersales2": TicketFactory(team=org.aftersales2, first_owner=agent_b),
        "agent2": TicketFactory(team=org.presale, first_owner=agent2),
        # taken by agent for the presale team: agent still owns it as first-ask owner
        "agent_for_presale": TicketFactory(team=org.presale, first_owner=agent),
        "wy": TicketFactory(team=org.wy_front, first_owner=wy_agent),
    }


def _visible(user, tickets, **kwargs) -> set[str]:
    pks = set(Ticket.objects.filter(records_q(user, **kwargs)).values_list("pk", flat=True))
    return {name for name, t in tickets.items() if t.pk in pks}


OWNERS = ("first_owner_id", "assignee_id")


def test_agent_sees_own_team_and_own_tickets(agent, tickets):
    assert _visible(agent, tickets, owners=OWNERS) == {"agent", "agent_b", "agent_for_presale"}


def test_agent_without_owner_fields_sees_the_team_only(agent, tickets):
    assert _visible(agent, tickets) == {"agent", "agent_b"}


def test_lead_sees_the_team(lead, tickets):
    assert _visible(lead, tickets, owners=OWNERS) == {"agent", "agent_b"}


def test_supervisor_sees_the_department(supervisor, tickets):
    assert _visible(supervisor, tickets) == {
        "agent",
        "agent_b",
        "aftersales2",
        "agent2",
        "agent_for_presale",
    }


def test_manager_sees_the_business_line(manager, tickets):
    assert _visible(manager, tickets) == set(tickets) - {"wy"}


def test_admin_sees_everything(admin_user, tickets):
    assert _visible(admin_user, tickets) == set(tickets)


def test_other_business_line_sees_nothing_of_the_shop(wy_agent, tickets):
    assert _visible(wy_agent, tickets, owners=OWNERS) == {"wy"}


def test_inactive_and_anonymous_users_see_nothing(agent, tickets):
    from django.contrib.auth.models import AnonymousUser

    agent.is_active = False

    assert _visible(agent, tickets, owners=OWNERS) == set()
    assert _visible(AnonymousUser(), tickets) == set()


def test_business_line_q(agent, wy_agent, admin_user, tickets):
    def lines(user):
        qs = Ticket.objects.filter(business_line_q(user))
        return set(qs.values_list("business_line__code", flat=True))

    assert lines(agent) == {"shop"}
    assert lines(wy_agent) == {"wy"}
    assert lines(admin_user) == {"shop", "wy"}
