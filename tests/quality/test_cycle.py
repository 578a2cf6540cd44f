"""The performance-management cycle PM-1 as a flow: each stage's work, who may move it on, the
evaluation's “who has not scored”, the PM-3 interview and the results (issue 18 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit import make_user

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.quality import services_cycle as cycles
from kefu.quality.models_cycle import CycleScore

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
INTERVIEW = {
    "appraisal_class": "good",
    "interview_at": "2026-12-03T10:00",
    "interview_place": "二楼小会议室",
    "interview_goal": "确认下月改进点",
    "expected": "首次响应 30 秒内",
    "achieved": "平均 42 秒",
    "reasons": "高峰时段排班不足",
    "how_to_improve": "熟记快捷短语",
}


def _planned(supervisor, org):
    cycle = cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name="11月绩效考核", starts_on=START, ends_on=END
    )
    cycles.goals_set(actor=supervisor, cycle=cycle, goals="提升首次解决率", version=cycle.version)
    cycle.refresh_from_db()
    return cycles.cycle_advance(actor=supervisor, cycle=cycle, version=cycle.version)


def _to_evaluation(supervisor, org):
    cycle = _planned(supervisor, org)
    cycles.indicator_add(
        actor=supervisor,
        cycle=cycle,
        name="首次解决率",
        measure="一次解决的工单 ÷ 已解决工单",
        target="≥ 85%",
        weight=100,
        due=END,
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.briefing_record(
        actor=supervisor, cycle=cycle, held_on=START, place="培训室", notes="评分尺度 0–100"
    )
    return cycles.cycle_advance(actor=supervisor, cycle=cycle)


def test_pm1_each_stage_needs_its_work_done_before_the_next(supervisor, org, lead, agent):
    with pytest.raises(PermissionDenied):
        cycles.cycle_create(
            actor=lead, team=org.aftersales1, name="x", starts_on=START, ends_on=END
        )
    cycle = cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name="11月", starts_on=START, ends_on=END
    )
    assert [m.user for m in cycle.members.all()] == [agent]  # the lead is an evaluator
    with pytest.raises(Invalid):  # no goals yet
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    with pytest.raises(StaleWrite):
        cycles.goals_set(actor=supervisor, cycle=cycle, goals="目标", version=cycle.version + 1)
    cycles.goals_set(actor=supervisor, cycle=cycle, goals="目标", version=cycle.version)
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    assert cycle.stage == "indicators"
    cycles.indicator_add(
        actor=supervisor,
        cycle=cycle,
        name="回访率",
        measure="已回访 ÷ 应回访",
        target="95%",
        weight=60,
        due=END,
    )
    with pytest.raises(Invalid):  # not time-bound: due after the cycle
        cycles.indicator_add(
            actor=supervisor,
            cycle=cycle,
            name="CSI",
            measure="平均分 ÷ 满分",
            target="90",
            weight=40,
            due=dt.date(2026, 12, 5),
        )
    with pytest.raises(Conflict) as refused:  # the weights add up to 60 %
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    assert refused.value.code == "not_smart" and "60" in str(refused.value.message)
    cycles.indicator_add(
        actor=supervisor,
        cycle=cycle,
        name="CSI",
        measure="平均分 ÷ 满分",
        target="90",
        weight=40,
        due=END,
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    assert cycle.stage == "briefing"
    with pytest.raises(Conflict):  # the evaluators were not briefed
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    with pytest.raises(PermissionDenied):
        cycles.briefing_record(actor=lead, cycle=cycle, held_on=START, place="a", notes="b")
    cycles.briefing_record(
        actor=supervisor, cycle=cycle, held_on=START, place="培训室", notes="尺度"
    )
    assert cycles.cycle_advance(actor=supervisor, cycle=cycle).stage == "evaluation"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"quality.cycle_create", "quality.cycle_advance", "quality.cycle_briefing"} <= actions


def test_evaluation_lists_who_has_not_scored_and_self_80_manager_90_is_87(
    supervisor, org, lead, agent, agent_b
):
    cycle = _to_evaluation(supervisor, org)
    missing = {(s.evaluator.username, s.member.user.username) for s in cycles.missing_scores(cycle)}
    assert missing == {
        ("agent", "agent"),
        ("agent_b", "agent_b"),
        ("lead", "agent"),
        ("lead", "agent_b"),
    }
    own = CycleScore.objects.get(member__user=agent, evaluator=agent)
    leads = CycleScore.objects.get(member__user=agent, evaluator=lead)
    with pytest.raises(PermissionDenied):  # an agent never scores for the lead
        cycles.score_submit(actor=agent, row=leads, score=100)
    with pytest.raises(Invalid):
        cycles.score_submit(actor=agent, row=own, score=101)
    cycles.score_submit(actor=agent, row=own, score=80)
    cycles.score_submit(actor=lead, row=leads, score=90)
    assert cycles.missing_scores(cycle).count() == 2
    with pytest.raises(Conflict) as refused:
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    assert refused.value.code == "not_scored"
    for row in cycles.missing_scores(cycle):
        cycles.score_submit(actor=row.evaluator, row=row, score=50)
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    scores = {m.user.username: (m.score, m.appraisal_class) for m in cycle.members.all()}
    assert scores == {"agent": (87, "good"), "agent_b": (50, "poor")}
    with pytest.raises(Conflict):  # scoring is over
        cycles.score_submit(actor=agent, row=own, score=100)


def test_interview_then_results_and_only_the_manager_closes(supervisor, manager, org, lead, agent):
    cycle = _to_evaluation(supervisor, org)
    for row in cycles.missing_scores(cycle):
        cycles.score_submit(actor=row.evaluator, row=row, score=65)
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    member = cycle.members.get()
    assert member.appraisal_class == "improve"
    with pytest.raises(PermissionDenied):  # nobody interviews themselves
        cycles.interview_record(actor=agent, member=member, data=INTERVIEW)
    with pytest.raises(Conflict):  # the interview comes first
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    with pytest.raises(Invalid):
        cycles.interview_record(actor=lead, member=member, data={**INTERVIEW, "reasons": ""})
    cycles.interview_record(
        actor=lead, member=member, data={**INTERVIEW, "appraisal_class": "improve"}
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    assert cycle.stage == "results"
    results = {"pay_change_pct": "0", "personnel_action": "none", "bonus_yuan": "0"}
    with pytest.raises(PermissionDenied):
        cycles.results_record(actor=lead, member=member, improvement_plan="x", **results)
    with pytest.raises(Invalid):  # “needs improvement” owes an improvement plan
        cycles.results_record(actor=supervisor, member=member, improvement_plan="", **results)
    cycles.results_record(
        actor=supervisor, member=member, improvement_plan="每周复盘两单投诉", **results
    )
    with pytest.raises(PermissionDenied):  # company leadership applies the results
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycle = cycles.cycle_advance(actor=manager, cycle=cycle)
    assert cycle.stage == "closed" and cycle.closed_by == manager
    with pytest.raises(Conflict):
        cycles.cycle_advance(actor=manager, cycle=cycle)


def test_a_supervisor_of_another_department_cannot_run_the_teams_cycle(org, supervisor):
    other = make_user("sup_wy", "supervisor", department=org.wy_front.department)
    with pytest.raises(PermissionDenied):
        cycles.cycle_create(
            actor=other, team=org.aftersales1, name="x", starts_on=START, ends_on=END
        )
