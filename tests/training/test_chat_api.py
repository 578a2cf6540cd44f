"""The response-time test (PK-3) taken through /api/v1/training as the page takes it: the server
sends one customer message at a time and times each answer from when it sent it (the client
sends no seconds); a replayed or second-tab answer → 409 ``stale``, after the end → 409
``chat_finished``; a sitting is its taker's alone (404 for anyone else, a lead included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.training import chat_services
from kefu.training.models import ChatAttempt, ChatScript, PracticalScore

pytestmark = pytest.mark.django_db
MESSAGES = ["在吗？我的快递三天没动了", "能帮我催一下吗", "那能退款吗"]


@pytest.fixture
def script(lead):
    return chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)


def test_the_api_takes_the_test_message_by_message_timed_by_the_server(
    agent, script, api_as, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    api = api_as(agent)
    started = api.post(f"/api/v1/training/chat/tests/{script.pk}/sittings")
    assert started.status_code == 201, started.content
    sitting = started.json()
    assert (sitting["position"], sitting["message"], sitting["messages"]) == (0, MESSAGES[0], 3)
    assert sitting["turns"] == [] and sitting["finished_at"] is None
    assert MESSAGES[1] not in started.content.decode()  # the next message is not sent yet
    url = f"/api/v1/training/chat/sittings/{sitting['id']}/answers"
    for position, wait in enumerate([10, 20, 40]):
        time_machine.shift(dt.timedelta(seconds=wait))
        # the client cannot claim its own seconds: unknown fields are ignored, the server times
        answer = api.post(url, {"position": position, "answer": "您好，马上为您查询", "seconds": 1})
        assert answer.status_code == 200, answer.content
        sitting = answer.json()
        assert sitting["turns"][-1]["seconds"] == float(wait)
    assert sitting["position"] is None and sitting["message"] is None
    assert (sitting["median_seconds"], sitting["passed"]) == (20.0, True)
    assert [t["text"] for t in sitting["turns"]] == MESSAGES
    score = PracticalScore.objects.get(user=agent, kind="response")
    assert score.passed and score.detail["seconds"] == [10.0, 20.0, 40.0]
    assert AuditEvent.objects.filter(action="training.chat_start", actor=agent).count() == 1
    # the same sitting among the results, as the lead reads it
    assert api.get(f"/api/v1/training/chat/results/{sitting['id']}").json()["passed"] is True


def test_a_slow_sitting_fails_on_the_median(agent, script, api_as, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    api = api_as(agent)
    sitting = api.post(f"/api/v1/training/chat/tests/{script.pk}/sittings").json()
    for position, wait in enumerate([5, 31, 60]):
        time_machine.shift(dt.timedelta(seconds=wait))
        out = api.post(
            f"/api/v1/training/chat/sittings/{sitting['id']}/answers",
            {"position": position, "answer": "好的"},
        ).json()
    assert (out["median_seconds"], out["passed"]) == (31.0, False)


def test_a_replayed_answer_and_an_answer_after_the_end_are_409_and_change_nothing(
    agent, script, api_as
):
    api = api_as(agent)
    sitting = api.post(f"/api/v1/training/chat/tests/{script.pk}/sittings").json()
    url = f"/api/v1/training/chat/sittings/{sitting['id']}/answers"
    assert api.post(url, {"position": 0, "answer": "您好"}).status_code == 200
    replay = api.post(url, {"position": 0, "answer": "您好（第二个标签页）"})
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "stale"
    ahead = api.post(url, {"position": 2, "answer": "跳过"})
    assert ahead.status_code == 409
    attempt = ChatAttempt.objects.get(pk=sitting["id"])
    assert [t.get("answer") for t in attempt.turns] == ["您好", None]
    for position in (1, 2):
        assert api.post(url, {"position": position, "answer": "好的"}).status_code == 200
    after = api.post(url, {"position": 3, "answer": "还在吗"})
    assert after.status_code == 409 and after.json()["error"]["code"] == "chat_finished"
    assert PracticalScore.objects.filter(user=agent, kind="response").count() == 1
    resumed = api.get(f"/api/v1/training/chat/sittings/{sitting['id']}").json()
    assert resumed["finished_at"] is not None and len(resumed["turns"]) == 3


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "必填"), ("en", "Required")])
def test_a_bad_answer_is_4xx_in_the_callers_language_and_times_nothing(
    agent, script, api_as, lang, words
):
    api = api_as(agent)
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    sitting = api.post(f"/api/v1/training/chat/tests/{script.pk}/sittings").json()
    url = f"/api/v1/training/chat/sittings/{sitting['id']}/answers"
    blank = api.post(url, {"position": 0, "answer": "   "})
    assert blank.status_code == 400, blank.content
    assert blank.json()["error"]["fields"]["answer"].startswith(words)
    assert api.post(url, {"position": -1, "answer": "好"}).status_code == 422
    assert api.post(url, {"answer": "好"}).status_code == 422
    assert "answer" not in ChatAttempt.objects.get(pk=sitting["id"]).turns[0]


def test_a_sitting_is_its_takers_alone_and_a_test_of_another_line_is_not_found(
    org, agent, agent_b, lead, wy_agent, script, api_as
):
    sitting = api_as(agent).post(f"/api/v1/training/chat/tests/{script.pk}/sittings").json()
    for other in (agent_b, lead, wy_agent):
        api = api_as(other)
        assert api.get(f"/api/v1/training/chat/sittings/{sitting['id']}").status_code == 404
        answer = api.post(
            f"/api/v1/training/chat/sittings/{sitting['id']}/answers",
            {"position": 0, "answer": "替他答"},
        )
        assert answer.status_code == 404, other.username
    assert "answer" not in ChatAttempt.objects.get(pk=sitting["id"]).turns[0]
    # the property office's agent may not start the shop's test
    assert (
        api_as(wy_agent).post(f"/api/v1/training/chat/tests/{script.pk}/sittings").status_code
        == 404
    )
    assert ChatAttempt.objects.count() == 1


def test_a_lead_sets_a_test_through_the_api_and_an_agent_may_not(agent, lead, api_as):
    created = api_as(lead).post(
        "/api/v1/training/chat/tests",
        {
            "title": "投诉专席响应",
            "messages": ["我要投诉", " ", "你们怎么回事"],
            "threshold_seconds": 20,
        },
    )
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["title"], out["messages"], out["threshold_seconds"]) == ("投诉专席响应", 2, 20)
    assert AuditEvent.objects.filter(action="training.chat_script_create").count() == 1
    refused = api_as(agent).post(
        "/api/v1/training/chat/tests", {"title": "x", "messages": ["在吗"]}
    )
    assert refused.status_code == 403
    for body in (
        {"title": "x", "messages": []},
        {"title": "x", "messages": ["在吗"] * 21},
        {"title": "x", "messages": ["在吗"], "threshold_seconds": 0},
    ):
        assert api_as(lead).post("/api/v1/training/chat/tests", body).status_code == 422, body
    blank = api_as(lead).post("/api/v1/training/chat/tests", {"title": "x", "messages": [" "]})
    assert blank.status_code == 400
    assert ChatScript.objects.count() == 1
