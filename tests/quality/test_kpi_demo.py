"""The demo's KPI rows (issue 18 §2): last month's CS scheme in two versions with its scored
evaluations kept on version 1, this month's evaluations with evaluators still to score, and the
past week's work logs whose carried-over tasks each cost −2 once."""

from __future__ import annotations

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.demo.quality_kpi_rows import build_quality_kpi_rows
from kefu.quality.models import KpiScheme, ScoreEvent
from kefu.quality.models_kpi import KpiEvaluation, TaskStatus, WorkLog, WorkTask

pytestmark = pytest.mark.django_db


def test_demo_kpi_rows_versions_evaluations_and_work_logs(
    org, web_as, agent, agent_b, lead, manager
):
    make_user("agent_c", "agent", team=org.aftersales1)
    logs = build_quality_kpi_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    assert logs == WorkLog.objects.count() > 0
    versions = list(KpiScheme.objects.filter(staff_role="cs").order_by("period", "revision"))
    old = [s for s in versions if s.revision == 1 and not s.is_current]
    new = [s for s in versions if s.revision == 2]
    assert len(old) == 1 and len(new) == 1 and new[0].lineage_id == old[0].pk
    scored = KpiEvaluation.objects.filter(scheme=old[0])
    assert scored.exists() and not scored.filter(score__isnull=True).exists()
    assert not scored.exclude(status="signed").exists()  # a month gone by is signed
    assert not KpiEvaluation.objects.filter(scheme=new[0]).exists()
    carried = WorkTask.objects.filter(status=TaskStatus.CARRIED).count()
    fired = ScoreEvent.objects.filter(fact_key__startswith="worklog_task:").count()
    assert (
        fired <= carried and WorkTask.objects.filter(carried_from__isnull=False).count() == carried
    )
    page = web_as(lead).get("/quality/worklogs/")
    assert page.status_code == 200
