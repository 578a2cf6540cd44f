"""The live drill on a practice queue (PK-3) through /api/v1/training: the line's drills listed
without the answer key, a lead sets one, a trainee works it timed by the server, the trainer
reads the runs of their scope and records a run's score (stale ``version`` → 409), which is the
``drill`` component; another team's run or another line's drill → 404, an agent's score → 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.training import drill_services
from kefu.training.models import DrillRun, PracticalScore, PracticeDrill

pytestmark = pytest.mark.django_db
LINES = ["退款：收到的面霜瓶子碎了，要退款", "补发: 少发了一支眼霜", "升级：我要投诉到平台"]


def _work(api, drill_id, outcomes):
    run = api.post(f"/api/v1/training/drills/{drill_id}/runs").json()
    for case, outcome in enumerate(outcomes):
        run = api.post(
            f"/api/v1/training/drill-runs/{run['id']}/tickets",
            {"case": case, "reply": "您好，马上处理", "outcome": outcome},
        ).json()
    return run


def test_a_lead_sets_a_drill_and_the_list_keeps_the_answer_key_back(lead, agent, api_as):
    created = api_as(lead).post(
        "/api/v1/training/drills", {"title": "双11 售后演练", "cases": LINES}
    )
    assert created.status_code == 201, created.content
    out = created.json()
    assert [c["outcome"] for c in out["cases"]] == ["refund", "reship", "escalate"]
    assert AuditEvent.objects.filter(action="training.drill_create", actor=lead).count() == 1
    listed = api_as(agent).get("/api/v1/training/drills")
    assert listed.status_code == 200
    item = listed.json()["items"][0]
    assert (item["title"], item["tickets"], item["trainer"], item["runs"]) == (
        "双11 售后演练",
        3,
        "lead",
        0,
    )
    assert item["cases"] is None and "refund" not in listed.content.decode()
    assert (
        api_as(agent).post("/api/v1/training/drills", {"title": "x", "cases": LINES}).status_code
        == 403
    )
    bad = api_as(lead).post("/api/v1/training/drills", {"title": "x", "cases": ["改价：便宜点"]})
    assert bad.status_code == 400 and "cases" in bad.json()["error"]["fields"]
    assert (
        api_as(lead).post("/api/v1/training/drills", {"title": "x", "cases": []}).status_code == 422
    )
    assert PracticeDrill.objects.count() == 1


def test_a_trainee_works_it_timed_by_the_server_and_the_trainer_records_the_score(
    lead, agent, api_as, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    practice = drill_services.drill_create(actor=lead, title="双11 售后演练", lines=LINES)
    api = api_as(agent)
    run = api.post(f"/api/v1/training/drills/{practice.pk}/runs")
    assert run.status_code == 201, run.content
    run = run.json()
    assert run["open"][0]["message"] == "收到的面霜瓶子碎了，要退款" and len(run["open"]) == 3
    assert all(t["expected"] is None for t in run["open"])  # no answer key while working
    url = f"/api/v1/training/drill-runs/{run['id']}/tickets"
    for case, (wait, outcome) in enumerate([(30, "refund"), (50, "explain"), (40, "escalate")]):
        time_machine.shift(dt.timedelta(seconds=wait))
        answer = api.post(url, {"case": case, "reply": "您好，马上处理", "outcome": outcome})
        assert answer.status_code == 200, answer.content
    done = answer.json()
    assert [t["seconds"] for t in done["done"]] == [30.0, 50.0, 40.0]
    assert (done["correct"], done["median_seconds"], done["finished_at"] is not None) == (
        2,
        40.0,
        True,
    )
    again = api.post(url, {"case": 0, "reply": "再来", "outcome": "refund"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "drill_finished"
    # the trainer's results and the score
    runs = api_as(lead).get(f"/api/v1/training/drills/{practice.pk}/runs").json()["items"]
    assert [(r["user"], r["correct"], r["score"]) for r in runs] == [("agent", 2, None)]
    assert api_as(agent).get(f"/api/v1/training/drills/{practice.pk}/runs").status_code == 403
    score_url = f"/api/v1/training/drill-runs/{run['id']}/score"
    assert api_as(agent).post(score_url, {"score": 100, "version": 1}).status_code == 403
    scored = api_as(lead).post(score_url, {"score": 85, "version": 1})
    assert scored.status_code == 200, scored.content
    assert (scored.json()["score"], scored.json()["passed"], scored.json()["scored_by"]) == (
        85.0,
        True,
        "lead",
    )
    stale = api_as(lead).post(score_url, {"score": 50, "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    assert list(
        PracticalScore.objects.filter(user=agent, kind="drill").values_list("score", flat=True)
    ) == [85]
    assert api_as(lead).post(score_url, {"score": 101, "version": 2}).status_code == 422


def test_a_run_not_finished_is_409_and_a_ticket_closed_twice_is_409(lead, agent, api_as):
    practice = drill_services.drill_create(actor=lead, title="演练", lines=LINES)
    api = api_as(agent)
    run = api.post(f"/api/v1/training/drills/{practice.pk}/runs").json()
    url = f"/api/v1/training/drill-runs/{run['id']}/tickets"
    assert api.post(url, {"case": 1, "reply": "补发", "outcome": "reship"}).status_code == 200
    twice = api.post(url, {"case": 1, "reply": "补发", "outcome": "reship"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "ticket_closed"
    assert api.post(url, {"case": 9, "reply": "x", "outcome": "reship"}).status_code == 400
    assert api.post(url, {"case": 0, "reply": "x", "outcome": "discount"}).status_code == 422
    running = api_as(lead).post(
        f"/api/v1/training/drill-runs/{run['id']}/score", {"score": 80, "version": 1}
    )
    assert running.status_code == 409 and running.json()["error"]["code"] == "drill_running"
    assert len(DrillRun.objects.get(pk=run["id"]).work) == 1


def test_runs_and_drills_out_of_scope_are_not_found(lead, agent, agent_b, agent2, wy_agent, api_as):
    practice = drill_services.drill_create(actor=lead, title="演练", lines=LINES)
    mine = _work(api_as(agent), practice.pk, ["refund", "reship", "escalate"])
    theirs = _work(api_as(agent2), practice.pk, ["refund", "reship", "escalate"])  # another team
    # a teammate never reads or works another's run
    assert api_as(agent_b).get(f"/api/v1/training/drill-runs/{mine['id']}").status_code == 404
    closed = api_as(agent_b).post(
        f"/api/v1/training/drill-runs/{mine['id']}/tickets",
        {"case": 0, "reply": "x", "outcome": "refund"},
    )
    assert closed.status_code == 404
    # the lead reads their team's runs only, and scores no other team's
    runs = api_as(lead).get(f"/api/v1/training/drills/{practice.pk}/runs").json()["items"]
    assert [r["user"] for r in runs] == ["agent"]
    other = api_as(lead).post(
        f"/api/v1/training/drill-runs/{theirs['id']}/score", {"score": 90, "version": 1}
    )
    assert other.status_code == 404
    # another line sees no drill of the shop
    other_line = api_as(wy_agent)
    assert other_line.get("/api/v1/training/drills").json()["items"] == []
    assert other_line.post(f"/api/v1/training/drills/{practice.pk}/runs").status_code == 404
    assert not PracticalScore.objects.filter(kind="drill").exists()
