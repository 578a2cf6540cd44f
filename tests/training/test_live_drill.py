"""PK-3's live drill on a practice queue: a trainer sets practice tickets, a trainee works them
(each timed by the server from the previous close), the run is graded against the handling each
ticket called for, and the trainer's score is the certification's drill component. Practice
tickets are never tickets, so no KPI, report or SLA figure can count them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.tickets.models import Ticket
from kefu.training import drill, drill_services
from kefu.training.models import DrillRun, PracticalScore

pytestmark = pytest.mark.django_db
LINES = ["退款：收到的面霜瓶子碎了，要退款", "", "补发: 少发了一支眼霜", "escalate: 我要投诉到平台"]


def test_practice_tickets_are_parsed_and_bad_lines_are_named():
    cases = drill.parse_cases(LINES)
    assert [c["outcome"] for c in cases] == ["refund", "reship", "escalate"]
    assert cases[1]["message"] == "少发了一支眼霜"
    for bad, line in [(["退货 收到破损"], 1), (["", "改价：便宜点"], 2), (["退款：  "], 1)]:
        with pytest.raises(drill.CaseError) as caught:
            drill.parse_cases(bad)
        assert caught.value.line == line
    with pytest.raises(drill.CaseError):
        drill.parse_cases(["退款：x"] * 21)


def test_a_trainee_works_the_queue_timed_by_the_server_and_the_trainer_scores(lead, agent):
    practice = drill_services.drill_create(actor=lead, title="双11 售后演练", lines=LINES)
    with pytest.raises(PermissionDenied):
        drill_services.drill_create(actor=agent, title="x", lines=LINES)
    with pytest.raises(Invalid):
        drill_services.drill_create(actor=lead, title="x", lines=["改价：便宜点"])
    t0 = timezone.now()
    run = drill_services.run_start(actor=agent, practice=practice, now=t0)
    run = drill_services.ticket_close(
        actor=agent,
        run=run,
        case=1,
        reply="马上补发",
        outcome="reship",
        now=t0 + dt.timedelta(seconds=40),
    )
    with pytest.raises(Conflict):  # the same ticket from a second tab
        drill_services.ticket_close(actor=agent, run=run, case=1, reply="x", outcome="reship")
    with pytest.raises(Invalid):
        drill_services.ticket_close(actor=agent, run=run, case=9, reply="x", outcome="reship")
    with pytest.raises(Invalid):
        drill_services.ticket_close(actor=agent, run=run, case=0, reply="x", outcome="discount")
    with pytest.raises(Conflict):  # not finished: nothing to score yet
        drill_services.run_score(actor=lead, run=run, score=80, version=run.version)
    run = drill_services.ticket_close(
        actor=agent,
        run=run,
        case=0,
        reply="为您退款",
        outcome="refund",
        now=t0 + dt.timedelta(seconds=60),
    )
    run = drill_services.ticket_close(
        actor=agent,
        run=run,
        case=2,
        reply="为您解释规则",
        outcome="explain",
        now=t0 + dt.timedelta(seconds=150),
    )
    assert [w["seconds"] for w in run.work] == [40.0, 20.0, 90.0]
    assert (run.correct, float(run.median_seconds)) == (2, 40.0)  # escalate was called for
    with pytest.raises(Conflict):
        drill_services.ticket_close(actor=agent, run=run, case=2, reply="x", outcome="refund")
    with pytest.raises(PermissionDenied):
        drill_services.run_score(actor=agent, run=run, score=90, version=run.version)
    scored = drill_services.run_score(actor=lead, run=run, score=75, version=run.version)
    assert (float(scored.score), scored.scored_by) == (75.0, lead)
    with pytest.raises(StaleWrite):
        drill_services.run_score(actor=lead, run=run, score=90, version=1)
    assert PracticalScore.objects.filter(user=agent, kind="drill", passed=True).count() == 1
    assert not Ticket.objects.exists()  # a practice ticket is never a ticket


def test_another_teams_trainer_may_not_score_and_a_lead_never_their_own(lead, agent2, org):
    practice = drill_services.drill_create(actor=lead, title="演练", lines=["退款：破了"])
    run = drill_services.run_start(actor=agent2, practice=practice)
    run = drill_services.ticket_close(actor=agent2, run=run, case=0, reply="好的", outcome="refund")
    with pytest.raises(PermissionDenied):  # 售前组 is not the lead's team
        drill_services.run_score(actor=lead, run=run, score=80, version=run.version)
    own = drill_services.run_start(actor=lead, practice=practice)
    own = drill_services.ticket_close(actor=lead, run=own, case=0, reply="好的", outcome="refund")
    with pytest.raises(PermissionDenied):
        drill_services.run_score(actor=lead, run=own, score=80, version=own.version)


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "实战演练"), ("en", "Live drill")])
def test_the_drill_pages_in_both_languages(web_as, lead, agent, lang, words):
    practice = drill_services.drill_create(actor=lead, title="双11 售后演练", lines=LINES)
    client = web_as(agent)
    page = client.get(reverse("training:drills"), HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200 and words in page.content.decode()
    started = client.post(reverse("training:drill_start", args=[practice.pk]))
    run = DrillRun.objects.get(user=agent)
    assert started.url == reverse("training:drill_run", args=[run.pk])
    for i, outcome in enumerate(["refund", "reship", "escalate"]):
        client.post(
            reverse("training:drill_close", args=[run.pk]),
            {"case": str(i), "reply": "您好", "outcome": outcome},
        )
    page = client.get(reverse("training:drill_run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200 and 'id="drill-result"' in page.content.decode()
    assert client.get(reverse("training:drill_results", args=[practice.pk])).status_code == 403
    client = web_as(lead)
    results = client.get(
        reverse("training:drill_results", args=[practice.pk]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert results.status_code == 200 and results.context["runs"][0].correct == 3
    client.post(reverse("training:drill_score", args=[run.pk]), {"score": "88", "version": "1"})
    run.refresh_from_db()
    assert float(run.score) == 88.0
    bad = client.post(
        reverse("training:drill_create"),
        {"title": "x", "cases": "改价：便宜点"},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert bad.status_code == 400


def test_the_demo_gives_the_trainer_true_drill_results(lead, agent, agent_b, web_as):
    from kefu.demo.training_drill_rows import build_drill_rows

    build_drill_rows(now=timezone.now(), seed=1)
    runs = DrillRun.objects.filter(finished_at__isnull=False)
    assert runs.count() == 2 and all(r.correct >= 1 and r.median_seconds for r in runs)
    page = web_as(lead).get(reverse("training:drill_results", args=[runs[0].drill_id]))
    assert len(page.context["runs"]) == 2
    assert not Ticket.objects.exists()
