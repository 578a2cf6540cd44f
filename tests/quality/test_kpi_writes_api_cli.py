"""Writes of KPI schemes, KPI evaluations and work logs through /api/v1/quality and
``kefu quality kpi-scheme | kpi-scheme-edit | kpi-evaluate | kpi-score | worklog``: created,
versioned once in use, scored by each evaluator (self 80 + manager 90 → 87), stale versions
refused with 409 (CLI: exit 2), bad input 4xx with nothing written, a carried-over task −2 once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from kefu.cli import main
from kefu.quality import services
from kefu.quality.models import KpiScheme, ScoreEvent
from kefu.quality.models_kpi import KpiEvaluation, WorkLog, WorkTask

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality"
PERIOD = timezone.localdate().strftime("%Y-%m")
SCHEME = {
    "name": "客服月度考核",
    "staff_role": "cs",
    "period": PERIOD,
    "indicators": [
        {"name": "回访率", "target": "≥ 95 %", "weight": 40},
        {"name": "质检得分", "kind": "rating", "weight": 60},
    ],
}


def _cli(capsys, *argv):
    code = main(["quality", *argv])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 and "--json" in argv else out.err)


def test_api_scheme_evaluation_and_scores_self_80_manager_90_is_87(
    api_as, org, supervisor, lead, agent, agent2
):
    as_sup = api_as(supervisor)
    r = as_sup.post(f"{URL}/kpi-schemes", SCHEME)
    assert r.status_code == 201, r.content
    scheme = r.json()
    assert [(e["evaluator"], e["weight"]) for e in scheme["evaluators"]] == [
        ("self", 30.0),
        ("manager", 70.0),
    ]
    # weights not adding up to 100: 400 naming the sum, nothing saved; an agent may not create
    bad = {**SCHEME, "name": "另一个", "indicators": [{"name": "回访率", "weight": 90}]}
    r = as_sup.post(f"{URL}/kpi-schemes", bad)
    assert r.status_code == 400 and "90" in r.json()["error"]["fields"]["indicators"]
    assert api_as(agent).post(f"{URL}/kpi-schemes", {**SCHEME, "name": "x"}).status_code == 403
    assert as_sup.post(f"{URL}/kpi-schemes", {**SCHEME, "staff_role": "pilot"}).status_code == 422
    assert KpiScheme.objects.count() == 1

    r = api_as(lead).post(f"{URL}/kpi-evaluations", {"scheme": scheme["id"], "person": "agent"})
    assert r.status_code == 201, r.content
    ev = r.json()
    assert ev["not_scored"] == ["agent", "lead"]
    # another team's agent is not in the lead's scope
    assert (
        api_as(lead)
        .post(f"{URL}/kpi-evaluations", {"scheme": scheme["id"], "person": "agent2"})
        .status_code
        == 404
    )
    # stale version → 409, nothing scored
    r = api_as(agent).post(
        f"{URL}/kpi-evaluations/{ev['id']}/scores", {"score": 80, "version": ev["version"] + 5}
    )
    assert r.status_code == 409
    r = api_as(agent).post(
        f"{URL}/kpi-evaluations/{ev['id']}/scores", {"score": 80, "version": ev["version"]}
    )
    assert r.status_code == 200 and r.json()["not_scored"] == ["lead"]
    # the agent has no manager's part; a second score of the own part is refused
    got = r.json()
    r = api_as(agent).post(
        f"{URL}/kpi-evaluations/{ev['id']}/scores",
        {"score": 100, "evaluator_type": "manager", "version": got["version"]},
    )
    assert r.status_code == 403
    r = api_as(agent).post(
        f"{URL}/kpi-evaluations/{ev['id']}/scores", {"score": 100, "version": got["version"]}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_scored"
    assert (
        api_as(lead)
        .post(f"{URL}/kpi-evaluations/{ev['id']}/scores", {"score": 101, "version": 0})
        .status_code
        == 422
    )
    r = api_as(lead).post(
        f"{URL}/kpi-evaluations/{ev['id']}/scores", {"score": 90, "version": got["version"]}
    )
    assert r.status_code == 200 and r.json()["score"] == 87.0 and r.json()["not_scored"] == []


def test_api_edit_in_place_then_new_version_once_in_use_stale_is_409(
    api_as, org, supervisor, lead, agent
):
    as_sup = api_as(supervisor)
    scheme = as_sup.post(f"{URL}/kpi-schemes", SCHEME).json()
    edit = {
        "name": "客服月度考核",
        "indicators": [{"name": "CSI", "weight": 100}],
        "evaluators": [{"evaluator": "self", "weight": 20}, {"evaluator": "manager", "weight": 80}],
        "version": scheme["version"],
    }
    r = as_sup.post(f"{URL}/kpi-schemes/{scheme['id']}/versions", edit)
    assert r.status_code == 200 and r.json()["id"] == scheme["id"]  # unused: changed in place
    assert r.json()["revision"] == 1
    assert as_sup.post(f"{URL}/kpi-schemes/{scheme['id']}/versions", edit).status_code == 409
    api_as(lead).post(f"{URL}/kpi-evaluations", {"scheme": scheme["id"], "person": "agent"})
    edit["version"] = r.json()["version"]
    r = as_sup.post(f"{URL}/kpi-schemes/{scheme['id']}/versions", edit)
    assert r.status_code == 201 and r.json()["revision"] == 2 and r.json()["id"] != scheme["id"]
    assert KpiEvaluation.objects.get().scheme_id == scheme["id"]  # keeps version 1
    assert api_as(lead).post(f"{URL}/kpi-schemes/{r.json()['id']}/versions", edit).status_code in (
        403,
        409,
    )


def test_api_worklog_carries_over_with_a_cause_and_costs_2_once(api_as, org, lead, agent):
    services.rules_seed(actor=None, business_line=org.shop)
    as_agent = api_as(agent)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = as_agent.post(
        f"{URL}/worklogs",
        {"day": yesterday, "content": "回访打压卡 12 张", "plan": ["发送水路图", "统计积分卡"]},
    )
    assert r.status_code == 201 and r.json()["submitted_to"] == "lead"
    tasks = as_agent.get(f"{URL}/worklogs/tasks").json()["items"]
    drawing, points = sorted(tasks, key=lambda t: t["id"])
    # a task neither done nor given a cause: 400, nothing written
    r = as_agent.post(f"{URL}/worklogs", {"content": "接待", "done": [drawing["id"]]})
    assert r.status_code == 400 and f"cause_{points['id']}" in r.json()["error"]["fields"]
    assert WorkLog.objects.count() == 1
    r = as_agent.post(
        f"{URL}/worklogs",
        {
            "content": "接待 8 位顾客",
            "done": [drawing["id"]],
            "causes": {str(points["id"]): "水工未交卡"},
        },
    )
    assert r.status_code == 201
    assert [t["carried_from"] for t in r.json()["tasks"]] == [points["id"]]
    event = ScoreEvent.objects.get()
    assert event.points * event.quantity == 2 and event.scorecard.score == 98
    assert as_agent.post(f"{URL}/worklogs", {"content": "again"}).status_code == 409
    assert as_agent.post(f"{URL}/worklogs", {"day": "2026-13-01", "content": "x"}).status_code in (
        400,
        422,
    )


def test_cli_writes_and_bad_input_exit_2(capsys, org, supervisor, lead, agent):
    code, scheme = _cli(
        capsys,
        "kpi-scheme",
        "--user",
        "supervisor",
        "--name",
        "客服月度考核",
        "--staff-role",
        "cs",
        "--period",
        PERIOD,
        "--indicators",
        "回访率=40,质检得分=60",
        "--json",
    )
    assert code == 0 and [i["weight"] for i in scheme["indicators"]] == [40.0, 60.0]
    bad = ("--staff-role", "cs", "--period", PERIOD, "--json")
    code, err = _cli(
        capsys, "kpi-scheme", "--user", "supervisor", "--name", "y", "--indicators", "a=50", *bad
    )
    assert code == 2 and "100" in err
    assert _cli(capsys, "kpi-scheme", "--user", "nobody", "--name", "y", "--indicators", "a=100",
                *bad)[0] == 2  # fmt: skip
    assert _cli(capsys, "kpi-scheme", "--user", "agent", "--name", "y", "--indicators", "a=100",
                *bad)[0] == 2  # fmt: skip
    assert KpiScheme.objects.count() == 1

    code, ev = _cli(
        capsys, "kpi-evaluate", "--user", "lead", "--scheme", str(scheme["id"]), "--person",
        "agent", "--json",
    )  # fmt: skip
    assert code == 0 and ev["not_scored"] == ["agent", "lead"]
    eid = str(ev["id"])
    code, err = _cli(
        capsys, "kpi-score", eid, "--user", "agent", "--score", "80", "--version", "99"
    )
    assert code == 2 and err
    code, got = _cli(capsys, "kpi-score", eid, "--user", "agent", "--score", "80", "--json")
    assert code == 0 and got["not_scored"] == ["lead"]
    assert _cli(capsys, "kpi-score", eid, "--user", "lead", "--score", "abc")[0] == 2
    code, got = _cli(
        capsys, "kpi-score", eid, "--user", "lead", "--score", "90", "--version",
        str(got["version"]), "--json",
    )  # fmt: skip
    assert code == 0 and got["score"] == 87.0

    code, edited = _cli(
        capsys, "kpi-scheme-edit", str(scheme["id"]), "--user", "supervisor", "--version",
        str(scheme["version"]), "--indicators", "CSI=100", "--json",
    )  # fmt: skip
    assert code == 0 and edited["revision"] == 2 and edited["indicators"][0]["name"] == "CSI"
    assert _cli(capsys, "kpi-scheme-edit", str(scheme["id"]), "--user", "supervisor",
                "--version", "1", "--indicators", "CSI=100")[0] == 2  # fmt: skip

    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    code, log = _cli(
        capsys, "worklog", "--user", "agent", "--day", yesterday, "--content", "接待",
        "--plan", "发送水路图;统计积分卡", "--json",
    )  # fmt: skip
    assert code == 0 and log["submitted_to"] == "lead" and len(log["tasks"]) == 2
    first, second = (t["id"] for t in log["tasks"])
    assert (
        _cli(capsys, "worklog", "--user", "agent", "--content", "x", "--done", str(first))[0] == 2
    )
    code, log = _cli(
        capsys, "worklog", "--user", "agent", "--content", "接待", "--done", str(first),
        "--carry", f"{second}=水工未交卡", "--json",
    )  # fmt: skip
    assert code == 0 and [t["carried_from"] for t in log["tasks"]] == [second]
    assert WorkTask.objects.get(pk=second).cause == "水工未交卡"
    assert _cli(capsys, "worklog", "--user", "agent", "--content", "x", "--day", "昨天")[0] == 2
