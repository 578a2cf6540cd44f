"""The planner's home figure "Contacts: forecast and actual" (month_figures._forecast): the
actual is the tickets of each skill group's types on the days the group's forecasts cover, so
far this month, counted in one query whatever the number of groups."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kefu.reports import month_figures
from kefu.tickets.models import Ticket

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=TZ)


@pytest.fixture
def planned(org, manager, agent, make_ticket):
    """Three groups' forecasts over parts of November 2026 and tickets on covered and uncovered
    days (history in late October to forecast from)."""
    from kefu.workforce.services import forecast_create, skill_groups_ensure

    groups = {g.code: g for g in skill_groups_ensure(business_line=org.shop)}
    for day, kind in (((10, 25), "consult"), ((10, 30), "complaint"), ((10, 25), "refund")):
        with time_machine.travel(dt.datetime(2026, *day, 10, tzinfo=TZ), tick=False):
            make_ticket(agent, type=kind)
    for day, kind, n in (
        (5, "consult", 2),  # presale covers 1–14 November
        (16, "consult", 1),  # not covered
        (12, "complaint", 1),  # aftersales covers 10–23 November
        (3, "complaint", 1),  # not covered
        (18, "refund", 1),  # refund covers the month
    ):
        with time_machine.travel(dt.datetime(2026, 11, day, 11, tzinfo=TZ), tick=False):
            for _ in range(n):
                make_ticket(agent, type=kind)
    with time_machine.travel(TODAY, tick=False):
        for code, start, days in (("presale", 1, 14), ("aftersales", 10, 14), ("refund", 1, 30)):
            forecast_create(
                actor=manager,
                group=groups[code],
                start_date=dt.date(2026, 11, start),
                days=days,
                weeks=2,
            )
    return groups


def test_forecast_actual_counts_each_groups_covered_days_in_one_query(
    planned, manager, django_assert_num_queries
):
    with time_machine.travel(TODAY, tick=False):
        this, _last = month_figures.months(dt.date(2026, 11, 20))
        # one query for the forecasts, one for the tickets of all three groups
        with django_assert_num_queries(2):
            forecast, actual = month_figures._forecast(manager, this)

    def raw(types, first, last):
        return Ticket.objects.filter(
            business_line=manager.business_line,
            type__in=types,
            created_at__gte=dt.datetime(2026, 11, first, tzinfo=TZ),
            created_at__lt=dt.datetime(2026, 11, last + 1, tzinfo=TZ),
        ).count()

    expected = (
        raw(planned["presale"].ticket_types, 1, 14)
        + raw(planned["aftersales"].ticket_types, 10, 20)  # covered up to today
        + raw(planned["refund"].ticket_types, 1, 20)
    )
    assert actual == expected == 4
    assert forecast > 0


def test_forecast_is_only_for_planners(planned, agent):
    with time_machine.travel(TODAY, tick=False):
        this, _last = month_figures.months(dt.date(2026, 11, 20))
        assert month_figures._forecast(agent, this) is None
