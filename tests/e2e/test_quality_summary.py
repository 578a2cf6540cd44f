"""The 月处罚汇总表 in a real browser (issue 18 "Must show", the part of the quality app): a lead
deducts for a rude-service complaint, the supervisor signs the scorecard off, tabulates the
month and checks it (the issue's "supervisor signs"), the manager (company leadership, ESC-2)
signs it — the summary is then locked — and exports it as .xlsx."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from pdftext import pdf_text_codes
from testkit import PASSWORD

from kefu.core.models import AuditEvent
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
    page.goto("/quality/penalties/")
    page.click("#summary-build")
    page.wait_for_selector("#summary-status")
    assert page.inner_text("#summary-total").strip() == "50"
    page.click("#summary-advance")  # 审核（主管）
    page.wait_for_selector("text=主管已审核")
    assert page.locator("#summary-build").count() == 0  # checked: no longer tabulated again

    _sign_in(page, manager)
    page.goto("/quality/penalties/")
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
    assert summary.checked_by == supervisor


LANGUAGES = {
    "zh-hans": {
        "title": "月处罚汇总表",
        "signed": "公司领导已签字",
        "checked": "主管已审核",
        "check": "审核（主管）",
        "awaits": "下一步由公司领导（审核人以外的经理）办理",
        "header": ["责任单位", "负责人", "重复投诉", "恶性投诉", "处罚金额（元）", "是否执行"],
        "applied": "是",
        "file": "月处罚汇总表-{month}.xlsx",
    },
    "en": {
        "title": "Monthly penalty summary",
        "signed": "Signed by company leadership",
        "checked": "Checked by the supervisor",
        "check": "Check (supervisor)",
        "awaits": "Next step, by company leadership (a manager other than the one who checked it)",
        "header": [
            "Responsible unit",
            "Head",
            "Repeat complaints",
            "Malignant complaints",
            "Penalty (yuan)",
            "Applied",
        ],
        "applied": "Yes",
        "file": "penalty-summary-{month}.xlsx",
    },
}


def _sign_in_speaking(page, user, language: str) -> None:
    _sign_in(page, user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_supervisor_tabulates_leadership_signs_the_supervisor_exports_xlsx_and_pdf(
    transactional_db, page, screenshot, org, agent, lead, supervisor, manager, make_ticket, language
):
    """Issue 18 §3 / issue 22 §4, in both languages: the supervisor opens the month's 月处罚汇总表
    and tabulates it, then checks it; signing is company leadership's (ESC-2: the manager), after which the
    supervisor can no longer tabulate and exports the signed summary as .xlsx (headers, status
    and file name in the supervisor's language; the export audited) and as a PDF in which the
    Chinese unit names render."""
    words = LANGUAGES[language]
    month = timezone.localdate().strftime("%Y-%m")
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
    _sign_in_speaking(page, supervisor, language)
    page.goto("/quality/penalties/")
    page.wait_for_selector(f'html[lang="{language}"]')
    assert words["title"] in page.inner_text("main")
    screenshot(f"quality-penalty-summary-preview-{language}")
    page.click("#summary-build")
    page.wait_for_selector("#summary-status")
    assert page.inner_text("#summary-total").strip() == "250"
    screenshot(f"quality-penalty-summary-draft-{language}")
    # the supervisor checks the draft (the "supervisor signs") …
    assert page.inner_text("#summary-advance").strip() == words["check"]
    page.click("#summary-advance")
    page.wait_for_selector(f"text={words['checked']}")
    assert page.inner_text("#summary-status").strip() == words["checked"]
    assert page.locator("#summary-build").count() == 0  # checked: no longer tabulated again
    assert page.locator("#summary-advance").count() == 0  # the supervisor does not sign
    assert words["awaits"] in page.inner_text("#summary-awaits")  # but is told who does
    screenshot(f"quality-penalty-summary-checked-{language}")

    _sign_in_speaking(page, manager, language)
    page.goto("/quality/penalties/")
    page.click("#summary-advance")
    page.wait_for_selector(f"text={words['signed']}")

    _sign_in_speaking(page, supervisor, language)
    page.goto("/quality/penalties/")
    page.wait_for_selector(f'html[lang="{language}"]')
    assert page.inner_text("#summary-status").strip() == words["signed"]
    assert page.locator("#summary-build").count() == 0  # signed: locked
    screenshot(f"quality-penalty-summary-supervisor-{language}")
    with page.expect_download() as xlsx:
        page.click("#summary-export")
    assert xlsx.value.suggested_filename == words["file"].format(month=month)
    sheet = load_workbook(io.BytesIO(xlsx.value.path().read_bytes())).active
    assert [c.value for c in sheet[1]] == words["header"]
    assert [c.value for c in sheet[2]] == ["售后一组", "lead", 1, 1, 250, words["applied"]]
    summary = PenaltySummary.objects.get()
    assert summary.status == "signed" and summary.signed_by == manager
    assert summary.checked_by == supervisor
    assert AuditEvent.objects.filter(
        action="quality.summary_export", object_id=str(summary.pk), actor=supervisor
    ).exists()
    with page.expect_download() as pdf:
        page.click("#summary-pdf")
    body = pdf.value.path().read_bytes()
    assert {ord(c) for c in "售后一组"} <= pdf_text_codes(body)
    if language == "zh-hans":
        assert {ord(c) for c in "月处罚汇总表责任单位公司领导已签字"} <= pdf_text_codes(body)
