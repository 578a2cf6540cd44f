"""A 360-degree appraisal cycle with all six of PM-2's evaluator types, planned in a real browser
in both languages: the supervisor plans the cycle with the team lead among the appraisees and
weighs self, direct manager, peers, subordinates, a customer and an external expert."""

from __future__ import annotations

import pytest
from django.conf import settings
from testkit import PASSWORD

from kefu.quality import services_cycle as cycles
from kefu.quality.models_cycle import AppraisalCycle

pytestmark = pytest.mark.e2e
WEIGHTS = {"self": 20, "manager": 40, "peer": 10, "subordinate": 10, "customer": 10, "expert": 10}
SAVED = {"zh-hans": "评价人已保存", "en": "The evaluators are saved"}
WAITING = {"zh-hans": "1 人中已有 0 人评分", "en": "0 of 1 have scored"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_supervisor_plans_a_cycle_with_its_lead_and_six_evaluator_types(
    transactional_db, page, screenshot, org, supervisor, lead, agent, agent_b, language
):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
    )
    page.goto("/quality/cycles/")
    page.wait_for_selector(f'html[lang="{language}"]')
    page.click("details summary")
    page.fill("#c-name", "四季度360度考核")
    page.select_option("#c-team", str(org.aftersales1.pk))
    page.check("#c-lead")
    page.click("#cycle-create")
    page.wait_for_selector("#evaluators-form")
    for kind, weight in WEIGHTS.items():
        page.fill(f"#ev-{kind}", str(weight))
    page.fill("#evn-customer", "客户代表王女士")
    page.fill("#evn-expert", "外聘礼仪讲师")
    page.fill("#evs-subordinate", "1")  # one of the two agents, drawn once, scores the lead
    page.click("#evaluators-save")
    page.wait_for_selector(f"text={SAVED[language]}")
    screenshot(f"quality-cycle-six-evaluators-{language}")
    if language == "zh-hans":  # the weights' help (its msgid has a "%") reads in Chinese
        assert "权重填 0 即不采用该类评价人" in page.inner_text("main")

    cycle = AppraisalCycle.objects.get(name="四季度360度考核")
    assert set(cycle.members.values_list("user__username", flat=True)) == {
        "agent",
        "agent_b",
        "lead",
    }
    assert {p["type"]: float(p["weight"]) for p in cycle.evaluator_plan} == WEIGHTS
    assert page.input_value("#ev-subordinate") == "10"
    assert page.input_value("#evs-subordinate") == "1"
    sample = next(p for p in cycle.evaluator_plan if p["type"] == "subordinate")["sample"]
    assert sample == 1

    # at the evaluation the page shows who of the lead's subordinates has scored
    cycles.goals_set(actor=supervisor, cycle=cycle, goals="多维度评价服务表现")
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.indicator_add(
        actor=supervisor, cycle=cycle, name="服务礼仪与沟通", measure="六类评价人评分加权",
        target="≥ 80", weight=100, due=cycle.ends_on,
    )  # fmt: skip
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    cycles.briefing_record(
        actor=supervisor, cycle=cycle, held_on=cycle.starts_on, place="培训室", notes="评分尺度"
    )
    cycle = cycles.cycle_advance(actor=supervisor, cycle=cycle)
    page.goto(f"/quality/cycles/{cycle.pk}/")
    block = page.locator(f"#subordinates-{lead.pk}")
    assert WAITING[language] in block.inner_text()
    assert block.locator(".subordinate-waiting").count() == 1
    screenshot(f"quality-cycle-subordinates-{language}")
