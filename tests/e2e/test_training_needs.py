"""TRN-8 in Chromium: an agent files a half-year need, the lead files one for a colleague who
had not, agrees to the agent's, and the roll-up counts both people; in Chinese and English
(screenshots in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from testkit import PASSWORD

from kefu.training import needs
from kefu.training.models import HalfYearNeed

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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


def test_half_year_needs_filed_reviewed_and_rolled_up(
    transactional_db, browser, live_server, org, agent, agent_b, lead
):
    ARTIFACTS.mkdir(exist_ok=True)
    year, half = needs.next_half(timezone.localdate())
    page = _page(browser, live_server, agent, "zh-CN")
    page.goto("/training/needs/")
    page.fill("#need-topic", "投诉处理")
    page.select_option("#need-source", "qa")
    page.fill("#need-note", "质检：未先安抚情绪")
    page.click("#need-form button[type=submit]")
    page.wait_for_selector("#needs-own >> text=投诉处理")
    assert "待组长审核" in page.inner_text("#needs-own")
    page.screenshot(path=str(ARTIFACTS / "training-needs-agent-zh.png"), full_page=True)

    for locale, lang in (("zh-CN", "zh"), ("en-US", "en")):
        page = _page(browser, live_server, lead, locale)
        page.goto("/training/needs/")
        if lang == "zh":
            row = page.locator("#needs-board tr[data-person=agent_b]")
            assert "未填报" in row.inner_text()
            page.select_option("#need-person", label="agent_b")
            page.fill("#need-topic", " 投诉处理")
            page.click("#need-form button[type=submit]")
            page.wait_for_selector("#needs-board tr[data-person=agent_b] >> text=投诉处理")
            mine = page.locator("#needs-board tr[data-person=agent]")
            mine.get_by_role("button", name="同意").click()
            page.wait_for_selector("#needs-board tr[data-person=agent] >> text=已同意")
        cells = page.locator("#needs-rollup tbody tr").first.locator("td").all_inner_texts()
        assert cells[:3] == ["投诉处理", "2", "1"]
        page.screenshot(path=str(ARTIFACTS / f"training-needs-lead-{lang}.png"), full_page=True)
    assert HalfYearNeed.objects.filter(year=year, half=half).count() == 2
