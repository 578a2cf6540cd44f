"""The demo's KPI schemes in versions, KPI evaluations and work logs (issue 18 §2, KPI-2,
KPI-4, PM-2, WL-1…3), through the services (audited):

* last month's CS scheme was evaluated (self 30 % + direct manager 70 %, everyone scored) and
  then edited, so it stands at version 2 while those evaluations keep version 1;
* the property line also has repair, security and cleaning schemes (KPI-4);
* this month's evaluations are under way, some evaluators still to score;
* the past week's work logs of one team per line, with tomorrow's plans, some tasks carried over
  (each one costs the carried-over rule −2 once, through the ``worklog.task_carried_over`` event).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core.errors import Conflict, Invalid
from kefu.quality import months, services, services_kpi
from kefu.quality.models import KpiScheme

CS_V1 = [
    {"name": "咨询转化率", "formula": "成交订单数 ÷ 咨询人数", "target": "≥ 3%", "weight": 30},
    {
        "name": "平均响应时间",
        "formula": "首次响应用时之和 ÷ 咨询数",
        "target": "≤ 30 秒",
        "weight": 30,
    },
    {"name": "顾客投诉比重", "formula": "投诉数 ÷ 订单总数", "target": "≤ 0.5%", "weight": 20},
    {
        "name": "报表及时性",
        "kind": "rating",
        "formula": "按时提交的报表 ÷ 应交报表（抽查）",
        "target": "100%",
        "weight": 20,
    },
]
CS_V2 = [
    {**CS_V1[0], "weight": 25, "scoring_rule": "每低 0.5 个百分点扣 5 分"},
    {**CS_V1[1], "weight": 25, "scoring_rule": "每超 10 秒扣 5 分"},
    {**CS_V1[2], "weight": 20},
    {**CS_V1[3], "weight": 10},
    {"name": "质检得分", "formula": "质检评分的平均分", "target": "≥ 90", "weight": 20},
]
PROPERTY = [
    (
        "repair",
        "维修工月度考核",
        [
            {
                "name": "维修及时率",
                "formula": "按时到场的报修 ÷ 报修数",
                "target": "≥ 95%",
                "weight": 50,
            },
            {"name": "返修率", "formula": "返修单数 ÷ 完工单数", "target": "≤ 3%", "weight": 30},
            {"name": "回访率", "formula": "已回访 ÷ 应回访", "target": "100%", "weight": 20},
        ],
    ),
    (
        "security",
        "秩序维护员月度考核",
        [
            {
                "name": "巡逻到位率",
                "formula": "按时签到的巡逻点 ÷ 应签到点",
                "target": "100%",
                "weight": 60,
            },
            {
                "name": "服务态度",
                "kind": "rating",
                "formula": "业主评价 1–5",
                "target": "≥ 4.5",
                "weight": 40,
            },
        ],
    ),
    (
        "cleaning",
        "保洁员月度考核",
        [
            {
                "name": "保洁区域达标率",
                "formula": "检查合格的区域 ÷ 检查区域",
                "target": "≥ 95%",
                "weight": 70,
            },
            {"name": "顾客投诉比重", "formula": "投诉数 ÷ 服务户数", "target": "0", "weight": 30},
        ],
    ),
]
DEFAULT = [
    {"evaluator": "self", "weight": 30, "focus": "任务完成情况"},
    {"evaluator": "manager", "weight": 70, "focus": "业绩、能力、配合、服务"},
]
WITH_CUSTOMERS = [
    {"evaluator": "self", "weight": 20, "focus": "任务完成情况"},
    {"evaluator": "manager", "weight": 60, "focus": "业绩、能力、配合、服务"},
    {"evaluator": "customer", "weight": 20, "focus": "服务满意度"},
]
DONE = [
    "回访昨日打压客户 {n} 位",
    "整理水路图 {n} 份并发送",
    "处理售后咨询 {n} 单",
    "核对现金交接单",
]
PLAN = ["发送电子版水路图", "统计昨日打压卡", "统计水工积分卡", "打印塑封水路图", "回访未接通客户"]
CAUSES = ["客户未接电话，明天上午再拨", "水工未交卡，明天补统计", "打印机缺墨，已报修"]


def _scheme(actor, line, role, name, period, indicators, evaluators):
    existing = KpiScheme.objects.filter(
        business_line=line, staff_role=role, period=period, name=name, is_current=True
    ).first()
    if existing is not None:
        return existing
    return services.scheme_create(
        actor=actor,
        business_line=line,
        name=name,
        staff_role=role,
        period=period,
        indicators=indicators,
        evaluators=evaluators,
    )


def _evaluate(rng, scheme, lead, people, *, finish: bool) -> int:
    made = 0
    for person in people:
        try:
            ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=person)
        except Conflict:
            continue
        made += 1
        for row in ev.scores.select_related("evaluator"):
            if not finish and rng.random() < 0.5:
                continue  # still to score: the page lists who has not scored yet
            who = row.evaluator or lead
            base = 82 if row.evaluator_type == "self" else 78
            services_kpi.evaluation_score(actor=who, row=row, score=base + rng.randint(0, 15))
        if finish:  # a month gone by: the lead signs, freezing the live values and the total
            services_kpi.evaluation_sign(actor=lead, evaluation=ev)
    return made


def _worklogs(rng, team, today) -> int:
    made = 0
    people = list(User.objects.filter(team=team, role="agent", is_active=True).order_by("id")[:5])
    for back in range(6, -1, -1):
        day = today - dt.timedelta(days=back)
        for person in people:
            pending = list(services_kpi.open_tasks(person, day))
            done = [t.pk for t in pending if rng.random() < 0.8]
            causes = {t.pk: rng.choice(CAUSES) for t in pending if t.pk not in done}
            plan = rng.sample(PLAN, rng.randint(1, 3))
            try:
                services_kpi.worklog_submit(
                    actor=person,
                    day=day,
                    content="\n".join(d.format(n=rng.randint(2, 12)) for d in rng.sample(DONE, 2)),
                    plan=plan,
                    done=done,
                    causes=causes,
                )
            except (Conflict, Invalid):  # already written, or a day outside the log's window
                continue
            made += 1
    return made


def build_quality_kpi_rows(*, now: dt.datetime, seed: int, lines: dict) -> int:
    """Schemes in two versions, evaluations and the past week's work logs; returns the logs."""
    rng = random.Random(seed + 47)
    today = timezone.localdate(now)
    this_month = months.month_of(today)
    last_month = months.previous_month(this_month)
    logs = 0
    for line in lines.values():
        manager = User.objects.filter(business_line=line, role="manager", is_active=True).first()
        if manager is None:
            continue
        services.rules_seed(actor=None, business_line=line)
        staffed = User.objects.filter(role="agent", is_active=True).values("team_id")
        teams = list(
            Team.objects.filter(business_line=line, is_active=True, pk__in=staffed).order_by("id")[
                :2
            ]
        )
        v1 = _scheme(manager, line, "cs", "客服专员月度考核", last_month, CS_V1, DEFAULT)
        for team in teams:
            lead = User.objects.filter(team=team, role="lead", is_active=True).first()
            people = list(User.objects.filter(team=team, role="agent", is_active=True)[:4])
            if lead is None or not people:
                continue
            _evaluate(rng, v1, lead, people, finish=True)
        if v1.is_current and v1.evaluations.exists():
            services_kpi.scheme_edit(
                actor=manager, scheme=v1, name=v1.name, indicators=CS_V2, evaluators=DEFAULT
            )
        current = KpiScheme.objects.filter(
            business_line=line, staff_role="cs", period=this_month, is_current=True
        ).first() or _scheme(manager, line, "cs", "客服专员月度考核", this_month, CS_V2, DEFAULT)
        if line.code == "wy":
            for role, name, indicators in PROPERTY:
                _scheme(manager, line, role, name, this_month, indicators, WITH_CUSTOMERS)
        for team in teams[:1]:
            lead = User.objects.filter(team=team, role="lead", is_active=True).first()
            people = list(User.objects.filter(team=team, role="agent", is_active=True)[:4])
            if lead is not None and people:
                _evaluate(rng, current, lead, people, finish=False)
            logs += _worklogs(rng, team, today)
    return logs
