"""Reports fixtures, built through the services: ``make_customer`` / ``make_ticket``."""

from __future__ import annotations

import itertools

import pytest

_phones = itertools.count(13700000001)


@pytest.fixture
def make_customer(org):
    from kefu.customers.services import customer_create

    def _make(line=None, *, name: str = "张三", actor=None):
        return customer_create(
            actor=actor, business_line=line or org.shop, name=name, phone=str(next(_phones))
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
