"""Two tabs answering at once (PostgreSQL, threads of one process): the response-time test's
current message is answered once and the typing test is submitted once — one 200, one 409,
one score recorded. The sitting row is locked (SELECT … FOR UPDATE) before it is read."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from kefu.accounts.services import token_create
from kefu.training import chat_services, typing_services
from kefu.training.models import ChatAttempt, PracticalScore

pytestmark = pytest.mark.django_db(transaction=True)
N = 4


def _together(n: int, send) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send(i)
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads of one process writing at once: PostgreSQL")


def _post(raw, url, body):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        url, body, content_type="application/json"
    )


def test_the_last_message_answered_from_two_tabs_at_once_scores_once(lead, agent):
    script = chat_services.script_create(actor=lead, title="响应测试", messages=["在吗？"])
    attempt = chat_services.chat_start(actor=agent, script=script)
    raw = token_create(user=agent, name="t")[1]
    url = f"/api/v1/training/chat/sittings/{attempt.pk}/answers"
    answers = _together(N, lambda i: _post(raw, url, {"position": 0, "answer": f"您好{i}"}))
    codes = sorted(getattr(a, "status_code", a) for a in answers)
    assert codes == [200] + [409] * (N - 1), answers
    assert len(ChatAttempt.objects.get(pk=attempt.pk).turns) == 1
    assert PracticalScore.objects.filter(user=agent, kind="response").count() == 1


def test_a_typing_test_submitted_from_two_tabs_at_once_scores_once(agent):
    sitting = typing_services.sitting_start(actor=agent)
    raw = token_create(user=agent, name="t")[1]
    url = f"/api/v1/training/typing/sittings/{sitting.pk}/submit"
    answers = _together(N, lambda i: _post(raw, url, {"typed": sitting.passage}))
    codes = sorted(getattr(a, "status_code", a) for a in answers)
    assert codes == [200] + [409] * (N - 1), answers
    assert PracticalScore.objects.filter(user=agent, kind="typing").count() == 1
