"""KPI schemes edited in pages and kept in versions (issue 18 §2, KPI-1, KPI-4): weights add up
to exactly 100 % or nothing is saved (zh and en message), editing a scheme an evaluation uses
makes the next version and the evaluation keeps the version it was scored with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.quality import services, services_kpi
from kefu.quality.models import KpiScheme

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 12, 1)
ROWS = [
    {"name": "咨询转化率", "formula": "成交订单数 ÷ 咨询人数", "target": "≥ 3%", "weight": 60},
    {
        "name": "平均响应时间",
        "formula": "首次响应用时之和 ÷ 咨询数",
        "target": "≤ 30 秒",
        "weight": 40,
    },
]
DEFAULT_EVALUATORS = [{"evaluator": "self", "weight": 30}, {"evaluator": "manager", "weight": 70}]


def _scheme(supervisor, org, name="客服月度考核"):
    return services.scheme_create(
        actor=supervisor,
        business_line=org.shop,
        name=name,
        staff_role="cs",
        period=MONTH,
        indicators=ROWS,
    )


def test_weights_not_adding_up_to_100_are_refused_in_zh_and_en_and_nothing_changes(supervisor, org):
    scheme = _scheme(supervisor, org)
    bad = [{**ROWS[0], "weight": 60}, {**ROWS[1], "weight": 30}]
    for lang, words in (("en", "must add up to 100 %"), ("zh-hans", "100%")):
        with translation.override(lang), pytest.raises(Invalid) as exc:
            services_kpi.scheme_edit(
                actor=supervisor,
                scheme=scheme,
                name="改名",
                indicators=bad,
                evaluators=DEFAULT_EVALUATORS,
            )
        assert words in str(exc.value.message) + " ".join(map(str, exc.value.fields.values()))
    with translation.override("zh-hans"), pytest.raises(Invalid) as exc:
        services_kpi.scheme_edit(
            actor=supervisor,
            scheme=scheme,
            name="改名",
            indicators=ROWS,
            evaluators=[{"evaluator": "self", "weight": 30}, {"evaluator": "peer", "weight": 60}],
        )
    assert "考评者" in str(exc.value.message) and "90" in str(exc.value.fields["evaluators"])
    scheme.refresh_from_db()
    assert scheme.name == "客服月度考核" and scheme.version == 1
    assert sorted(scheme.indicators.values_list("weight", flat=True)) == [40, 60]


def test_editing_an_unused_scheme_changes_it_in_place(supervisor, org):
    scheme = _scheme(supervisor, org)
    rows = [*ROWS[:1], {**ROWS[1], "weight": 20}, {"name": "质检得分", "weight": 20}]
    six = [
        {"evaluator": "manager", "weight": 40},
        {"evaluator": "peer", "weight": 10},
        {"evaluator": "subordinate", "weight": 10},
        {"evaluator": "self", "weight": 10},
        {"evaluator": "customer", "weight": 20},
        {"evaluator": "expert", "weight": 10},
    ]
    saved = services_kpi.scheme_edit(
        actor=supervisor,
        scheme=scheme,
        name="客服月度考核",
        indicators=rows,
        evaluators=six,
        version=scheme.version,
    )
    assert saved.pk == scheme.pk and saved.revision == 1 and saved.version == 2
    assert saved.indicators.count() == 3
    assert sorted(saved.evaluators.values_list("evaluator", flat=True)) == sorted(
        ["manager", "peer", "subordinate", "self", "customer", "expert"]
    )
    assert AuditEvent.objects.filter(action="quality.scheme_edit").count() == 1
    with pytest.raises(StaleWrite):
        services_kpi.scheme_edit(
            actor=supervisor,
            scheme=scheme,
            name="x",
            indicators=ROWS,
            evaluators=DEFAULT_EVALUATORS,
            version=1,
        )


def test_editing_a_scheme_in_use_makes_version_2_and_the_evaluation_keeps_version_1(
    supervisor, org, lead, agent, web_as
):
    scheme = _scheme(supervisor, org)
    evaluation = services_kpi.evaluation_start(actor=lead, scheme=scheme, person=agent)
    v2 = services_kpi.scheme_edit(
        actor=supervisor,
        scheme=scheme,
        name="客服月度考核",
        indicators=[{**ROWS[0], "weight": 50}, {**ROWS[1], "weight": 50}],
        evaluators=DEFAULT_EVALUATORS,
    )
    scheme.refresh_from_db()
    evaluation.refresh_from_db()
    assert v2.pk != scheme.pk and (v2.revision, v2.is_current) == (2, True)
    assert not scheme.is_current and v2.lineage_id == scheme.pk
    assert evaluation.scheme_id == scheme.pk
    assert sorted(scheme.indicators.values_list("weight", flat=True)) == [40, 60]
    assert sorted(v2.indicators.values_list("weight", flat=True)) == [50, 50]
    assert AuditEvent.objects.filter(action="quality.scheme_version").count() == 1
    with pytest.raises(Conflict):  # the old version is read-only
        services_kpi.scheme_edit(
            actor=supervisor,
            scheme=scheme,
            name="x",
            indicators=ROWS,
            evaluators=DEFAULT_EVALUATORS,
        )
    old_edit = web_as(supervisor).get(f"/quality/kpi/{scheme.pk}/edit/")
    assert old_edit.status_code == 302 and old_edit.url.endswith(f"/quality/kpi/{v2.pk}/edit/")
    # a third version after another evaluation
    services_kpi.evaluation_start(actor=lead, scheme=v2, person=agent)
    v3 = services_kpi.scheme_edit(
        actor=supervisor,
        scheme=v2,
        name="客服月度考核",
        indicators=ROWS,
        evaluators=DEFAULT_EVALUATORS,
    )
    assert v3.revision == 3 and v3.lineage_id == scheme.pk
    assert list(
        services_kpi.versions_of(v3).order_by("revision").values_list("revision", flat=True)
    ) == [1, 2, 3]


def test_only_supervisors_and_managers_of_the_line_edit_schemes(supervisor, org, lead, agent):
    scheme = _scheme(supervisor, org)
    for who in (lead, agent):
        with pytest.raises(PermissionDenied):
            services_kpi.scheme_edit(
                actor=who, scheme=scheme, name="x", indicators=ROWS, evaluators=DEFAULT_EVALUATORS
            )
    assert KpiScheme.objects.get(pk=scheme.pk).version == 1


def test_scheme_pages_create_from_the_library_edit_and_keep_values_on_error(
    web_as, supervisor, org, agent
):
    client = web_as(supervisor)
    page = client.get("/quality/kpi/")
    assert page.status_code == 200
    assert "42 ÷ 1,459 = 2.88 %" in page.content.decode()
    form = {
        "name": "客服十二月",
        "staff_role": "cs",
        "period": "2026-12",
        "ind_name": ["咨询转化率", "客户流失率", ""],
        "ind_kind": ["formula", "formula", "formula"],
        "ind_formula": ["", "", ""],
        "ind_target": ["≥ 3%", "≤ 5%", ""],
        "ind_weight": ["70", "20", ""],
        "ind_rule": ["", "", ""],
        "ev_weight_self": "30",
        "ev_weight_manager": "70",
    }
    bad = client.post("/quality/kpi/new/", form)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "100" in body and 'value="客服十二月"' in body and 'value="≤ 5%"' in body
    assert not KpiScheme.objects.filter(name="客服十二月").exists()
    ok = client.post("/quality/kpi/new/", {**form, "ind_weight": ["70", "30", ""]})
    assert ok.status_code == 302
    scheme = KpiScheme.objects.get(name="客服十二月")
    assert scheme.indicators.get(name="咨询转化率").formula == "成交订单数 ÷ 咨询人数"
    detail = client.get(f"/quality/kpi/{scheme.pk}/")
    assert detail.status_code == 200 and "成交订单数 ÷ 咨询人数" in detail.content.decode()
    edit = client.get(f"/quality/kpi/{scheme.pk}/edit/")
    assert edit.status_code == 200
    agent_client = web_as(agent)
    assert agent_client.get("/quality/kpi/new/").status_code == 403
    assert agent_client.get(f"/quality/kpi/{scheme.pk}/edit/").status_code == 403
    assert agent_client.get(f"/quality/kpi/{scheme.pk}/").status_code == 200
