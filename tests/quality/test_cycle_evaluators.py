"""PM-1 cycles with PM-2's evaluator types (issue 18 §2, §4): the supervisor weighs self,
direct manager, peers, customers served and external experts (each once, summing to 100 %);
peers score the next team-mate; a lead enters the customers' and experts' scores; the weighted
score then counts every type. Subordinates are refused (a team's agents have none)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.quality import selectors_cycle
from kefu.quality import services_cycle as cycles
from kefu.quality.models_cycle import CycleMember, CycleScore

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
PLAN = [
    {"type": "self", "weight": 20},
    {"type": "manager", "weight": 50},
    {"type": "peer", "weight": 10},
    {"type": "customer", "weight": 10, "name": "顾客代表王女士"},
    {"type": "expert", "weight": 10, "name": "外部专家李老师"},
]


def _cycle(supervisor, org):
    return cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name="11月绩效考核", starts_on=START, ends_on=END
    )


def _to_evaluation(supervisor, cycle):
    cycles.goals_set(actor=supervisor, cycle=cycle, goals="提升首次解决率")
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.indicator_add(
        actor=supervisor, cycle=cycle, name="首次解决率", measure="一次解决 ÷ 已解决",
        target="≥ 85%", weight=100, due=END,
    )  # fmt: skip
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.briefing_record(
        actor=supervisor, cycle=cycle, held_on=START, place="培训室", notes="评分尺度 0–100"
    )
    return cycles.cycle_advance(actor=supervisor, cycle=cycle)


def test_five_evaluator_types_weighted_into_the_score(
    web_as, supervisor, org, lead, agent, agent_b
):
    cycle = cycles.evaluators_set(actor=supervisor, cycle=_cycle(supervisor, org), rows=PLAN)
    cycle = _to_evaluation(supervisor, cycle)
    rows = {(r.member.user.username, r.evaluator_type): r for r in CycleScore.objects.all()}
    assert len(rows) == 10  # two appraisees × five types
    assert (
        rows[("agent", "peer")].evaluator == agent_b
        and rows[("agent_b", "peer")].evaluator == agent
    )
    assert rows[("agent", "manager")].evaluator == lead
    assert rows[("agent", "customer")].evaluator is None
    assert rows[("agent", "customer")].evaluator_name == "顾客代表王女士"
    # an agent may not enter the customer's score; the lead may (and sees it among their rows)
    with pytest.raises(PermissionDenied):
        cycles.score_submit(actor=agent, row=rows[("agent", "customer")], score=60)
    page = web_as(supervisor).get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert "顾客代表王女士" in page  # on the "not scored yet" list by name
    owed = {(r.member.user.username, r.evaluator_type) for r in
            selectors_cycle.scores_owed(user=lead, cycle=cycle)}  # fmt: skip
    assert ("agent", "customer") in owed and ("agent", "manager") in owed
    scores = {"self": 80, "manager": 90, "peer": 70, "customer": 60, "expert": 100}
    for (_who, kind), row in rows.items():
        actor = {"self": row.evaluator, "peer": row.evaluator}.get(kind, lead)
        cycles.score_submit(actor=actor, row=row, score=scores[kind])
    assert CycleScore.objects.get(pk=rows[("agent", "expert")].pk).entered_by == lead
    cycles.cycle_advance(actor=supervisor, cycle=cycle)
    # 80×20 % + 90×50 % + 70×10 % + 60×10 % + 100×10 % = 84
    assert {m.user.username: m.score for m in CycleMember.objects.all()} == {
        "agent": 84,
        "agent_b": 84,
    }


def test_weights_must_add_up_to_100_and_subordinates_are_refused(supervisor, org, lead, agent):
    cycle = _cycle(supervisor, org)
    with pytest.raises(Invalid) as exc:
        cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=PLAN[:2])
    assert "70" in exc.value.fields["evaluators"]
    with pytest.raises(Invalid) as exc:
        cycles.evaluators_set(
            actor=supervisor, cycle=cycle,
            rows=[{"type": "self", "weight": 50}, {"type": "subordinate", "weight": 50}],
        )  # fmt: skip
    assert "weight_subordinate" in exc.value.fields
    with pytest.raises(Invalid) as exc:  # a customer needs a name; one agent has no peer
        cycles.evaluators_set(
            actor=supervisor, cycle=cycle,
            rows=[{"type": "customer", "weight": 50}, {"type": "peer", "weight": 50}],
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        cycles.evaluators_set(actor=lead, cycle=cycle, rows=PLAN)
    cycle.refresh_from_db()
    assert cycle.evaluator_plan == [] and cycle.self_weight == 30  # unchanged: KPI-2 default


def test_the_cycle_page_sets_the_evaluators(web_as, supervisor, org, lead, agent, agent_b):
    cycle = _cycle(supervisor, org)
    client = web_as(supervisor)
    page = client.get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert 'name="weight_expert"' in page and 'name="name_customer"' in page
    form = {"version": cycle.version, "weight_self": "30", "weight_manager": "40",
            "weight_peer": "10", "weight_customer": "20", "name_customer": "业主代表"}  # fmt: skip
    client.post(f"/quality/cycles/{cycle.pk}/evaluators/", form)
    cycle.refresh_from_db()
    assert [(p["type"], p["weight"]) for p in cycle.evaluator_plan] == [
        ("manager", "40"), ("peer", "10"), ("self", "30"), ("customer", "20")
    ]  # fmt: skip
    # a stale form changes nothing
    client.post(
        f"/quality/cycles/{cycle.pk}/evaluators/",
        {**form, "weight_self": "10", "weight_manager": "60"},
    )
    cycle.refresh_from_db()
    assert cycle.manager_weight == 40
