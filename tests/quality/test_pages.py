"""The quality pages: record a deduction, sign a month, rank a team, tabulate and sign the
月处罚汇总表 and export it; who may see what; both languages."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.quality import months, services
from kefu.quality.models import DeductionRule, PenaltySummary, Scorecard

pytestmark = pytest.mark.django_db
PERIOD = months.label(timezone.localdate().replace(day=1))


def test_lead_records_a_deduction_and_the_supervisor_signs_off(
    web_as, org, lead, supervisor, agent
):
    services.rules_seed(actor=None, business_line=org.shop)
    rule = DeductionRule.objects.get(business_line=org.shop, name="服务态度恶劣遭投诉")
    client = web_as(lead)
    page = client.get("/quality/scorecards/")
    assert page.status_code == 200 and "服务态度恶劣遭投诉" in page.content.decode()
    r = client.post(
        "/quality/scorecards/deduct/",
        {"user": agent.pk, "rule": rule.pk, "quantity": 2, "reason": "两次顶撞顾客"},
    )
    card = Scorecard.objects.get(user=agent)
    assert r.status_code == 302 and card.score == 90
    assert "90" in client.get(f"/quality/scorecards/{card.pk}/").content.decode()
    client.post(f"/quality/scorecards/{card.pk}/sign/", {"version": card.version})
    card.refresh_from_db()
    web_as(supervisor).post(f"/quality/scorecards/{card.pk}/sign/", {"version": card.version})
    card.refresh_from_db()
    assert card.status == "signed"
    assert web_as(agent).get(f"/quality/scorecards/{card.pk}/").status_code == 200


def test_agent_sees_only_their_own_card_and_no_penalty_summary(web_as, org, lead, agent, agent_b):
    services.rules_seed(actor=None, business_line=org.shop)
    rule = DeductionRule.objects.filter(business_line=org.shop).first()
    services.deduct(actor=lead, person=agent_b, rule=rule, reason="未值日")
    card = Scorecard.objects.get(user=agent_b)
    client = web_as(agent)
    assert client.get(f"/quality/scorecards/{card.pk}/").status_code == 404
    assert client.get("/quality/penalties/").status_code == 404


def test_supervisor_ranks_and_manager_signs_and_exports_the_summary(
    web_as, org, supervisor, manager
):
    sup = web_as(supervisor)
    sup.post("/quality/rankings/rank/", {"team": org.aftersales1.pk, "period": PERIOD})
    assert "售后一组" in sup.get("/quality/rankings/").content.decode()
    sup.post("/quality/penalties/build/", {"period": PERIOD})
    summary = PenaltySummary.objects.get()
    assert summary.status == "draft"
    sup.post(
        f"/quality/penalties/{summary.pk}/advance/", {"to": "signed", "version": summary.version}
    )
    summary.refresh_from_db()
    assert summary.status == "draft"  # the supervisor does not sign for company leadership
    page = sup.get(f"/quality/penalties/?period={PERIOD}").content.decode()
    assert 'id="summary-advance"' in page and "Check (supervisor)" in page
    sup.post(
        f"/quality/penalties/{summary.pk}/advance/", {"to": "checked", "version": summary.version}
    )
    summary.refresh_from_db()
    assert (summary.status, summary.checked_by) == ("checked", supervisor)
    page = sup.get(f"/quality/penalties/?period={PERIOD}").content.decode()
    assert 'id="summary-advance"' not in page and 'id="summary-awaits"' in page
    mgr = web_as(manager)
    mgr.post(
        f"/quality/penalties/{summary.pk}/advance/", {"to": "signed", "version": summary.version}
    )
    summary.refresh_from_db()
    assert summary.status == "signed"
    r = mgr.get(f"/quality/penalties/{summary.pk}.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet["A1"].value == "Responsible unit"
    mgr.post("/i18n/setlang/", {"language": "zh-hans", "next": "/quality/penalties/"})
    page = mgr.get("/quality/penalties/").content.decode()
    assert "公司领导已签字" in page and "月处罚汇总表" in page and "summary-build" not in page


def test_kpi_page_scores_the_competency_model(web_as, agent):
    page = web_as(agent).get("/quality/kpi/", {"ratings": "5,5,5,5,3,3,3,3,1,1,1"}).content.decode()
    assert "63.908" in page and "10.094552" in page and "咨询转化率" in page
