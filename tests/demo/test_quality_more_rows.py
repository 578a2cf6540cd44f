"""The demo's live KPI indicators and 360-degree cycles (issue 18 §2, §4): six months of
evaluations under a scheme the platform measures, a closed and a running cycle with all six
evaluator types (the team lead appraised too), the running one with scores still to come."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.accounts.models import User
from kefu.demo.quality_more_rows import build_quality_more_rows
from kefu.quality import services_cycle
from kefu.quality.models_cycle import AppraisalCycle, CycleScore
from kefu.quality.models_kpi import KpiEvaluation

pytestmark = pytest.mark.django_db


def test_six_months_of_live_evaluations_and_two_360_cycles(
    org, web_as, agent, agent_b, lead, supervisor, manager
):
    made = build_quality_more_rows(now=timezone.now(), seed=1, lines=[org.shop])
    evs = KpiEvaluation.objects.filter(scheme__name="客服专员服务指标考核")
    assert made == evs.count() == 12  # two agents × six months
    assert evs.values("period").distinct().count() == 6
    past = evs.filter(period__lt=timezone.localdate().replace(day=1))
    assert not past.filter(score__isnull=True) and not past.exclude(status="signed")
    assert all(len(e.live_frozen) == 7 for e in past)  # the live values frozen when signed
    closed, running = AppraisalCycle.objects.filter(name__contains="360").order_by("starts_on")
    assert (closed.stage, running.stage) == ("closed", "evaluation")
    kinds = set(
        CycleScore.objects.filter(member__cycle=closed).values_list("evaluator_type", flat=True)
    )
    assert kinds == {"self", "manager", "peer", "subordinate", "customer", "expert"}
    assert closed.members.filter(user=lead, score__isnull=False).exists()  # the lead appraised
    # subordinates: every agent of the team last quarter, a sample of three this quarter
    agents = User.objects.filter(team=closed.team, role="agent", is_active=True).count()
    subordinates = CycleScore.objects.filter(member__user=lead, evaluator_type="subordinate")
    assert subordinates.filter(member__cycle=closed).count() == agents
    assert subordinates.filter(member__cycle=running).count() == min(3, agents)
    assert services_cycle.missing_scores(running).exists()
    page = web_as(lead).get(f"/quality/kpi/evaluations/{evs.first().pk}/").content.decode()
    assert 'id="live-indicators"' in page
