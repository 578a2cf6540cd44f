"""The SLA figures of the statement, the year-end summary and the cockpit (issue 22): total and
met of a clock counted in one pass, recomputed from the raw clocks and events; warnings are met,
breaches and escalations are not; a row on the first instant of a month belongs to that month."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kefu.reports import cockpit, periods, statement, yearly
from kefu.tickets.models_sla import Level, SlaClock, SlaEvent
from kefu.tickets.services import ticket_reply

TZ = dt.timezone(dt.timedelta(hours=8))
# (created, answered after hours, highest SLA level reached on the first-response clock or None)
TICKETS = (
    (dt.datetime(2026, 10, 1, 0, 0, 0, tzinfo=TZ), 1, None),  # the first second of October
    (dt.datetime(2026, 10, 12, 9, tzinfo=TZ), 2, Level.WARNING),  # a warning is still met
    (dt.datetime(2026, 10, 12, 9, tzinfo=TZ), 30, Level.BREACH),
    (dt.datetime(2026, 10, 20, 9, tzinfo=TZ), 60, Level.MANAGER),
    (dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=TZ), 1, None),  # 15:59:59 UTC, October here
    (dt.datetime(2026, 11, 1, 0, 0, 0, tzinfo=TZ), 1, Level.BREACH),  # November's first second
    (dt.datetime(2026, 11, 2, 9, tzinfo=TZ), None, None),  # never answered: no stopped clock
)


@pytest.fixture
def answered(org, agent, make_ticket):
    for created, hours, level in TICKETS:
        with time_machine.travel(created, tick=False):
            t = make_ticket(agent)
        if hours is not None:
            with time_machine.travel(created + dt.timedelta(hours=hours), tick=False):
                ticket_reply(actor=agent, ticket=t, body="您好,已处理")
        if level is not None:
            for lv in range(level + 1):  # the job records every level on the way up
                SlaEvent.objects.create(ticket=t, clock="first_response", level=lv, due_at=created)


def _raw(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(met, total) of the first-response clocks stopped, of tickets created in [start, end)."""
    clocks = SlaClock.objects.filter(
        kind="first_response",
        stopped_at__isnull=False,
        ticket__created_at__gte=start,
        ticket__created_at__lt=end,
    )
    breached = set(
        SlaEvent.objects.filter(clock="first_response", level__gte=Level.BREACH).values_list(
            "ticket_id", flat=True
        )
    )
    total = clocks.count()
    return total - sum(1 for c in clocks if c.ticket_id in breached), total


def test_statement_clock_counts_are_the_drill_downs_and_the_raw_rows(answered, manager):
    oct_ = statement.parse_month("2026-10")
    data = statement.monthly(manager, period=oct_)
    line = manager.business_line_id
    met, total = _raw(*oct_.bounds)
    assert (met, total) == (3, 5)
    assert data["sla"]["first_response"] == {"met": 3, "total": 5}
    assert statement.drill(manager, line, oct_, "first_response").count() == 5
    assert statement.drill(manager, line, oct_, "first_response_met").count() == 3
    counted = statement.clocks_counts(manager, line, oct_)  # the cockpit's one-pass counts
    assert counted["first_response"] == {"met": 3, "total": 5}
    for clock in statement.CLOCK_FIGURES:
        assert counted[clock]["total"] == statement.drill(manager, line, oct_, clock).count()
        met = statement.drill(manager, line, oct_, f"{clock}_met").count()
        assert counted[clock]["met"] == met
    nov = statement.monthly(manager, period="2026-11")["sla"]["first_response"]
    assert nov == {"met": 0, "total": 1}


def test_year_months_bucket_at_local_month_bounds(answered, manager):
    data = yearly.year_summary(manager, year=periods.parse_year("2026"))
    months = {m["month"]: m for m in data["months"]}
    assert (months["2026-10"]["first_response_met"], months["2026-10"]["first_response"]) == (3, 5)
    assert (months["2026-11"]["first_response_met"], months["2026-11"]["first_response"]) == (0, 1)
    assert months["2026-10"]["complaints"] == 5 and months["2026-11"]["complaints"] == 2
    assert months["2026-09"]["complaints"] == 0
    for label in ("2026-10", "2026-11"):
        month = statement.monthly(manager, period=label)
        assert months[label]["complaints"] == month["complaints"]["total"]
        assert months[label]["first_response"] == month["sla"]["first_response"]["total"]
        assert months[label]["first_response_met"] == month["sla"]["first_response"]["met"]
    assert (data["total"]["first_response_met"], data["total"]["first_response"]) == (3, 6)


def test_cockpit_sla_is_the_statements_over_its_window(answered, manager):
    # 2 … 31 October: the ticket of 1 October is outside the window
    w = cockpit.window(30, now=dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=TZ))
    sla = cockpit.figures(manager, w)["manager"]["sla"]["first_response"]
    assert (sla["met"], sla["total"]) == (2, 4)
    assert cockpit.drill(manager, w, "first_response_met").count() == 2
    assert sla["rate"] == 50.0
