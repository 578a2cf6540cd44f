"""The demo's quality and performance (issue 18 §2–§4): the 建材门店 deduction rules on every
line, six months of deduction scorecards per agent (earlier months signed off), each team's
published monthly rankings with their rewards and penalties, the signed 月处罚汇总表 of the earlier
months, and a KPI scheme per line. Scorecards and their events are bulk-inserted (the demo's
history); sign-offs, rankings and summaries go through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.demo.quality_cycle_rows import build_cycle_rows
from kefu.demo.quality_delphi_rows import build_delphi_rows
from kefu.quality import months, scoring, services
from kefu.quality.models import (
    CardStatus,
    DeductionRule,
    Scorecard,
    ScoreEvent,
    SummaryStatus,
    Trigger,
)

MONTHS = 6
REASONS = {
    "店面卫生区未按值日打扫": "值日表轮到未打扫",
    "昨日未完成工作未完成": "昨日计划中的回访登记未完成",
    "报表出错或延时": "日报晚于 18:00 提交",
    "现金交接单延时或错误": "交接单金额填写有误",
    "服务态度恶劣遭投诉": "顾客投诉接待时语气生硬，经核实有效",
}
KPI_INDICATORS = [
    {
        "name": "咨询转化率",
        "formula": "成交订单数 ÷ 咨询人数",
        "target": "≥ 3%",
        "weight": 25,
        "scoring_rule": "达标满分，每低 0.5% 扣 5 分",
    },
    {
        "name": "平均响应时间",
        "formula": "首次响应用时之和 ÷ 咨询数",
        "target": "≤ 30 秒",
        "weight": 20,
        "scoring_rule": "每超 10 秒扣 5 分",
    },
    {
        "name": "客户满意度 CSI",
        "formula": "平均得分 ÷ 满分",
        "target": "≥ 90%",
        "weight": 25,
        "scoring_rule": "每低 1% 扣 2 分",
    },
    {
        "name": "顾客投诉比重",
        "formula": "投诉数 ÷ 订单总数",
        "target": "≤ 0.5%",
        "weight": 15,
        "scoring_rule": "每高 0.1% 扣 5 分",
    },
    {
        "name": "报表及时性",
        "kind": "rating",
        "formula": "按时提交的报表 ÷ 应交报表（抽查）",
        "target": "100%",
        "weight": 15,
        "scoring_rule": "组长评分 1–5",
    },
]


def _when(month: dt.date, rng: random.Random, today: dt.date) -> dt.datetime:
    last = (
        (months.next_month(month) - dt.timedelta(days=1))
        if month != today.replace(day=1)
        else today
    )
    day = month + dt.timedelta(days=rng.randint(0, (last - month).days))
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=tz)


@transaction.atomic
def build_quality_rows(*, now: dt.datetime, seed: int, lines: dict) -> int:
    """Insert the demo's scorecards and the rest; returns the number of deductions."""
    rng = random.Random(seed + 31)
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    periods = [this_month]
    for _ in range(MONTHS - 1):
        periods.insert(0, months.previous_month(periods[0]))
    made = 0
    for line in lines.values():
        services.rules_seed(actor=None, business_line=line)
        rules = list(DeductionRule.objects.filter(business_line=line, name__in=REASONS))
        weights = [
            4 if r.trigger == Trigger.RUDE_SERVICE else 6 if r.points >= 2 else 10 for r in rules
        ]
        manager = User.objects.filter(business_line=line, role="manager", is_active=True).first()
        for team in Team.objects.filter(business_line=line, is_active=True).order_by("id"):
            people = list(
                User.objects.filter(team=team, is_active=True, role__in=["agent", "lead"]).order_by(
                    "id"
                )
            )
            agents = [p for p in people if p.role == "agent"]
            if not agents:
                continue
            lead = next((p for p in people if p.role == "lead"), None)
            supervisor = (
                User.objects.filter(
                    department_id=team.department_id, role="supervisor", is_active=True
                )
                .order_by("id")
                .first()
            )
            recorder = lead or supervisor
            for period in periods:
                cards, events = [], []
                for person in agents:
                    card = Scorecard(
                        business_line_id=line.pk,
                        department_id=team.department_id,
                        team=team,
                        user=person,
                        period=period,
                    )
                    picked = rng.choices(
                        rules, weights=weights, k=rng.choice([0, 1, 1, 2, 2, 3, 4])
                    )
                    total = Decimal(0)
                    for rule in picked:
                        qty = 1 if rule.points >= 3 else rng.choice([1, 1, 2])
                        events.append(
                            (
                                card,
                                ScoreEvent(
                                    business_line_id=line.pk,
                                    rule=rule,
                                    quantity=qty,
                                    points=rule.points * qty,
                                    reason=REASONS[rule.name],
                                    recorder=recorder,
                                    occurred_at=_when(period, rng, today),
                                ),
                            )
                        )
                        total += rule.points * qty
                    card.deducted = total
                    card.score = scoring.deduction_score([total])
                    cards.append(card)
                Scorecard.objects.bulk_create(cards)
                for card, event in events:
                    event.scorecard = card
                ScoreEvent.objects.bulk_create([e for _c, e in events])
                made += len(events)
                if period == this_month or supervisor is None:
                    continue
                for card in cards:  # earlier months: the lead signed, the supervisor signed off
                    card.status, card.lead_signed_by, card.signed_by = (
                        CardStatus.SIGNED,
                        recorder,
                        supervisor,
                    )
                    card.signed_at = timezone.make_aware(
                        dt.datetime.combine(
                            months.next_month(period) + dt.timedelta(days=2), dt.time(10)
                        )
                    )
                Scorecard.objects.bulk_update(
                    cards, ["status", "lead_signed_by", "signed_by", "signed_at"]
                )
                run = services.rank_team(actor=supervisor, team=team, period=period)
                services.rank_publish(
                    actor=supervisor,
                    run=run,
                    notice_date=months.next_month(period) + dt.timedelta(days=2),
                )
        if manager is None:
            continue
        # the supervisor tabulates and checks each earlier month, the manager signs, publishes
        # and copies it to finance (ESC-2)
        checker = (
            User.objects.filter(business_line=line, role="supervisor", is_active=True)
            .order_by("id")
            .first()
        )
        for period in periods[:-1] if checker else []:
            summary = services.summary_build(actor=checker, business_line=line, period=period)
            summary = services.summary_advance(
                actor=checker, summary=summary, to=SummaryStatus.CHECKED
            )
            for step in (SummaryStatus.SIGNED, SummaryStatus.PUBLISHED, SummaryStatus.SENT):
                summary = services.summary_advance(actor=manager, summary=summary, to=step)
        services.scheme_create(
            actor=manager,
            business_line=line,
            name="客服专员月度考核",
            staff_role="cs",
            period=this_month,
            indicators=KPI_INDICATORS,
        )
        build_cycle_rows(today=today, seed=seed, line=line)
        build_delphi_rows(seed=seed, line=line)
    return made
