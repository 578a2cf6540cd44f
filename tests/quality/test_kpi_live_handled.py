"""Two more ticket figures read live for a KPI evaluation (issue 18 §2): the tickets the
appraisee handled (assigned to them and resolved in the month) and the satisfied rate of §9.12
(answers in the top two points of their scale); the test recounts both from the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.quality import live_rules, selectors_live, services, services_kpi
from kefu.surveys import services as surveys
from kefu.surveys.models import SurveyAnswer
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)
QUESTIONS = [
    {"kind": "scale5", "text": "您对处理结果是否满意？", "dimension": "服务满意度"},
    {"kind": "scale10", "text": "您有多大可能推荐我们？", "dimension": "推荐意愿"},
]


def _close(ticket, actor):
    for status in ("resolved", "closed"):
        ticket = Ticket.objects.get(pk=ticket.pk)
        ticket = ticket_update(
            actor=actor, ticket=ticket, version=ticket.version, changes={"status": status}
        )
    return ticket


def test_handled_tickets_and_satisfied_rate_are_recounted_from_the_rows(
    web_as, api_as, org, admin_user, supervisor, lead, agent, agent_b, make_customer, make_ticket
):
    questionnaire = surveys.questionnaire_create(
        actor=admin_user, business_line=org.shop, name="服务满意度回访", status="active",
        after_close=True, questions=QUESTIONS,
    )  # fmt: skip
    questions = list(questionnaire.questions.order_by("order", "id"))

    def customer():
        return make_customer(email="kehu@example.com")

    handled = [make_ticket(agent, type="consult", customer=customer()) for _ in range(3)]
    make_ticket(agent, type="consult", title="还没解决")  # open: not handled yet
    _close(make_ticket(agent_b, type="consult", customer=customer()), agent_b)  # not theirs
    for ticket, scores in zip(handled, [(5, 10), (4, 6), None], strict=True):
        closed = _close(ticket, agent)
        if scores:
            invitation = surveys.invite_after_close(closed)
            surveys.response_submit(
                invitation=invitation,
                answers={f"q{q.pk}": s for q, s in zip(questions, scores, strict=True)},
                channel="after_close",
            )

    scheme = services.scheme_create(
        actor=supervisor, business_line=org.shop, name="客服工作量考核", staff_role="cs",
        period=MONTH,
        indicators=[
            {"name": "处理工单数", "target": "≥ 4", "weight": 50},
            {"name": "客户满意率", "target": "≥ 90 %", "weight": 50},
        ],
    )  # fmt: skip
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)

    # recount from the rows
    start = timezone.make_aware(timezone.datetime.combine(MONTH, timezone.datetime.min.time()))
    n_handled = Ticket.objects.filter(assignee=agent, resolved_at__gte=start).count()
    answers = SurveyAnswer.objects.filter(agent=agent, score__isnull=False)
    top_two = [a for a in answers if a.score >= a.max_score - 1]
    assert (n_handled, len(top_two), answers.count()) == (3, 3, 4)

    live = {i["figure"]: i for i in selectors_live.live_indicators(lead, ev)}
    assert live["handled"]["value"] == n_handled == 3
    assert live["handled"]["score"] == Decimal("75.00")  # 3 ÷ 4 × 100
    assert live["handled"]["unit"] == ""
    assert live["satisfied_rate"]["value"] == live_rules.rate(len(top_two), answers.count())
    assert live["satisfied_rate"]["value"] == Decimal("75.00")
    assert live["satisfied_rate"]["score"] == Decimal("83.33")  # 75 ÷ 90 × 100
    assert live["satisfied_rate"]["unit"] == "%"

    html = web_as(lead).get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
    assert 'data-figure="handled"' in html and 'data-figure="satisfied_rate"' in html
    got = api_as(lead).get(f"/api/v1/quality/kpi-evaluations/{ev.pk}").json()["live"]
    assert [(i["figure"], i["unit"], i["value"], i["score"]) for i in got] == [
        ("handled", "", 3.0, 75.0),
        ("satisfied_rate", "%", 75.0, 83.33),
    ]
