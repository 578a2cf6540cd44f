"""A KPI evaluation whose indicators the platform measures, in a real browser, zh-hans and en
(issue 18 §2): while it is being scored the page shows the total the live values give now; the
lead signs it, and the page then shows the frozen total, who signed and when."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone
from testkit import PASSWORD

from kefu.followups.models import CallbackTask
from kefu.quality import services, services_kpi
from kefu.quality.models_kpi import KpiEvaluation
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.e2e
WORDS = {
    "zh-hans": {"sign": "签署考核", "signed": "签署：实测值已冻结", "draft": "评分中"},
    "en": {
        "sign": "Sign the evaluation",
        "signed": "the live values are frozen",
        "draft": "Being scored",
    },
}


def _sign_in(page, user, language) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_lead_signs_an_evaluation_with_live_indicators(
    transactional_db, page, screenshot, org, supervisor, lead, agent, make_ticket, language
):
    words = WORDS[language]
    for i in range(3):
        ticket = Ticket.objects.get(pk=make_ticket(agent, type="consult", title=f"咨询{i}").pk)
        ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )
    CallbackTask.objects.filter(owner=agent).delete()  # the cadence's own, days from now
    scheme = services.scheme_create(
        actor=supervisor, business_line=org.shop, name="客服月度综合考核", staff_role="cs",
        period=timezone.localdate().replace(day=1),
        indicators=[
            {"name": "处理工单数", "target": "≥ 4", "weight": 60},
            {"name": "报表质量", "kind": "rating", "target": "优秀", "weight": 40},
        ],
    )  # fmt: skip
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    rows = {r.evaluator_type: r for r in ev.scores.all()}
    services_kpi.evaluation_score(actor=agent, row=rows["self"], score=80)
    services_kpi.evaluation_score(actor=lead, row=rows["manager"], score=90)

    _sign_in(page, lead, language)
    page.goto(f"/quality/kpi/evaluations/{ev.pk}/")
    page.wait_for_selector(f'html[lang="{language}"]')
    # 3 of 4 handled → 75 × 60 % + the evaluators' 87 × 40 % = 45 + 34.8
    assert page.inner_text("#evaluation-score").strip() == "79.80"
    assert words["draft"] in page.inner_text("#evaluation-status")
    screenshot(f"quality-kpi-evaluation-draft-{language}")
    assert page.inner_text("#sign-evaluation").strip() == words["sign"]
    page.click("#sign-evaluation")
    page.wait_for_selector(f"text={words['signed']}")
    assert page.locator("#sign-evaluation").count() == 0
    assert page.inner_text("#evaluation-score").strip() == "79.80"
    screenshot(f"quality-kpi-evaluation-signed-{language}")
    ev.refresh_from_db()
    assert (ev.status, str(ev.score), ev.signed_by) == ("signed", "79.80", lead)
    assert KpiEvaluation.objects.get(pk=ev.pk).live_frozen[0]["value"] == "3"
