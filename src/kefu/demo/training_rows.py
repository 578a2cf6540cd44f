"""The demo's training (issue 19): for the shop, a question bank, the 售后上岗笔试 exam, the
售后上岗认证 certification required by 售后一组 and 售后二组 and by the 售后 skill group, 180 days
of weekly early classes (早课) with attendance, upcoming classes with seats, training requests at
every step of their flow, and the 4S desk's classes against its yearly minimums (TRN-6).

Everyone in 售后一组 is certified (so intake and routing there work as before); one agent of
售后二组 is not yet (未上岗), so the supervisor's 上岗 board shows both. A few hundred rows,
inserted with ``bulk_create`` whatever the ``--size``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.demo.bulk import historic_timestamps
from kefu.demo.training_competition_rows import build_competition_rows
from kefu.demo.training_evaluation_rows import build_evaluation_rows
from kefu.demo.training_library_rows import build_library_rows
from kefu.demo.training_plan_rows import build_plan_rows
from kefu.training import rules
from kefu.training.models import (
    Certification,
    CertificationGrant,
    ClassEvaluation,
    Competition,
    Enrolment,
    Exam,
    ExamAttempt,
    GateRequirement,
    PracticalScore,
    Question,
    QuizRound,
    RoleplayScore,
    TrainingClass,
    TrainingPlan,
    TrainingRequest,
)

DAYS = 180
QUESTIONS = [
    (
        "single",
        "七天无理由退货的时限从哪天算起？",
        ["A.下单日", "B.签收次日", "C.发货日"],
        "B",
        "售后规范",
    ),
    (
        "single",
        "客户要求退款但商品已拆封，首先应该？",
        ["A.直接拒绝", "B.核实商品状态", "C.转给主管"],
        "B",
        "售后规范",
    ),
    ("truefalse", "退换货的运费险理赔由客户自行申请。", [], "对", "售后规范"),
    ("fill", "售后工单须在____小时内首次响应。", [], "24", "售后规范"),
    (
        "single",
        "补发商品应在哪里登记？",
        ["A.售后登记表", "B.聊天记录", "C.备忘录"],
        "A",
        "售后规范",
    ),
    (
        "multiple",
        "投诉处理的四个步骤包括？",
        ["A.受理安抚", "B.澄清判定", "C.争辩", "D.协商方案"],
        "ABD",
        "投诉处理",
    ),
    ("truefalse", "客户情绪激动时应先安抚情绪再处理问题。", [], "对", "投诉处理"),
    (
        "single",
        "重复投诉是指？",
        ["A.同一客户同一事由再次投诉", "B.两个客户投诉", "C.电话打两次"],
        "A",
        "投诉处理",
    ),
    ("fill", "首问负责人应跟进到问题____。", [], "关闭|结案", "投诉处理"),
    ("single", "恶性投诉应升级给？", ["A.主管", "B.同事", "C.不升级"], "A", "投诉处理"),
    (
        "single",
        "天猫延迟发货的赔付标准是？",
        ["A.实付金额的30%", "B.固定5元", "C.无需赔付"],
        "A",
        "平台规则",
    ),
    ("truefalse", "可以引导客户到站外交易。", [], "错", "平台规则"),
    ("single", "评价解释应在多少天内完成？", ["A.30天", "B.7天", "C.1年"], "A", "平台规则"),
    (
        "multiple",
        "以下哪些属于违规用语？",
        ["A.不知道", "B.这不归我管", "C.请稍等"],
        "AB",
        "平台规则",
    ),
]
# the library's modules and series (TRN-2) as the weekly early classes cycle through them
EARLY_CLASSES = [
    ("MOT服务技巧", "客户服务类知识"),
    ("MOT服务技巧深化提升", "客户服务类知识"),
    ("投诉处理", "客户服务类知识"),
    ("营销五部曲：抓开场", "客户服务类知识"),
    ("营销五部曲：挖需求", "客户服务类知识"),
    ("售后处理规范", "企业业务类知识"),
    ("售后平台规则", "企业业务类知识"),
    ("处理问题流程", "企业业务类知识"),
    ("办公软件与插件", "其他支撑类知识"),
]
FOUR_S_CLASSES = [
    ("前台接车业务技巧", 4),
    ("专业技术基础知识", 1),
    ("车间维修技术", 5),
    ("疑难技术问题探讨", 3),
    ("风行汽车讲堂", 2),
    ("专业技术讲座", 2),
    ("部门内部活动", 3),
]
REQUESTS = [
    ("退款纠纷话术", "售后一组", "近一月退款纠纷投诉上升", "requested"),
    ("新品护肤知识", "售前组", "双11 新品上架", "requested"),
    ("催付技巧", "催付组", "催付转化率低于目标", "approved"),
    ("平台新规解读", "全体客服", "平台规则更新", "assigned"),
    ("情绪安抚", "售后二组", "质检发现安抚不足", "archived"),
    ("快捷语熟练度", "新员工", "快捷语考核未通过", "archived"),
    ("Excel 报表", "组长", "月报制作耗时", "rejected"),
]


def build_training_rows(*, now, seed: int, lines: dict) -> None:
    rng = random.Random(seed + 19)
    shop = lines.get("shop")
    if shop is not None:
        _shop(shop, now, rng)
    auto = lines.get("4s")
    if auto is not None:
        _four_s(auto, now, rng)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _shop(line, now, rng) -> None:
    from kefu.workforce.models import SkillGroup

    supervisor = User.objects.filter(username="supervisor").first()
    lead = User.objects.filter(username="lead").first()
    people = list(
        User.objects.filter(business_line=line, role__in=["agent", "lead"], is_active=True)
        .select_related("team")
        .order_by("id")
    )
    if not people or supervisor is None:
        return
    Question.objects.bulk_create(
        [
            Question(business_line=line, kind=k, text=t, options=o, answer=a, category=c)
            for k, t, o, a, c in QUESTIONS
        ]
    )
    cert = Certification.objects.create(
        business_line=line,
        code="aftersales-duty",
        name="售后上岗认证",
        components=[
            {"code": "exam", "weight": 2, "min_score": 60},
            {"code": "typing", "weight": 1, "min_score": 60},
        ],
        threshold=60,
        validity_days=365,
    )
    exam = Exam.objects.create(
        business_line=line,
        title="售后上岗笔试",
        blueprint={"售后规范": 3, "投诉处理": 3, "平台规则": 2},
        time_limit_minutes=20,
        pass_mark=60,
        max_attempts=3,
        certification=cert,
        component="exam",
    )
    teams = {t.name: t for t in Team.objects.filter(business_line=line)}
    for name in ("售后一组", "售后二组"):
        if name in teams:
            GateRequirement.objects.create(certification=cert, team=teams[name])
    group = SkillGroup.objects.filter(business_line=line, code="aftersales").first()
    if group is not None:
        GateRequirement.objects.create(certification=cert, skill_group=group)
    bank: dict[str, list[int]] = {}
    for pk, category in Question.objects.filter(business_line=line).values_list("pk", "category"):
        bank.setdefault(category, []).append(pk)
    # everyone of 售后一组 and all but the newest of 售后二组 passed the exam and the typing test
    second = [p for p in people if p.team and p.team.name == "售后二组"]
    not_yet = {second[-1].pk} if second else set()
    aftersales = [p for p in people if p.team and p.team.name in ("售后一组", "售后二组")]
    attempts, scores, grants = [], [], []
    for i, person in enumerate(aftersales):
        if person.pk in not_yet:
            continue
        passed_at = now - dt.timedelta(days=150 - i * 3, hours=rng.randint(0, 6))
        score = Decimal(rng.choice([75, 80, 87.5, 90, 100]))
        attempts.append(
            ExamAttempt(
                exam=exam,
                user=person,
                seed=1000 + i,
                questions=rules.draw_paper(bank, exam.blueprint, 1000 + i),
                started_at=passed_at - dt.timedelta(minutes=15),
                deadline=passed_at + dt.timedelta(minutes=5),
                submitted_at=passed_at,
                score=score,
                passed=True,
                created_at=passed_at,
                updated_at=passed_at,
            )
        )
        cpm = rng.randint(62, 95)
        scores += [
            PracticalScore(
                user=person,
                kind="exam",
                score=score,
                passed=True,
                detail={"exam": exam.pk},
                created_at=passed_at,
                updated_at=passed_at,
            ),
            PracticalScore(
                user=person,
                kind="typing",
                score=100,
                passed=True,
                detail={"chars_per_minute": cpm, "min_cpm": 60},
                created_at=passed_at,
                updated_at=passed_at,
            ),
        ]
        grants.append(
            CertificationGrant(
                certification=cert,
                user=person,
                passed_at=passed_at,
                valid_until=timezone.localdate(passed_at) + dt.timedelta(days=365),
                total=(score * 2 + 100) / 3,
                created_at=passed_at,
                updated_at=passed_at,
            )
        )
    # the one not yet certified tried the typing test and fell short
    for pk in not_yet:
        scores.append(
            PracticalScore(
                user_id=pk,
                kind="typing",
                score=0,
                passed=False,
                detail={"chars_per_minute": 48.5, "min_cpm": 60},
                created_at=now - dt.timedelta(days=2),
                updated_at=now - dt.timedelta(days=2),
            )
        )
    with historic_timestamps(
        ExamAttempt, PracticalScore, CertificationGrant, TrainingClass, Enrolment, TrainingRequest
    ):
        ExamAttempt.objects.bulk_create(attempts)
        PracticalScore.objects.bulk_create(scores)
        CertificationGrant.objects.bulk_create(grants)
        _classes(line, people, now, rng, EARLY_CLASSES, trainer=lead)
        _requests(line, people, supervisor, lead, now, rng)
    manager = User.objects.filter(username="manager").first() or supervisor
    with historic_timestamps(TrainingClass, Enrolment, ClassEvaluation):
        build_library_rows(line, people, lead=lead, supervisor=supervisor, manager=manager, now=now)
        build_evaluation_rows(line, people, lead=lead, supervisor=supervisor, now=now, rng=rng)
    with historic_timestamps(TrainingPlan):
        build_plan_rows(line, supervisor=supervisor, manager=manager, now=now)
    with historic_timestamps(ExamAttempt, Competition, RoleplayScore, QuizRound):
        build_competition_rows(line, people, lead=lead, supervisor=supervisor, now=now, rng=rng)


def _classes(line, people, now, rng, catalogue, *, trainer) -> None:
    """A weekly 1-hour early class (08:00 on Tuesdays) over the last 180 days, attended by most
    of the line; two upcoming classes with seats left."""
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=DAYS)
    day = start + dt.timedelta(days=(1 - start.weekday()) % 7)
    classes, n = [], 0
    while day < today + dt.timedelta(days=14):
        title, category = catalogue[n % len(catalogue)]
        at = _at(day, 8)
        classes.append(
            TrainingClass(
                business_line=line,
                title=title,
                category=category,
                starts_at=at,
                hours=1,
                capacity=30,
                trainer=trainer,
                created_at=at - dt.timedelta(days=7),
                updated_at=at,
            )
        )
        n += 1
        day += dt.timedelta(days=7)
    classes = TrainingClass.objects.bulk_create(classes)
    enrolments = []
    for cls in classes:
        past = cls.starts_at < now
        for person in people:
            if rng.random() < (0.8 if past else 0.3):
                status = "attended" if past and rng.random() < 0.92 else "enrolled"
                enrolments.append(
                    Enrolment(
                        training_class=cls,
                        user=person,
                        status=status,
                        created_at=cls.starts_at - dt.timedelta(days=3),
                        updated_at=cls.starts_at,
                    )
                )
    Enrolment.objects.bulk_create(enrolments)


def _requests(line, people, supervisor, lead, now, rng) -> None:
    today = timezone.localdate(now)
    rows = []
    for i, (topic, audience, reason, state) in enumerate(REQUESTS):
        requester = people[(i * 3) % len(people)]
        filed = now - dt.timedelta(days=40 - i * 5)
        reviewer = supervisor if requester.pk != supervisor.pk else lead
        row = TrainingRequest(
            business_line=line,
            department=requester.department,
            team=requester.team,
            topic=topic,
            audience=audience,
            reason=reason,
            state=state,
            requester=requester,
            wished_on=today + dt.timedelta(days=10 + i),
            created_at=filed,
            updated_at=filed,
        )
        if state == "requested":
            row.owner, row.due_on = reviewer, today + dt.timedelta(days=i)
        else:
            row.reviewer = reviewer
        if state == "rejected":
            row.decision_reason = "已有同类课程，请报名《办公软件与插件》"
        if state == "approved":
            row.owner, row.due_on = reviewer, today + dt.timedelta(days=3)
        if state in ("assigned", "archived"):
            row.trainer = lead
            row.owner = lead if state == "assigned" else None
            row.due_on = row.wished_on if state == "assigned" else None
        if state == "archived":
            row.attendance = rng.randint(8, 15)
            row.materials = "课件、案例集"
            row.evaluation = f"课后评估满意度 {rng.randint(92, 98)}%"
        rows.append(row)
    TrainingRequest.objects.bulk_create(rows)


def _four_s(line, now, rng) -> None:
    """The 4S desk's sessions of this year per category, some behind their yearly minimum."""
    people = list(
        User.objects.filter(business_line=line, role__in=["agent", "lead"], is_active=True)
    )
    if not people:
        return
    today = timezone.localdate(now)
    first = today.replace(month=1, day=1)
    span = max(1, (today - first).days)
    classes = []
    for category, count in FOUR_S_CLASSES:
        for k in range(count):
            day = first + dt.timedelta(days=int(span * (k + 0.5) / count))
            at = _at(day, 8)
            classes.append(
                TrainingClass(
                    business_line=line,
                    title=f"{category}（第{k + 1}期）",
                    category=category,
                    starts_at=at,
                    hours=Decimal("1.5"),
                    capacity=20,
                    created_at=at - dt.timedelta(days=7),
                    updated_at=at,
                )
            )
    with historic_timestamps(TrainingClass, Enrolment):
        classes = TrainingClass.objects.bulk_create(classes)
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    training_class=cls,
                    user=p,
                    status="attended" if cls.starts_at < now else "enrolled",
                    created_at=cls.starts_at - dt.timedelta(days=2),
                    updated_at=cls.starts_at,
                )
                for cls in classes
                for p in people
            ]
        )
