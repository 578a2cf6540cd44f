"""Rosters from the database (issue 6 §3; spec §1.12): a run stores assignments that respect the
rules, pins survive re-optimisation, the grid, chart, gaps and export, and who sees what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.workforce import selectors
from kefu.workforce.models import RosterAssignment, RosterRun
from kefu.workforce.roster_model import Assignment, roster_violations
from kefu.workforce.services import assignment_pin, roster_reoptimise, roster_run_create
from kefu.workforce.services.rosters import build_problem

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2025, 11, 3)


def _need(first: str, last: str, n: int = 1, days: int = 3) -> list[list[int]]:
    lo = int(first[:2]) * 2
    hi = int(last[:2]) * 2
    return [[n if lo <= i < hi else 0 for i in range(48)] for _ in range(days)]


@pytest.fixture
def team(agent, agent_b, lead, profile, shifts):
    profile(agent, "aftersales", cost=30)
    profile(agent_b, "aftersales", cost=40)
    return [agent, agent_b]


@pytest.fixture
def run(manager, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = roster_run_create(
            actor=manager,
            start_date=MONDAY,
            days=3,
            requirement={"aftersales": _need("09", "18")},
            time_limit_seconds=10,
        )
    created.refresh_from_db()
    return created


def _stored(run: RosterRun) -> list[Assignment]:
    return [
        Assignment(
            str(a.user_id),
            (a.date - run.start_date).days,
            a.shift.code,
            a.group.code if a.group_id else None,
        )
        for a in RosterAssignment.objects.filter(run=run, shift__isnull=False).select_related(
            "shift", "group"
        )
    ]


def test_roster_run_stores_assignments_that_respect_the_rules(run, agent):
    # then the run is solved, the cheaper agent covers 09:00–18:00 each day, nothing short
    assert run.status == "done"
    assert run.summary["under"] == 0
    problem, *_ = build_problem(run)
    stored = _stored(run)
    assert roster_violations(problem, stored) == []
    assert {(a.agent_id, a.shift) for a in stored} == {(str(agent.pk), "D")}


def test_pins_survive_reoptimisation(
    run, manager, agent, agent_b, django_capture_on_commit_callbacks
):
    # given the manager pins agent_b to the day shift on Tuesday and gives agent that day off
    assignment_pin(
        actor=manager,
        run=run,
        user_id=agent_b.pk,
        date=MONDAY + dt.timedelta(days=1),
        shift_code="D",
        group_code="aftersales",
    )
    assignment_pin(
        actor=manager,
        run=run,
        user_id=agent.pk,
        date=MONDAY + dt.timedelta(days=1),
        shift_code=None,
    )
    # when the rest is re-optimised
    with django_capture_on_commit_callbacks(execute=True):
        roster_reoptimise(actor=manager, run=run)
    run.refresh_from_db()
    # then both pins hold, the other days are as before, and the rules hold
    tuesday = {
        (a.user_id, a.shift.code if a.shift else None, a.pinned)
        for a in RosterAssignment.objects.filter(
            run=run, date=MONDAY + dt.timedelta(days=1)
        ).select_related("shift")
    }
    assert tuesday == {(agent_b.pk, "D", True), (agent.pk, None, True)}
    assert run.summary["under"] == 0
    problem, *_ = build_problem(run)
    assert roster_violations(problem, _stored(run)) == []


def test_a_stale_pin_is_refused_with_409(run, manager, agent, api_as):
    from kefu.core.errors import StaleWrite

    with pytest.raises(StaleWrite):
        assignment_pin(
            actor=manager,
            run=run,
            user_id=agent.pk,
            date=MONDAY,
            shift_code="E",
            group_code="aftersales",
            version=run.version - 1,
        )


def test_roster_grid_page_shows_agents_and_chart(
    run, web_as, manager, agent, django_assert_max_num_queries
):
    client = web_as(manager)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("workforce:roster", args=[run.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "agent" in html and "<svg" in html
    assert "09:00–18:00" in html


def test_lead_sees_the_team_and_agent_cannot_open_the_roster(run, web_as, lead, agent):
    resp = web_as(lead).get(reverse("workforce:roster", args=[run.pk]))
    assert resp.status_code == 200
    resp = web_as(agent).get(reverse("workforce:roster", args=[run.pk]))
    assert resp.status_code == 404


def test_cell_edit_pins_the_shift(run, web_as, manager, agent_b):
    client = web_as(manager)
    resp = client.post(
        reverse("workforce:roster_cell", args=[run.pk, agent_b.pk, MONDAY.isoformat()]),
        {"shift": "E", "group": "aftersales", "version": run.version},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    a = RosterAssignment.objects.get(run=run, user=agent_b, date=MONDAY)
    assert (a.shift.code, a.pinned) == ("E", True)


def test_uncovered_intervals_are_listed_with_translated_reasons(
    manager, team, web_as, django_capture_on_commit_callbacks
):
    # given 3 agents needed but only 2 have the skill
    with django_capture_on_commit_callbacks(execute=True):
        run = roster_run_create(
            actor=manager,
            start_date=MONDAY,
            days=1,
            requirement={"aftersales": _need("09", "10", n=3, days=1)},
            time_limit_seconds=10,
        )
    run.refresh_from_db()
    assert run.summary["under"] == 2
    assert run.explanations[0]["reason"] == "no_skill" or run.explanations[0]["agents"]
    resp = web_as(manager).get(reverse("workforce:roster", args=[run.pk]))
    assert "09:00" in resp.content.decode()
    assert "short" in resp.content.decode()


def test_roster_export_is_an_xlsx_with_one_row_per_agent(run, web_as, manager, agent):
    resp = web_as(manager).get(reverse("workforce:roster_export", args=[run.pk]))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = [r[0] for r in rows[2:]]
    assert "agent" in names and "agent_b" in names
    assert "D" in " ".join(str(c) for c in rows[2 + names.index("agent")][2:])


def test_agent_sees_only_own_schedule(run, web_as, agent, agent_b):
    client = web_as(agent)
    resp = client.get(reverse("workforce:my_schedule"), {"start": MONDAY.isoformat()})
    assert resp.status_code == 200
    assert "09:00–18:00" in resp.content.decode()
    resp = client.get(reverse("workforce:my_schedule"), {"user": agent_b.pk})
    assert resp.status_code == 404


def test_lead_sees_a_team_members_schedule(run, web_as, lead, agent, agent2):
    client = web_as(lead)
    assert client.get(reverse("workforce:my_schedule"), {"user": agent.pk}).status_code == 200
    assert client.get(reverse("workforce:my_schedule"), {"user": agent2.pk}).status_code == 404


def test_schedule_selector_scope(run, agent, agent_b):
    _user, items = selectors.schedule_for(viewer=agent, start=MONDAY, days=7)
    assert {a.user_id for a in items} == {agent.pk}
