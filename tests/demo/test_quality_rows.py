"""The demo's quality and performance (issue 18): six months of scorecards, the earlier ones
signed off, published team rankings with their rewards and penalties, the earlier months'
月处罚汇总表 copied to finance, and a supervisor's first page showing true, non-zero figures."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.demo.quality_rows import MONTHS, build_quality_rows
from kefu.quality import selectors_delphi, services_cycle
from kefu.quality.models import LedgerEntry, PenaltySummary, RankingRun, Scorecard, ScoreEvent
from kefu.quality.models_cycle import AppraisalCycle, CycleMember
from kefu.quality.models_delphi import DelphiStudy

pytestmark = pytest.mark.django_db


def test_demo_quality_rows_signed_history_and_a_live_month(
    org, web_as, agent, agent_b, lead, supervisor, manager
):
    make_user("agent_c", "agent", team=org.aftersales1)
    now = timezone.now()
    made = build_quality_rows(now=now, seed=1, lines={"shop": org.shop})
    this_month = timezone.localdate(now).replace(day=1)
    assert made == ScoreEvent.objects.count() > 0
    cards = Scorecard.objects.filter(team=org.aftersales1)
    assert cards.values("period").distinct().count() == MONTHS
    assert not cards.filter(period__lt=this_month).exclude(status="signed").exists()
    assert not cards.filter(period=this_month, status="signed").exists()
    for card in cards:  # the stored score is 100 minus the card's own events, never below 0
        total = sum(e.points for e in card.events.all())
        assert card.score == max(0, 100 - total)
    runs = RankingRun.objects.filter(team=org.aftersales1)
    assert runs.count() == MONTHS - 1 and not runs.exclude(status="published").exists()
    assert LedgerEntry.objects.filter(amount_yuan=100).exists()
    sent = PenaltySummary.objects.filter(status="sent").select_related("checked_by", "signed_by")
    assert sent.count() == MONTHS - 1
    # checked by a supervisor, signed by company leadership: two people (ESC-2)
    assert {(s.checked_by.role, s.signed_by.role) for s in sent} == {("supervisor", "manager")}
    page = web_as(supervisor).get("/quality/scorecards/").content.decode()
    assert 'id="figure-people">3<' in page
    assert 'id="figure-deducted">0<' not in page


def test_demo_appraisal_cycles_two_applied_and_the_current_one_in_evaluation(
    org, web_as, agent, agent_b, lead, supervisor, manager
):
    build_quality_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    cycles = list(AppraisalCycle.objects.filter(team=org.aftersales1).order_by("starts_on"))
    assert [c.stage for c in cycles] == ["closed", "closed", "evaluation"]
    closed = CycleMember.objects.filter(cycle__in=cycles[:2])
    assert closed.count() == 4 and not closed.filter(score__isnull=True).exists()
    assert not closed.filter(interview_at__isnull=True).exists()
    assert not closed.filter(appraisal_class__in=["improve", "poor"], improvement_plan="").exists()
    assert services_cycle.missing_scores(cycles[2]).exists()
    page = web_as(supervisor).get(f"/quality/cycles/{cycles[2].pk}/").content.decode()
    assert 'id="not-scored"' in page and "has not scored" in page
    study = DelphiStudy.objects.get(business_line=org.shop)
    rounds = selectors_delphi.rounds(study)
    assert [(r["round"], len(r["experts"])) for r in rounds] == [(1, 8), (2, 8)]
    assert all(0 < r["levels"][2]["concordance"].w < 1 for r in rounds)
