"""The demo's live drill on a practice queue (PK-3): the shop's 双11 after-sales practice queue
set by a lead, and over the last 180 days each agent's run (server-timed seconds per practice
ticket, handled right or not), most scored by the lead as their ``drill`` component. No ticket
is made: the practice queue never reaches a KPI, a report or an SLA figure."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from decimal import Decimal

from kefu.accounts.models import BusinessLine, User
from kefu.demo.bulk import historic_timestamps
from kefu.training import drill
from kefu.training.models import DrillRun, PracticalScore, PracticeDrill

LINES = [
    "退款：收到的面霜瓶子碎了，要退款",
    "补发：套装里少了一支眼霜",
    "解释：为什么定制商品不能七天无理由退货？",
    "升级：你们再不处理我就投诉到平台",
    "补发：赠品没有收到",
    "退款：拍错颜色了，还没发货能退吗",
]
REPLY = "您好，非常抱歉给您带来不便，这就为您处理"


def build_drill_rows(*, now, seed: int) -> None:
    line = BusinessLine.objects.filter(code="shop").first()
    trainer = User.objects.filter(business_line=line, role="lead", is_active=True).first()
    people = list(
        User.objects.filter(business_line=line, role="agent", is_active=True).order_by("id")
    )
    if line is None or trainer is None or not people:
        return
    rng = random.Random(seed + 5)
    cases = drill.parse_cases(LINES)
    practice = PracticeDrill.objects.create(
        business_line=line, title="双11 售后实战演练", cases=cases, trainer=trainer
    )
    runs, scores = [], []
    for person in people[:40]:
        began = now - dt.timedelta(days=rng.randint(10, 175), hours=rng.randint(0, 8))
        at, work = began, []
        for i, case in enumerate(cases):
            seconds = round(rng.uniform(35, 160), 1)
            at = at + dt.timedelta(seconds=seconds)
            wrong = rng.random() < 0.15
            outcome = (
                drill.EXPLAIN if wrong and case["outcome"] != drill.EXPLAIN else case["outcome"]
            )
            work.append(
                {
                    "case": i,
                    "reply": REPLY,
                    "outcome": outcome,
                    "at": at.isoformat(),
                    "seconds": seconds,
                }
            )
        graded = drill.grade(cases, work)
        score = None
        if rng.random() < 0.85:  # the rest await the trainer
            score = Decimal(round(100 * graded["correct"] / len(cases) - rng.uniform(0, 8), 2))
            scores.append(
                PracticalScore(
                    user=person,
                    kind="drill",
                    score=score,
                    passed=score >= 60,
                    examiner=trainer,
                    created_at=at + dt.timedelta(hours=2),
                    updated_at=at + dt.timedelta(hours=2),
                )
            )
        runs.append(
            DrillRun(
                drill=practice,
                user=person,
                started_at=began,
                work=work,
                finished_at=at,
                correct=graded["correct"],
                median_seconds=Decimal(str(statistics.median(w["seconds"] for w in work))),
                score=score,
                scored_by=trainer if score is not None else None,
                version=2 if score is not None else 1,
                created_at=began,
                updated_at=at,
            )
        )
    with historic_timestamps(DrillRun, PracticalScore):
        DrillRun.objects.bulk_create(runs)
        PracticalScore.objects.bulk_create(scores)
