"""Followups fixtures, built through the services (never Model.objects.create).

``make_customer`` / ``make_ticket`` as in tests/tickets; ``resolve(ticket, actor)`` moves a
ticket to resolved through ``ticket_update``; ``outcome(task, actor, outcome)`` logs a callback.
"""

from __future__ import annotations

import itertools

import pytest
from testkit import agree_solution

_phones = itertools.count(13900000001)


@pytest.fixture
def make_customer(org):
    from kefu.customers.services import customer_create

    def _make(line=None, *, name: str = "张三", phone: str | None = None, actor=None, **fields):
        return customer_create(
            actor=actor,
            business_line=line or org.shop,
            name=name,
            phone=phone or str(next(_phones)),
            **fields,
        )

    return _make


@pytest.fixture
def make_ticket(make_customer):
    from kefu.tickets.services import ticket_create

    def _make(actor, *, customer=None, title: str = "商品少发了一件", **fields):
        if customer is None:
            customer = make_customer(actor.business_line)
        fields.setdefault("type", "complaint")
        fields.setdefault("channel", "phone")
        return ticket_create(actor=actor, title=title, customer=customer, **fields)

    return _make


@pytest.fixture
def resolve():
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import ticket_update

    def _resolve(ticket, actor):
        ticket = Ticket.objects.get(pk=ticket.pk)
        agree_solution(ticket, actor)  # a complaint is resolved once a solution is agreed
        return ticket_update(
            actor=actor, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )

    return _resolve


@pytest.fixture
def outcome():
    from kefu.followups.models import CallbackTask
    from kefu.followups.services import callback_log_outcome

    def _log(task, actor, result, **kwargs):
        task = CallbackTask.objects.get(pk=task.pk)
        return callback_log_outcome(
            actor=actor, task=task, version=task.version, outcome=result, **kwargs
        )

    return _log


@pytest.fixture
def first_callback():
    from kefu.followups.models import CallbackTask

    def _get(ticket, **filters):
        return CallbackTask.objects.filter(ticket=ticket, **filters).order_by("-id").first()

    return _get
