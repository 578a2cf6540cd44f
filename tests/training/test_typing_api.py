"""The typing test (KPI-5, CE-1) taken through /api/v1/training as the page takes it: the server
hands out the passage and times the test from then to the text's arrival; only such a sitting is
recorded and certifies. ``POST /typing`` and ``POST /quick-reply``, whose passage, seconds and
phrases the client names, calculate and record nothing (they certified anyone before)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.training.models import CertificationGrant, PracticalScore, TypingSitting
from kefu.training.passages import passage_for

pytestmark = pytest.mark.django_db


def test_the_sitting_is_timed_by_the_server_and_recorded(agent, api_as, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    api = api_as(agent)
    started = api.post("/api/v1/training/typing/sittings")
    assert started.status_code == 201, started.content
    sitting = started.json()
    title, passage = passage_for(agent)
    assert (sitting["title"], sitting["passage"], sitting["passed"]) == (title, passage, None)
    n = len(passage)  # 97 characters of the shop's passage
    time_machine.shift(dt.timedelta(seconds=n))
    # n correct characters in n s of the server's clock = 60.0/min: passes the 60 gate;
    # a client's own claim of seconds is not read
    url = f"/api/v1/training/typing/sittings/{sitting['id']}/submit"
    done = api.post(url, {"typed": passage, "seconds": 1})
    assert done.status_code == 200, done.content
    out = done.json()
    assert (out["seconds"], out["correct"], out["chars_per_minute"], out["passed"]) == (
        float(n),
        n,
        60.0,
        True,
    )
    score = PracticalScore.objects.get(user=agent, kind="typing")
    assert score.passed and score.detail["seconds"] == float(n)
    again = api.post(url, {"typed": passage})
    assert again.status_code == 409 and again.json()["error"]["code"] == "typing_finished"
    assert PracticalScore.objects.filter(user=agent, kind="typing").count() == 1
    assert api.get(f"/api/v1/training/typing/sittings/{sitting['id']}").json()["passed"] is True
    assert AuditEvent.objects.filter(action="training.typing_start", actor=agent).exists()
    assert AuditEvent.objects.filter(action="training.typing", actor=agent).count() == 1


def test_one_character_short_in_the_servers_seconds_fails(agent, api_as, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    api = api_as(agent)
    sitting = api.post("/api/v1/training/typing/sittings").json()
    n = len(sitting["passage"])
    time_machine.shift(dt.timedelta(seconds=n))
    out = api.post(
        f"/api/v1/training/typing/sittings/{sitting['id']}/submit",
        {"typed": sitting["passage"][:-1]},
    ).json()
    assert (out["correct"], out["chars_per_minute"] < 60, out["passed"]) == (n - 1, True, False)


def test_a_sitting_is_its_takers_alone(agent, agent_b, lead, wy_agent, api_as):
    sitting = api_as(agent).post("/api/v1/training/typing/sittings").json()
    for other in (agent_b, lead, wy_agent):
        api = api_as(other)
        assert api.get(f"/api/v1/training/typing/sittings/{sitting['id']}").status_code == 404
        submitted = api.post(
            f"/api/v1/training/typing/sittings/{sitting['id']}/submit", {"typed": "您好"}
        )
        assert submitted.status_code == 404, other.username
    assert TypingSitting.objects.get(pk=sitting["id"]).finished_at is None
    assert not PracticalScore.objects.exists()


def test_scores_whose_passage_and_seconds_the_client_names_certify_nobody(agent, lead, api_as):
    from kefu.training.services import certification_create

    certification_create(
        actor=lead,
        code="aftersales-duty",
        name="售后上岗认证",
        components=[
            {"code": "typing", "weight": 1, "min_score": 60},
            {"code": "quick_reply", "weight": 1, "min_score": 60},
        ],
        threshold=60,
        validity_days=365,
    )
    api = api_as(agent)
    fake = api.post(
        "/api/v1/training/typing", {"passage": "好", "typed": "好", "seconds": 0.01, "min_cpm": 1}
    )
    assert fake.status_code == 200 and fake.json()["passed"] is True  # a calculation …
    mine = api.post("/api/v1/training/quick-reply", {"pairs": [{"expected": "好", "typed": "好"}]})
    assert mine.status_code == 200 and mine.json()["passed"] is True
    assert not PracticalScore.objects.filter(user=agent).exists()  # … never a record
    assert not CertificationGrant.objects.filter(user=agent).exists()
