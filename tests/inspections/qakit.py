"""Helpers of the quality-inspection tests."""

from __future__ import annotations

import itertools

from kefu.customers import services as customers
from kefu.tickets import services as tickets

_phones = itertools.count(13700000001)


def make_ticket(agent, *, type="consult"):
    customer = customers.customer_create(
        actor=agent, business_line=agent.business_line, name="王五", phone=str(next(_phones))
    )
    return tickets.ticket_create(
        actor=agent, title="发货慢", type=type, channel="phone", customer=customer
    )


def first_review(sample, **filters):
    return sample.reviews.select_related("form", "agent", "business_line").filter(**filters).first()


def full_marks(form):
    return {i.pk: i.points for c in form.categories.all() for i in c.items.all()}
