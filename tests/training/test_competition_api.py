"""/api/v1/training/competitions (PK-4, TRN-9): list and detail, the leaderboard with shared
ranks, role-play forms and instant Q&A through the API; a stale version → 409, bad input → 4xx
in zh and en with nothing changed, another line's competition → 404."""

from __future__ import annotations

import pytest
from testkit import make_user

from kefu.training import competition_services as cs
from kefu.training.models import Competition, QuizRound, RoleplayScore

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training/competitions"


def test_list_detail_and_leaderboard_with_shared_ranks(lead, supervisor, agent, agent_b, api_as):
    made = api_as(lead).post(BASE, {"title": "情景演练", "kind": "roleplay"})
    assert made.status_code == 201, made.content
    comp = made.json()
    assert comp["kind"] == "roleplay" and comp["state"] == "open" and comp["version"] == 1
    listed = api_as(agent).get(BASE).json()
    assert [c["id"] for c in listed["items"]] == [comp["id"]]
    detail = api_as(agent).get(f"{BASE}/{comp['id']}").json()
    full = {c["code"]: c["max"] for c in detail["criteria"]}
    assert sum(full.values()) == 100
    # two examiners for agent (100 and 80 → 90), one for agent_b (90): both rank 1
    for examiner, contestant, marks in (
        (lead, agent, full),
        (supervisor, agent, {**full, "needs": 5}),
        (lead, agent_b, {**full, "closing": 5}),
    ):
        scored = api_as(examiner).post(
            f"{BASE}/{comp['id']}/scores", {"contestant": contestant.pk, "marks": marks}
        )
        assert scored.status_code == 201, scored.content
    board = api_as(agent).get(f"{BASE}/{comp['id']}/leaderboard").json()
    assert [(r["rank"], r["username"], r["score"], r["forms"]) for r in board["rows"]] == [
        (1, agent.username, 90.0, 2),
        (1, agent_b.username, 90.0, 1),
    ]
    assert api_as(agent).get(f"{BASE}/{comp['id']}").json()["leaderboard"] == board["rows"]


def test_close_with_a_stale_version_is_409_and_changes_nothing(lead, api_as):
    comp = api_as(lead).post(BASE, {"title": "抢答赛", "kind": "instant"}).json()
    asked = api_as(lead).post(
        f"{BASE}/{comp['id']}/rounds",
        {"version": comp["version"], "question": "退款时效？", "answer": "3天"},
    )
    assert asked.status_code == 201 and asked.json()["number"] == 1
    # the round bumped the version: a close (or a second question) from the old page is stale
    stale = api_as(lead).post(f"{BASE}/{comp['id']}/close", {"version": comp["version"]})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    again = api_as(lead).post(
        f"{BASE}/{comp['id']}/rounds",
        {"version": comp["version"], "question": "首问负责制？", "answer": "跟进到底"},
    )
    assert again.status_code == 409
    assert Competition.objects.get(pk=comp["id"]).state == "open"
    assert QuizRound.objects.filter(competition_id=comp["id"]).count() == 1
    fresh = api_as(lead).get(f"{BASE}/{comp['id']}").json()
    closed = api_as(lead).post(f"{BASE}/{comp['id']}/close", {"version": fresh["version"]})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    twice = api_as(lead).post(f"{BASE}/{comp['id']}/close", {"version": closed.json()["version"]})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "competition_closed"


def test_instant_qa_first_correct_answer_wins_then_409(lead, agent, agent_b, api_as):
    comp = cs.competition_create(actor=lead, title="抢答赛", kind="instant")
    cs.round_open(actor=lead, competition=comp, question="七天无理由从哪天算？", answer="签收次日")
    detail = api_as(agent).get(f"{BASE}/{comp.pk}").json()
    assert detail["rounds"] == [
        {
            "number": 1,
            "question": "七天无理由从哪天算？",
            "closed": False,
            "winner": None,
            "won_at": None,
        }
    ]
    assert "签收次日" not in str(detail)  # the answer never leaves the server
    wrong = api_as(agent_b).post(f"{BASE}/{comp.pk}/answers", {"round": 1, "given": "下单当天"})
    assert wrong.status_code == 201 and wrong.json()["correct"] is False
    right = api_as(agent).post(f"{BASE}/{comp.pk}/answers", {"round": 1, "given": "签收次日"})
    assert right.status_code == 201 and right.json()["correct"] is True
    late = api_as(agent_b).post(f"{BASE}/{comp.pk}/answers", {"round": 1, "given": "签收次日"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "round_won"
    missing = api_as(agent).post(f"{BASE}/{comp.pk}/answers", {"round": 9, "given": "x"})
    assert missing.status_code == 404
    rows = api_as(agent).get(f"{BASE}/{comp.pk}/leaderboard").json()["rows"]
    assert [(r["rank"], r["user"], r["score"]) for r in rows] == [(1, agent.pk, 1.0)]


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "知识竞赛须选定本业务线的一场考试"), ("en", "needs an exam")]
)
def test_bad_input_is_4xx_in_the_callers_language_and_changes_nothing(
    lead, agent, agent_b, api_as, lang, words
):
    api = api_as(lead)
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    no_exam = api.post(BASE, {"title": "知识竞赛", "kind": "contest"})
    assert no_exam.status_code == 400 and words in no_exam.json()["error"]["message"]
    assert api.post(BASE, {"title": "x", "kind": "chess"}).status_code == 422
    assert api_as(agent).post(BASE, {"title": "x", "kind": "instant"}).status_code == 403
    assert not Competition.objects.exists()
    comp = cs.competition_create(actor=lead, title="情景演练", kind="roleplay")
    over = api.post(f"{BASE}/{comp.pk}/scores", {"contestant": agent.pk, "marks": {"opening": 16}})
    assert over.status_code == 400 and "opening" in over.json()["error"]["fields"]
    own = api.post(f"{BASE}/{comp.pk}/scores", {"contestant": lead.pk, "marks": {}})
    assert own.status_code == 403
    by_agent = api_as(agent_b).post(
        f"{BASE}/{comp.pk}/scores", {"contestant": agent.pk, "marks": {}}
    )
    assert by_agent.status_code == 403
    assert not RoleplayScore.objects.exists()


def test_another_lines_competition_is_not_found(org, lead, api_as):
    comp = cs.competition_create(actor=lead, title="抢答赛", kind="instant")
    stranger = make_user("wy-lead", "lead", team=org.wy_front)
    api = api_as(stranger)
    assert api.get(BASE).json()["items"] == []
    for path in (f"{BASE}/{comp.pk}", f"{BASE}/{comp.pk}/leaderboard"):
        assert api.get(path).status_code == 404
    assert api.post(f"{BASE}/{comp.pk}/close", {"version": 1}).status_code == 404
    assert api.get(f"{BASE}/{2**63}").status_code in (404, 422)
