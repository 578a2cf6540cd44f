"""KPI indicators that map to a platform figure are read live for the appraisee's month (issue
18 §2): first-response SLA %, 回访率, complaints and repeat complaints, each with the score it
earns against the indicator's target; the test recounts every figure from the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.followups.models import CallbackTask, GradeChange
from kefu.quality import live_rules, selectors_live, services, services_kpi
from kefu.tickets.models import Ticket
from kefu.tickets.models_sla import SlaClock, SlaEvent

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)


def test_rules_more_and_less_is_better():
    assert live_rules.parse_target("≥ 95 %", False) == (Decimal(95), True)
    assert live_rules.parse_target("≤ 1", True) == (Decimal(1), False)
    assert live_rules.parse_target("优秀", True) is None
    assert live_rules.indicator_score(Decimal(75), Decimal(90), True) == Decimal("83.33")
    assert live_rules.indicator_score(Decimal(96), Decimal(95), True) == 100
    assert live_rules.indicator_score(Decimal(3), Decimal(2), False) == 50
    assert live_rules.indicator_score(Decimal(2), Decimal(1), False) == 0
    assert live_rules.indicator_score(Decimal(1), Decimal(0), False) == 0
    assert live_rules.rate(0, 0) is None


def test_the_evaluation_page_shows_live_values_and_their_scores(
    web_as, api_as, org, supervisor, lead, agent, agent_b, make_ticket
):
    mine = [make_ticket(agent, type="consult", title=f"咨询{i}") for i in range(4)]
    complaints = [make_ticket(agent, type="complaint", title=f"投诉{i}") for i in range(2)]
    make_ticket(agent_b, type="complaint", title="别人的投诉")  # not the appraisee's
    now = timezone.now()
    answered = mine + complaints[:1]  # five answered, one of them late
    SlaClock.objects.filter(ticket__in=answered, kind="first_response").update(stopped_at=now)
    SlaEvent.objects.create(ticket=mine[0], clock="first_response", level=1, due_at=now)
    GradeChange.objects.create(
        ticket=complaints[0], business_line=org.shop, department=complaints[0].department,
        team=complaints[0].team, before="ordinary", after="repeat", rule="supervisor", reason="再次投诉",
    )  # fmt: skip
    today = timezone.localdate()
    for i, ticket in enumerate(mine[:3]):
        CallbackTask.objects.create(
            business_line=org.shop, customer=ticket.customer, ticket=ticket,
            kind="resolution_first", window_start=today, window_end=today, due_on=today,
            owner=agent, status="done" if i < 2 else "open",
            reached_at=now if i < 2 else None, done_at=now if i < 2 else None,
        )  # fmt: skip
    scheme = services.scheme_create(
        actor=supervisor, business_line=org.shop, name="客服月度考核", staff_role="cs",
        period=MONTH,
        indicators=[
            {"name": "首次响应达标率", "target": "≥ 90 %", "weight": 30},
            {"name": "回访率", "target": "≥ 100 %", "weight": 30},
            {"name": "投诉数", "target": "≤ 1", "weight": 20},
            {"name": "重复投诉数", "target": "≤ 0", "weight": 10},
            {"name": "报表质量", "kind": "rating", "target": "优秀", "weight": 10},
        ],
    )  # fmt: skip
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)

    # recount from the rows
    stopped = Ticket.objects.filter(
        first_owner=agent, sla_clocks__kind="first_response", sla_clocks__stopped_at__isnull=False
    ).distinct()
    late = SlaEvent.objects.filter(ticket__in=stopped, clock="first_response", level__gte=1)
    met, total = stopped.count() - late.values("ticket").distinct().count(), stopped.count()
    assert (met, total) == (4, 5)
    due = CallbackTask.objects.filter(owner=agent, attempt=1)
    reached = due.filter(reached_at__isnull=False).count()
    n_complaints = Ticket.objects.filter(first_owner=agent, type="complaint").count()

    live = {i["figure"]: i for i in selectors_live.live_indicators(lead, ev)}
    assert set(live) == {"first_response_sla", "callback_rate", "complaints", "repeat_complaints"}
    assert (live["first_response_sla"]["numerator"], live["first_response_sla"]["denominator"]) == (
        met,
        total,
    )
    assert live["first_response_sla"]["value"] == Decimal("80.00")
    assert live["first_response_sla"]["score"] == Decimal("88.89")  # 80 ÷ 90 × 100
    assert (live["callback_rate"]["numerator"], live["callback_rate"]["denominator"]) == (
        reached,
        due.count(),
    )
    assert live["callback_rate"]["value"] == Decimal("66.67") and live["callback_rate"][
        "score"
    ] == Decimal("66.67")
    assert live["complaints"]["value"] == n_complaints == 2 and live["complaints"]["score"] == 0
    assert live["repeat_complaints"]["value"] == 1 and live["repeat_complaints"]["score"] == 0

    html = web_as(lead).get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
    assert 'id="live-indicators"' in html and "4 ÷ 5" in html and "88.89" in html
    got = api_as(lead).get(f"/api/v1/quality/kpi-evaluations/{ev.pk}").json()["live"]
    assert [(i["figure"], i["value"], i["score"]) for i in got][:2] == [
        ("first_response_sla", 80.0, 88.89),
        ("callback_rate", 66.67, 66.67),
    ]
