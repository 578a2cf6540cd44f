"""The demo's performance-management cycles (PM-1): per team, two earlier cycles run through
every stage to applied results, and the current month's cycle in its evaluation stage with
some evaluators still to score. Everything goes through the services (audited)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.quality import months
from kefu.quality import services_cycle as cycles

INDICATORS = [
    ("首次解决率", "一次解决的工单 ÷ 已解决工单", "≥ 85%", 40),
    ("回访率", "已回访 ÷ 应回访", "≥ 95%", 30),
    ("客户满意度 CSI", "平均得分 ÷ 满分", "≥ 90", 30),
]
GAPS = [
    (
        "首次响应 30 秒内",
        "高峰时段平均 45 秒",
        "排班不足且快捷短语不熟",
        "熟记 20 条快捷短语，高峰前预热",
    ),
    ("投诉当日安抚", "两单隔日才回电", "交接班遗漏", "交接班清单加一栏未回电投诉"),
    ("回访率 95%", "回访率 88%", "号码错误未及时更正", "每周核对客户档案电话"),
]


def _run(rng, team, supervisor, manager, lead, start, end, *, finish: bool) -> None:
    cycle = cycles.cycle_create(
        actor=supervisor,
        team=team,
        name=f"{team.name} {months.label(start)}–{months.label(months.month_of(end))} 绩效考核",
        starts_on=start,
        ends_on=end,
        goals="首次解决率、回访率与满意度达标；投诉当日安抚。",
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    for name, measure, target, weight in INDICATORS:
        cycles.indicator_add(
            actor=supervisor,
            cycle=cycle,
            name=name,
            measure=measure,
            target=target,
            weight=weight,
            due=end,
        )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.briefing_record(
        actor=supervisor,
        cycle=cycle,
        held_on=start + dt.timedelta(days=1),
        place="客服部培训室",
        notes="评分尺度 0–100；依据工单、回访与质检记录；避免近因效应",
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    rows = list(cycles.missing_scores(cycle))
    for i, row in enumerate(rows):
        if not finish and (rng.random() < 0.4 or i == len(rows) - 1):
            continue  # the current cycle: some evaluators have not scored yet
        base = 82 if row.evaluator_type == "self" else 76
        cycles.score_submit(
            actor=row.evaluator, row=row, score=min(100, base + rng.randint(-14, 16))
        )
    if not finish:
        return
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    interviewer = lead or supervisor
    for member in cycle.members.all():
        expected, achieved, why, improve = rng.choice(GAPS)
        cycles.interview_record(
            actor=interviewer,
            member=member,
            data={
                "appraisal_class": member.appraisal_class,
                "interview_at": timezone.make_aware(
                    dt.datetime.combine(end + dt.timedelta(days=3), dt.time(rng.randint(9, 16)))
                ),
                "interview_place": "二楼小会议室",
                "interview_goal": "确认考核结果与下期改进点",
                "outline": "结果说明；亮点；差距；改进计划",
                "expected": expected,
                "achieved": achieved,
                "reasons": why,
                "how_to_improve": improve,
            },
        )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    for member in cycle.members.all():
        klass = member.appraisal_class
        cycles.results_record(
            actor=supervisor,
            member=member,
            pay_change_pct={"excellent": 5, "good": 2}.get(klass, 0),
            personnel_action="promotion" if klass == "excellent" and rng.random() < 0.3 else "none",
            bonus_yuan={"excellent": 800, "good": 300}.get(klass, 0),
            improvement_plan=""
            if klass in ("excellent", "good")
            else "每周与组长复盘两单投诉，月底复评",
        )
    if manager is not None:
        cycles.cycle_advance(actor=manager, cycle=cycle)


def build_cycle_rows(*, today: dt.date, seed: int, line) -> int:
    """Three cycles per team of the line (two earlier, closed; the current one in evaluation);
    returns the number of cycles."""
    rng = random.Random(seed + 47)
    this_month = months.month_of(today)
    starts = [this_month]
    for _ in range(5):
        starts.insert(0, months.previous_month(starts[0]))
    spans = [
        (starts[0], starts[3] - dt.timedelta(days=1), True),
        (starts[3], this_month - dt.timedelta(days=1), True),
        (this_month, months.next_month(this_month) - dt.timedelta(days=1), False),
    ]
    manager = User.objects.filter(business_line=line, role="manager", is_active=True).first()
    made = 0
    for team in Team.objects.filter(business_line=line, is_active=True).order_by("id"):
        supervisor = (
            User.objects.filter(department_id=team.department_id, role="supervisor", is_active=True)
            .order_by("id")
            .first()
        )
        if supervisor is None or not User.objects.filter(team=team, role="agent").exists():
            continue
        lead = cycles.team_lead(team)
        for start, end, finish in spans:
            _run(rng, team, supervisor, manager, lead, start, end, finish=finish)
            made += 1
    return made
