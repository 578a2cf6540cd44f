"""PK-3 in Chromium: the live drill in the real workbench. The trainer starts a drill for a
trainee on the practice team; the trainee opens the practice ticket in the ticket workbench,
answers it with a quick reply (``/`` picks it) and resolves it; the trainer sees the ticket's own
first-response and resolution times and scores the run; the certification with a live-drill
component shows on the trainee's record. In Chinese and English (screenshots in
test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import PASSWORD

from kefu.accounts import services as account_services
from kefu.knowledge.services import phrase_create
from kefu.tickets.models import Ticket, TicketMessage
from kefu.training import drill_services
from kefu.training.models import CertificationGrant, DrillRun
from kefu.training.services import certification_create

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _signed_in(browser, live_server, user, locale):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def test_a_drill_in_the_workbench_is_timed_scored_and_certifies(
    transactional_db, browser, live_server, org, admin_user, lead, agent, agent_b
):
    ARTIFACTS.mkdir(exist_ok=True)
    team = account_services.team_create(
        department=org.aftersales1.department, name="双11演练组", actor=admin_user
    )
    account_services.team_update(
        team=team, actor=admin_user, name=team.name, is_active=True, is_practice=True
    )
    phrase_create(
        actor=lead,
        business_line=org.shop,
        category="售后",
        shortcut="tk",
        title="退款",
        body="{客户姓名}您好，已为您申请退款，请留意到账。",
    )
    certification_create(
        actor=lead,
        code="d11",
        name="双11上岗认证",
        components=[{"code": "drill", "weight": 1, "min_score": 60}],
        threshold=60,
        validity_days=60,
    )
    practice = drill_services.drill_create(
        actor=lead, title="双11 工作台演练", lines=["退款：收到的面霜瓶子碎了，要退款"]
    )
    for trainee, locale, lang in ((agent, "zh-CN", "zh"), (agent_b, "en-US", "en")):
        trainer_ctx, trainer = _signed_in(browser, live_server, lead, locale)
        trainer.goto(f"/training/drills/{practice.pk}/results/")
        trainer.select_option("#wb-trainee", str(trainee.pk))
        trainer.select_option("#wb-team", str(team.pk))
        trainer.click("#workbench-form button[type=submit]")
        trainer.wait_for_selector(".alert-success")
        trainer.screenshot(
            path=str(ARTIFACTS / f"drill-workbench-start-{lang}.png"), full_page=True
        )
        run = DrillRun.objects.get(user=trainee)
        ticket = run.tickets.get().ticket

        ctx, page = _signed_in(browser, live_server, trainee, locale)
        page.goto(f"/training/drills/runs/{run.pk}/")
        page.click(f"#drill-tickets a >> text={ticket.number}")
        page.wait_for_selector("#practice-badge")
        box = page.locator("#id_reply-body")
        box.click()
        box.type("/tk")
        page.locator("#id_reply-body-shortcuts [data-kb-insert]").first.wait_for()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('#id_reply-body').value.includes('退款')")
        page.click("#reply-form button[type=submit]")
        page.wait_for_selector("[data-delivery]")
        page.click("#status-actions button[value=resolved]")
        page.wait_for_function(
            "document.querySelector('#status-actions button[value=closed]') !== null"
        )
        page.screenshot(path=str(ARTIFACTS / f"drill-workbench-ticket-{lang}.png"), full_page=True)
        reply = TicketMessage.objects.get(ticket=ticket, kind="reply")
        assert "已为您申请退款" in reply.body and reply.delivery_status == "recorded"
        ticket = Ticket.all_objects.get(pk=ticket.pk)
        assert ticket.first_response_at and ticket.resolved_at
        ctx.close()

        trainer.goto(f"/training/drills/{practice.pk}/results/")
        times = trainer.inner_text(f"[data-run-times='{run.pk}']")
        assert ticket.number in times and " s" in times
        trainer.fill(f"#score-{run.pk}", "85")
        trainer.click(f"tr[data-run='{run.pk}'] button[type=submit]")
        trainer.wait_for_selector(".alert-success")
        trainer.screenshot(
            path=str(ARTIFACTS / f"drill-workbench-scored-{lang}.png"), full_page=True
        )
        assert CertificationGrant.objects.filter(user=trainee, certification__code="d11").exists()
        trainer.goto(f"/training/people/{trainee.pk}/")
        assert "双11上岗认证" in trainer.inner_text("main")
        trainer.screenshot(
            path=str(ARTIFACTS / f"drill-workbench-record-{lang}.png"), full_page=True
        )
        trainer_ctx.close()
