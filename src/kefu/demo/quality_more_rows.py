"""The demo's KPI indicators measured live and its 360-degree appraisal cycles (issue 18 §2, §4):

* per business line, a monthly 客服专员服务指标考核 for each of the last six months whose
  indicators the platform measures (首次响应达标率, 回访率, 客户满意度 CSI, 客户满意率, 质检得分,
  处理工单数, 投诉数),
  with evaluations of a team's agents by self and team lead (this month's still under way), so
  the evaluation pages show each month's live values and the scores they earn;
* per line, the first staffed team's quarterly 360-degree cycle with all six of PM-2's
  evaluator types (self 20 %, direct manager 40 %, peers 10 %, subordinates 10 %, a customer
  representative 10 %, an external expert 10 %), appraising the agents and the team lead (as
  subordinates, every agent of the team scores the lead last quarter, a sample of three this
  quarter; the type's score is their mean): last quarter's run to applied results, this
  quarter's in its evaluation stage with some scores still to come.
Everything goes through the services (validated, audited)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core.errors import Conflict
from kefu.quality import months, services, services_kpi
from kefu.quality import services_cycle as cycles
from kefu.quality.models import KpiScheme

LIVE_INDICATORS = [
    {"name": "首次响应达标率", "target": "≥ 90 %", "weight": 20},
    {"name": "回访率", "target": "≥ 95 %", "weight": 20},
    {"name": "客户满意度 CSI", "target": "≥ 90", "weight": 15},
    {"name": "客户满意率", "target": "≥ 90 %", "weight": 10},
    {"name": "质检得分", "target": "≥ 90", "weight": 15},
    {"name": "处理工单数", "target": "≥ 20", "weight": 10},
    {"name": "投诉数", "target": "≤ 1", "weight": 10},
]
PLAN_360 = [
    {"type": "self", "weight": 20},
    {"type": "manager", "weight": 40},
    {"type": "peer", "weight": 10},
    {"type": "subordinate", "weight": 10},
    {"type": "customer", "weight": 10, "name": "客户代表（月度回访抽样）"},
    {"type": "expert", "weight": 10, "name": "外聘服务礼仪讲师"},
]
BASE = {"self": 84, "manager": 78, "peer": 80, "subordinate": 79, "customer": 76, "expert": 74}


def _live_scheme(manager, line, period):
    name = "客服专员服务指标考核"
    existing = KpiScheme.objects.filter(
        business_line=line, staff_role="cs", period=period, name=name
    ).first()
    if existing is not None:
        return existing
    indicators = [
        {**i, "formula": {n: f for n, _k, f in services.INDICATOR_LIBRARY}.get(i["name"], "")}
        for i in LIVE_INDICATORS
    ]
    return services.scheme_create(
        actor=manager, business_line=line, name=name, staff_role="cs", period=period,
        indicators=indicators,
    )  # fmt: skip


def _evaluations(rng, scheme, lead, people, *, finish: bool) -> int:
    made = 0
    for person in people:
        try:
            ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=person)
        except Conflict:
            continue
        made += 1
        for row in ev.scores.select_related("evaluator"):
            if not finish and rng.random() < 0.5:
                continue
            score = BASE[row.evaluator_type] + rng.randint(-6, 14)
            services_kpi.evaluation_score(actor=row.evaluator or lead, row=row, score=score)
        if finish:  # a month gone by: the lead signs, freezing the live values and the total
            services_kpi.evaluation_sign(actor=lead, evaluation=ev)
    return made


def _cycle_360(rng, team, supervisor, manager, lead, start, end, *, finish: bool) -> None:
    label = f"{months.label(start)}–{months.label(months.month_of(end))}"
    cycle = cycles.cycle_create(
        actor=supervisor, team=team, name=f"{team.name} {label} 360度考核", starts_on=start,
        ends_on=end, include_lead=True,
        goals="多维度评价服务表现：本人、直接上级、同事、下属（组员评组长）、客户代表与外部讲师。",
    )  # fmt: skip
    plan = [
        {**p, "sample": 0 if finish else 3} if p["type"] == "subordinate" else p for p in PLAN_360
    ]
    cycle = cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=plan)
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.indicator_add(
        actor=supervisor, cycle=cycle, name="服务礼仪与沟通", measure="六类评价人 0–100 评分加权",
        target="≥ 80", weight=100, due=end,
    )  # fmt: skip
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.briefing_record(
        actor=supervisor, cycle=cycle, held_on=start + dt.timedelta(days=2), place="客服部会议室",
        notes="各类评价人的关注点与评分尺度；客户代表与外聘讲师的评分由组长录入",
    )  # fmt: skip
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    for row in cycles.missing_scores(cycle):
        if not finish and rng.random() < 0.45:
            continue  # this quarter: some evaluators have not scored yet
        # a customer's or expert's score: the lead enters the agents', the supervisor the lead's
        actor = row.evaluator or (supervisor if row.member.user_id == lead.pk else lead)
        score = min(100, BASE[row.evaluator_type] + rng.randint(-8, 14))
        cycles.score_submit(actor=actor, row=row, score=score)
    if not finish:
        return
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    for member in cycle.members.all():
        cycles.interview_record(
            actor=supervisor if member.user_id == lead.pk else lead,
            member=member,
            data={
                "appraisal_class": member.appraisal_class,
                "interview_at": timezone.make_aware(
                    dt.datetime.combine(end + dt.timedelta(days=4), dt.time(rng.randint(9, 16)))
                ),
                "interview_place": "二楼小会议室",
                "interview_goal": "说明各类评价人的意见，约定下季度改进点",
                "outline": "各类评价人的评分；客户代表意见；改进计划",
                "expected": "客户代表评分 ≥ 80",
                "achieved": f"客户代表评分 {BASE['customer'] + rng.randint(-8, 14)}",
                "reasons": "高峰期答复简短，解释不够",
                "how_to_improve": "高峰前复习解释话术，每周抽听两段录音",
            },
        )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    for member in cycle.members.all():
        klass = member.appraisal_class
        cycles.results_record(
            actor=supervisor, member=member,
            pay_change_pct={"excellent": 5, "good": 2}.get(klass, 0),
            personnel_action="none",
            bonus_yuan={"excellent": 600, "good": 200}.get(klass, 0),
            improvement_plan="" if klass in ("excellent", "good") else "每两周与组长复盘录音，季度末复评",
        )  # fmt: skip
    if manager is not None:
        cycles.cycle_advance(actor=manager, cycle=cycle)


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def build_quality_more_rows(*, now: dt.datetime, seed: int, lines) -> int:
    """Returns the KPI evaluations made."""
    rng = random.Random(seed + 181)
    today = timezone.localdate(now)
    this_month = months.month_of(today)
    periods = [this_month]
    for _ in range(5):
        periods.insert(0, months.previous_month(periods[0]))
    this_quarter = _quarter(today)
    last_quarter = _quarter(this_quarter - dt.timedelta(days=1))
    made = 0
    for line in lines:
        manager = User.objects.filter(business_line=line, role="manager", is_active=True).first()
        staffed = User.objects.filter(role="agent", is_active=True).values("team_id")
        team = (
            Team.objects.filter(business_line=line, is_active=True, pk__in=staffed)
            .order_by("id")
            .first()
        )
        if manager is None or team is None:
            continue
        lead = cycles.team_lead(team)
        supervisor = (
            User.objects.filter(department_id=team.department_id, role="supervisor", is_active=True)
            .order_by("id")
            .first()
        )
        people = list(User.objects.filter(team=team, role="agent", is_active=True).order_by("id"))
        if lead is None or supervisor is None or len(people) < 2:
            continue
        for period in periods:
            scheme = _live_scheme(manager, line, period)
            made += _evaluations(rng, scheme, lead, people[:4], finish=period != this_month)
        _cycle_360(rng, team, supervisor, manager, lead, last_quarter,
                   this_quarter - dt.timedelta(days=1), finish=True)  # fmt: skip
        _cycle_360(rng, team, supervisor, manager, lead, this_quarter,
                   _quarter(this_quarter + dt.timedelta(days=95)) - dt.timedelta(days=1),
                   finish=False)  # fmt: skip
    return made
