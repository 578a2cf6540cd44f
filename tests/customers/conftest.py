"""Customer fixtures built through the services (never Model.objects.create).

``new_customer(line=None, *, name=..., phone=None, actor=None, **fields)`` → a customer of the
shop (or ``line``); ``new_ticket(actor, customer, **fields)`` → a ticket through ``ticket_create``.
"""

from __future__ import annotations

import itertools

import pytest

_phones = itertools.count(13900000001)


@pytest.fixture
def new_customer(org):
    from kefu.customers.services import customer_create

    def _make(line=None, *, name: str = "王五", phone: str | None = None, actor=None, **fields):
        return customer_create(
            actor=actor,
            business_line=line or org.shop,
            name=name,
            phone=phone or str(next(_phones)),
            **fields,
        )

    return _make


@pytest.fixture
def new_ticket():
    from kefu.tickets.services import ticket_create

    def _make(actor, customer, *, title: str = "商品少发了一件", **fields):
        fields.setdefault("type", "complaint")
        fields.setdefault("channel", "phone")
        return ticket_create(actor=actor, title=title, customer=customer, **fields)

    return _make
