"""The live indicators enter an evaluation's total (issue 18 §2, KPI-4, PM-2): an indicator the
platform measures counts with the score its live value gives, the evaluators' weighted score
stands for the rest; while the evaluation is being scored the total follows the month's data,
and signing freezes the live values with the total. The test recomputes every total from the
ticket and callback rows and the scheme's weights."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.cli import main
from kefu.core.models import AuditEvent
from kefu.followups.models import CallbackTask
from kefu.quality import live_rules, services, services_kpi
from kefu.quality.models_kpi import KpiEvaluation
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def test_combined_score_rule():
    # nothing measured: the evaluators' score (KPI-2 80 × 30 % + 90 × 70 %)
    assert live_rules.combined_score([(Decimal(100), None)], Decimal(87)) == Decimal("87.00")
    # 60 % measured at 50, 40 % judged 90 → 30 + 36
    assert live_rules.combined_score(
        [(Decimal(60), Decimal(50)), (Decimal(40), None)], Decimal(90)
    ) == Decimal("66.00")
    # all measured: the evaluators do not move it
    assert live_rules.combined_score([(Decimal(100), Decimal("72.5"))], None) == Decimal("72.50")
    # a judged part waits for the evaluators
    assert live_rules.combined_score([(Decimal(50), Decimal(1)), (Decimal(50), None)], None) is None


def _cli(capsys, *argv):
    code = main(["quality", *argv])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 and "--json" in argv else out.err)


def _resolve(ticket, actor):
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket = ticket_update(
        actor=actor, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
    )
    # the cadence's own first callback falls 3–7 days on, maybe next month: the test counts
    # only the callbacks it makes itself
    CallbackTask.objects.filter(ticket=ticket).delete()
    return ticket


def _callback(org, agent, ticket, reached: bool):
    today, now = timezone.localdate(), timezone.now()
    return CallbackTask.objects.create(
        business_line=org.shop, customer=ticket.customer, ticket=ticket,
        kind="resolution_first", window_start=today, window_end=today, due_on=today,
        owner=agent, status="done" if reached else "open",
        reached_at=now if reached else None, done_at=now if reached else None,
    )  # fmt: skip


def _expected(agent, ev) -> Decimal:
    """The total recomputed from the rows: handled tickets and reached callbacks of the month,
    each scored against its target, the rating judged by the evaluators."""
    month = timezone.localdate().replace(day=1)
    start = timezone.make_aware(timezone.datetime.combine(month, timezone.datetime.min.time()))
    handled = Ticket.objects.filter(assignee=agent, resolved_at__gte=start).count()
    due = CallbackTask.objects.filter(owner=agent, attempt=1)
    reached = due.filter(reached_at__isnull=False).count()
    handled_score = min(Decimal(100), Decimal(handled) / 4 * 100)
    callback_score = min(Decimal(100), Decimal(reached) / due.count() * 100)
    judged = ev.evaluators_score
    return ((40 * handled_score + 30 * callback_score + 30 * judged) / 100).quantize(
        Decimal("0.01")
    )


def test_live_values_feed_the_total_and_signing_freezes_them(
    web_as, api_as, org, supervisor, lead, agent, agent_b, make_ticket, capsys
):
    month = timezone.localdate().replace(day=1)
    mine = [make_ticket(agent, type="consult", title=f"咨询{i}") for i in range(5)]
    for ticket in mine[:3]:
        _resolve(ticket, agent)
    _resolve(make_ticket(agent_b, type="consult", title="别人的"), agent_b)  # not theirs
    open_ones = [make_ticket(agent, type="consult", title=f"待回访{i}") for i in range(2)]
    _callback(org, agent, open_ones[0], reached=True)
    _callback(org, agent, open_ones[1], reached=False)
    scheme = services.scheme_create(
        actor=supervisor, business_line=org.shop, name="客服月度综合考核", staff_role="cs",
        period=month,
        indicators=[
            {"name": "处理工单数", "target": "≥ 4", "weight": 40},
            {"name": "回访率", "target": "≥ 100 %", "weight": 30},
            {"name": "报表质量", "kind": "rating", "target": "优秀", "weight": 30},
        ],
    )  # fmt: skip
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    rows = {r.evaluator_type: r for r in ev.scores.all()}
    lead_api = api_as(lead)
    url = f"/api/v1/quality/kpi-evaluations/{ev.pk}"

    # signing before every evaluator has scored: 409, nothing changes
    r = lead_api.post(f"{url}/sign", {"version": ev.version})
    assert r.status_code == 409 and KpiEvaluation.objects.get(pk=ev.pk).status == "draft"

    services_kpi.evaluation_score(actor=agent, row=rows["self"], score=80)
    ev = services_kpi.evaluation_score(actor=lead, row=rows["manager"], score=90)
    assert ev.evaluators_score == Decimal("87.00")

    # a draft: 3 handled of 4 → 75, 1 of 2 callbacks → 50, the rating judged 87
    got = lead_api.get(url).json()
    assert got["status"] == "draft" and got["evaluators_score"] == 87.0
    assert (got["measured_weight"], got["judged_weight"]) == (70.0, 30.0)
    live = {i["figure"]: i for i in got["live"]}
    assert (live["handled"]["value"], live["handled"]["score"]) == (3.0, 75.0)
    assert (live["callback_rate"]["numerator"], live["callback_rate"]["denominator"]) == (1, 2)
    assert live["callback_rate"]["score"] == 50.0 and live["handled"]["counted"]
    assert _expected(agent, ev) == Decimal("71.10")  # 40×75 + 30×50 + 30×87, ÷ 100
    assert got["score"] == 71.1

    # the month's data moves a draft's total: a fourth ticket handled → 100 for that indicator
    _resolve(mine[3], agent)
    got = lead_api.get(url).json()
    assert got["score"] == float(_expected(agent, ev)) == 81.1

    # the appraisee and an agent may not sign; a stale version is a 409
    assert api_as(agent).post(f"{url}/sign", {"version": ev.version}).status_code == 403
    assert lead_api.post(f"{url}/sign", {"version": ev.version - 1}).status_code == 409
    r = lead_api.post(f"{url}/sign", {"version": ev.version})
    assert r.status_code == 200, r.content
    signed = r.json()
    assert (signed["status"], signed["score"], signed["signed_by"]) == ("signed", 81.1, "lead")
    ev.refresh_from_db()
    assert ev.score == Decimal("81.10") and len(ev.live_frozen) == 2
    assert (
        AuditEvent.objects.filter(action="quality.evaluation_sign", object_id=str(ev.pk)).count()
        == 1
    )
    assert lead_api.post(f"{url}/sign", {"version": ev.version}).status_code == 409

    # later data does not move a signed score: the second callback reached, a fifth ticket
    CallbackTask.objects.filter(owner=agent, reached_at__isnull=True).update(
        reached_at=timezone.now(), status="done"
    )
    _resolve(mine[4], agent)
    assert _expected(agent, ev) == Decimal("96.10")  # what a draft would show now: 40 + 30 + 26.1
    got = lead_api.get(url).json()
    assert got["score"] == 81.1
    live = {i["figure"]: i for i in got["live"]}
    assert (live["callback_rate"]["numerator"], live["callback_rate"]["value"]) == (1, 50.0)
    assert live["handled"]["value"] == 4.0

    # the page in both languages: the frozen total, who signed, what counted
    client = web_as(lead)
    for lang, words in (
        ("en", ["Signed by", "Total score", "81.1", "stands for the other 30 %"]),
        ("zh-hans", ["签署", "总分", "81.1", "其余 30 %"]),
    ):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        html = client.get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
        for word in words:
            assert word in html, (lang, word)
        assert 'id="sign-evaluation"' not in html
    listing = client.get("/quality/kpi/evaluations/").content.decode()
    assert "81.1" in listing

    # the CLI signs too, and refuses bad input or a refused signature with exit code 2
    other = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent_b)
    assert _cli(capsys, "kpi-sign", str(other.pk), "--user", "lead")[0] == 2  # not scored
    assert _cli(capsys, "kpi-sign", "x", "--user", "lead")[0] == 2
    parts = {r.evaluator_type: r for r in other.scores.all()}
    services_kpi.evaluation_score(actor=agent_b, row=parts["self"], score=60)
    services_kpi.evaluation_score(actor=lead, row=parts["manager"], score=60)
    code, got = _cli(capsys, "kpi-sign", str(other.pk), "--user", "lead", "--json")
    # agent_b handled one ticket (25 against 4), no callback due (judged): 40×25 + 60×60 → 46
    assert code == 0 and (got["status"], got["score"]) == ("signed", 46.0)
    assert _cli(capsys, "kpi-sign", str(other.pk), "--user", "lead")[0] == 2  # signed already


def test_the_draft_page_shows_the_moving_total_and_the_sign_button(
    web_as, org, supervisor, lead, agent, make_ticket
):
    month = timezone.localdate().replace(day=1)
    for i in range(2):
        _resolve(make_ticket(agent, type="consult", title=f"咨询{i}"), agent)
    scheme = services.scheme_create(
        actor=supervisor, business_line=org.shop, name="工作量考核", staff_role="cs",
        period=month,
        indicators=[
            {"name": "处理工单数", "target": "≥ 4", "weight": 50},
            {"name": "工作态度", "kind": "rating", "target": "良好", "weight": 50},
        ],
    )  # fmt: skip
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    rows = {r.evaluator_type: r for r in ev.scores.all()}
    services_kpi.evaluation_score(actor=agent, row=rows["self"], score=70)
    ev = services_kpi.evaluation_score(actor=lead, row=rows["manager"], score=80)
    # 2 of 4 handled → 50; judged 70×.3 + 80×.7 = 77; total 50×.5 + 77×.5 = 63.5
    client = web_as(lead)
    for lang, words in (
        ("en", ["Being scored", "63.5", "Sign the evaluation", "50 % of the weight"]),
        ("zh-hans", ["63.5", "签署考核", "50 %"]),
    ):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        html = client.get(f"/quality/kpi/evaluations/{ev.pk}/").content.decode()
        for word in words:
            assert word in html, (lang, word)
    r = client.post(f"/quality/kpi/evaluations/{ev.pk}/sign/", {"version": ev.version - 1})
    assert r.status_code == 302 and KpiEvaluation.objects.get(pk=ev.pk).status == "draft"
    client.post(f"/quality/kpi/evaluations/{ev.pk}/sign/", {"version": ev.version})
    ev.refresh_from_db()
    assert (ev.status, ev.score) == ("signed", Decimal("63.50"))
    assert json.loads(json.dumps(ev.live_frozen))[0]["value"] == "2"
