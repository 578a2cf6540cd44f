"""The 月处罚汇总表 in a real browser (issue 18 "Must show", the part of the quality app): a lead
deducts for a rude-service complaint, the supervisor signs the scorecard off, the manager
(company leadership) tabulates the month, signs it — the summary is then locked — and exports it
as .xlsx."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pdftext import pdf_text_codes
from testkit import PASSWORD

from kefu.followups.models import GradeChange
from kefu.quality import services
from kefu.quality.models import PenaltySummary, Scorecard

pytestmark = pytest.mark.e2e


def _sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_deduct_sign_off_then_sign_and_export_the_penalty_summary(
    transactional_db,
    page,
    screenshot,
    org,
    agent,
    lead,
    supervisor,
    manager,
    make_customer,
    make_ticket,
):
    services.rules_seed(actor=None, business_line=org.shop)
    ticket = make_ticket(agent, type="complaint", title="客服态度差")
    GradeChange.objects.create(
        ticket=ticket,
        business_line=org.shop,
        department=ticket.department,
        team=ticket.team,
        before="ordinary",
        after="repeat",
        rule="supervisor",
        reason="多次回访未解决",
    )

    _sign_in(page, lead)
    page.goto("/quality/scorecards/")
    page.click("summary:has-text('登记扣分')")
    page.select_option("#d-user", str(agent.pk))
    page.select_option("#d-rule", label="服务态度恶劣遭投诉 (−5/次)")
    page.fill("#d-reason", "顾客投诉接待语气生硬，经核实有效")
    page.click("#deduct-form button")
    page.wait_for_selector("#card-score")
    assert page.inner_text("#card-score").strip() == "95"
    page.click("#card-sign")
    page.wait_for_selector("text=组长已签字")

    _sign_in(page, supervisor)
    card = Scorecard.objects.get(user=agent)
    page.goto(f"/quality/scorecards/{card.pk}/")
    page.click("#card-sign")
    page.wait_for_selector("text=主管已签核（已冻结）")

    _sign_in(page, manager)
    page.goto("/quality/penalties/")
    page.click("#summary-build")
    page.wait_for_selector("#summary-status")
    assert page.inner_text("#summary-total").strip() == "50"
    page.click("#summary-advance")
    page.wait_for_selector("text=公司领导已签字")
    assert page.locator("#summary-build").count() == 0  # signed: locked
    screenshot("quality-penalty-summary-signed")
    with page.expect_download() as download:
        page.click("#summary-export")
    # the download is saved without an extension, which openpyxl refuses as a path
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [c.value for c in sheet[2]][:5] == ["售后一组", "lead", 1, 0, 50]
    summary = PenaltySummary.objects.get(period=timezone.localdate().replace(day=1))
    assert summary.status == "signed" and summary.signed_by == manager


def test_the_supervisor_tabulates_leadership_signs_the_supervisor_exports_xlsx_and_pdf(
    transactional_db, page, screenshot, org, agent, lead, supervisor, manager, make_ticket
):
    """Issue 18 §3 / issue 22 §4: the supervisor opens the month's 月处罚汇总表 and tabulates it;
    signing is company leadership's (the manager), after which the supervisor can no longer
    tabulate and exports the signed summary as .xlsx and as a PDF in which Chinese renders."""
    for grade in ("repeat", "malignant"):
        ticket = make_ticket(agent, type="complaint", title="多次投诉")
        GradeChange.objects.create(
            ticket=ticket,
            business_line=org.shop,
            department=ticket.department,
            team=ticket.team,
            before="ordinary",
            after=grade,
            rule="supervisor",
            reason="回访不满意",
        )
    _sign_in(page, supervisor)
    page.goto("/quality/penalties/")
    page.click("#summary-build")
    page.wait_for_selector("#summary-status")
    assert page.inner_text("#summary-total").strip() == "250"
    assert page.locator("#summary-advance").count() == 0  # the supervisor does not sign

    _sign_in(page, manager)
    page.goto("/quality/penalties/")
    page.click("#summary-advance")
    page.wait_for_selector("text=公司领导已签字")

    _sign_in(page, supervisor)
    page.goto("/quality/penalties/")
    assert page.inner_text("#summary-status").strip() == "公司领导已签字"
    assert page.locator("#summary-build").count() == 0  # signed: locked
    screenshot("quality-penalty-summary-supervisor")
    with page.expect_download() as xlsx:
        page.click("#summary-export")
    sheet = load_workbook(io.BytesIO(xlsx.value.path().read_bytes())).active
    assert [c.value for c in sheet[1]][:2] == ["责任单位", "负责人"]
    assert [c.value for c in sheet[2]][:5] == ["售后一组", "lead", 1, 1, 250]
    with page.expect_download() as pdf:
        page.click("#summary-pdf")
    body = pdf.value.path().read_bytes()
    assert {ord(c) for c in "月处罚汇总表责任单位售后一组公司领导已签字"} <= pdf_text_codes(body)
