"""PK-3 in Chromium: an agent sits the response-time test on a simulated chat: each customer
message arrives after the previous answer, the server times every answer, and the result page
shows the median against the threshold; in Chinese and English (screenshots in
test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.training import chat_services
from kefu.training.models import ChatAttempt, PracticalScore

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MESSAGES = ["在吗？快递三天没动了", "能帮我催一下吗？"]


def test_an_agent_answers_a_simulated_chat_and_passes(
    transactional_db, browser, live_server, org, agent, agent_b, lead
):
    ARTIFACTS.mkdir(exist_ok=True)
    chat_services.script_create(actor=lead, title="售后在线响应测试", messages=MESSAGES)
    for user, locale, lang in ((agent, "zh-CN", "zh"), (agent_b, "en-US", "en")):
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
        page.goto("/training/chat/")
        page.locator("#chat-tests tr", has_text="售后在线响应测试").get_by_role("button").click()
        page.wait_for_selector("#chat-answer")
        assert MESSAGES[1] not in page.inner_text("#chat-turns")
        page.screenshot(path=str(ARTIFACTS / f"training-chat-{lang}.png"), full_page=True)
        for answer in ("您好，马上为您查询", "已为您催促快递"):
            page.fill("#chat-answer", answer)
            page.click("#chat-answer-form button[type=submit]")
            page.wait_for_selector(f"#chat-turns >> text={answer}")
        page.wait_for_selector("#chat-result")
        page.screenshot(path=str(ARTIFACTS / f"training-chat-result-{lang}.png"), full_page=True)
        attempt = ChatAttempt.objects.get(user=user)
        assert attempt.passed and len(attempt.turns) == 2
        assert PracticalScore.objects.get(user=user, kind="response").passed
        context.close()
