"""PK-3: the response-time test on a simulated chat. The server sends each customer message and
times the answer itself; pass = median ≤ the test's threshold (30 s by default); the result is
the certification's ``response`` component, as the typing test is its ``typing`` one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.training import chat_services, response_time, services
from kefu.training.models import CertificationGrant, ChatAttempt, PracticalScore

pytestmark = pytest.mark.django_db
MESSAGES = ["在吗？我的快递三天没动了", "能帮我催一下吗", "那能退款吗"]


def _sit(agent, script, seconds):
    t0 = timezone.now()
    attempt = chat_services.chat_start(actor=agent, script=script, now=t0)
    at = t0
    for i, s in enumerate(seconds):
        at = at + dt.timedelta(seconds=s)
        attempt = chat_services.chat_answer(
            actor=agent, attempt=attempt, position=i, answer="您好，马上为您查询", now=at
        )
    return attempt


def test_the_median_decides_and_equal_to_the_threshold_passes():
    assert response_time.passed([10, 30, 95], 30)  # median 30 s: at the threshold
    assert not response_time.passed([10, 31, 95], 30)
    assert response_time.median([5, 8, 12, 40]) == 10.0
    assert not response_time.passed([], 30)


def test_a_lead_sets_a_test_with_a_default_threshold_and_bad_input_is_refused(lead, agent):
    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)
    assert script.threshold_seconds == 30
    with pytest.raises(PermissionDenied):
        chat_services.script_create(actor=agent, title="x", messages=MESSAGES)
    for bad in ({"messages": []}, {"messages": ["a"] * 21}, {"threshold_seconds": 0}):
        with pytest.raises(Invalid):
            chat_services.script_create(actor=lead, title="x", **{"messages": MESSAGES, **bad})


def test_the_server_times_each_answer_and_the_result_feeds_the_certification(lead, agent):
    from kefu.training.services import certification_create

    cert = certification_create(
        actor=lead,
        code="chat-duty",
        name="在线客服上岗",
        components=[
            {"code": "typing", "weight": 1, "min_score": 60},
            {"code": "response", "weight": 1, "min_score": 60},
        ],
        threshold=60,
    )
    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)
    services._score(agent, agent, "typing", 100, True, {})
    slow = _sit(agent, script, [20, 45, 50])  # median 45 s
    assert (slow.passed, float(slow.median_seconds)) == (False, 45.0)
    assert [t["seconds"] for t in slow.turns] == [20.0, 45.0, 50.0]
    assert not CertificationGrant.objects.filter(user=agent, certification=cert).exists()
    fast = _sit(agent, script, [12, 28, 70])  # median 28 s
    assert fast.passed
    score = PracticalScore.objects.filter(user=agent, kind="response").first()
    assert score.passed and score.detail["median"] == 28.0
    assert CertificationGrant.objects.filter(user=agent, certification=cert).exists()


def test_a_replayed_answer_or_another_persons_is_refused(lead, agent, agent_b):
    script = chat_services.script_create(actor=lead, title="测试", messages=MESSAGES[:1])
    attempt = chat_services.chat_start(actor=agent, script=script)
    with pytest.raises(PermissionDenied):
        chat_services.chat_answer(actor=agent_b, attempt=attempt, position=0, answer="好")
    with pytest.raises(StaleWrite):
        chat_services.chat_answer(actor=agent, attempt=attempt, position=1, answer="好")
    chat_services.chat_answer(actor=agent, attempt=attempt, position=0, answer="好")
    with pytest.raises(Conflict):
        chat_services.chat_answer(actor=agent, attempt=attempt, position=0, answer="好")


def test_the_page_sends_the_messages_one_by_one(web_as, lead, agent):
    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES[:2])
    client = web_as(agent)
    started = client.post(reverse("training:chat_start", args=[script.pk]))
    attempt = ChatAttempt.objects.get(user=agent)
    assert started.url == reverse("training:chat_attempt", args=[attempt.pk])
    page = client.get(started.url).content.decode()
    assert MESSAGES[0] in page and MESSAGES[1] not in page
    answer = reverse("training:chat_answer", args=[attempt.pk])
    client.post(answer, {"position": 0, "answer": "您好"})
    assert MESSAGES[1] in client.get(started.url).content.decode()
    client.post(answer, {"position": 1, "answer": "好的"})
    attempt.refresh_from_db()
    assert attempt.finished_at and attempt.passed  # answered within seconds
    assert web_as(lead).get(started.url).status_code == 404  # a sitting is the candidate's own


def test_demo_sittings_span_half_a_year_with_passes_and_failures(org, agent, agent_b, lead):
    from kefu.demo.training_chat_rows import build_chat_rows

    now = timezone.now()
    build_chat_rows(now=now, seed=4)
    sittings = ChatAttempt.objects.filter(user__in=[agent, agent_b])
    assert sittings.count() >= 2 and all(a.finished_at <= now for a in sittings)
    assert all(len(a.turns) == 5 for a in sittings)
    assert PracticalScore.objects.filter(kind="response").count() == ChatAttempt.objects.count()
