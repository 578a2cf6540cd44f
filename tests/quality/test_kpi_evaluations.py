"""KPI evaluations by PM-2's evaluator types (issue 18 §2, KPI-2): one row per type of the
scheme version, weights summing to 100 %, the weighted score once everyone has scored (self 80
+ manager 90 → 87), who has not scored yet, and who may score which row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.quality import services, services_kpi
from kefu.quality.models_kpi import KpiEvaluationScore

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 12, 1)


def _scheme(supervisor, org, evaluators=None):
    return services.scheme_create(
        actor=supervisor,
        business_line=org.shop,
        name="客服月度考核",
        staff_role="cs",
        period=MONTH,
        indicators=[{"name": "质检得分", "weight": 100}],
        evaluators=evaluators,
    )


def test_kpi2_default_self_80_and_manager_90_make_87(supervisor, org, lead, agent):
    scheme = _scheme(supervisor, org)  # default: self 30 % + direct manager 70 %
    ev = services_kpi.evaluation_start(actor=supervisor, scheme=scheme, person=agent)
    rows = {r.evaluator_type: r for r in ev.scores.all()}
    assert {k: (r.evaluator_id, r.weight) for k, r in rows.items()} == {
        "self": (agent.pk, Decimal("30")),
        "manager": (lead.pk, Decimal("70")),  # the team lead by default
    }
    assert [r.evaluator_type for r in services_kpi.missing_scores(ev)] == ["self", "manager"]
    ev = services_kpi.evaluation_score(actor=agent, row=rows["self"], score=80, version=ev.version)
    assert ev.score is None
    assert [r.evaluator_id for r in services_kpi.missing_scores(ev)] == [lead.pk]
    with pytest.raises(StaleWrite):
        services_kpi.evaluation_score(actor=lead, row=rows["manager"], score=90, version=1)
    ev = services_kpi.evaluation_score(
        actor=lead, row=rows["manager"], score=90, version=ev.version
    )
    assert ev.evaluators_score == Decimal("87.00")
    # 质检得分 is an indicator the platform measures: the total waits for the signature; with no
    # review this month nothing is counted live, so the evaluators' 87 stands for all of it
    assert ev.score is None and ev.status == "draft"
    ev = services_kpi.evaluation_sign(actor=lead, evaluation=ev, version=ev.version)
    assert (ev.status, ev.score, ev.signed_by) == ("signed", Decimal("87.00"), lead)
    assert not services_kpi.missing_scores(ev).exists()
    assert AuditEvent.objects.filter(action="quality.evaluation_score").count() == 2
    with pytest.raises(Conflict):
        services_kpi.evaluation_score(actor=lead, row=rows["manager"], score=50)


def test_six_evaluator_types_and_who_may_score_which_row(supervisor, org, lead, agent, agent_b):
    six = [
        {"evaluator": "manager", "weight": 40},
        {"evaluator": "peer", "weight": 10},
        {"evaluator": "subordinate", "weight": 10},
        {"evaluator": "self", "weight": 10},
        {"evaluator": "customer", "weight": 20},
        {"evaluator": "expert", "weight": 10},
    ]
    scheme = _scheme(supervisor, org, evaluators=six)
    with pytest.raises(Invalid):  # a customer's score needs to say whose it is
        services_kpi.evaluation_start(
            actor=lead,
            scheme=scheme,
            person=agent,
            assign={"peer": agent_b, "subordinate": agent_b},
        )
    with pytest.raises(Invalid):  # nobody is their own peer
        services_kpi.evaluation_start(
            actor=lead,
            scheme=scheme,
            person=agent,
            assign={
                "peer": agent,
                "subordinate": agent_b,
                "customer": "王女士",
                "expert": "李老师",
            },
        )
    ev = services_kpi.evaluation_start(
        actor=lead,
        scheme=scheme,
        person=agent,
        assign={"peer": agent_b, "subordinate": agent_b, "customer": "王女士", "expert": "李老师"},
    )
    assert ev.scores.count() == 6 and sum(r.weight for r in ev.scores.all()) == 100
    row = {r.evaluator_type: r for r in ev.scores.all()}
    with pytest.raises(PermissionDenied):  # the appraisee does not score the peer's row
        services_kpi.evaluation_score(actor=agent, row=row["peer"], score=100)
    with pytest.raises(PermissionDenied):  # nor enters the customer's score
        services_kpi.evaluation_score(actor=agent, row=row["customer"], score=100)
    with pytest.raises(Invalid):
        services_kpi.evaluation_score(actor=lead, row=row["manager"], score=101)
    scores = {"manager": (lead, 90), "peer": (agent_b, 80), "subordinate": (agent_b, 70)}
    scores |= {"self": (agent, 100), "customer": (lead, 60), "expert": (lead, 50)}
    for kind, (who, value) in scores.items():
        ev = services_kpi.evaluation_score(actor=who, row=row[kind], score=value)
    # 90×.4 + 80×.1 + 70×.1 + 100×.1 + 60×.2 + 50×.1 = 78
    assert ev.evaluators_score == Decimal("78.00")
    assert KpiEvaluationScore.objects.get(pk=row["customer"].pk).entered_by == lead
    with pytest.raises(Conflict):  # one evaluation per person, scheme version and month
        services_kpi.evaluation_start(
            actor=lead,
            scheme=scheme,
            person=agent,
            assign={"peer": agent_b, "subordinate": agent_b, "customer": "x", "expert": "y"},
        )


def test_nobody_starts_their_own_evaluation_or_one_outside_their_scope(
    supervisor, org, lead, agent, agent2
):
    scheme = _scheme(supervisor, org)
    with pytest.raises(PermissionDenied):
        services_kpi.evaluation_start(actor=lead, scheme=scheme, person=lead)
    with pytest.raises(PermissionDenied):  # 售前组 is not the lead's team
        services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent2)
    with pytest.raises(PermissionDenied):
        services_kpi.evaluation_start(actor=agent, scheme=scheme, person=agent2)


def test_the_evaluation_page_lists_who_has_not_scored_and_scores_through_the_form(
    web_as, supervisor, org, lead, agent, agent2
):
    scheme = _scheme(supervisor, org)
    client = web_as(lead)
    r = client.post(f"/quality/kpi/{scheme.pk}/evaluations/", {"person": agent.pk})
    assert r.status_code == 302
    ev = scheme.evaluations.get()
    page = client.get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
    assert 'id="not-scored"' in page and agent.name in page and lead.name in page
    own = ev.scores.get(evaluator_type="manager")
    assert client.post(f"/quality/kpi/scores/{own.pk}/", {"score": "90"}).status_code == 302
    agent_client = web_as(agent)
    mine = ev.scores.get(evaluator_type="self")
    agent_client.post(f"/quality/kpi/scores/{mine.pk}/", {"score": "80"})
    ev.refresh_from_db()
    assert ev.evaluators_score == Decimal("87.00") and ev.score is None
    assert "87" not in agent_client.get("/quality/kpi/evaluations/").content.decode()
    assert (
        'id="sign-evaluation"'
        not in agent_client.get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
    )
    client = web_as(lead)  # the same test client, signed in as the lead again
    page = client.get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
    assert 'id="sign-evaluation"' in page
    client.post(f"/quality/kpi/evaluations/{ev.pk}/sign/", {"version": ev.version})
    listing = web_as(agent).get("/quality/kpi/evaluations/").content.decode()
    assert "87" in listing
    assert web_as(agent2).get(f"/quality/kpi/evaluations/{ev.pk}/").status_code == 404


def test_a_lead_is_scored_by_each_of_their_agents_and_the_mean_counts(
    api_as, supervisor, org, lead, agent, agent_b
):
    three = [
        {"evaluator": "self", "weight": 30},
        {"evaluator": "manager", "weight": 40},
        {"evaluator": "subordinate", "weight": 30},
    ]
    scheme = _scheme(supervisor, org, evaluators=three)
    with pytest.raises(Invalid) as exc:  # an agent leads nobody: a subordinate must be named
        services_kpi.evaluation_start(actor=supervisor, scheme=scheme, person=agent)
    assert "subordinate" in exc.value.fields
    ev = services_kpi.evaluation_start(actor=supervisor, scheme=scheme, person=lead)
    rows = list(ev.scores.select_related("evaluator").order_by("id"))
    subs = {r.evaluator.username: r for r in rows if r.evaluator_type == "subordinate"}
    assert set(subs) == {"agent", "agent_b"}  # every agent of the lead's team, one row each
    manager_row = next(r for r in rows if r.evaluator_type == "manager")
    assert manager_row.evaluator == supervisor  # the lead's direct manager: who started it
    services_kpi.evaluation_score(actor=lead, row=rows[0], score=80)
    services_kpi.evaluation_score(actor=supervisor, row=manager_row, score=90)
    ev = services_kpi.evaluation_score(actor=agent, row=subs["agent"], score=60)
    assert ev.evaluators_score is None  # agent_b has not scored yet
    got = api_as(supervisor).get(f"/api/v1/quality/kpi-evaluations/{ev.pk}").json()
    assert got["not_scored"] == ["agent_b"]
    with pytest.raises(PermissionDenied):  # nobody files another subordinate's score
        services_kpi.evaluation_score(actor=agent, row=subs["agent_b"], score=60)
    ev = services_kpi.evaluation_score(actor=agent_b, row=subs["agent_b"], score=100)
    # subordinates (60 + 100) ÷ 2 = 80: 80 × 30 % + 90 × 40 % + 80 × 30 % = 84
    assert ev.evaluators_score == Decimal("84.00")
