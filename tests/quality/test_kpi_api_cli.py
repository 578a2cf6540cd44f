"""Read-only API and CLI of appraisal cycles, Delphi surveys and KPI schemes (issue 18 §4):
``kefu quality cycles --json`` and ``kefu quality delphi --json``, /api/v1/quality/cycles,
/delphi, /kpi-schemes and /kpi-evaluations, each in the caller's scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kefu.cli import main
from kefu.quality import services, services_cycle, services_delphi, services_kpi

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality"
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def _cli(capsys, *argv):
    code = main(["quality", *argv])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 and "--json" in argv else out.err)


@pytest.fixture
def cycle(supervisor, org, agent):
    return services_cycle.cycle_create(
        actor=supervisor, team=org.aftersales1, name="11月绩效考核", starts_on=START, ends_on=END
    )


@pytest.fixture
def study(supervisor, org):
    study = services_delphi.study_create(
        actor=supervisor,
        business_line=org.shop,
        name="投诉处理岗胜任力",
        outline="专业能力：信息解读，产品知识\n服务能力: 沟通, 自我管理",
    )
    indicators = list(study.indicators.all())
    for n, scores in enumerate(((5, 4, 5, 4, 3, 2), (4, 5, 4, 5, 2, 3), (5, 3, 5, 4, 3, 1))):
        services_delphi.ratings_record(
            actor=supervisor,
            study=study,
            round_no=1,
            expert=f"专家{n + 1}",
            scores={i.pk: s for i, s in zip(indicators, scores, strict=True)},
        )
    return study


def test_cli_cycles_and_delphi_json_and_bad_input_exit_2(cycle, study, capsys):
    code, data = _cli(capsys, "cycles", "--json")
    assert code == 0 and [c["name"] for c in data["items"]] == ["11月绩效考核"]
    assert data["items"][0]["stage"] == "plan" and data["items"][0]["self_weight"] == 30
    code, data = _cli(capsys, "cycles", "--id", str(cycle.pk), "--json")
    assert code == 0 and data["name"] == "11月绩效考核" and isinstance(data["members"], list)
    assert _cli(capsys, "cycles", "--id", "999999", "--json")[0] == 2
    assert _cli(capsys, "cycles", "--line", "nope", "--json")[0] == 2
    code, data = _cli(capsys, "delphi", "--id", str(study.pk), "--json")
    assert code == 0 and data["rounds"][0]["experts"] == 3
    assert 0 <= data["rounds"][0]["levels"]["2"]["w"] <= 1
    assert _cli(capsys, "delphi", "--id", "999999")[0] == 2


def test_api_cycles_delphi_and_kpi_schemes_in_scope(
    api_as, cycle, study, supervisor, lead, agent, agent2, org
):
    items = api_as(lead).get(f"{URL}/cycles").json()["items"]
    assert [c["id"] for c in items] == [cycle.pk]
    assert api_as(lead).get(f"{URL}/cycles/{cycle.pk}").json()["name"] == "11月绩效考核"
    assert api_as(agent2).get(f"{URL}/cycles/{cycle.pk}").status_code == 404
    assert api_as(supervisor).get(f"{URL}/delphi").json()["items"][0]["id"] == study.pk
    detail = api_as(supervisor).get(f"{URL}/delphi/{study.pk}").json()
    assert detail["rounds"][0]["round"] == 1
    assert api_as(agent).get(f"{URL}/delphi/{study.pk}").status_code == 404
    scheme = services.scheme_create(
        actor=supervisor,
        business_line=org.shop,
        name="客服月度考核",
        staff_role="cs",
        period=START,
        indicators=[{"name": "质检得分", "weight": 100}],
    )
    ev = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    services_kpi.scheme_edit(
        actor=supervisor,
        scheme=scheme,
        name="客服月度考核",
        indicators=[{"name": "回访率", "weight": 100}],
        evaluators=[{"evaluator": "self", "weight": 30}, {"evaluator": "manager", "weight": 70}],
    )
    current = api_as(agent).get(f"{URL}/kpi-schemes").json()["items"]
    assert [(s["revision"], s["indicators"][0]["name"]) for s in current] == [(2, "回访率")]
    every = api_as(agent).get(f"{URL}/kpi-schemes", {"all_versions": "true"}).json()["items"]
    assert sorted(s["revision"] for s in every) == [1, 2]
    got = api_as(agent).get(f"{URL}/kpi-evaluations/{ev.pk}").json()
    assert got["scheme_revision"] == 1 and got["not_scored"] == ["agent", "lead"]
    assert api_as(agent2).get(f"{URL}/kpi-evaluations/{ev.pk}").status_code == 404
