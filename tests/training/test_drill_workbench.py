"""The live drill in the real ticket workbench (PK-3): a trainer opens a run of a drill for a
trainee on a practice team; each case is a practice ticket held by the trainee, who answers and
resolves it in the workbench; the run's times are the tickets' own clocks; once every ticket is
resolved the trainer scores it, which is the certification's ``drill`` component."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accounts import services as account_services
from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_reply, ticket_update
from kefu.training import drill_services, drill_workbench
from kefu.training.models import CertificationGrant, DrillRun, PracticalScore

pytestmark = pytest.mark.django_db
LINES = ["退款：收到的面霜瓶子碎了，要退款", "补发: 少发了一支眼霜"]


@pytest.fixture
def practice_team(org, admin_user):
    team = account_services.team_create(
        department=org.aftersales1.department, name="双11演练组", actor=admin_user
    )
    return account_services.team_update(
        team=team, actor=admin_user, name=team.name, is_active=True, is_practice=True
    )


def _answer(ticket, agent, *, replied_at, resolved_at):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=replied_at):
        ticket_reply(actor=agent, ticket=ticket, body="您好，马上为您处理")
    with mock.patch("django.utils.timezone.now", return_value=resolved_at):
        ticket = Ticket.all_objects.get(pk=ticket.pk)
        ticket_update(
            actor=agent, ticket=ticket, version=ticket.version, changes={"status": "resolved"}
        )


def test_the_run_times_come_from_the_tickets_own_clocks_and_the_score_certifies(
    org, lead, agent, practice_team
):
    from kefu.training.services import certification_create

    certification_create(
        actor=lead,
        code="d11",
        name="双11上岗",
        components=[{"code": "drill", "weight": 1, "min_score": 60}],
        threshold=60,
        validity_days=60,
    )
    practice = drill_services.drill_create(actor=lead, title="双11 售后演练", lines=LINES)
    t0 = timezone.now() - dt.timedelta(hours=1)
    run = drill_workbench.workbench_run_create(
        actor=lead, practice=practice, trainee_id=agent.pk, team_id=practice_team.pk, now=t0
    )
    tickets = [row.ticket for row in run.tickets.order_by("case")]
    assert [(t.is_practice, t.assignee_id, t.team_id) for t in tickets] == [
        (True, agent.pk, practice_team.pk)
    ] * 2
    assert tickets[0].description == "收到的面霜瓶子碎了，要退款"
    assert AuditEvent.objects.filter(action="training.drill_workbench").count() == 1
    with pytest.raises(Conflict):  # not finished: one ticket still open
        drill_services.run_score(actor=lead, run=run, score=80, version=run.version)
    _answer(
        tickets[0],
        agent,
        replied_at=t0 + dt.timedelta(seconds=30),
        resolved_at=t0 + dt.timedelta(seconds=120),
    )
    _answer(
        tickets[1],
        agent,
        replied_at=t0 + dt.timedelta(seconds=50),
        resolved_at=t0 + dt.timedelta(seconds=300),
    )
    run = DrillRun.objects.get(pk=run.pk)
    times = drill_workbench.ticket_times(run)
    assert [(t["first_response"], t["resolution"]) for t in times] == [(30.0, 120.0), (50.0, 300.0)]
    assert drill_workbench.summary(times) == {
        "resolved": 2,
        "median_first_response": 40.0,
        "median_resolution": 210.0,
    }
    with pytest.raises(PermissionDenied):  # the trainee never scores their own drill
        drill_services.run_score(actor=agent, run=run, score=100, version=run.version)
    scored = drill_services.run_score(actor=lead, run=run, score=80, version=run.version)
    assert float(scored.median_seconds) == 210.0
    assert scored.finished_at == t0 + dt.timedelta(seconds=300)
    assert PracticalScore.objects.filter(user=agent, kind="drill", score=80).exists()
    assert CertificationGrant.objects.filter(user=agent, certification__code="d11").exists()


def test_only_a_lead_opens_a_run_for_someone_in_their_scope_on_a_practice_team(
    org, lead, agent, agent2, practice_team
):
    practice = drill_services.drill_create(actor=lead, title="演练", lines=LINES)
    with pytest.raises(PermissionDenied):
        drill_workbench.workbench_run_create(
            actor=agent, practice=practice, trainee_id=agent.pk, team_id=practice_team.pk
        )
    for trainee, team in ((agent2, practice_team), (agent, org.aftersales1), (lead, practice_team)):
        with pytest.raises(Invalid):  # another team's agent, a real team, themselves
            drill_workbench.workbench_run_create(
                actor=lead, practice=practice, trainee_id=trainee.pk, team_id=team.pk
            )
    assert not DrillRun.objects.exists() and not Ticket.all_objects.exists()


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "在工作台演练"), ("en", "Drill in the workbench")]
)
def test_the_trainer_starts_it_and_the_trainee_works_it_in_the_workbench(
    web_as, lead, agent, practice_team, lang, words
):
    practice = drill_services.drill_create(actor=lead, title="双11 售后演练", lines=LINES)
    client = web_as(lead)
    page = client.get(
        reverse("training:drill_results", args=[practice.pk]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert page.status_code == 200 and words in page.content.decode()
    bad = client.post(
        reverse("training:drill_workbench", args=[practice.pk]),
        {"trainee": "x", "team": str(practice_team.pk)},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert bad.status_code == 400 and not DrillRun.objects.exists()
    client.post(
        reverse("training:drill_workbench", args=[practice.pk]),
        {"trainee": str(agent.pk), "team": str(practice_team.pk)},
    )
    run = DrillRun.objects.get(user=agent)
    ticket = run.tickets.order_by("case").first().ticket
    client = web_as(agent)
    own = client.get(reverse("training:drill_run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert own.status_code == 200 and ticket.number in own.content.decode()
    detail = client.get(reverse("tickets:detail", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert detail.status_code == 200


def test_the_demo_has_a_practice_team_with_timed_runs_that_count_nowhere(lead, agent, agent_b):
    from kefu.demo.training_drill_rows import build_workbench_rows

    build_workbench_rows(now=timezone.now(), seed=1)
    runs = DrillRun.objects.filter(team__is_practice=True).order_by("started_at")
    assert runs.count() == 2
    done, open_ = runs.filter(finished_at__isnull=False), runs.filter(finished_at__isnull=True)
    assert done.count() == 1 and open_.count() == 1
    times = drill_workbench.ticket_times(done.get())
    assert all(t["first_response"] and t["resolution"] > t["first_response"] for t in times)
    assert Ticket.all_objects.filter(is_practice=True).count() == 8
    assert not Ticket.objects.exists()  # not one of them counts


def test_the_api_opens_a_workbench_run_and_lists_it_with_its_tickets(
    api_as, lead, agent, practice_team
):
    practice = drill_services.drill_create(actor=lead, title="演练", lines=LINES)
    url = f"/api/v1/training/drills/{practice.pk}/workbench-runs"
    body = {"trainee": agent.pk, "team": practice_team.pk}
    assert api_as(agent).post(url, body).status_code == 403
    bad = api_as(lead).post(url, {"trainee": agent.pk, "team": agent.team_id})
    assert bad.status_code == 400 and "team" in bad.json()["error"]["fields"]
    created = api_as(lead).post(url, body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["workbench"], out["tickets"], out["closed"], len(out["ticket_numbers"])) == (
        True,
        2,
        0,
        2,
    )
    ticket = Ticket.all_objects.get(number=out["ticket_numbers"][0])
    _answer(ticket, agent, replied_at=timezone.now(), resolved_at=timezone.now())
    listed = api_as(lead).get(f"/api/v1/training/drills/{practice.pk}/runs").json()["items"]
    assert [(r["workbench"], r["closed"]) for r in listed] == [(True, 1)]
