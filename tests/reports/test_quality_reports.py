"""The quality month-end reports of issue 22 §4 — 月处罚汇总表, 绩效考核通报, month-end service
quality with the corrective plan — each a page, an .xlsx and a PDF in which Chinese renders,
within the viewer's scope, and linked from the reports' tabs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pdftext import pdf_text_codes

from kefu.followups.models import GradeChange
from kefu.inspections import services as qa_services
from kefu.quality import months, services
from kefu.quality.models import DeductionRule

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_at_the_test():
    """Today as each test runs: a suite that crosses midnight in Asia/Shanghai (16:00 UTC) read
    the date of its import, and a visit "tomorrow" had become today's."""
    global TODAY
    TODAY = timezone.localdate()


MONTH = TODAY.replace(day=1)
PERIOD = months.label(MONTH)


def _sheet_rows(body: bytes, index: int) -> list[list]:
    book = load_workbook(io.BytesIO(body))
    return [[c.value for c in row] for row in book.worksheets[index].iter_rows()]


def _graded(make_ticket, agent, grade: str):
    ticket = make_ticket(agent, type="complaint", title="投诉未解决")
    GradeChange.objects.create(
        ticket=ticket,
        business_line=ticket.business_line,
        department=ticket.department,
        team=ticket.team,
        before="ordinary",
        after=grade,
        rule="supervisor",
        reason="多次回访未解决",
    )
    return ticket


def test_penalty_summary_report_page_xlsx_pdf_and_scope(
    web_as, org, agent, lead, supervisor, manager, make_ticket
):
    _graded(make_ticket, agent, "repeat")
    _graded(make_ticket, agent, "malignant")
    summary = services.summary_build(actor=supervisor, business_line=org.shop, period=MONTH)
    summary = services.summary_advance(actor=supervisor, summary=summary, to="checked")
    services.summary_advance(actor=manager, summary=summary, to="signed")
    client = web_as(supervisor)
    page = client.get("/reports/penalties/", {"period": PERIOD})
    assert page.status_code == 200
    html = page.content.decode()
    assert "售后一组" in html and "250.00" in html  # 50 per 重复 + 200 per 恶性
    assert 'href="/reports/notice/"' in html and 'href="/reports/service_quality/"' in html
    xlsx = client.get("/reports/penalties/report.xlsx", {"period": PERIOD})
    assert xlsx.status_code == 200
    rows = _sheet_rows(xlsx.content, 1)
    assert rows[2][:6] == ["售后一组", "lead", 1, 1, "250.00", "Yes"]
    status = _sheet_rows(xlsx.content, 0)
    # who checked (the supervisor) and who signed (company leadership), each with the time
    assert status[1][:5] == ["Business line", "Status", "Checked by", "Checked at", "Signed by"]
    assert status[2][:3] == ["网店", "Signed by company leadership", "supervisor"]
    assert status[2][4] == "manager" and status[2][3] != "—" and status[2][5] != "—"
    zh_page = client.get("/reports/penalties/", {"period": PERIOD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "审核人" in zh_page.content.decode()
    pdf = client.get("/reports/penalties/report.pdf", {"period": PERIOD})
    assert pdf["Content-Type"] == "application/pdf"
    assert {ord(c) for c in "售后一组网店"} <= pdf_text_codes(pdf.content)
    zh = client.get(
        "/reports/penalties/report.pdf", {"period": PERIOD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert {ord(c) for c in "月处罚汇总表责任单位"} <= pdf_text_codes(zh.content)
    # a lead and an agent see no line-wide penalty summary; a bad month is a 4xx
    assert web_as(lead).get("/reports/penalties/").status_code == 404
    assert web_as(agent).get("/reports/penalties/report.pdf").status_code == 404
    assert web_as(supervisor).get("/reports/penalties/", {"period": "2026-13"}).status_code == 400


def test_notice_report_lists_the_published_ranking_in_scope(
    web_as, org, agent, agent_b, agent2, lead, supervisor
):
    services.rules_seed(actor=None, business_line=org.shop)
    rule = DeductionRule.objects.get(business_line=org.shop, name="报表出错或延时")
    services.deduct(actor=lead, person=agent_b, rule=rule, reason="日报延时", quantity=2)
    run = services.rank_team(actor=supervisor, team=org.aftersales1, period=MONTH)
    services.rank_publish(actor=supervisor, run=run, notice_date=TODAY)
    client = web_as(agent)
    rows = _sheet_rows(client.get("/reports/notice/report.xlsx", {"period": PERIOD}).content, 0)
    people = {r[3]: r for r in rows[2:]}
    assert people["agent"][2] == 1 and people["agent"][5] == 100
    assert people["agent_b"][5] == -100
    assert people["agent_b"][6] == (TODAY + dt.timedelta(days=7)).isoformat()
    # another team's agent sees no published ranking of 售后一组
    other = _sheet_rows(
        web_as(agent2).get("/reports/notice/report.xlsx", {"period": PERIOD}).content, 0
    )
    assert other[2:] == []
    pdf = web_as(agent).get("/reports/notice/report.pdf", {"period": PERIOD}).content
    assert {ord(c) for c in "售后一组"} <= pdf_text_codes(pdf)


def test_service_quality_report_with_the_corrective_plan(web_as, org, agent, agent2, lead):
    qa_services.action_create(
        actor=lead,
        agent=agent,
        period=PERIOD,
        analysis="本月两次服务态度投诉",
        action="参加服务礼仪培训",
        due_on=TODAY + dt.timedelta(days=7),
    )
    client = web_as(lead)
    html = client.get("/reports/service_quality/", {"period": PERIOD}).content.decode()
    assert "参加服务礼仪培训" in html and "agent2" not in html  # another team: not in scope
    rows = _sheet_rows(
        client.get("/reports/service_quality/report.xlsx", {"period": PERIOD}).content, 1
    )
    assert rows[2][1:3] == ["本月两次服务态度投诉", "参加服务礼仪培训"]
    pdf = client.get("/reports/service_quality/report.pdf", {"period": PERIOD}).content
    assert {ord(c) for c in "参加服务礼仪培训"} <= pdf_text_codes(pdf)
