"""The report builder (万能报表, issue 22 §6): figures recomputed from raw rows, each cell equal
to the count of its drill-down, scope, and bad input as a 400."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pytest
import time_machine

from kefu.core.errors import Invalid
from kefu.reports import builder
from kefu.reports import builder_defs as defs
from kefu.tickets.services import ticket_reply, ticket_update

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 30)
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def data(org, agent, agent_b, agent2, make_ticket):
    """售后一组: twelve tickets on 11-10 (agent, agent_b alternating) answered after 1…12 hours,
    the first four complaints by phone, the rest consults by IM; 售前组 (agent2): three
    complaints, one answered after 50 hours. One ticket of October (outside the period)."""
    out = []
    for hours in range(1, 13):
        start = dt.datetime(2026, 11, 10, 9, tzinfo=TZ)
        owner = agent if hours % 2 else agent_b
        with time_machine.travel(start, tick=False):
            t = make_ticket(
                owner,
                type="complaint" if hours <= 4 else "consult",
                channel="phone" if hours <= 4 else "im",
            )
            t = ticket_update(
                actor=owner, ticket=t, version=t.version, changes={"assignee": owner.pk}
            )
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            ticket_reply(actor=owner, ticket=t, body="您好,已处理")
            if hours > 8:  # four consults resolved at once: their resolution clocks stop
                t.refresh_from_db()
                t = ticket_update(
                    actor=owner, ticket=t, version=t.version, changes={"status": "resolved"}
                )
        out.append(t)
    for i in range(3):
        with time_machine.travel(dt.datetime(2026, 11, 20 + i, 10, tzinfo=TZ), tick=False):
            t = make_ticket(agent2)
        if i == 0:
            with time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=TZ), tick=False):
                ticket_reply(actor=agent2, ticket=t, body="已处理")
    with time_machine.travel(dt.datetime(2026, 10, 5, 10, tzinfo=TZ), tick=False):
        make_ticket(agent)
    return out


def _def(dims, measures, **filters):
    return defs.validate(
        {"dimensions": dims, "measures": measures, "filters": {**PERIOD, **filters}}
    )


def _nearest(values, p):
    values = sorted(values)
    return values[max(math.ceil(p * len(values)) - 1, 0)]


def test_counts_and_times_per_agent_match_the_raw_rows_and_their_drill_down(
    data, manager, agent, agent_b, agent2
):
    d = _def(["agent"], ["count", "frt_median", "frt_avg", "frt_p90"])
    result = builder.run(manager, d, today=TODAY)
    cells = {r["keys"]["agent"]: r["values"] for r in result.rows}
    odd = [1, 3, 5, 7, 9, 11]
    assert cells[str(agent.pk)]["count"] == 6
    assert cells[str(agent.pk)]["frt_median"] == _nearest(odd, 0.5) == 5
    assert cells[str(agent.pk)]["frt_p90"] == _nearest(odd, 0.9) == 11
    assert cells[str(agent.pk)]["frt_avg"] == round(statistics.mean(odd), 1)
    assert cells[str(agent_b.pk)]["frt_median"] == 6
    assert cells[str(agent_b.pk)]["frt_p90"] == 12
    # agent2's three tickets: one answered after 50 hours
    assert cells[str(agent2.pk)]["count"] == 3
    assert cells[str(agent2.pk)]["n_frt_median"] == 1
    assert cells[str(agent2.pk)]["frt_median"] == 50.0
    assert result.total["count"] == 15  # October's ticket is outside the period
    for r in result.rows:
        for m in d["measures"]:
            rows = builder.drill(manager, d, r["keys"], m, today=TODAY)
            assert rows.count() == r["values"][f"n_{m}"]
    assert builder.drill(manager, d, {}, "count", today=TODAY).count() == 15


def test_time_buckets_and_two_dimensions_add_up(data, manager):
    d = _def(["day", "type"], ["count"])
    result = builder.run(manager, d, today=TODAY)
    got = {(r["keys"]["day"], r["keys"]["type"]): r["values"]["count"] for r in result.rows}
    assert got[("2026-11-10", "complaint")] == 4
    assert got[("2026-11-10", "consult")] == 8
    assert got[("2026-11-20", "complaint")] == 1
    assert sum(got.values()) == result.total["count"]
    for r in result.rows:
        assert (
            builder.drill(manager, d, r["keys"], "count", today=TODAY).count()
            == r["values"]["count"]
        )
    week = builder.run(manager, _def(["week"], ["count"]), today=TODAY)
    assert {r["keys"]["week"]: r["values"]["count"] for r in week.rows} == {
        "2026-11-09": 12,
        "2026-11-16": 3,  # Friday 20th to Sunday 22nd
    }


def test_an_agent_sees_only_the_rows_of_the_scope(data, agent, agent2):
    d = _def(["team"], ["count"])
    mine = builder.run(agent, d, today=TODAY)
    assert [r["labels"][0] for r in mine.rows] == ["售后一组"]
    assert mine.total["count"] == 12
    theirs = builder.run(agent2, d, today=TODAY)
    assert [r["labels"][0] for r in theirs.rows] == ["售前组"]
    assert theirs.total["count"] == 3
    # a drill into the other team's cell counts nothing
    other = {"team": str(mine.rows[0]["keys"]["team"])}
    assert builder.drill(agent2, d, other, "count", today=TODAY).count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"dimensions": ["colour"], "measures": ["count"]},
        {"dimensions": ["team"], "measures": ["mood"]},
        {"dimensions": [], "measures": ["count"]},
        {
            "dimensions": ["team"],
            "measures": ["count"],
            "filters": {"from": "2026-13-01", "to": "2026-12-01"},
        },
        {"dimensions": ["team"], "measures": ["count"], "filters": {"from": "2026-12-01"}},
        {"dimensions": ["team"], "measures": ["count"], "filters": {"type": "poem"}},
        {"dimensions": ["team"], "measures": ["count"], "filters": {"team": "x"}},
        {"dimensions": ["team"], "measures": ["count"], "filters": {"colour": "red"}},
        {"dimensions": ["team", "team"], "measures": ["count"]},
        "not a dict",
    ],
)
def test_bad_definitions_are_invalid(bad):
    with pytest.raises(Invalid):
        defs.validate(bad)


def test_sla_met_is_the_statements_rule_and_resolution_times_from_raw_rows(data, manager):
    from kefu.reports import statement

    d = _def(["type"], ["fr_sla_pct", "res_sla_pct", "res_median", "res_p90"])
    result = builder.run(manager, d, today=TODAY)
    month = statement.parse_month("2026-11")
    for clock, m in (("first_response", "fr_sla_pct"), ("resolution", "res_sla_pct")):
        clocked = statement.drill(manager, None, month, clock).count()
        met = statement.drill(manager, None, month, f"{clock}_met").count()
        assert result.total[f"n_{m}"] == clocked and result.total[f"met_{m}"] == met
        assert result.total[m] == (round(100 * met / clocked, 1) if clocked else None)
        assert builder.drill(manager, d, {}, m, today=TODAY).count() == clocked
    assert result.total["n_res_sla_pct"] == 4  # the four resolved consults
    consult = next(r["values"] for r in result.rows if r["keys"]["type"] == "consult")
    assert consult["n_res_median"] == 4
    assert consult["res_median"] == _nearest([9, 10, 11, 12], 0.5) == 10
    assert consult["res_p90"] == 12
