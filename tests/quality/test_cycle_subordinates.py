"""All six of PM-2's evaluator types in one appraisal cycle (issue 18 §2, §4): a cycle may
appraise the team lead beside the agents, and then subordinates — the team's agents, each on
their own — score the lead. A type an appraisee lacks (an agent's subordinates, the lead's peers among the
agents) is left out of their score and the other weights keep their proportion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.quality import scoring, selectors_cycle
from kefu.quality import services_cycle as cycles
from kefu.quality.models_cycle import AppraisalCycle, CycleMember, CycleScore
from quality.test_cycle_evaluators import END, START, _to_evaluation

pytestmark = pytest.mark.django_db
SIX = [
    {"type": "self", "weight": 20},
    {"type": "manager", "weight": 40},
    {"type": "peer", "weight": 10},
    {"type": "subordinate", "weight": 10},
    {"type": "customer", "weight": 10, "name": "顾客代表王女士"},
    {"type": "expert", "weight": 10, "name": "外部专家李老师"},
]
SCORES = {"self": 80, "manager": 90, "peer": 70, "subordinate": 60, "customer": 50, "expert": 100}


def test_the_weights_of_the_types_an_appraisee_has_keep_their_proportion():
    # every type present: the KPI-2 sum (self 80 × 30 % + manager 90 × 70 % = 87)
    assert scoring.present_weighted_score([(80, 30), (90, 70)]) == 87
    # an agent without a subordinate: (80×20 + 90×40 + 70×10 + 50×10 + 100×10) ÷ 90
    assert scoring.present_weighted_score(
        [(80, 20), (90, 40), (70, 10), (50, 10), (100, 10)]
    ).quantize(Decimal("0.01")) == Decimal("82.22")
    with pytest.raises(ValueError):
        scoring.present_weighted_score([])


def test_six_types_the_lead_scored_by_a_subordinate(web_as, supervisor, org, lead, agent, agent_b):
    cycle = cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name="11月360度考核", starts_on=START,
        ends_on=END, include_lead=True,
    )  # fmt: skip
    assert set(cycle.members.values_list("user__username", flat=True)) == {
        "agent",
        "agent_b",
        "lead",
    }
    assert AuditEvent.objects.get(action="quality.cycle_create").changes["lead_appraised"]
    cycle = cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=SIX)
    cycle = _to_evaluation(supervisor, cycle)

    rows = {(r.member.user.username, r.evaluator_type): r for r in CycleScore.objects.all()}
    kinds = {(who, kind) for who, kind in rows}
    # the lead: self, their own manager (the supervisor), one subordinate, customer, expert
    assert {k for who, k in kinds if who == "lead"} == {
        "self", "manager", "subordinate", "customer", "expert",
    }  # fmt: skip
    # the agents: no subordinate row, a peer each (the other agent)
    assert {k for who, k in kinds if who == "agent"} == {
        "self", "manager", "peer", "customer", "expert",
    }  # fmt: skip
    assert rows[("lead", "manager")].evaluator == supervisor
    assert rows[("lead", "subordinate")].evaluator in (agent, agent_b)
    assert rows[("agent", "manager")].evaluator == lead
    assert rows[("agent", "peer")].evaluator == agent_b
    # all six types are used in the cycle
    assert {k for _who, k in kinds} == {p["type"] for p in SIX}

    # the lead enters the agents' customer scores, never their own; the supervisor enters those
    with pytest.raises(PermissionDenied):
        cycles.score_submit(actor=lead, row=rows[("lead", "customer")], score=50)
    with pytest.raises(NotFound):
        selectors_cycle.score_get_for(user=lead, pk=rows[("lead", "customer")].pk)
    owed = {(r.member.user.username, r.evaluator_type)
            for r in selectors_cycle.scores_owed(user=lead, cycle=cycle)}  # fmt: skip
    assert ("agent", "customer") in owed and ("lead", "customer") not in owed
    # the subordinate scores their lead on their own list; the other agent may not
    subordinate = rows[("lead", "subordinate")].evaluator
    other = agent_b if subordinate == agent else agent
    assert ("lead", "subordinate") in {
        (r.member.user.username, r.evaluator_type)
        for r in selectors_cycle.scores_owed(user=subordinate, cycle=cycle)
    }
    with pytest.raises(PermissionDenied):
        cycles.score_submit(actor=other, row=rows[("lead", "subordinate")], score=60)

    # every agent of the team scores the lead as a subordinate, each on their own row
    assert set(
        CycleScore.objects.filter(member__user=lead, evaluator_type="subordinate").values_list(
            "evaluator__username", flat=True
        )
    ) == {"agent", "agent_b"}
    for row in CycleScore.objects.select_related("member__user", "evaluator"):
        who, kind = row.member.user.username, row.evaluator_type
        if row.evaluator is not None:
            actor = row.evaluator
        else:
            actor = supervisor if who == "lead" else lead
        cycles.score_submit(actor=actor, row=row, score=SCORES[kind])
    cycles.cycle_advance(actor=supervisor, cycle=cycle)
    got = {m.user.username: m.score for m in CycleMember.objects.filter(cycle=cycle)}
    # lead: (80×20 + 90×40 + 60×10 + 50×10 + 100×10) ÷ 90 = 7300 ÷ 90
    # agents: (80×20 + 90×40 + 70×10 + 50×10 + 100×10) ÷ 90 = 7400 ÷ 90
    assert got == {
        "lead": Decimal("81.11"),
        "agent": Decimal("82.22"),
        "agent_b": Decimal("82.22"),
    }
    page = web_as(lead).get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert "81.11" in page and "82.22" in page


def test_subordinates_need_the_lead_among_the_appraisees(
    supervisor, org, lead, agent, agent_b, agent2
):
    cycle = cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name="只考核专员", starts_on=START, ends_on=END
    )
    with pytest.raises(Invalid) as exc:
        cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=SIX)
    assert "weight_subordinate" in exc.value.fields
    cycle.refresh_from_db()
    assert cycle.evaluator_plan == []  # nothing saved
    # a team without a lead cannot appraise one
    lone = AppraisalCycle.objects.count()
    with pytest.raises(Invalid) as exc:
        cycles.cycle_create(
            actor=supervisor, team=org.presale, name="售前考核", starts_on=START, ends_on=END,
            include_lead=True,
        )  # fmt: skip
    assert "include_lead" in exc.value.fields and AppraisalCycle.objects.count() == lone


def test_the_cycles_page_plans_a_cycle_with_its_lead(web_as, supervisor, org, lead, agent):
    answer = web_as(supervisor).post(
        "/quality/cycles/new/",
        {
            "name": "季度考核（含组长）", "team": org.aftersales1.pk, "starts_on": START.isoformat(),
            "ends_on": END.isoformat(), "self_weight": "30", "include_lead": "on",
        },
    )  # fmt: skip
    assert answer.status_code == 302
    cycle = AppraisalCycle.objects.get(name="季度考核（含组长）")
    assert cycle.members.filter(user=lead).exists()
    assert dt.date(2026, 11, 1) == cycle.starts_on
