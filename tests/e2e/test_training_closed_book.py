"""Issue 19 in Chromium: an agent sits a closed-book exam one question at a time, leaves the
window once (the page's script reports it), and sees the departure counted on the result; the
examiner sees it too; the competitions' leaderboards and the 双11 plan's 上岗 column render in
Chinese and English (screenshots in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from testkit import PASSWORD, make_user
from training.kit import BANK, xlsx

from kefu.training import services
from kefu.training.models import Competition, ExamDeparture, Question

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_closed_book_exam_logs_a_departure_and_competitions_render(
    transactional_db, browser, live_server, org, agent, agent_b, lead, supervisor, manager
):
    from kefu.demo.training_rows import build_training_rows
    from kefu.workforce.services import peak_plan_from_template

    for name in ("b1", "b2", "b3"):
        make_user(name, "agent", team=org.aftersales2)
    plan = peak_plan_from_template(actor=manager, business_line=org.shop, year=2026)
    build_training_rows(now=timezone.now(), seed=1, lines={"shop": org.shop})
    services.questions_import(actor=lead, data=xlsx(BANK))
    exam = services.exam_create(
        actor=lead,
        title="供暖新规闭卷考试",
        blueprint={"售后规范": 2, "投诉处理": 1},
        closed_book=True,
        allow_back=False,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        shot = lambda name, page=page, lang=lang: page.screenshot(  # noqa: E731
            path=str(ARTIFACTS / f"training-{name}-{lang}.png"), full_page=True
        )
        candidate = agent if lang == "zh" else agent_b
        _sign_in(page, candidate)
        page.goto("/training/exams/")
        shot("exams")
        page.locator("tr", has_text="供暖新规闭卷考试").get_by_role("button").click()
        page.wait_for_selector("#question-number")
        attempt = candidate.exam_attempts.get(exam=exam)
        first = Question.objects.get(pk=attempt.questions[0])
        assert first.text in page.inner_text("#question-text")
        shot("closed-book-question")
        with page.expect_response(lambda r: "/departures/" in r.url):
            page.evaluate("window.dispatchEvent(new Event('blur'))")
        assert ExamDeparture.objects.filter(attempt=attempt).count() == 1
        page.click("#skip")
        page.wait_for_selector("#question-number")
        assert "2" in page.inner_text("#question-number")
        assert page.locator("#go-back").count() == 0  # no going back
        page.click("#hand-in")
        page.wait_for_selector("#departure-count")
        assert page.inner_text("#departure-count") == "1"
        shot("closed-book-result")
        context.clear_cookies()
        _sign_in(page, lead)
        page.goto("/training/exams/")
        shot("exams-lead")
        page.goto(f"/training/exams/{exam.pk}/attempts/")
        shot("exam-attempts")
        page.locator("#attempts a").first.click()
        page.wait_for_selector("#departures")
        shot("attempt-examiner")
        page.goto("/training/competitions/")
        shot("competitions")
        # the lead opens a role-play contest and fills in the form for a contestant
        page.fill("#c-title", f"情景演练 {lang}")
        page.select_option("#c-kind", "roleplay")
        page.click("#competition-form button[type=submit]")
        page.wait_for_selector("#score-form")
        page.select_option("#contestant", str(candidate.pk))
        for code, mark in (("opening", 15), ("needs", 20), ("solution", 22), ("etiquette", 18)):
            page.fill(f"#m-{code}", str(mark))
        page.fill("#m-closing", "16")  # over the maximum of 15: the browser refuses it
        page.click("#score-form button[type=submit]")
        assert page.locator("#leaderboard tbody tr[data-rank]").count() == 0
        page.fill("#m-closing", "12")
        page.click("#score-form button[type=submit]")
        page.wait_for_selector("#leaderboard tbody tr[data-rank]")
        assert "87" in page.inner_text("#leaderboard")
        shot("competition-roleplay-scoring")
        for comp in Competition.objects.order_by("id"):
            page.goto(f"/training/competitions/{comp.pk}/")
            page.wait_for_selector("#leaderboard")
            shot(f"competition-{comp.kind}")
        context.clear_cookies()
        _sign_in(page, manager)
        page.goto(f"/workforce/peaks/{plan.pk}/")
        page.wait_for_selector("[data-duty]")
        shot("double11-borrowed")
        context.close()
