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


# -- the drill in the real workbench ----------------------------------------------------------

WORKBENCH_LINES = LINES[:4]
PRACTICE_TEAM = "双11演练组"


def build_workbench_rows(*, now, seed: int) -> None:
    """The shop's 双11 practice team (an administrator's flag) and, over the last months, runs
    of the practice queue in the real workbench: practice tickets held by a trainee, answered
    and resolved with their own clocks, most scored; and one run open today, so the demo's agent
    finds practice tickets in their workbench. None of it counts anywhere (Ticket.objects)."""
    from kefu.accounts.models import Team
    from kefu.tickets.models import DeliveryStatus, Status, Ticket, TicketMessage
    from kefu.tickets.models_sla import SlaClock
    from kefu.training import drill_workbench
    from kefu.training.selectors import people_for

    line = BusinessLine.objects.filter(code="shop").first()
    trainer = User.objects.filter(business_line=line, role="lead", is_active=True).first()
    if line is None or trainer is None or trainer.team is None:
        return
    people = list(people_for(trainer).filter(role="agent")[:8])
    if not people:
        return
    team = Team.objects.create(
        business_line=line,
        department=trainer.team.department,
        name=PRACTICE_TEAM,
        is_practice=True,
    )
    practice = PracticeDrill.objects.create(
        business_line=line,
        title="双11 工作台实战演练",
        cases=drill.parse_cases(WORKBENCH_LINES),
        trainer=trainer,
    )
    rng = random.Random(seed + 11)
    scores = []
    for n, person in enumerate(people):
        today = n == 0  # the first agent has a run open now
        began = now - (
            dt.timedelta(minutes=20)
            if today
            else dt.timedelta(days=rng.randint(8, 150), hours=rng.randint(1, 6))
        )
        run = drill_workbench.workbench_run_create(
            actor=trainer, practice=practice, trainee_id=person.pk, team_id=team.pk, now=began
        )
        DrillRun.objects.filter(pk=run.pk).update(created_at=began, updated_at=began)
        ends = []
        for row in run.tickets.select_related("ticket").order_by("case"):
            if today and row.case >= 1:
                break  # one answered, the rest waiting for the trainee
            answered = began + dt.timedelta(seconds=rng.randint(25, 150))
            resolved = answered + dt.timedelta(seconds=rng.randint(60, 420))
            with historic_timestamps(TicketMessage):
                TicketMessage.objects.create(
                    ticket=row.ticket,
                    kind=TicketMessage.Kind.REPLY,
                    author=person,
                    body=REPLY,
                    delivery_status=DeliveryStatus.RECORDED,
                    delivery_at=answered,
                    created_at=answered,
                    updated_at=answered,
                )
            done = {} if today else {"resolved_at": resolved, "status": Status.RESOLVED}
            Ticket.all_objects.filter(pk=row.ticket_id).update(
                first_response_at=answered,
                updated_at=resolved if done else answered,
                status=done.pop("status", Status.IN_PROGRESS),
                version=2,
                **done,
            )
            SlaClock.objects.filter(ticket_id=row.ticket_id, kind="first_response").update(
                stopped_at=answered, next_at=None, next_level=None
            )
            if not today:
                SlaClock.objects.filter(ticket_id=row.ticket_id).update(
                    stopped_at=resolved, next_at=None, next_level=None
                )
                ends.append(resolved)
        if today:
            continue
        run = drill_workbench.finish_if_done(DrillRun.objects.get(pk=run.pk))
        if rng.random() < 0.75:  # the rest await the trainer
            score = Decimal(rng.randint(62, 96))
            DrillRun.objects.filter(pk=run.pk).update(
                score=score, scored_by=trainer, version=2, updated_at=max(ends)
            )
            scores.append(
                PracticalScore(
                    user=person,
                    kind="drill",
                    score=score,
                    passed=True,
                    examiner=trainer,
                    created_at=max(ends) + dt.timedelta(hours=1),
                    updated_at=max(ends) + dt.timedelta(hours=1),
                )
            )
    with historic_timestamps(PracticalScore):
        PracticalScore.objects.bulk_create(scores)
