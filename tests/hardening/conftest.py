"""Hardening fixtures shared by the bad-input, security, backup, concurrency and crash tests.

Keep this file small: each part adds only what several of its modules need.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection

from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create


@dataclass
class Populated:
    """A small organisation with customers and tickets in two teams and two business lines."""

    customers: list[Customer]
    tickets: list[Ticket]
    # a customer and a ticket of the property office, out of every shop user's scope
    other_customer: Customer
    other_ticket: Ticket


@pytest.fixture
def populated(org, admin_user, agent, agent2, wy_agent) -> Populated:
    customers = [
        customer_create(
            actor=agent, business_line=org.shop, name=name, phone=phone, address="上海市徐汇区1号"
        )
        for name, phone in (("张三", "13812345678"), ("李四", "13900001111"))
    ]
    tickets = [
        ticket_create(
            actor=agent,
            title="订单未发货",
            description="客户催促发货",
            type="complaint",
            channel="phone",
            customer=customers[0],
        ),
        ticket_create(
            actor=agent2,
            title="咨询尺码",
            type="consult",
            channel="im",
            customer=customers[1],
            team=org.presale,
        ),
    ]
    other_customer = customer_create(
        actor=wy_agent, business_line=org.property, name="王五", phone="13600002222"
    )
    other_ticket = ticket_create(
        actor=wy_agent, title="电梯故障", type="repair", channel="phone", customer=other_customer
    )
    return Populated(customers, tickets, other_customer, other_ticket)


#: rows every request may write whatever its answer: the API's per-minute request counts
BOOKKEEPING = {"core_apiratewindow"}


def _row_counts() -> dict[str, int]:
    """Rows per table of every model, in one query (the fuzzer calls it thousands of times)."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True)} - BOOKKEEPING
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)  # table names come from the models, never from input
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.fixture
def row_counts():
    """row_counts() → {table: rows}; equal before and after means a request changed nothing."""
    return _row_counts
