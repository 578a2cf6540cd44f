"""Issue 23 §1, satisfaction targets (SAT-1, decision §9.12): each target names the figure it
reads. The 4S plan's 「客户满意度CSI全年至少93%以上」 is a CSI (mean ÷ maximum); the property
office's 「业主满意率达到96%以上」 and the vehicle maker's 「服务满意率98%以上」 are satisfied rates
(answers in the top two points)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Invalid
from kefu.surveys import metrics, selectors, services
from kefu.surveys.models import SurveyTarget


@pytest.fixture
def answered(make_ticket, close, questionnaire, answers_for):
    state = {}

    def _answer(actor, *scores):
        if actor.business_line_id not in state:
            state[actor.business_line_id] = questionnaire(actor.business_line)
        invitation = services.invite_after_close(close(make_ticket(actor), actor))
        services.response_submit(
            invitation=invitation,
            answers=answers_for(state[actor.business_line_id], *scores),
            channel="after_close",
        )

    return _answer


def _month():
    return selectors.parse_results_period({"period": timezone.localdate().strftime("%Y-%m")})


def test_sat1_defaults_name_their_figure():
    assert metrics.default_targets("property") == {
        "csi": None,
        "satisfied": Decimal("96"),
        "nps": None,
    }
    auto = metrics.default_targets("auto")
    assert auto["csi"] == Decimal("93") and auto["satisfied"] == Decimal("98")
    assert metrics.default_targets("ecommerce")["csi"] == Decimal("93")


def test_sat1_property_96_reads_the_satisfied_rate_not_the_csi(wy_agent, answered):
    """Scores 4 of 5 and 9 of 10: CSI (80 % + 90 %) ÷ 2 = 85 %, every answer in the top two
    points, satisfied rate 100 %: 业主满意率 ≥ 96 % is met although the CSI is 85 %."""
    answered(wy_agent, 4, 9)
    r = selectors.results_for(user=wy_agent, period=_month(), group="team")
    assert r.total.csi == Decimal("85.00")
    assert r.total.satisfied == Decimal("100.00")
    assert r.target is None and r.met is None
    assert r.satisfied_target == Decimal("96") and r.satisfied_met is True
    assert [(c.figure, c.target, c.met) for c in r.checks] == [("satisfied", Decimal("96"), True)]
    (row,) = r.rows
    assert row.all_met is True
    assert [(c.figure, c.met) for c in row.checks] == [("satisfied", True)]


def test_sat1_satisfied_rate_of_exactly_96_meets_the_property_target():
    """24 answers in the top two points of 25 = 96.00 % meets 业主满意率 ≥ 96 %; 23 of 25 misses."""
    targets = metrics.default_targets("property")
    stat = metrics.QuestionStat(1, "", 5, count=25, total=110, top_two=24)
    (check,) = metrics.target_checks(metrics.compute([stat]), targets)
    assert (check.figure, check.value, check.met) == ("satisfied", Decimal("96.00"), True)
    stat = metrics.QuestionStat(1, "", 5, count=25, total=110, top_two=23)
    (check,) = metrics.target_checks(metrics.compute([stat]), targets)
    assert (check.value, check.met) == (Decimal("92.00"), False)


def test_sat1_property_satisfied_rate_below_96_is_missed(wy_agent, answered):
    """5 and 10, then 3 and 9: 3 of 4 answers satisfied = 75 % < 96 %."""
    answered(wy_agent, 5, 10)
    answered(wy_agent, 3, 9)
    r = selectors.results_for(user=wy_agent, period=_month(), group="team")
    assert r.total.satisfied == Decimal("75.00")
    assert r.satisfied_met is False
    assert r.rows[0].all_met is False


def test_sat1_auto_csi_93_and_satisfied_98_are_read_separately(org, answered):
    """4S desk: 5 and 10 twice, 4 and 8 once: CSI (93.33 % + 93.33 %) ÷ 2 = 93.33 % ≥ 93 % met;
    5 of 6 answers in the top two points = 83.33 % < 98 % missed."""
    agent4s = make_user("agent4s", "agent", team=org.s4_front)
    answered(agent4s, 5, 10)
    answered(agent4s, 5, 10)
    answered(agent4s, 4, 8)
    r = selectors.results_for(user=agent4s, period=_month(), group="team")
    assert r.total.csi == Decimal("93.33")
    assert r.total.satisfied == Decimal("83.33")
    assert {c.figure: c.met for c in r.checks} == {"csi": True, "satisfied": False}
    assert r.rows[0].all_met is False


def test_sat1_target_set_each_figure_optional_but_one_required(manager):
    target = services.target_set(actor=manager, business_line=manager.business_line, satisfied="96")
    assert (target.csi, target.satisfied) == (None, Decimal("96.00"))
    with pytest.raises(Invalid):
        services.target_set(actor=manager, business_line=manager.business_line)
    assert SurveyTarget.objects.get(pk=target.pk).satisfied == Decimal("96.00")


def test_sat1_results_page_says_which_figure_each_target_reads(
    wy_agent, answered, web_as, settings
):
    answered(wy_agent, 4, 9)
    body = (
        web_as(wy_agent)
        .get(reverse("surveys:results"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "满意率 ≥ 96%" in body
    assert "最高两档" in body  # the satisfied rate is explained as the top two points
    body = (
        web_as(wy_agent).get(reverse("surveys:results"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Satisfied rate ≥ 96%" in body
    assert "Satisfied rate (answers in the top two points)" in body


def test_sat1_results_api_lists_targets_with_their_figure(wy_agent, answered, api_as):
    answered(wy_agent, 4, 9)
    body = api_as(wy_agent).get("/api/v1/surveys/results", {"group": "team"}).json()
    assert body["target"] is None
    assert body["targets"] == [
        {"figure": "satisfied", "target": "96", "value": "100.00", "met": True}
    ]
    assert body["rows"][0]["targets"][0]["figure"] == "satisfied"
