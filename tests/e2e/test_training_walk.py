"""Issue 19 in Chromium: every training page walked as agent, lead and supervisor in Chinese and
English (no error page, no lead-only form shown to an agent), the live drill worked by an agent
and scored by the lead, and a series archived on the library's structure page (screenshots in
test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.training import chat_services, drill_services
from kefu.training import course_services as cs
from kefu.training.models import CourseSeries, DrillRun

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PAGES = [
    "/training/",
    "/training/classes/",
    "/training/exams/",
    "/training/competitions/",
    "/training/typing/",
    "/training/chat/",
    "/training/drills/",
    "/training/quick-reply/",
    "/training/library/",
    "/training/projects/",
    "/training/plans/",
    "/training/needs/",
    "/training/requests/",
    "/training/people/",
]
LEAD_ONLY = ["/training/library/structure/", "/training/satisfaction/"]


def _page(browser, live_server, user, locale):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_every_training_page_as_agent_lead_and_supervisor_in_both_languages(
    transactional_db, browser, live_server, org, agent, lead, supervisor
):
    ARTIFACTS.mkdir(exist_ok=True)
    module = cs.module_create(actor=lead, name="客户服务类知识")
    cs.series_create(actor=lead, name="基础电话服务技巧系列", module=module)
    chat_services.script_create(actor=lead, title="售后响应测试", messages=["在吗"])
    drill_services.drill_create(actor=lead, title="双11 售后演练", lines=["退款：破了"])
    for user in (agent, lead, supervisor):
        for locale, lang in (("zh-CN", "zh"), ("en-US", "en")):
            page = _page(browser, live_server, user, locale)
            for url in PAGES + (LEAD_ONLY if user != agent else []):
                answer = page.goto(url)
                assert answer.status == 200, (user.username, lang, url, answer.status)
                text = page.inner_text("main")
                assert "Traceback" not in text and "{%" not in text and "{{" not in text
                if lang == "zh":  # no English tab label or heading left over
                    assert "My training" not in text and "Course library" not in text, url
            if user == agent:
                assert page.goto("/training/library/structure/").status == 403
                page.goto("/training/drills/")
                assert page.locator("#drill-form").count() == 0
            page.context.close()


def test_an_agent_works_the_practice_queue_and_the_lead_scores_it(
    transactional_db, browser, live_server, org, agent, lead
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, live_server, lead, "zh-CN")
    page.goto("/training/drills/")
    page.fill("#drill-title", "双11 售后实战演练")
    page.fill("#drill-cases", "退款：收到的面霜瓶子碎了，要退款\n补发：套装里少了一支眼霜")
    page.click("#drill-form button[type=submit]")
    page.wait_for_url("**/results/")
    page.context.close()

    page = _page(browser, live_server, agent, "zh-CN")
    page.goto("/training/drills/")
    page.get_by_role("button", name="开始").click()
    page.wait_for_url("**/drills/runs/**")
    page.screenshot(path=str(ARTIFACTS / "training-drill-queue-zh.png"), full_page=True)
    for outcome in ("refund", "escalate"):
        card = page.locator("section[data-case]").first
        card.locator("textarea").fill("您好，非常抱歉，这就为您处理")
        card.locator("select").select_option(outcome)
        card.get_by_role("button", name="关闭工单").click()
        page.wait_for_load_state()
    result = page.inner_text("#drill-result")
    assert "2 张练习工单中处理正确 1 张" in result
    page.screenshot(path=str(ARTIFACTS / "training-drill-done-zh.png"), full_page=True)
    page.context.close()

    run = DrillRun.objects.get(user=agent)
    page = _page(browser, live_server, lead, "en-US")
    page.goto(f"/training/drills/{run.drill_id}/results/")
    page.fill(f"#score-{run.pk}", "70")
    page.get_by_role("button", name="Score").click()
    page.wait_for_selector("#drill-results >> text=70")
    page.screenshot(path=str(ARTIFACTS / "training-drill-results-en.png"), full_page=True)
    run.refresh_from_db()
    assert float(run.score) == 70.0


def test_a_lead_archives_a_series_on_the_structure_page(
    transactional_db, browser, live_server, org, lead
):
    ARTIFACTS.mkdir(exist_ok=True)
    module = cs.module_create(actor=lead, name="客户服务类知识")
    series = cs.series_create(actor=lead, name="电话服务基础系列（旧版）", module=module)
    page = _page(browser, live_server, lead, "zh-CN")
    page.goto("/training/library/")
    page.click("#structure-link")
    page.click(f"#series-list tr[data-series='{series.pk}'] a")
    page.click("#series-archive button[type=submit]")
    page.wait_for_selector("#series-state >> text=已归档")
    page.goto("/training/library/structure/")
    page.screenshot(path=str(ARTIFACTS / "training-library-structure-zh.png"), full_page=True)
    assert CourseSeries.objects.get(pk=series.pk).archived
