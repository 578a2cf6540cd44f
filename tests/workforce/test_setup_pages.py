"""Workforce setup pages (issue 6 §3, spec §1.11–1.13): shift templates, agent profiles, leave
and availability, skill-group settings, peak-plan editing and an entered requirement. Who may
read and edit, the rules a planner is told about, and what the roster builder does with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from testkit import make_user

from kefu.core.models import AuditEvent
from kefu.workforce.models import (
    AgentProfile,
    Leave,
    RosterAssignment,
    RosterRun,
    ShiftTemplate,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2025, 11, 3)

LIST_PAGES = [
    "workforce:shift_templates",
    "workforce:agent_profiles",
    "workforce:leaves",
    "workforce:skill_groups",
    "workforce:roster_entered",
]


def _shift(**over) -> dict:
    data = {
        "code": "X",
        "label": "09:00–17:00",
        "kind": "day",
        "start": "09:00",
        "duration_hours": "8",
        "second_start": "",
        "second_duration_hours": "",
    }
    return {**data, **over}


# -- permissions --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LIST_PAGES)
def test_agents_get_404_on_setup_pages(web_as, agent, groups, name):
    assert web_as(agent).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("role", ["lead", "supervisor", "manager"])
def test_leads_supervisors_and_managers_read_setup_pages(
    web_as, request, groups, shifts, name, role
):
    user = request.getfixturevalue(role)
    assert web_as(user).get(reverse(name)).status_code == 200


def test_a_lead_reads_but_cannot_add_a_shift_template(web_as, lead, shifts):
    # when the lead posts a new template
    response = web_as(lead).post(reverse("workforce:shift_templates"), _shift())
    # then it is refused and nothing is added
    assert response.status_code == 403
    assert not ShiftTemplate.objects.filter(code="X").exists()


def test_a_lead_sees_only_their_team_on_the_agent_profiles_page(
    web_as, lead, agent, agent2, groups
):
    body = web_as(lead).get(reverse("workforce:agent_profiles")).content.decode()
    assert f'id="agent-{agent.pk}"' in body
    assert f'id="agent-{agent2.pk}"' not in body


def test_another_lines_setup_objects_are_404(web_as, org, manager, supervisor, groups):
    from kefu.workforce.services import shift_templates_ensure, skill_groups_ensure

    # given a shift template, skill group and leave on the property line
    other_shift = shift_templates_ensure(business_line=org.property)[0]
    other_group = skill_groups_ensure(business_line=org.property)[0]
    wy_manager = make_user("wy_manager", "manager", business_line=org.property)
    wy_agent = make_user("wy_agent1", "agent", team=org.wy_front)
    from kefu.workforce.services import leave_add

    other_leave = leave_add(
        actor=wy_manager, user=wy_agent, start_date=MONDAY, end_date=MONDAY, reason="病假"
    )
    for user in (manager, supervisor):
        client = web_as(user)
        # then the shop's planners get 404 for each, reading or writing
        assert (
            client.get(reverse("workforce:shift_template", args=[other_shift.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("workforce:skill_group", args=[other_group.pk])).status_code == 404
        )
        assert client.get(reverse("workforce:leave", args=[other_leave.pk])).status_code == 404
        assert client.get(reverse("workforce:agent_profile", args=[wy_agent.pk])).status_code == 404
        assert (
            client.post(reverse("workforce:leave_delete", args=[other_leave.pk])).status_code == 404
        )
    assert Leave.objects.filter(pk=other_leave.pk).exists()


# -- shift templates ----------------------------------------------------------------------------
def test_a_13_hour_shift_is_refused_with_a_message(web_as, manager):
    response = web_as(manager).post(
        reverse("workforce:shift_templates"), _shift(duration_hours="13")
    )
    assert response.status_code == 400
    assert "A shift lasts 1 to 12 hours in all." in response.content.decode()
    assert not ShiftTemplate.objects.filter(code="X").exists()


def test_an_overlapping_split_shift_is_refused(web_as, manager):
    # given a split shift whose second part starts at 12:00, before the first ends at 14:00
    response = web_as(manager).post(
        reverse("workforce:shift_templates"),
        _shift(start="10:00", duration_hours="4", second_start="12:00", second_duration_hours="4"),
    )
    assert response.status_code == 400
    assert "The second part overlaps the first" in response.content.decode()
    assert not ShiftTemplate.objects.filter(code="X").exists()


def test_the_early_class_is_a_one_hour_slot(web_as, manager):
    client = web_as(manager)
    refused = client.post(
        reverse("workforce:shift_templates"),
        _shift(code="K2", kind="early_class", start="08:00", duration_hours="2"),
    )
    assert refused.status_code == 400
    assert "The early class (早课) is a single 1-hour slot." in refused.content.decode()
    accepted = client.post(
        reverse("workforce:shift_templates"),
        _shift(code="K2", kind="early_class", start="08:00", duration_hours="1"),
    )
    assert accepted.status_code == 302
    assert ShiftTemplate.objects.get(code="K2").duration_minutes == 60


def test_a_split_shift_is_created_edited_and_deactivated_with_audit(web_as, manager):
    client = web_as(manager)
    # when the manager adds 10:00–14:00 + 17:00–21:00
    client.post(
        reverse("workforce:shift_templates"),
        _shift(
            code="S2",
            start="10:00",
            duration_hours="4",
            second_start="17:00",
            second_duration_hours="4",
        ),
    )
    obj = ShiftTemplate.objects.get(code="S2")
    assert (obj.start_minute, obj.second_start_minute, obj.second_duration_minutes) == (
        600,
        1020,
        240,
    )
    # and moves its start to 09:30, then deactivates it
    client.post(
        reverse("workforce:shift_template", args=[obj.pk]),
        _shift(
            code="S2",
            start="09:30",
            duration_hours="4",
            second_start="17:00",
            second_duration_hours="4",
        ),
    )
    client.post(reverse("workforce:shift_template_active", args=[obj.pk]), {"active": "0"})
    obj.refresh_from_db()
    assert obj.start_minute == 570
    assert obj.is_active is False
    actions = list(
        AuditEvent.objects.filter(object_id=str(obj.pk), object_type="workforce.shifttemplate")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "workforce.shift_create",
        "workforce.shift_update",
        "workforce.shift_deactivate",
    ]


# -- agent profiles -----------------------------------------------------------------------------
def test_agent_profile_inline_edit_saves_skills_hours_and_cost(web_as, supervisor, agent, groups):
    client = web_as(supervisor)
    url = reverse("workforce:agent_profile", args=[agent.pk])
    # when the row is opened for editing with htmx, then saved
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert "<form" in form.content.decode()
    row = client.post(
        url,
        {
            "groups": [groups["aftersales"].pk, groups["refund"].pk],
            "max_weekly_hours": "40",
            "cost_per_hour": "35.5",
        },
        HTTP_HX_REQUEST="true",
    )
    # then the row comes back with the new figures and the profile holds them
    assert row.status_code == 200
    assert "35.50" in row.content.decode()
    profile = AgentProfile.objects.get(user=agent)
    assert {g.code for g in profile.groups.all()} == {"aftersales", "refund"}
    assert profile.max_weekly_hours == 40
    assert AuditEvent.objects.filter(action="workforce.profile_set").exists()


def test_agent_profile_without_skills_is_refused(web_as, manager, agent, groups):
    response = web_as(manager).post(
        reverse("workforce:agent_profile", args=[agent.pk]),
        {"max_weekly_hours": "40", "cost_per_hour": "30"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not AgentProfile.objects.filter(user=agent).exists()


def test_a_deactivated_profile_leaves_the_agent_off_the_roster(
    web_as, manager, agent, profile, shifts
):
    from kefu.workforce.services import roster_run_create
    from kefu.workforce.services.rosters import build_problem

    profile(agent, "aftersales")
    web_as(manager).post(
        reverse("workforce:agent_profile_active", args=[agent.pk]), {"active": "0"}
    )
    run = roster_run_create(
        actor=manager,
        start_date=MONDAY,
        days=1,
        requirement={"aftersales": [[1] * 48]},
        time_limit_seconds=5,
    )
    problem, *_ = build_problem(run)
    assert str(agent.pk) not in {a.id for a in problem.agents}


# -- leave and availability ---------------------------------------------------------------------
def test_leave_makes_the_roster_builder_skip_that_agent_on_those_days(
    web_as, manager, agent, agent_b, profile, shifts, django_capture_on_commit_callbacks
):
    from kefu.workforce.services import roster_run_create

    # given two agents for 售后 (agent is cheaper), agent on leave on Tuesday, recorded on the page
    profile(agent, "aftersales", cost=20)
    profile(agent_b, "aftersales", cost=40)
    tuesday = MONDAY + dt.timedelta(days=1)
    client = web_as(manager)
    added = client.post(
        reverse("workforce:leaves"),
        {
            "user": agent.pk,
            "kind": "leave",
            "start_date": tuesday.isoformat(),
            "end_date": tuesday.isoformat(),
            "reason": "年假",
        },
    )
    assert added.status_code == 302
    # when a three-day roster needing one agent 09:00–18:00 is built
    need = [[1 if 18 <= i < 36 else 0 for i in range(48)] for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        run = roster_run_create(
            actor=manager,
            start_date=MONDAY,
            days=3,
            requirement={"aftersales": need},
            time_limit_seconds=5,
        )
    run.refresh_from_db()
    # then agent has no shift on Tuesday, and the grid marks the day as leave
    assert run.status == "done"
    assert not RosterAssignment.objects.filter(
        run=run, user=agent, date=tuesday, shift__isnull=False
    ).exists()
    assert RosterAssignment.objects.filter(run=run, user=agent_b, date=tuesday).exists()
    body = client.get(reverse("workforce:roster", args=[run.pk])).content.decode()
    assert "On leave" in body


def test_unavailable_days_are_edited_and_deleted_with_audit(web_as, manager, agent, groups):
    from kefu.workforce.services import leave_add

    obj = leave_add(actor=manager, user=agent, start_date=MONDAY, end_date=MONDAY)
    client = web_as(manager)
    # when it becomes an unavailable Monday–Wednesday, then is deleted
    client.post(
        reverse("workforce:leave", args=[obj.pk]),
        {
            "kind": "unavailable",
            "start_date": MONDAY.isoformat(),
            "end_date": (MONDAY + dt.timedelta(days=2)).isoformat(),
            "reason": "上课",
        },
    )
    obj.refresh_from_db()
    assert (obj.kind, obj.end_date) == ("unavailable", MONDAY + dt.timedelta(days=2))
    client.post(reverse("workforce:leave_delete", args=[obj.pk]))
    assert not Leave.objects.filter(pk=obj.pk).exists()
    assert set(
        AuditEvent.objects.filter(action__startswith="workforce.leave").values_list(
            "action", flat=True
        )
    ) == {"workforce.leave_add", "workforce.leave_update", "workforce.leave_delete"}


def test_leave_ending_before_it_starts_is_refused(web_as, manager, agent, groups):
    response = web_as(manager).post(
        reverse("workforce:leaves"),
        {"user": agent.pk, "kind": "leave", "start_date": "2025-11-05", "end_date": "2025-11-03"},
    )
    assert response.status_code == 400
    assert "Leave ends before it starts." in response.content.decode()
    assert not Leave.objects.exists()


# -- skill-group settings -----------------------------------------------------------------------
def _group_post(group, **over) -> dict:
    data = {
        "name": group.name,
        "queue_model": "erlang-c",
        "aht_seconds": group.aht_seconds,
        "service_level": group.service_level,
        "answer_seconds": group.answer_seconds,
        "shrinkage": group.shrinkage,
        "max_occupancy": "",
        "patience_seconds": "",
    }
    return {**data, **over}


def test_editing_group_settings_changes_the_required_agents_of_a_forecast(
    web_as, manager, agent2, groups, ticket_at
):
    from kefu.workforce.services import forecast_create

    # given a forecast of 4 enquiries at 10:00 each day for 售前 with a 180 s handling time
    for d in range(14):
        day = dt.date(2025, 3, 3) + dt.timedelta(days=d)
        for m in range(4):
            ticket_at(agent2, dt.datetime.combine(day, dt.time(10, m)))
    f = forecast_create(
        actor=manager, group=groups["presale"], start_date=dt.date(2025, 3, 17), days=1, weeks=2
    )
    before = f.required[20]
    # when the group's handling time becomes 20 minutes
    response = web_as(manager).post(
        reverse("workforce:skill_group", args=[groups["presale"].pk]),
        _group_post(groups["presale"], aht_seconds=1200),
    )
    # then the 10:00 interval needs more agents
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.aht_seconds == 1200
    assert f.required[20] > before


def test_a_100_percent_target_and_erlang_a_without_patience_are_refused(web_as, manager, groups):
    client = web_as(manager)
    url = reverse("workforce:skill_group", args=[groups["presale"].pk])
    full = client.post(url, _group_post(groups["presale"], service_level="1"))
    assert full.status_code == 400
    assert "a target of 1 is unreachable" in full.content.decode()
    erlang_a = client.post(url, _group_post(groups["presale"], queue_model="erlang-a"))
    assert erlang_a.status_code == 400
    assert "mean patience" in erlang_a.content.decode()
    groups["presale"].refresh_from_db()
    assert groups["presale"].service_level == 0.8


# -- peak plans ---------------------------------------------------------------------------------
@pytest.fixture
def plan(manager):
    from kefu.workforce.services import peak_plan_from_template

    return peak_plan_from_template(actor=manager, year=2026)


def _plan_post(plan, **over) -> dict:
    data = {"version": plan.version}
    for c in plan.coverage:
        data[f"hours-{c['date']}"] = c["hours"]
    for phase, sizes in plan.group_sizes.items():
        for g, v in sizes.items():
            data[f"size-{phase}-{g}"] = v
    return {**data, **over}


def test_peak_plan_coverage_and_group_sizes_are_edited(web_as, manager, plan):
    response = web_as(manager).post(
        reverse("workforce:peak_edit", args=[plan.pk]),
        _plan_post(plan, **{"hours-2026-11-12": 18, "size-after-售后": 9}),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert {c["date"]: c["hours"] for c in plan.coverage}["2026-11-12"] == 18
    assert plan.group_sizes["after"]["售后"] == 9
    assert AuditEvent.objects.filter(action="workforce.peak_plan_update").exists()


def test_peak_plan_coverage_over_24_hours_and_stale_edits_are_refused(web_as, manager, plan):
    client = web_as(manager)
    url = reverse("workforce:peak_edit", args=[plan.pk])
    too_long = client.post(url, _plan_post(plan, **{"hours-2026-11-12": 25}))
    assert too_long.status_code == 400
    assert "Coverage is 0 to 24 hours a day." in too_long.content.decode()
    stale = client.post(url, _plan_post(plan, version=plan.version - 1))
    assert stale.status_code == 400
    assert "Someone else changed this record" in stale.content.decode()


def test_checklist_owner_and_due_date_are_edited_and_borrowed_staff_removed(
    web_as, manager, supervisor, lead, plan
):
    from kefu.workforce.services import borrowed_add

    item = plan.checklist.first()
    client = web_as(manager)
    response = client.post(
        reverse("workforce:peak_item_edit", args=[plan.pk, item.pk]),
        {"owner": supervisor.pk, "due_date": "2026-10-01"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.owner_id, item.due_date) == (supervisor.pk, dt.date(2026, 10, 1))
    staff = borrowed_add(
        actor=manager, plan=plan, name="王五", from_department="仓储部", group="售后"
    )
    # a lead may not remove borrowed staff; the manager may
    assert (
        web_as(lead)
        .post(reverse("workforce:peak_borrowed_remove", args=[plan.pk, staff.pk]))
        .status_code
        == 403
    )
    web_as(manager).post(reverse("workforce:peak_borrowed_remove", args=[plan.pk, staff.pk]))
    assert not plan.borrowed.exists()


# -- entered requirement ------------------------------------------------------------------------
def _entered(**pastes) -> dict:
    data = {
        "name": "手工需求",
        "start_date": MONDAY.isoformat(),
        "days": "2",
        "interval_minutes": "30",
        "time_limit_seconds": "5",
    }
    return {**data, **{f"paste_{k}": v for k, v in pastes.items()}}


def test_a_bad_pasted_cell_names_its_row_and_column_and_saves_nothing(web_as, manager, groups):
    text = "时间\t周一\t周二\n09:00\t2\t2\n09:30\t2\tabc\n"
    response = web_as(manager).post(reverse("workforce:roster_entered"), _entered(aftersales=text))
    assert response.status_code == 400
    assert "Row 3, column 3: “abc” is not a whole number of agents." in response.content.decode()
    assert not RosterRun.objects.exists()


def test_a_pasted_requirement_becomes_the_rosters_requirement(
    web_as, manager, agent, profile, shifts, django_capture_on_commit_callbacks
):
    profile(agent, "aftersales")
    text = "09:00\t1\t2\r\n09:30\t1\t\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = web_as(manager).post(
            reverse("workforce:roster_entered"), _entered(aftersales=text)
        )
    run = RosterRun.objects.get()
    assert response.status_code == 302
    assert run.requirement["aftersales"][0][18:20] == [1, 1]
    assert run.requirement["aftersales"][1][18:20] == [2, 0]
    assert sum(map(sum, run.requirement["presale"])) == 0


def test_paste_parser_errors_are_precise():
    from kefu.workforce.requirement_paste import PasteError, parse_paste

    cases = [
        ("09:00\t1\n09:15\t1", (2, 1, "off_grid")),
        ("09:00\t1\n9:00\t1", (2, 1, "duplicate")),
        ("09:00\t1\t1\t1", (1, 4, "columns")),
        ("x\t1\nnoon\t1", (2, 1, "time")),
        ("09:00\t1.5", (1, 2, "number")),
        ("09:00\t-1", (1, 2, "range")),
    ]
    for text, expected in cases:
        with pytest.raises(PasteError) as info:
            parse_paste(text, days=2, interval_minutes=30)
        assert (info.value.row, info.value.column, info.value.kind) == expected


# -- query counts -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LIST_PAGES)
def test_setup_list_pages_run_a_bounded_number_of_queries(
    web_as, manager, org, groups, shifts, profile, django_assert_max_num_queries, name
):
    from kefu.workforce.services import leave_add

    # given twelve profiled agents, each with leave
    for i in range(12):
        user = make_user(f"a{i}", "agent", team=org.aftersales1)
        profile(user, "aftersales", "refund")
        leave_add(actor=manager, user=user, start_date=MONDAY, end_date=MONDAY)
    client = web_as(manager)
    client.get(reverse(name))  # warm the session and caches
    with django_assert_max_num_queries(10):
        assert client.get(reverse(name)).status_code == 200


def test_setup_pages_and_their_messages_are_in_chinese(web_as, manager, shifts):
    client = web_as(manager)
    page = client.get(reverse("workforce:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "班次模板" in page
    assert "技能组设置" in page
    refused = client.post(
        reverse("workforce:shift_templates"),
        _shift(duration_hours="13"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "一个班次总计 1 至 12 小时。" in refused.content.decode()
