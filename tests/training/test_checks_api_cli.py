"""/api/v1/training and ``kefu training`` for the half-year needs (TRN-8) and the response-time
test's results (PK-3): scope (an agent reads their own, a lead the team's), 4xx with a message
on bad input, 409 on a stale review, and the CLI's stderr and exit code 2."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from kefu.cli import main
from kefu.training import chat_services, need_services, needs
from kefu.training.models import HalfYearNeed

pytestmark = pytest.mark.django_db
MESSAGES = ["在吗？我的快递三天没动了", "能帮我催一下吗", "那能退款吗"]


def _sit(agent, script, seconds):
    at = timezone.now()
    attempt = chat_services.chat_start(actor=agent, script=script, now=at)
    for i, s in enumerate(seconds):
        at += dt.timedelta(seconds=s)
        attempt = chat_services.chat_answer(
            actor=agent, attempt=attempt, position=i, answer="您好，马上为您查询", now=at
        )
    return attempt


def test_needs_are_filed_reviewed_and_listed_through_the_api(agent, agent_b, lead, api_as):
    year, half = needs.next_half(timezone.localdate())
    q = needs.quarters(half)[0]
    filed = api_as(agent).post("/api/v1/training/needs", {"topic": "投诉处理", "quarter": q})
    assert filed.status_code == 201, filed.content
    need = filed.json()
    assert (need["user"], need["year"], need["half"], need["state"]) == (
        "agent",
        year,
        half,
        "filed",
    )
    for_colleague = api_as(lead).post(
        "/api/v1/training/needs", {"person": "agent_b", "topic": "挖需求", "quarter": q}
    )
    assert for_colleague.status_code == 201 and for_colleague.json()["filed_by"] == "lead"
    # an agent reads only their own needs; the lead the team's
    assert [n["topic"] for n in api_as(agent).get("/api/v1/training/needs").json()["items"]] == [
        "投诉处理"
    ]
    team_needs = api_as(lead).get(f"/api/v1/training/needs?year={year}&half={half}").json()
    assert {n["user"] for n in team_needs["items"]} == {"agent", "agent_b"}
    # the person never reviews their own; the lead does; a stale version is 409
    own = api_as(agent).post(f"/api/v1/training/needs/{need['id']}/accept", {"version": 1})
    assert own.status_code == 403
    ok = api_as(lead).post(f"/api/v1/training/needs/{need['id']}/accept", {"version": 1})
    assert ok.status_code == 200 and ok.json()["state"] == "accepted", ok.content
    stale = api_as(lead).post(
        f"/api/v1/training/needs/{need['id']}/decline", {"version": 1, "note": "重复"}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    accepted = api_as(lead).get("/api/v1/training/needs?state=accepted").json()["items"]
    assert [n["id"] for n in accepted] == [need["id"]]


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "须同时填写"), ("en", "year and the half")]
)
def test_a_bad_need_through_the_api_is_4xx_in_the_callers_language_and_files_nothing(
    agent, agent2, api_as, lang, words
):
    half = needs.next_half(timezone.localdate())[1]
    right = needs.quarters(half)[0]
    wrong = next(q for q in (1, 2, 3, 4) if q not in needs.quarters(half))
    api = api_as(agent)
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    no_half = api.post("/api/v1/training/needs", {"topic": "投诉处理", "quarter": 1, "year": 2027})
    assert no_half.status_code == 400 and words in no_half.json()["error"]["message"]
    cases = [
        ({"topic": "投诉处理", "quarter": wrong}, 400),
        ({"topic": "投诉处理", "quarter": 9}, 422),
        ({"topic": "投诉处理", "quarter": right, "person": "nobody"}, 400),
        ({"topic": "投诉处理", "quarter": right, "person": "agent2"}, 403),
        ({"topic": "   ", "quarter": right}, 400),
    ]
    for body, code in cases:
        answer = api.post("/api/v1/training/needs", body)
        assert answer.status_code == code, (body, answer.content)
    assert not HalfYearNeed.objects.exists()
    assert api.post("/api/v1/training/needs/1/approve", {"version": 1}).status_code == 422


def test_the_board_through_the_api_counts_who_filed_and_rolls_up_by_topic(
    org, agent, agent_b, lead, agent2, api_as
):
    year, half = needs.next_half(timezone.localdate())
    q = needs.quarters(half)[1]
    for person in (agent, agent_b):
        need_services.need_file(
            actor=lead, person=person, year=year, half=half, topic="MOT服务技巧", quarter=q
        )
    board = api_as(lead).get(f"/api/v1/training/teams/{org.aftersales1.pk}/needs")
    assert board.status_code == 200, board.content
    data = board.json()
    assert (data["year"], data["half"], data["filed"]) == (year, half, 2)
    assert "lead" in data["not_filed"] and "agent" not in data["not_filed"]
    assert data["rollup"][0]["topic"] == "MOT服务技巧" and data["rollup"][0]["people"] == 2
    assert data["rollup"][0]["second"] == 2
    other_team = api_as(lead).get(f"/api/v1/training/teams/{org.presale.pk}/needs")
    assert other_team.status_code == 404
    own_team = api_as(agent).get(f"/api/v1/training/teams/{org.aftersales1.pk}/needs")
    assert own_team.status_code == 403  # the board is the lead's


def test_chat_results_through_the_api_in_scope_with_the_turns(lead, agent, agent2, api_as):
    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)
    mine = _sit(agent, script, [10, 20, 40])  # median 20 s: passes 30
    _sit(agent2, script, [50, 60, 70])  # another team's agent: fails
    unfinished = chat_services.chat_start(actor=agent, script=script)
    own = api_as(agent).get("/api/v1/training/chat/results").json()["items"]
    assert {r["id"] for r in own} == {mine.pk, unfinished.pk}
    finished = api_as(agent).get("/api/v1/training/chat/results?finished=true").json()["items"]
    assert [(r["user"], r["median_seconds"], r["passed"]) for r in finished] == [
        ("agent", 20.0, True)
    ]
    # the lead sees their team's sittings, not another team's
    team = api_as(lead).get(f"/api/v1/training/chat/results?test={script.pk}").json()["items"]
    assert {r["user"] for r in team} == {"agent"}
    one = api_as(lead).get(f"/api/v1/training/chat/results/{mine.pk}").json()
    assert [t["seconds"] for t in one["turns"]] == [10.0, 20.0, 40.0]
    assert one["turns"][0]["text"] == MESSAGES[0] and one["threshold_seconds"] == 30
    theirs = api_as(agent).get("/api/v1/training/chat/results").json()["items"]
    assert all(r["user"] == "agent" for r in theirs)
    hidden = _sit(agent2, script, [1, 1, 1])
    assert api_as(agent).get(f"/api/v1/training/chat/results/{hidden.pk}").status_code == 404
    tests = api_as(lead).get("/api/v1/training/chat/tests").json()
    assert [(t["title"], t["messages"], t["sittings"], t["passed"]) for t in tests] == [
        ("售后响应测试", 3, 3, 2)
    ]


def test_cli_needs_prints_the_board_and_refuses_bad_input(org, agent, lead, capsys):
    year, half = needs.next_half(timezone.localdate())
    need_services.need_file(
        actor=agent,
        person=agent,
        year=year,
        half=half,
        topic="投诉处理",
        quarter=needs.quarters(half)[0],
    )
    assert main(["training", "needs", str(org.aftersales1.pk), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["team_name"], out["filed"], out["rollup"][0]["topic"]) == (
        "售后一组",
        1,
        "投诉处理",
    )
    assert main(["training", "needs", "售后一组", "--year", str(year), "--half", str(half)]) == 0
    assert json.loads(capsys.readouterr().out)["filed"] == 1
    for bad, words in [
        (["nope"], "no such team"),
        ([str(org.aftersales1.pk), "--year", "2027"], "together"),
        ([str(org.aftersales1.pk), "--year", "2027", "--half", "3"], "--half"),
    ]:
        assert main(["training", "needs", *bad]) == 2
        captured = capsys.readouterr()
        assert words in captured.err and captured.out == ""


def test_cli_chat_results_prints_finished_sittings_and_refuses_bad_input(lead, agent, capsys):
    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)
    _sit(agent, script, [40, 45, 50])
    chat_services.chat_start(actor=agent, script=script)
    assert main(["training", "chat-results", "--user", "agent", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["count"], out["passed"], out["results"][0]["median_seconds"]) == (1, 0, 45.0)
    assert main(["training", "chat-results", "--test", str(script.pk), "--all"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 2
    for bad, words in [
        (["--user", "nobody"], "unknown user"),
        (["--test", "999999"], "no such response-time test"),
        (["--limit", "0"], "--limit"),
        (["--test", "x"], "--test"),
    ]:
        assert main(["training", "chat-results", *bad]) == 2
        assert words in capsys.readouterr().err


def test_the_lead_sees_the_teams_response_time_results_on_the_page(lead, agent, agent2, web_as):
    from django.urls import reverse

    script = chat_services.script_create(actor=lead, title="售后响应测试", messages=MESSAGES)
    _sit(agent, script, [10, 20, 40])
    _sit(agent2, script, [10, 20, 40])  # another team
    page = web_as(lead).get(reverse("training:chat_tests"))
    assert [a.user.username for a in page.context["team_results"]] == ["agent"]
    assert web_as(agent).get(reverse("training:chat_tests")).context["team_results"] == []
