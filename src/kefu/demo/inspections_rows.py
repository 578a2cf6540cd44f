"""The demo's quality inspection (质检): the default forms of every line, the monthly samples of
the last two months (scored, a few appealed and decided) and of this month (half still to
score, so every reviewer's desk has work), vendors, cleaning zones and a four-zeros site with
weekly inspections, a calibration session, and corrective actions for the weakest advisors of
last month. Everything goes through kefu.inspections.services (audited, events published)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Avg
from django.utils import timezone

from kefu.accounts.models import BusinessLine, Team, User
from kefu.core.errors import DomainError
from kefu.inspections import services
from kefu.inspections.models import FormStatus, InspectionForm, Review, Target

APPEAL_REASONS = [
    "录音中已说明处理时限，请复核",
    "客户情绪激动，已按流程安抚",
    "该项不适用于此次接待",
]
NOTES = ["复听录音，评分无误，维持原评分", "复核后确认问候语规范，调整评分"]
SUBJECTS = {
    "wy": [
        ("vendor", "洁美保洁服务公司", None, "", ""),
        ("vendor", "绿源园林绿化公司", None, "", ""),
        ("vendor", "安杰消杀服务公司", None, "", ""),
        ("zone", "一号楼大堂及电梯厅", "前台组", "保洁岗", "每日两次拖地，电梯轿厢擦拭"),
        ("site", "物业服务中心", None, "", ""),
    ],
    "shop": [("zone", "门店一楼展区", "售后一组", "值日岗", "按值日表清洁展台、地面，整理样品")],
}


def _sheet(form, rng: random.Random, quality: float) -> dict:
    answers = {}
    for c in form.categories.prefetch_related("items"):
        for i in c.items.all():
            if form.mode == "points":
                if i.critical:
                    answers[i.pk] = i.points if rng.random() > 0.02 else Decimal(0)
                elif i.allow_na and rng.random() < 0.05:
                    answers[i.pk] = None
                else:
                    answers[i.pk] = i.points if rng.random() < quality else i.points / 2
            else:
                if i.critical:
                    answers[i.pk] = Decimal(0) if rng.random() > 0.03 else Decimal(1)
                else:
                    answers[i.pk] = Decimal(rng.choice([0, 0, 0, 1, 1, 2]))
    return answers


def build_inspections_rows(*, now, seed: int) -> int:
    """Returns the number of reviews written."""
    rng = random.Random(seed * 7 + 18)
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    months = []
    m = this_month
    for _ in range(3):
        months.insert(0, m)
        m = (m - dt.timedelta(days=1)).replace(day=1)
    written = 0
    for line in BusinessLine.objects.filter(is_active=True).order_by("id"):
        services.seed_forms(line)
        skill = {
            u: 0.75 + rng.random() * 0.22
            for u in User.objects.filter(business_line=line, role="agent").values_list(
                "id", flat=True
            )
        }
        for n, month in enumerate(months):
            try:
                sample = services.sample_create(
                    actor=None,
                    business_line=line,
                    period=f"{month:%Y-%m}",
                    seed=seed * 1000 + line.pk * 10 + n,
                )
            except DomainError:
                continue  # no agents, or nobody outside a team to review
            reviews = list(
                sample.reviews.select_related(
                    "form", "agent", "reviewer", "business_line"
                ).order_by("id")
            )
            current = month == this_month
            for k, review in enumerate(reviews):
                if current and k % 2 == 0:
                    continue  # still to score this month
                services.review_score(
                    actor=review.reviewer,
                    review=review,
                    answers=_sheet(review.form, rng, skill.get(review.agent_id, 0.85)),
                    comment=rng.choice(["", "", "开场白规范，解决方案清晰", "未复述客户诉求"]),
                )
                written += 1
            if current:
                continue
            low = [r for r in reviews if r.score is not None and r.score < 90][:3]
            for j, review in enumerate(low):
                try:
                    appeal = services.appeal_file(
                        actor=review.agent, review=review, reason=rng.choice(APPEAL_REASONS)
                    )
                except DomainError:
                    continue
                if month != months[-2] or j == 0:
                    changed = j % 2 == 1
                    services.appeal_decide(
                        actor=appeal.decider,
                        appeal=appeal,
                        outcome="changed" if changed else "upheld",
                        note=NOTES[1 if changed else 0],
                        answers=_sheet(review.form, random.Random(j), 1.0) if changed else None,
                    )
        _subjects(line, rng, now)
        _calibration(line)
        _actions(line, months[-2], today)
    return written


def _subjects(line, rng: random.Random, now) -> None:
    inspector = User.objects.filter(business_line=line, role="supervisor", is_active=True).first()
    if inspector is None:
        return
    for kind, name, team_name, post, duties in SUBJECTS.get(line.code, []):
        team = (
            Team.objects.filter(business_line=line, name=team_name).first() if team_name else None
        )
        responsible = (
            User.objects.filter(team=team, is_active=True).order_by("id").first() if team else None
        )
        subject = services.subject_create(
            actor=None,
            business_line=line,
            kind=kind,
            name=name,
            team=team,
            responsible=responsible,
            post=post,
            duties=duties,
            every_days=7 if kind == "zone" else 30,
        )
        target = services.SUBJECT_TARGET[kind]
        form = InspectionForm.objects.filter(
            business_line=line, target=target, status=FormStatus.ACTIVE
        ).first()
        for weeks in (3, 2, 1) if kind == "zone" else (1,):
            review = services.subject_inspect(
                actor=inspector, subject=subject, form=form, answers=_sheet(form, rng, 0.9)
            )
            when = now - dt.timedelta(days=7 * weeks)
            Review.objects.filter(pk=review.pk).update(completed_at=when, created_at=when)


def _calibration(line) -> None:
    form = InspectionForm.objects.filter(
        business_line=line, target=Target.CONTACT, status=FormStatus.ACTIVE
    ).first()
    review = Review.objects.filter(business_line=line, ticket__isnull=False).order_by("id").first()
    if form is None or review is None:
        return
    supervisor = User.objects.filter(business_line=line, role="supervisor", is_active=True).first()
    if supervisor is None:
        return
    session = services.calibration_create(
        actor=supervisor, form=form, ticket=review.ticket, title="月度质检校准"
    )
    reviewers = User.objects.filter(
        business_line=line, role__in=["lead", "supervisor"], is_active=True
    )
    for k, reviewer in enumerate(reviewers.order_by("id")[:4]):
        services.calibration_score(
            actor=reviewer, session=session, answers=_sheet(form, random.Random(k), 0.8)
        )


def _actions(line, month: dt.date, today: dt.date) -> None:
    weakest = (
        Review.objects.filter(
            business_line=line, period=month, score__isnull=False, agent__isnull=False
        )
        .values("agent_id")
        .annotate(avg=Avg("score"))
        .order_by("avg")[:3]
    )
    for k, row in enumerate(weakest):
        agent = User.objects.get(pk=row["agent_id"])
        lead = User.objects.filter(team_id=agent.team_id, role="lead", is_active=True).first()
        if lead is None:
            continue
        action = services.action_create(
            actor=lead,
            agent=agent,
            period=f"{month:%Y-%m}",
            analysis=f"质检平均分 {row['avg']:.1f}，低于班组平均，主要失分在业务处理。",
            action=["服务用语专项辅导", "复听录音并复盘三次", "跟岗学习一周"][k],
            due_on=today + dt.timedelta(days=7 * (k + 1)),
        )
        if k == 0:
            services.action_done(actor=lead, action=action)
