"""Workforce fixtures, built through the services: the shop's skill groups and shift templates,
agent profiles, tickets at a given local time."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
_phones = itertools.count(13700000001)


@pytest.fixture
def groups(org):
    from kefu.workforce.services import skill_groups_ensure

    return {g.code: g for g in skill_groups_ensure(business_line=org.shop)}


@pytest.fixture
def shifts(org):
    from kefu.workforce.services import shift_templates_ensure

    return {s.code: s for s in shift_templates_ensure(business_line=org.shop)}


@pytest.fixture
def profile(manager, groups):
    """profile(user, "aftersales", …) → the agent's rostering profile."""
    from kefu.workforce.services import agent_profile_set

    def _make(user, *codes, cost=30, hours=None):
        return agent_profile_set(
            actor=manager,
            user=user,
            groups=[groups[c] for c in codes or ("aftersales",)],
            cost_per_hour=cost,
            max_weekly_hours=hours,
        )

    return _make


@pytest.fixture
def ticket_at(org):
    """ticket_at(actor, local datetime, **fields) → a ticket created at that moment."""
    import time_machine

    from kefu.customers.services import customer_create
    from kefu.tickets.services import ticket_create

    customer = {}

    def _make(actor, when: dt.datetime, **fields):
        line = actor.business_line
        if line.pk not in customer:
            customer[line.pk] = customer_create(
                actor=None, business_line=line, name="李四", phone=str(next(_phones))
            )
        fields.setdefault("type", "consult")
        fields.setdefault("channel", "im")
        with time_machine.travel(when.replace(tzinfo=SHANGHAI), tick=False):
            return ticket_create(
                actor=actor, title="咨询尺码", customer=customer[line.pk], **fields
            )

    return _make
