"""The demo's closed-book exam and competitions (TRN-9, PK-4) and the 双11 plan's borrowed staff
with their 上岗 status (PK-3): a closed-book exam on the 双11 rules sat by most of 售后 a month
ago, some of whom left the page; a knowledge contest on it (two tie), a role-play contest
scored by the lead and the supervisor, an instant Q&A with one round still open; and four
people lent to the 双11 plan (certified, not yet, and one from the warehouse without an
account)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kefu.training import leaderboard, rules
from kefu.training.models import (
    Competition,
    Exam,
    ExamAttempt,
    ExamDeparture,
    Question,
    QuizBuzz,
    QuizRound,
    RoleplayScore,
)

ROUNDS = [
    ("天猫延迟发货按实付金额的百分之几赔付？", "30%|百分之三十"),
    ("七天无理由退货从哪天起算？", "签收次日"),
    ("评价解释须在多少天内完成？", "30天|30"),
    ("售后工单须在多少小时内首次响应？", "24小时|24"),
    ("投诉处理的第二步叫什么？", "澄清判定"),
    ("可以引导客户站外交易吗？", "不可以|不能"),
    ("补发商品在哪里登记？", "售后登记表"),
]


def build_competition_rows(line, people, *, lead, supervisor, now, rng) -> None:
    if lead is None or supervisor is None or len(people) < 6:
        return
    bank: dict[str, list[int]] = {}
    questions = {}
    for q in Question.objects.filter(business_line=line):
        bank.setdefault(q.category, []).append(q.pk)
        questions[q.pk] = q
    blueprint = {"售后规范": 2, "投诉处理": 2, "平台规则": 2}
    try:
        rules.draw_paper(bank, blueprint, 0)
    except rules.BlueprintShort:
        return
    exam = Exam.objects.create(
        business_line=line,
        title="双11活动规则闭卷考试",
        blueprint=blueprint,
        time_limit_minutes=15,
        pass_mark=60,
        max_attempts=1,
        component="exam",
        closed_book=True,
        allow_back=False,
    )
    sitting = now - dt.timedelta(days=30)
    sitting = sitting.replace(hour=9, minute=0, second=0, microsecond=0)
    candidates = [p for p in people if p.pk != lead.pk][:12]
    attempts, departures = [], []
    wrong_of: dict[int, int] = {}
    for i, person in enumerate(candidates):
        # the second and third candidate get the same paper, answer alike and hand in after the
        # same time: they share a rank on the contest's leaderboard
        seed = 5001 if i == 2 else 5000 + i
        paper = rules.draw_paper(bank, blueprint, seed)
        wrong = wrong_of[1] if i == 2 else rng.choice([0, 0, 1, 1, 1, 2, 3])
        wrong_of[i] = wrong
        answers = {
            str(pk): "?" if n < wrong else questions[pk].answer.split("|")[0]
            for n, pk in enumerate(paper)
        }
        got = sum(
            questions[pk].points
            for pk in paper
            if rules.grade_answer(questions[pk].kind, questions[pk].answer, answers[str(pk)])
        )
        total = sum(questions[pk].points for pk in paper)
        score = (Decimal(got) * 100 / Decimal(total)).quantize(Decimal("0.01"))
        seconds = 420 if i in (1, 2) else rng.randint(300, 880)
        started = sitting + dt.timedelta(minutes=i % 3)
        attempts.append(
            ExamAttempt(
                exam=exam,
                user=person,
                seed=seed,
                questions=paper,
                started_at=started,
                deadline=started + dt.timedelta(minutes=15),
                submitted_at=started + dt.timedelta(seconds=seconds),
                answers=answers,
                score=score,
                passed=score >= exam.pass_mark,
                position=len(paper),
                created_at=started,
                updated_at=started + dt.timedelta(seconds=seconds),
            )
        )
    attempts = ExamAttempt.objects.bulk_create(attempts)
    for a in attempts:
        left = rng.choice([0, 0, 0, 0, 1, 1, 2, 4])
        seconds = int((a.submitted_at - a.started_at).total_seconds())
        for k in range(left):
            at = a.started_at + dt.timedelta(seconds=int(seconds * (k + 1) / (left + 1)))
            departures.append(
                ExamDeparture(
                    attempt=a,
                    at=at,
                    kind="hidden" if k % 2 == 0 else "blur",
                    position=min(len(a.questions) - 1, (k + 1) * len(a.questions) // (left + 1)),
                )
            )
    ExamDeparture.objects.bulk_create(departures)
    contest_at = sitting - dt.timedelta(days=2)
    Competition.objects.create(
        business_line=line,
        title="双11知识竞赛",
        kind="contest",
        exam=exam,
        state="closed",
        created_by=supervisor,
        created_at=contest_at,
        updated_at=sitting + dt.timedelta(hours=2),
    )
    _roleplay(line, candidates[:6], lead, supervisor, now, rng)
    _instant(line, candidates[:8], lead, now, rng)
    _borrowed(line, people, now)


def _roleplay(line, contestants, lead, supervisor, now, rng) -> None:
    at = now - dt.timedelta(days=21)
    comp = Competition.objects.create(
        business_line=line,
        title="双11情景演练赛（1对1）",
        kind="roleplay",
        criteria=[dict(c) for c in leaderboard.ROLEPLAY_FORM],
        state="closed",
        created_by=supervisor,
        created_at=at,
        updated_at=at + dt.timedelta(hours=3),
    )
    rows = []
    for i, person in enumerate(contestants):
        for examiner in (lead, supervisor):
            if examiner.pk == person.pk:
                continue
            marks = {
                c["code"]: float(max(0, c["max"] - rng.choice([0, 1, 2, 3, 5])))
                for c in comp.criteria
            }
            if i in (0, 1):  # two contestants the examiners marked alike: they share first place
                marks = {c["code"]: float(c["max"] - 1) for c in comp.criteria}
            rows.append(
                RoleplayScore(
                    competition=comp,
                    contestant=person,
                    examiner=examiner,
                    marks=marks,
                    total=Decimal(str(sum(marks.values()))),
                    created_at=at + dt.timedelta(minutes=20 * i),
                    updated_at=at + dt.timedelta(minutes=20 * i),
                )
            )
    RoleplayScore.objects.bulk_create(rows)


def _instant(line, contestants, lead, now, rng) -> None:
    at = now - dt.timedelta(days=3)
    comp = Competition.objects.create(
        business_line=line,
        title="平台规则抢答赛",
        kind="instant",
        created_by=lead,
        created_at=at,
        updated_at=at,
    )
    buzzes = []
    for n, (question, answer) in enumerate(ROUNDS, start=1):
        asked = at + dt.timedelta(minutes=3 * n)
        last = n == len(ROUNDS)
        winner = None if last else rng.choice(contestants)
        rnd = QuizRound.objects.create(
            competition=comp,
            number=n,
            question=question,
            answer=answer,
            winner=winner,
            won_at=None if last else asked + dt.timedelta(seconds=rng.randint(4, 40)),
            closed=not last,
            created_at=asked,
            updated_at=asked,
        )
        if winner is not None:
            loser = rng.choice([c for c in contestants if c.pk != winner.pk])
            buzzes += [
                QuizBuzz(
                    round=rnd,
                    user=loser,
                    given="不知道",
                    correct=False,
                    at=rnd.won_at - dt.timedelta(seconds=2),
                ),
                QuizBuzz(
                    round=rnd, user=winner, given=answer.split("|")[0], correct=True, at=rnd.won_at
                ),
            ]
    QuizBuzz.objects.bulk_create(buzzes)


def _borrowed(line, people, now) -> None:
    """People lent to this year's 双11 plan: two of the line (one certified, one not yet) and
    one from the warehouse without an account; the plan page shows their 上岗 status."""
    from kefu.training.models import CertificationGrant
    from kefu.workforce.models import BorrowedStaff, PeakPlan

    plan = PeakPlan.objects.filter(business_line=line).order_by("-start_date").first()
    if plan is None:
        return
    certified = set(CertificationGrant.objects.values_list("user_id", flat=True))
    yes = next((p for p in people if p.pk in certified), None)
    no = next((p for p in reversed(people) if p.pk not in certified), None)
    rows = []
    for person, dept, group, status in (
        (yes, "客服二部", "售后", "certified"),
        (no, "客服二部", "售后", "in_training"),
    ):
        if person is not None:
            rows.append(
                BorrowedStaff(
                    plan=plan,
                    name=person.display_name or person.username,
                    user=person,
                    from_department=dept,
                    group=group,
                    training_status=status,
                )
            )
    rows.append(
        BorrowedStaff(
            plan=plan,
            name="王芳（仓储部）",
            from_department="仓储部",
            group="催付",
            training_status="not_started",
        )
    )
    BorrowedStaff.objects.bulk_create(rows)
