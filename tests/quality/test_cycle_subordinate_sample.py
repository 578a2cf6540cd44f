"""When the team lead is appraised, PM-2's 下级 type is several people (issue 18 §4): every agent
of the team, or a configured sample drawn once per cycle, files their own score; the type's
score is their mean; the cycle page shows who has and who has not scored (never what each
gave), in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from testkit import make_user

from kefu.accounts.models import User
from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.quality import scoring, selectors_cycle
from kefu.quality import services_cycle as cycles
from kefu.quality.models_cycle import CycleMember, CycleScore
from quality.test_cycle_evaluators import END, START, _to_evaluation

pytestmark = pytest.mark.django_db
PLAN = [
    {"type": "self", "weight": 20},
    {"type": "manager", "weight": 40},
    {"type": "peer", "weight": 10},
    {"type": "subordinate", "weight": 10},
    {"type": "customer", "weight": 10, "name": "顾客代表王女士"},
    {"type": "expert", "weight": 10, "name": "外部专家李老师"},
]
SCORES = {"self": 80, "manager": 90, "peer": 70, "customer": 50, "expert": 100}


def test_the_mean_of_a_type_with_several_evaluators():
    rows = [("self", 80, 30), ("subordinate", 60, 70), ("subordinate", 80, 70)]
    rows.append(("subordinate", 100, 70))
    # subordinates 60, 80, 100 count as one 80: 80 × 30 % + 80 × 70 %
    assert scoring.typed_weighted_score(rows) == 80
    # one evaluator per type: the plain weighted score (KPI-2: 80 and 90 → 87)
    assert scoring.typed_weighted_score([("self", 80, 30), ("manager", 90, 70)]) == 87


def _cycle(supervisor, org, name, sample=None):
    cycle = cycles.cycle_create(
        actor=supervisor, team=org.aftersales1, name=name, starts_on=START, ends_on=END,
        include_lead=True,
    )  # fmt: skip
    plan = [dict(p) for p in PLAN]
    if sample is not None:
        plan[3]["sample"] = sample
    return cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=plan)


def _score_all_but_subordinates(cycle, supervisor, lead):
    for row in (
        CycleScore.objects.filter(member__cycle=cycle)
        .exclude(evaluator_type="subordinate")
        .select_related("member__user", "evaluator")
    ):
        actor = row.evaluator or (supervisor if row.member.user == lead else lead)
        cycles.score_submit(actor=actor, row=row, score=SCORES[row.evaluator_type])


def test_every_agent_scores_the_lead_and_the_page_shows_who_has(
    web_as, api_as, supervisor, org, lead, agent, agent_b
):
    cycle = _to_evaluation(supervisor, _cycle(supervisor, org, "360度考核（全员评组长）"))
    subs = {
        r.evaluator.username: r
        for r in CycleScore.objects.filter(member__user=lead, evaluator_type="subordinate")
    }
    assert set(subs) == {"agent", "agent_b"}  # all the team's agents, one row each
    _score_all_but_subordinates(cycle, supervisor, lead)
    cycles.score_submit(actor=agent, row=subs["agent"], score=60)
    with pytest.raises(PermissionDenied):  # nobody files another subordinate's score
        cycles.score_submit(actor=agent, row=subs["agent_b"], score=60)

    client = web_as(lead)
    for lang, words in (
        ("en", ["1 of 2 have scored", "has scored", "not yet", "never what each gave"]),
        ("zh-hans", ["2 人中已有 1 人评分", "已评分", "尚未评分"]),
    ):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        html = client.get(f"/quality/cycles/{cycle.pk}/").content.decode()
        for word in words:
            assert word in html, (lang, word)
        block = html[html.index(f'id="subordinates-{lead.pk}"') :]
        block = block[: block.index("</div>")]
        assert "subordinate-done" in block and "subordinate-waiting" in block
        assert agent.display_name in block and agent_b.display_name in block
        assert ">60<" not in block  # what a subordinate gave is not shown
    got = api_as(lead).get(f"/api/v1/quality/cycles/{cycle.pk}").json()
    lead_row = next(m for m in got["members"] if m["user"] == "lead")
    assert {"evaluator": "agent", "evaluator_type": "subordinate"} in lead_row["scored"]
    assert {"evaluator": "agent_b", "evaluator_type": "subordinate"} in lead_row["not_scored"]

    with pytest.raises(Conflict):  # agent_b has not scored the lead yet
        cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.score_submit(actor=agent_b, row=subs["agent_b"], score=100)
    cycles.cycle_advance(actor=supervisor, cycle=cycle)
    got = {m.user.username: m.score for m in CycleMember.objects.filter(cycle=cycle)}
    # the lead: subordinates (60 + 100) ÷ 2 = 80;
    # (80×20 + 90×40 + 80×10 + 50×10 + 100×10) ÷ 90 = 7,500 ÷ 90
    assert got["lead"] == Decimal("83.33")
    # an agent: no subordinate; (80×20 + 90×40 + 70×10 + 50×10 + 100×10) ÷ 90 = 7,400 ÷ 90
    assert got["agent"] == got["agent_b"] == Decimal("82.22")


def test_a_sample_of_the_agents_drawn_once_per_cycle(web_as, supervisor, org, lead, agent, agent_b):
    make_user("agent_c", "agent", team=org.aftersales1)
    make_user("agent_d", "agent", team=org.aftersales1)
    for bad in ("-1", "abc", "201"):
        cycle = cycles.cycle_create(
            actor=supervisor, team=org.aftersales1, name=f"抽样{bad}", starts_on=START,
            ends_on=END, include_lead=True,
        )  # fmt: skip
        plan = [dict(p) for p in PLAN]
        plan[3]["sample"] = bad
        with pytest.raises(Invalid) as exc:
            cycles.evaluators_set(actor=supervisor, cycle=cycle, rows=plan)
        assert "sample_subordinate" in exc.value.fields
        cycle.refresh_from_db()
        assert cycle.evaluator_plan == []  # nothing saved

    cycle = _cycle(supervisor, org, "360度考核（抽样）", sample=2)
    audit = AuditEvent.objects.filter(action="quality.cycle_evaluators").last()
    assert "subordinate 10% sample 2" in audit.changes["evaluators"]
    html = web_as(supervisor).get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert 'name="sample_subordinate"' in html and 'value="2"' in html
    agents = list(cycle.members.exclude(user=lead).order_by("id"))
    drawn = [m.user.username for m in cycles.subordinates_of(cycle, agents)]
    assert len(drawn) == 2 and drawn == [
        m.user.username for m in cycles.subordinates_of(cycle, agents)
    ]
    cycle = _to_evaluation(supervisor, cycle)
    rows = CycleScore.objects.filter(member__user=lead, evaluator_type="subordinate")
    assert sorted(rows.values_list("evaluator__username", flat=True)) == sorted(drawn)
    # the page in the evaluation stage says how the lead's subordinates were chosen
    html = web_as(lead).get(f"/quality/cycles/{cycle.pk}/").content.decode()
    assert "a sample of 2 agents" in html and "0 of 2 have scored" in html
    # a cycle's lead is scored by sample-size subordinates only: the rest owe nothing
    for username in {"agent", "agent_b", "agent_c", "agent_d"} - set(drawn):
        owed = selectors_cycle.scores_owed(user=User.objects.get(username=username), cycle=cycle)
        assert not owed.filter(evaluator_type="subordinate").exists()
