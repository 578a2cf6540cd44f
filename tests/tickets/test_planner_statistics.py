"""PostgreSQL knows that an agent's or a team's tickets are not spread over the statuses like
everyone's (migration tickets/0008): its estimate of an agent's open queue is what decides between
reading one page in order and sorting the whole queue (bench/README.md, 2026-12-04 night)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from kefu.core.db import is_postgres
from kefu.tickets.models import Status, Ticket

pytestmark = pytest.mark.skipif(not is_postgres(), reason="planner statistics are PostgreSQL's")


def _estimate(sql: str, params: list) -> int:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    return int(re.search(r"rows=(\d+)", plan).group(1))


def test_the_estimate_of_an_agents_open_queue_follows_the_agent(agent, agent_b, make_ticket):
    # given 2,000 tickets, 90 % closed, where agent holds 200 and all of them are open
    template = make_ticket(agent_b)
    rows = []
    for i in range(2000):
        mine = i % 10 == 0
        rows.append(
            Ticket(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Ticket._meta.concrete_fields
                    if not f.primary_key
                },
            )
        )
        rows[-1].number = f"P{i:08d}"
        rows[-1].assignee_id = agent.pk if mine else agent_b.pk
        rows[-1].status = Status.IN_PROGRESS if mine else Status.CLOSED
    Ticket.objects.bulk_create(rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE tickets_ticket")
    # when the planner estimates agent's open tickets
    estimate = _estimate(
        "SELECT id FROM tickets_ticket WHERE assignee_id = %s AND status IN ('new', "
        "'in_progress', 'pending')",
        [agent.pk],
    )
    # then it is near the 200 there are, not the 20 that "10 % of tickets × 10 % open" would give
    assert 100 <= estimate <= 400
