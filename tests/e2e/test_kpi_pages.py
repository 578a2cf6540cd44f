"""Browser: a supervisor edits a KPI scheme in use (wrong weights refused, then saved as
version 2), a lead sees who has not scored an evaluation, an agent submits a work log with a
carried-over task, a supervisor reassigns a QA review; each page in zh-hans and en."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import PASSWORD, make_user

from kefu.inspections import services as qa
from kefu.inspections.models import Review
from kefu.quality import services, services_kpi
from kefu.quality.models import Scorecard

ROWS = [
    {"name": "咨询转化率", "formula": "成交订单数 ÷ 咨询人数", "target": "≥ 3%", "weight": 60},
    {
        "name": "平均响应时间",
        "formula": "首次响应用时之和 ÷ 咨询数",
        "target": "≤ 30 秒",
        "weight": 40,
    },
]


def _sign_in(browser, live_server, user, locale):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _shot(page, name):
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "test-artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_kpi_versions_evaluation_worklog_and_reassignment_in_both_languages(
    browser, live_server, org, supervisor, lead, agent, agent_b
):
    services.rules_seed(actor=None, business_line=org.shop)
    scheme = services.scheme_create(
        actor=supervisor,
        business_line=org.shop,
        name="客服专员月度考核",
        staff_role="cs",
        period=timezone.localdate().replace(day=1),
        indicators=ROWS,
    )
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    services_kpi.evaluation_score(actor=agent, row=ev.scores.get(evaluator_type="self"), score=80)
    services_kpi.worklog_submit(
        actor=agent,
        day=timezone.localdate() - dt.timedelta(days=1),
        content="回访打压客户 6 位",
        plan=["发送电子版水路图", "统计昨日水工积分卡"],
    )
    lead2 = make_user("lead2", "lead", team=org.presale)
    lead3 = make_user("lead3", "lead", team=org.aftersales2)
    review = Review.objects.create(
        business_line=org.shop,
        department=agent.department,
        team=agent.team,
        form=qa.seed_forms(org.shop)[0],
        source="random",
        agent=agent,
        reviewer=lead2,
        period=timezone.localdate().replace(day=1),
    )

    # zh-hans: the writes
    context, page = _sign_in(browser, live_server, supervisor, "zh-CN")
    page.goto(f"/quality/kpi/{scheme.pk}/edit/")
    assert page.is_visible("#in-use-note")
    page.locator("input[name=ind_weight]").nth(1).fill("30")
    page.click("#scheme-save")
    page.wait_for_selector(".alert-danger, .alert-error, [role=alert]")
    assert "100" in page.content() and "首次响应用时之和" in page.content()
    _shot(page, "kpi-scheme-weights-refused-zh")
    page.locator("input[name=ind_weight]").nth(1).fill("40")
    page.locator("input[name=ind_name]").nth(2).fill("质检得分")
    page.locator("input[name=ind_weight]").nth(2).fill("0")
    page.locator("input[name=ind_weight]").nth(0).fill("50")
    page.locator("input[name=ind_weight]").nth(2).fill("10")
    page.click("#scheme-save")
    page.wait_for_selector("#scheme-version")
    assert "2" in page.inner_text("#scheme-version")
    _shot(page, "kpi-scheme-version2-zh")
    page.goto(f"/qa/reviews/{review.pk}/")
    page.select_option("#reassign-reviewer", value=str(lead3.pk))
    page.fill("#reassign-reason", "lead2 休假")
    page.click("#reassign-form button[type=submit]")
    page.wait_for_selector("text=lead3")
    _shot(page, "qa-review-reassigned-zh")
    context.close()

    context, page = _sign_in(browser, live_server, lead, "zh-CN")
    page.goto(f"/quality/kpi/evaluations/{ev.pk}/")
    assert "lead" in page.inner_text("#not-scored")
    _shot(page, "kpi-evaluation-not-scored-zh")
    context.close()

    context, page = _sign_in(browser, live_server, agent, "zh-CN")
    page.goto("/quality/worklogs/")
    boxes = page.locator("#planned-tasks input[type=checkbox]")
    boxes.nth(0).check()
    page.locator("#planned-tasks input[type=text], #planned-tasks input:not([type])").nth(1).fill(
        "水工未交卡，明天补"
    )
    page.fill("#w-content", "接待 8 位顾客")
    page.fill("#w-plan", "打印塑封水路图")
    _shot(page, "worklog-form-zh")
    page.click("#worklog-submit")
    page.wait_for_selector("#worklog-done")
    _shot(page, "worklog-submitted-zh")
    context.close()
    assert Scorecard.objects.get(user=agent).score == 98

    # en: the same pages read
    for user, path, name in (
        (supervisor, "/quality/kpi/", "kpi-schemes-en"),
        (supervisor, f"/quality/kpi/{scheme.pk}/edit/", "kpi-scheme-edit-en"),
        (supervisor, f"/quality/kpi/{scheme.pk}/", "kpi-scheme-v1-en"),
        (lead, f"/quality/kpi/evaluations/{ev.pk}/", "kpi-evaluation-en"),
        (lead, "/quality/worklogs/", "worklogs-lead-en"),
        (agent, "/quality/kpi/evaluations/", "kpi-evaluations-agent-en"),
        (
            lead3 := type(lead).objects.get(username="lead3"),
            f"/qa/reviews/{review.pk}/",
            "qa-review-en",
        ),
    ):
        context, page = _sign_in(browser, live_server, user, "en-US")
        page.goto(path)
        assert "Server Error" not in page.content()
        _shot(page, name)
        context.close()
    context, page = _sign_in(browser, live_server, supervisor, "zh-CN")
    page.goto("/quality/kpi/")
    _shot(page, "kpi-schemes-zh")
    page.goto(f"/qa/reviews/{review.pk}/")
    _shot(page, "qa-review-zh")
    context.close()
    context, page = _sign_in(browser, live_server, agent, "en-US")
    page.goto("/quality/worklogs/")
    _shot(page, "worklogs-agent-en")
    context.close()
