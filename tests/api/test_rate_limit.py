"""Rate limits per token (``KEFU_API_RATE`` a minute) with ``RateLimit-*`` headers and a 429 in
the JSON error shape with ``Retry-After``, counted where every process sees it; a request id on
every response (the client's when sane) and in the log lines of that request."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from django.test import Client

from kefu.core import request_id
from kefu.tickets.models import Ticket

URL = "/api/v1/tickets"


@pytest.fixture
def rate(settings):
    settings.KEFU_API_RATE = 3
    return 3


def test_every_api_answer_tells_the_budget(api_as, agent, rate):
    api = api_as(agent)

    answers = [api.get(URL) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["RateLimit-Limit"] for a in answers] == ["3"] * 3
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert all(1 <= int(a["RateLimit-Reset"]) <= 60 for a in answers)
    assert answers[0]["RateLimit-Policy"] == "3;w=60"


def test_past_the_budget_the_answer_is_429_and_nothing_runs(api_as, agent, rate):
    api = api_as(agent)
    for _ in range(3):
        api.get(URL)

    refused = api.post(
        URL,
        {
            "title": "超限",
            "type": "consult",
            "channel": "api",
            "customer_phone": "13599990000",
            "customer_name": "超限",
        },
    )

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert refused.json()["error"]["fields"] == {}
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"
    assert not Ticket.objects.exists()


def test_the_429_is_in_the_callers_language(api_as, agent, rate):
    api = api_as(agent)
    for _ in range(3):
        api.get(URL)

    refused = api.client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert refused.status_code == 429
    assert "请求" in refused.json()["error"]["message"]


def test_each_token_has_its_own_budget(api_as, agent, agent2, rate):
    first, second = api_as(agent), api_as(agent2)
    for _ in range(3):
        first.get(URL)

    assert first.get(URL).status_code == 429
    assert second.get(URL).status_code == 200


def test_answers_without_a_valid_token_are_limited_too(db, rate):
    # a token of its own: the counter lives in Redis (shared by every test worker) under PostgreSQL
    stranger = Client(HTTP_AUTHORIZATION=f"Bearer not-a-token-{uuid.uuid4().hex}")

    answers = [stranger.get(URL) for _ in range(4)]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[0]["RateLimit-Remaining"] == "2"


def test_pages_are_not_counted(web_as, agent, rate):
    client = web_as(agent)

    answers = [client.get("/accounts/me/") for _ in range(5)]

    assert {a.status_code for a in answers} == {200}
    assert "RateLimit-Limit" not in answers[0]


def test_the_limit_holds_across_processes(tmp_path):
    """Two gunicorn workers share one budget: counted in the database (Redis with REDIS_URL)."""
    import httpx
    from hardening.live_server import LiveServer

    server = LiveServer(tmp_path / "live-rate", workers=2, threads=2)
    server.env["KEFU_API_RATE"] = "5"
    try:
        server.migrate()
        tokens = server.call("seed_org")["agents"]
        server.start()
        # the budget is counted in fixed one-minute windows: eight requests that straddle a
        # minute's end get two budgets, so on a busy machine they start at a minute's start,
        # and a straddling try is made again with the other agent (a budget of its own)
        for token in tokens:
            time.sleep(60.5 - time.time() % 60 if time.time() % 60 > 30 else 0)
            minute = int(time.time() // 60)
            statuses = []
            for _ in range(8):
                # a fresh connection each time, so the requests spread over both workers
                with httpx.Client(base_url=server.url, timeout=30) as http:
                    answer = http.get(URL, headers={"Authorization": f"Bearer {token}"})
                    statuses.append(answer.status_code)
            if int(time.time() // 60) == minute:
                break
    finally:
        server.close()
    # the readiness probe of start() came without a token: it is counted apart
    assert statuses.count(200) == 5
    assert statuses[5:] == [429, 429, 429]


# -- request ids -------------------------------------------------------------------------------


def test_every_response_carries_a_request_id(api_as, agent, client):
    api_answer = api_as(agent).get(URL)
    page = client.get("/accounts/login/")
    other = api_as(agent).get(URL)

    assert len(api_answer["X-Request-ID"]) == 32
    assert len(page["X-Request-ID"]) == 32
    assert api_answer["X-Request-ID"] != other["X-Request-ID"]


def test_a_sane_client_request_id_is_kept_and_an_insane_one_replaced(api_as, agent):
    api = api_as(agent)

    kept = api.client.get(URL, HTTP_X_REQUEST_ID="crm-7f3a.42:retry-1")
    replaced = api.client.get(URL, HTTP_X_REQUEST_ID="bad id\r\nX-Evil: 1")
    too_long = api.client.get(URL, HTTP_X_REQUEST_ID="a" * 129)

    assert kept["X-Request-ID"] == "crm-7f3a.42:retry-1"
    assert replaced["X-Request-ID"] != "bad id\r\nX-Evil: 1"
    assert len(replaced["X-Request-ID"]) == 32
    assert len(too_long["X-Request-ID"]) == 32


def test_the_log_lines_of_a_request_carry_its_id(api_as, agent):
    from django.conf import settings

    stream_records: list[str] = []
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])

    class Keep(logging.Handler):
        def emit(self, record):
            stream_records.append(formatter.format(record))

    handler = Keep()
    handler.addFilter(request_id.RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        answer = api_as(agent).client.get(f"{URL}/999999", HTTP_X_REQUEST_ID="trace-404-abc")
    finally:
        logger.removeHandler(handler)

    assert answer.status_code == 404
    assert answer["X-Request-ID"] == "trace-404-abc"
    assert any("[trace-404-abc]" in line and "Not Found" in line for line in stream_records)
    assert request_id.current() == "-"  # nothing carries over to what runs next
