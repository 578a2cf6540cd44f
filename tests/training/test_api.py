"""/api/v1/training: the typing test scored by the server, the status, the request flow and a
timed exam whose late submission the server refuses (409 ``exam_time_over``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_kpi5_typing_through_the_api_is_scored_by_the_server(agent, api_as):
    api = api_as(agent)
    text = "您好请问有什么可帮您" * 12  # 120 characters
    answer = api.post("/api/v1/training/typing", {"passage": text, "typed": text, "seconds": 120})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "chars_per_minute": 60.0,
        "correct": 120,
        "typed": 120,
        "accuracy": 1.0,
        "passed": True,
    }
    bad = api.post("/api/v1/training/typing", {"passage": text, "typed": text, "seconds": 0})
    assert bad.status_code == 422


def test_trn4_the_flow_through_the_api_and_own_review_refused(agent, lead, api_as):
    created = api_as(lead).post("/api/v1/training/requests", {"topic": "投诉处理"})
    assert created.status_code == 201
    req = created.json()
    own = api_as(lead).post(
        f"/api/v1/training/requests/{req['id']}/approve", {"version": req["version"]}
    )
    assert own.status_code == 403
    other = api_as(agent).post("/api/v1/training/requests", {"topic": "话术"}).json()
    ok = api_as(lead).post(
        f"/api/v1/training/requests/{other['id']}/approve", {"version": other["version"]}
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    stale = api_as(lead).post(
        f"/api/v1/training/requests/{other['id']}/assign",
        {"version": other["version"], "trainer": lead.pk},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"


def test_trn9_exam_paper_then_late_submission_is_409(lead, agent, bank, api_as, time_machine):
    from kefu.training.services import exam_create

    exam = exam_create(
        actor=lead, title="售后规范", blueprint={"售后规范": 2}, time_limit_minutes=5
    )
    time_machine.move_to(timezone.now(), tick=False)
    api = api_as(agent)
    started = api.post(f"/api/v1/training/exams/{exam.pk}/attempts")
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert len(attempt["questions"]) == 2 and "answer" not in attempt["questions"][0]
    time_machine.shift(dt.timedelta(minutes=6))
    late = api.post(f"/api/v1/training/attempts/{attempt['id']}/submit", {"answers": {}})
    assert late.status_code == 409 and late.json()["error"]["code"] == "exam_time_over"


def test_status_of_someone_outside_scope_is_404(agent, agent2, api_as):
    assert api_as(agent).get("/api/v1/training/status/agent").status_code == 200
    assert api_as(agent).get("/api/v1/training/status/agent2").status_code == 404
