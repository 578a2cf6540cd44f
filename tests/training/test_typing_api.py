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


PHRASES = [
    ("tk", "退款时效", "亲，退款将在 3 个工作日内原路退回。"),
    ("bf", "补发", "亲，已为您安排补发，请留意物流信息。"),
    ("ys", "延时发货", "亲，您的订单将在 48 小时内发出，请耐心等待。"),
    ("mc", "称呼", "亲爱的{name}，您好！"),  # a placeholder: never asked from memory
]


@pytest.fixture
def phrases(org, supervisor):
    from kefu.knowledge.services import phrase_create

    return [
        phrase_create(
            actor=supervisor,
            business_line=org.shop,
            category="售后",
            shortcut=s,
            title=t,
            body=b,
        )
        for s, t, b in PHRASES
    ]


def test_the_quick_reply_exam_draws_the_phrases_on_the_server_and_records_once(
    agent, phrases, api_as
):
    api = api_as(agent)
    started = api.post("/api/v1/training/quick-reply/sittings")
    assert started.status_code == 201, started.content
    sitting = started.json()
    assert sitting["asked"] == 3 and sitting["passed"] is None
    assert {i["shortcut"] for i in sitting["items"]} == {"tk", "bf", "ys"}  # not mc
    assert "原路退回" not in started.content.decode()  # the text is not handed out
    bodies = {s: b for s, _t, b in PHRASES}
    # full-width punctuation and spaces are normalised; the last one is typed with a word short
    typed = [bodies[i["shortcut"]].replace("，", ",").replace(" ", "") for i in sitting["items"]]
    typed[-1] = typed[-1][:-3]
    url = f"/api/v1/training/quick-reply/sittings/{sitting['id']}/submit"
    done = api.post(url, {"typed": typed})
    assert done.status_code == 200, done.content
    out = done.json()
    assert [i["matched"] for i in out["items"]] == [True, True, False]
    assert (out["matched"], out["passed"]) == (2, False)
    assert out["items"][0]["expected"] == bodies[out["items"][0]["shortcut"]]
    again = api.post(url, {"typed": [bodies[i["shortcut"]] for i in sitting["items"]]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "quick_reply_finished"
    assert list(
        PracticalScore.objects.filter(user=agent, kind="quick_reply").values_list(
            "passed", flat=True
        )
    ) == [False]


def test_a_complete_quick_reply_sitting_passes_and_bad_input_records_nothing(
    agent, agent_b, phrases, api_as
):
    api = api_as(agent)
    sitting = api.post("/api/v1/training/quick-reply/sittings").json()
    url = f"/api/v1/training/quick-reply/sittings/{sitting['id']}/submit"
    bodies = {s: b for s, _t, b in PHRASES}
    assert api.post(url, {"typed": ["只有一条"]}).status_code == 400  # one per phrase
    assert api_as(agent_b).post(url, {"typed": ["x", "y", "z"]}).status_code == 404
    assert (
        api_as(agent_b).get(f"/api/v1/training/quick-reply/sittings/{sitting['id']}").status_code
        == 404
    )
    assert not PracticalScore.objects.filter(kind="quick_reply").exists()
    out = api.post(url, {"typed": [bodies[i["shortcut"]] for i in sitting["items"]]}).json()
    assert (out["matched"], out["passed"]) == (3, True)


def test_a_line_without_phrases_has_no_quick_reply_exam(agent, api_as):
    answer = api_as(agent).post("/api/v1/training/quick-reply/sittings")
    assert answer.status_code == 400 and answer.json()["error"]["message"]
