"""The demo's property repairs (issue 23 §1, decision §9.13): open 小修 repairs due at 23:59:59
tonight and 大修 repairs 72 calendar hours after they were reported; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.customers.services import customer_create
from kefu.demo.repair_rows import REPAIRS, build_repair_rows
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import SlaClock
from kefu.tickets.services import category_tree_create

pytestmark = pytest.mark.django_db


def test_demo_sr2_repairs_run_on_calendar_time_clocks(org, wy_agent, time_machine):
    category_tree_create(business_line=org.property, tree={"居家报修": ["小修", "大修"]})
    customer_create(actor=None, business_line=org.property, name="周业主", phone="13911112222")
    now = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    time_machine.move_to(now, tick=False)
    assert build_repair_rows() == len(REPAIRS)
    assert build_repair_rows() == 0
    for kind, title, _description in REPAIRS:
        ticket = Ticket.objects.get(business_line=org.property, title=title)
        clock = SlaClock.objects.get(ticket=ticket, kind="resolution")
        assert not clock.business_time
        local = timezone.localtime(ticket.due_at)
        if kind == "小修":
            assert (local.date(), local.time()) == (now.date(), dt.time(23, 59, 59))
        else:
            assert ticket.due_at == now + dt.timedelta(hours=72)
