"""Ticket fixtures built through the services (never Model.objects.create).

``make_customer(line=None, *, name=..., phone=None, actor=None)`` → a customer of the shop (or
``line``); ``make_ticket(actor, *, customer=None, title=..., **fields)`` → a ticket created by
``actor`` through ``ticket_create`` (a customer of the actor's business line is made if omitted).
"""

from __future__ import annotations

import itertools

import pytest

_phones = itertools.count(13800000001)


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
