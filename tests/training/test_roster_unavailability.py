"""Booked classes are unavailable time in the workforce rosters (SCH-3): training registers its
bookings with ``workforce.availability`` and the roster gives nobody a shift over them; a class
on a rest day is capped at half a day (SCH-9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Invalid
from kefu.training import services
from kefu.workforce.models import RosterAssignment

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 14)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _roster_nine_to_ten(org, manager, agent):
    """A one-day roster needing one after-sales agent from 09:00 to 10:00, solved."""
    from kefu.workforce.services import (
        agent_profile_set,
        roster_run_create,
        shift_templates_ensure,
        skill_groups_ensure,
    )
    from kefu.workforce.services.rosters import roster_run_solve

    groups = {g.code: g for g in skill_groups_ensure(business_line=org.shop)}
    shift_templates_ensure(business_line=org.shop)
    agent_profile_set(actor=manager, user=agent, groups=[groups["aftersales"]])
    need = [0] * 48
    need[18] = need[19] = 1  # 09:00–10:00
    run = roster_run_create(
        actor=manager,
        start_date=MONDAY,
        days=1,
        requirement={"aftersales": [need]},
        time_limit_seconds=5,
    )
    run = roster_run_solve(run_id=run.pk)
    rows = list(
        RosterAssignment.objects.filter(run=run, user=agent, shift__isnull=False).select_related(
            "shift"
        )
    )
    return run, rows


def _covers_nine(shift) -> bool:
    parts = [(shift.start_minute, shift.start_minute + shift.duration_minutes)]
    if shift.second_start_minute is not None:
        parts.append(
            (shift.second_start_minute, shift.second_start_minute + shift.second_duration_minutes)
        )
    return shift.kind != "early_class" and any(a < 600 and b > 540 for a, b in parts)


def test_without_a_class_the_agent_covers_nine_to_ten(org, manager, agent, time_machine):
    time_machine.move_to(_at(dt.date(2026, 12, 1), 10), tick=False)
    run, rows = _roster_nine_to_ten(org, manager, agent)
    assert any(_covers_nine(r.shift) for r in rows)
    assert run.scheduled["aftersales"][0][18] == 1


def test_an_agent_booked_nine_to_ten_is_not_rostered_in_that_hour(
    org, manager, lead, agent, time_machine
):
    time_machine.move_to(_at(dt.date(2026, 12, 1), 10), tick=False)
    cls = services.class_create(actor=lead, title="MOT服务技巧", starts_at=_at(MONDAY, 9), hours=1)
    assert services.enrol(actor=agent, training_class=cls).status == "enrolled"
    run, rows = _roster_nine_to_ten(org, manager, agent)
    assert not any(_covers_nine(r.shift) for r in rows)
    assert run.scheduled["aftersales"][0][18] == 0
    assert run.scheduled["aftersales"][0][19] == 0
    # the diagnostic says why: the only skilled agent is in a booked class, not "on leave"
    gaps = [e for e in run.explanations if e["interval"] in (18, 19)]
    assert gaps and {e["reason"] for e in gaps} == {"in_training"}
    assert all(e["agents"] == {"in_training": 1} for e in gaps)


def test_a_waitlisted_or_cancelled_seat_is_not_busy_time(
    org, manager, lead, agent, agent_b, time_machine
):
    time_machine.move_to(_at(dt.date(2026, 12, 1), 10), tick=False)
    cls = services.class_create(
        actor=lead, title="MOT服务技巧", starts_at=_at(MONDAY, 9), hours=1, capacity=1
    )
    services.enrol(actor=agent_b, training_class=cls)
    assert services.enrol(actor=agent, training_class=cls).status == "waitlisted"
    _run, rows = _roster_nine_to_ten(org, manager, agent)
    assert any(_covers_nine(r.shift) for r in rows)


def test_sch9_a_five_hour_class_on_a_rest_day_is_refused(lead, agent, time_machine):
    time_machine.move_to(_at(dt.date(2026, 12, 1), 10), tick=False)
    saturday = dt.date(2026, 12, 12)
    cls = services.class_create(
        actor=lead, title="双11产品知识", starts_at=_at(saturday, 9), hours=5
    )
    with pytest.raises(Invalid) as exc:
        services.enrol(actor=agent, training_class=cls)
    assert "half a day" in exc.value.message and "4.0 h" in exc.value.message
    assert not cls.enrolments.exists()
    four = services.class_create(
        actor=lead, title="双11活动规则", starts_at=_at(saturday, 9), hours=4
    )
    assert services.enrol(actor=agent, training_class=four).status == "enrolled"


def test_pk3_the_double11_plan_shows_borrowed_staff_certification(
    web_as, org, manager, agent, agent_b, cert
):
    """The workforce 双11 plan asks ``workforce.staff_status`` by each row's linked account;
    training answers from its grants. A name alone (even a user's name) is not looked up."""
    from kefu.workforce.services import peak_plan_from_template
    from kefu.workforce.services.peaks import borrowed_add

    from .kit import certify

    plan = peak_plan_from_template(actor=manager, business_line=org.shop, year=2026)
    linked = borrowed_add(
        actor=manager,
        plan=plan,
        name="",
        username=agent.username,
        from_department="仓储部",
        group="售后",
    )
    assert linked.user == agent and linked.name == (agent.display_name or agent.username)
    borrowed_add(
        actor=manager,
        plan=plan,
        name="小b",
        username=agent_b.username,
        from_department="仓储部",
        group="售后",
    )
    # the same name as a certified account, but no link: unknown
    borrowed_add(
        actor=manager, plan=plan, name=agent.username, from_department="财务部", group="售后"
    )
    with pytest.raises(Invalid):
        borrowed_add(
            actor=manager,
            plan=plan,
            name="外借的人",
            username="nobody-here",
            from_department="仓储部",
            group="售后",
        )
    certify(agent)
    page = web_as(manager).get(
        reverse("workforce:peak", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200
    duty = {(b.name, b.from_department): b.duty for b in page.context["borrowed"]}
    mine = duty[(linked.name, "仓储部")]
    assert mine["code"] == "certified" and mine["certifications"] == [cert.name]
    assert duty[("小b", "仓储部")]["code"] == "none"
    assert duty[(agent.username, "财务部")]["code"] == "unknown"
    assert 'data-duty="certified"' in page.content.decode()


def test_busy_time_blocks_only_the_covering_shifts_it_overlaps():
    """The pure roster model: a class 09:00–10:00 on day 0 blocks the 07:00–14:00 and
    09:00–18:00 shifts that day, not 14:00–21:00, not the next day, not the 早课 slot."""
    from kefu.workforce import roster_model as rm
    from kefu.workforce.roster_instances import standard_shifts

    shifts = {s.code: s for s in standard_shifts()}
    agent = rm.Agent(id="a", groups=("售后",), busy=((9 * 60, 10 * 60),))
    assert agent.blocked(0, shifts["E"]) and agent.blocked(0, shifts["D"])
    assert not agent.blocked(0, shifts["L"]) and not agent.blocked(1, shifts["D"])
    assert not agent.blocked(0, shifts["K"])
    problem = rm.RosterProblem(
        start_date=MONDAY,
        days=1,
        groups=("售后",),
        shifts=tuple(shifts.values()),
        agents=(agent,),
        requirement=rm.Requirement({(0, 18, "售后"): 1}),
        rules=rm.Rules(),
    )
    worked = [rm.Assignment("a", 0, "D", "售后")]
    assert [v.rule for v in rm.roster_violations(problem, worked)] == ["leave"]


def test_the_gap_diagnostic_tells_training_from_leave():
    """A class 09:00–10:00 explains the gap as in_training; leave that day as on_leave; an
    agent free on a shift that is not blocked gets that shift's reason instead."""
    from kefu.workforce import roster_explain as rx
    from kefu.workforce import roster_model as rm
    from kefu.workforce.roster_instances import standard_shifts

    shifts = tuple(s for s in standard_shifts() if s.code in ("E", "D"))

    def reason(agent):
        problem = rm.RosterProblem(
            start_date=MONDAY,
            days=1,
            groups=("售后",),
            shifts=shifts,
            agents=(agent,),
            requirement=rm.Requirement({(0, 18, "售后"): 1}),
            rules=rm.Rules(),
        )
        return [e.reason for e in rx.explain_gaps(problem, [])]

    in_class = rm.Agent(id="a", groups=("售后",), busy=((9 * 60, 10 * 60, "in_training"),))
    assert reason(in_class) == ["in_training"]
    on_leave = rm.Agent(id="a", groups=("售后",), unavailable_days=frozenset({0}))
    assert reason(on_leave) == ["on_leave"]
    # a class 07:00–08:00 blocks the early shift only: 09:00–18:00 was free
    early = rm.Agent(id="a", groups=("售后",), busy=((7 * 60, 8 * 60, "in_training"),))
    assert reason(early) == ["unused"]
