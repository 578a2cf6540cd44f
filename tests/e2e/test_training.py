"""Training in a real browser (issue 19 "Must show"): a request is filed, approved, given a
trainer and archived; an agent passes a timed exam and the typing test, is certified, and can
then be assigned a ticket in the gated queue (refused before: 未上岗)."""

from __future__ import annotations

import pytest
from testkit import PASSWORD
from training.kit import xlsx

from kefu.tickets.models import Ticket
from kefu.training import services
from kefu.training.models import CertificationGrant, Question, TrainingRequest

pytestmark = pytest.mark.e2e

BANK = [
    ("单选", "退款时效是几天？", "A.1天|B.3天|C.7天", "B", 1, "售后规范"),
    ("单选", "七天无理由适用于？", "A.生鲜|B.服装", "B", 1, "售后规范"),
    ("判断", "客户情绪激动时应先安抚。", "", "对", 1, "投诉处理"),
    ("多选", "投诉处理包括？", "A.安抚|B.澄清|C.争辩", "AB", 2, "投诉处理"),
    ("填空", "首问负责人要跟进到____。", "", "结案", 1, "投诉处理"),
]


def _context(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _answer(page, q: Question) -> None:
    if q.kind in ("single", "truefalse"):
        page.check(f"input[name=q{q.pk}][value='{q.answer}']")
    elif q.kind == "multiple":
        for letter in q.answer:
            page.check(f"input[name=q{q.pk}][value='{letter}']")
    else:
        page.fill(f"textarea[name=q{q.pk}]", q.answer.split("|")[0])


def test_training_flow_exam_typing_and_the_gate(
    browser, live_server, org, agent, lead, supervisor, make_ticket
):

    services.questions_import(actor=lead, data=xlsx(BANK))
    cert = services.certification_create(
        actor=lead,
        code="aftersales-duty",
        name="售后上岗认证",
        components=[{"code": "exam", "weight": 2}, {"code": "typing", "weight": 1}],
        validity_days=365,
    )
    services.gate_set(actor=lead, certification=cert, team=org.aftersales1)
    services.exam_create(
        actor=lead,
        title="售后上岗笔试",
        blueprint={"售后规范": 2, "投诉处理": 2},
        time_limit_minutes=10,
        certification=cert,
    )
    ticket = make_ticket(lead, team=org.aftersales1.pk)
    assert ticket.assignee_id is None  # the lead is not certified either

    # the flow: the agent files, the lead approves and assigns a trainer, the trainer archives
    agent_ctx, page = _context(browser, live_server, agent)
    page.goto("/training/requests/")
    page.fill("#request-form [name=topic]", "退款纠纷话术")
    page.click("#request-form button[type=submit]")
    page.wait_for_selector("#request-state")
    req = TrainingRequest.objects.get()
    lead_ctx, lead_page = _context(browser, live_server, lead)
    lead_page.goto(f"/training/requests/{req.pk}/")
    lead_page.click("#approve-form button[type=submit]")
    lead_page.select_option("#trainer", str(supervisor.pk))
    lead_page.click("#assign-form button[type=submit]")
    sup_ctx, sup_page = _context(browser, live_server, supervisor)
    sup_page.goto(f"/training/requests/{req.pk}/")
    sup_page.fill("#attendance", "12")
    sup_page.fill("#materials", "课件")
    sup_page.click("#archive-form button[type=submit]")
    sup_page.wait_for_selector("#request-state")
    req.refresh_from_db()
    assert req.state == "archived" and req.trainer_id == supervisor.pk

    # before certification the lead cannot assign the ticket to the agent
    lead_page.goto(f"/tickets/{ticket.pk}/")
    lead_page.select_option("#transfer-form [name=transfer-assignee]", str(agent.pk))
    lead_page.click("#transfer-form button[type=submit]")
    lead_page.wait_for_load_state()
    assert "未上岗" in lead_page.content()
    ticket.refresh_from_db()
    assert ticket.assignee_id is None

    # the timed exam
    page.goto("/training/exams/")
    page.click("#exams button[type=submit]")
    page.wait_for_selector("#exam-form")
    assert int(page.inner_text("#time-left")) > 500
    attempt = agent.exam_attempts.get()
    for q in Question.objects.filter(pk__in=attempt.questions):
        _answer(page, q)
    page.click("#exam-submit")
    page.wait_for_selector("#exam-passed")

    # the typing test, timed by the server
    page.goto("/training/typing/")
    passage = page.inner_text("#passage")
    page.fill("#typing-form textarea", passage)
    # the live count runs (a static script: the CSP blocks inline ones)
    typed = len("".join(passage.split()))
    page.wait_for_function(f"document.getElementById('typed-count').textContent === '{typed}'")
    page.click("#typing-submit")
    page.wait_for_selector("#typing-passed")
    assert CertificationGrant.objects.filter(user=agent, certification=cert).exists()
    page.goto("/training/")
    assert "已上岗" in page.inner_text("#duty")

    # now the lead can give the agent the ticket
    lead_page.goto(f"/tickets/{ticket.pk}/")
    lead_page.select_option("#transfer-form [name=transfer-assignee]", str(agent.pk))
    lead_page.click("#transfer-form button[type=submit]")
    lead_page.wait_for_load_state()
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk
    for ctx in (agent_ctx, lead_ctx, sup_ctx):
        ctx.close()
