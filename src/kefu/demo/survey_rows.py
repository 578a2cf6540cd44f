"""The demo's survey answers: after-close survey links for a sample of closed tickets, about
``ANSWERED`` of them answered, with scores that give a CSI near 91 and an NPS near 46."""

from __future__ import annotations

import datetime as dt
import random

from kefu.surveys.models import (
    Questionnaire,
    QuestionnaireStatus,
    Source,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)

ANSWERED = 0.62  # share of the survey links that are answered
BATCH = 2000
SCALE5 = ((5, 64), (4, 29), (3, 5), (2, 1), (1, 1))  # CSI ≈ 91
SCALE10 = ((10, 36), (9, 24), (8, 18), (7, 9), (6, 6), (5, 4), (4, 2), (3, 1))  # NPS ≈ 46
COMMENTS = (
    "客服态度很好，处理及时。",
    "问题解决了，谢谢！",
    "希望以后响应再快一点。",
    "师傅很专业，满意。",
    "回访很贴心。",
    "等待时间有点长，其他都好。",
)


def _pick(rng: random.Random, table) -> int:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def build_survey_rows(line, closed, *, rng, now) -> int:
    """After-close survey links for closed tickets; about ANSWERED of them answered."""
    questionnaire = (
        Questionnaire.objects.filter(
            business_line=line, status=QuestionnaireStatus.ACTIVE, after_close=True
        )
        .order_by("id")
        .first()
    )
    if questionnaire is None or not closed:
        return 0
    questions = list(questionnaire.questions.order_by("order", "id"))
    invitations, answered = [], []
    for row, agent, closed_at in closed:
        sent = closed_at + dt.timedelta(minutes=rng.randint(2, 30))
        if sent >= now:
            continue
        answer_at = sent + dt.timedelta(hours=rng.uniform(0.5, 48))
        done = answer_at < now and rng.random() < ANSWERED
        invitations.append(
            SurveyInvitation(
                business_line_id=line.pk,
                questionnaire_id=questionnaire.pk,
                source=Source.AFTER_CLOSE,
                customer_id=row["customer_id"],
                ticket_id=row["id"],
                agent_id=agent,
                team_id=row["team_id"],
                department_id=row["department_id"],
                expires_at=sent + dt.timedelta(days=questionnaire.link_days),
                sent_at=sent,
                sent_channels="sms",
                answered_at=answer_at if done else None,
                created_at=sent,
                updated_at=answer_at if done else sent,
            )
        )
        answered.append(done)
    SurveyInvitation.objects.bulk_create(invitations, batch_size=BATCH)
    # bulk_create sets the primary keys on PostgreSQL and SQLite alike (RETURNING)
    responses = [
        SurveyResponse(invitation=inv, submitted_at=inv.answered_at, channel=Source.AFTER_CLOSE)
        for inv, done in zip(invitations, answered, strict=True)
        if done
    ]
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
    answers = []
    for response in responses:
        inv = response.invitation
        happy = rng.random() < 0.94
        for q in questions:
            score = max_score = None
            text, chosen = "", []
            if q.kind == "scale5":
                score, max_score = _pick(rng, SCALE5 if happy else SCALE5[2:]), 5
            elif q.kind == "scale10":
                score, max_score = _pick(rng, SCALE10 if happy else SCALE10[3:]), 10
            elif q.kind in ("single", "multiple") and q.choices:
                chosen = [rng.choice(q.choices)]
            elif q.kind == "text":
                if rng.random() > 0.35:
                    continue
                text = rng.choice(COMMENTS)
            else:
                continue
            answers.append(
                SurveyAnswer(
                    response_id=response.pk,
                    question_id=q.pk,
                    kind=q.kind,
                    dimension=q.dimension,
                    score=score,
                    max_score=max_score,
                    choices=chosen,
                    text=text,
                    business_line_id=line.pk,
                    questionnaire_id=questionnaire.pk,
                    department_id=inv.department_id,
                    team_id=inv.team_id,
                    agent_id=inv.agent_id,
                    answered_at=response.submitted_at,
                )
            )
    SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
    return len(responses)
