"""The demo's half-year training needs (TRN-8, 4S): every agent and lead of the shop filed
needs for the current half-year about six months ago (all reviewed by their lead or the
supervisor), and about two thirds have filed for the next half-year, some still awaiting the
lead's review; linked to QA findings, competency gaps and the failed 上岗 exams."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.accounts.models import User
from kefu.demo.bulk import historic_timestamps
from kefu.training import needs
from kefu.training.models import ExamAttempt, HalfYearNeed

# topic, what it comes from, the gap or finding
TOPICS = [
    ("投诉处理", "qa", "质检：客户情绪激动时未先安抚"),
    ("售后平台规则", "gap", "平台规则掌握度评估偏低"),
    ("MOT服务技巧", "", ""),
    ("售后接待快捷语", "exam", ""),
    ("挖需求", "gap", "营销转化率低于组均"),
    ("处理问题流程", "qa", "质检：退款流程漏核对订单"),
    ("MOT服务技巧深化提升", "", ""),
    ("促交易", "", ""),
]


def _current_half(today: dt.date) -> tuple[int, int]:
    return today.year, 1 if today.month <= 6 else 2


def _half_start(year: int, half: int) -> dt.date:
    return dt.date(year, 1 if half == 1 else 7, 1)


def build_needs_rows(*, now, seed: int) -> None:
    rng = random.Random(seed + 8)
    supervisor = User.objects.filter(username="supervisor").first()
    people = list(
        User.objects.filter(business_line__code="shop", role__in=["agent", "lead"], is_active=True)
        .exclude(team=None)
        .order_by("id")
    )
    if not people or supervisor is None:
        return
    leads = {p.team_id: p for p in people if p.role == "lead"}
    failed = {
        a.user_id: a
        for a in ExamAttempt.objects.filter(user__in=people, passed=False).order_by("started_at")
    }
    today = timezone.localdate(now)
    current, upcoming = _current_half(today), needs.next_half(today)
    rows = []
    for year, half in (current, upcoming):
        filed_on = _half_start(year, half) - dt.timedelta(days=20)
        past = filed_on <= today
        for person in people:
            if not past and rng.random() < 0.35:
                continue  # not filed yet: the lead's board shows whom to ask
            lead = leads.get(person.team_id)
            reviewer = lead if lead is not None and lead.pk != person.pk else supervisor
            for topic, source, note in rng.sample(TOPICS, rng.choice([1, 2, 2, 3])):
                attempt = failed.get(person.pk) if source == "exam" else None
                source = "exam" if attempt else ("" if source == "exam" else source)
                day = min(filed_on + dt.timedelta(days=rng.randint(0, 10)), today)
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17))))
                waiting = not past and rng.random() < 0.4
                state = (
                    needs.FILED
                    if waiting
                    else (needs.DECLINED if rng.random() < 0.1 else needs.ACCEPTED)
                )
                rows.append(
                    HalfYearNeed(
                        business_line_id=person.business_line_id,
                        department_id=person.department_id,
                        team_id=person.team_id,
                        user=person,
                        year=year,
                        half=half,
                        topic=topic,
                        source=source,
                        source_note=note if source in ("gap", "qa") else "",
                        failed_attempt=attempt,
                        quarter=rng.choice(needs.quarters(half)),
                        state=state,
                        filed_by=person if rng.random() < 0.7 or lead is None else lead,
                        reviewer=None if state == needs.FILED else reviewer,
                        review_note="本季度计划已安排同类课程" if state == needs.DECLINED else "",
                        created_at=at,
                        updated_at=min(
                            at + dt.timedelta(days=0 if state == needs.FILED else 3), now
                        ),
                    )
                )
    with historic_timestamps(HalfYearNeed):
        HalfYearNeed.objects.bulk_create(rows)
