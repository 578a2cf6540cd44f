"""Delphi rounds stored (CE-1): experts' importance ratings 1–5 per indicator and round, weights
from the normalised means (or entered), Kendall's W per level with χ², df and p per round."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.quality import selectors_delphi, services_delphi
from kefu.quality.models_delphi import DelphiRating

pytestmark = pytest.mark.django_db
OUTLINE = "专业能力：信息解读，产品知识，理解需求\n服务能力: 沟通, 自我管理"
# the four raters over five items (level 2), and their level-1 ratings
LEVEL2 = [(5, 4, 4, 2, 1), (4, 5, 3, 3, 1), (5, 3, 4, 2, 2), (5, 4, 3, 1, 2)]
LEVEL1 = [(5, 4), (5, 4), (4, 5), (5, 3)]


@pytest.fixture
def study(org, supervisor):
    return services_delphi.study_create(
        actor=supervisor, business_line=org.shop, name="投诉处理岗胜任力", outline=OUTLINE
    )


def _rate(supervisor, study, round_no=1):
    first = list(study.indicators.filter(level=1))
    second = list(study.indicators.filter(level=2))
    for n, (l1, l2) in enumerate(zip(LEVEL1, LEVEL2, strict=True)):
        scores = {i.pk: v for i, v in zip(first, l1, strict=True)}
        scores |= {i.pk: v for i, v in zip(second, l2, strict=True)}
        services_delphi.ratings_record(
            actor=supervisor, study=study, round_no=round_no, expert=f"专家{n + 1}", scores=scores
        )


def test_kendall_w_per_level_and_weights_from_normalised_means(study, supervisor):
    _rate(supervisor, study)
    (round1,) = selectors_delphi.rounds(study)
    w2 = round1["levels"][2]["concordance"]
    assert round1["experts"] == ["专家1", "专家2", "专家3", "专家4"]
    assert w2.w == pytest.approx(37 / 44) and w2.chi2 == pytest.approx(13.4545, abs=1e-4)
    assert w2.df == 4 and w2.p_value == pytest.approx(0.00926, abs=1e-5)
    assert round1["levels"][1]["concordance"].df == 1
    rows = {r["indicator"].name: r for r in round1["rows"]}
    # level 1: means 4.75 and 4.0 → 54.285714 % and 45.714286 %
    assert rows["专业能力"]["weight"] == Decimal("54.285714")
    assert rows["服务能力"]["weight"] == Decimal("45.714286")
    # level 2 within 专业能力: means 4.75, 4.0, 3.5 of 12.25
    assert rows["信息解读"]["weight"] == Decimal("38.775510")
    assert rows["信息解读"]["combined"] == Decimal("54.285714") * Decimal("38.775510") / 100
    kids = [r for r in round1["rows"] if r["indicator"].level == 2]
    assert sum(r["combined"] for r in kids) == pytest.approx(100, abs=1e-4)


def test_an_entered_weight_replaces_the_normalised_mean(study, supervisor):
    _rate(supervisor, study)
    head = study.indicators.get(name="专业能力")
    services_delphi.weight_enter(actor=supervisor, indicator=head, weight="60")
    rows = {r["indicator"].name: r for r in selectors_delphi.rounds(study)[0]["rows"]}
    assert rows["专业能力"]["weight"] == 60
    assert rows["信息解读"]["combined"] == Decimal(60) * Decimal("38.775510") / 100


def test_bad_ratings_change_nothing_and_one_questionnaire_per_expert_and_round(
    study, supervisor, lead
):
    ids = list(study.indicators.values_list("pk", flat=True))
    with pytest.raises(Invalid):
        services_delphi.ratings_record(
            actor=supervisor, study=study, round_no=1, expert="专家1", scores=dict.fromkeys(ids, 6)
        )
    with pytest.raises(Invalid):  # one indicator left unrated
        services_delphi.ratings_record(
            actor=supervisor,
            study=study,
            round_no=1,
            expert="专家1",
            scores=dict.fromkeys(ids[1:], 3),
        )
    assert not DelphiRating.objects.exists()
    with pytest.raises(PermissionDenied):
        services_delphi.ratings_record(
            actor=lead, study=study, round_no=1, expert="专家1", scores=dict.fromkeys(ids, 3)
        )
    services_delphi.ratings_record(
        actor=supervisor, study=study, round_no=1, expert="专家1", scores=dict.fromkeys(ids, 3)
    )
    with pytest.raises(Conflict):
        services_delphi.ratings_record(
            actor=supervisor, study=study, round_no=1, expert="专家1", scores=dict.fromkeys(ids, 4)
        )
    # a second round is stored apart
    _rate(supervisor, study, round_no=2)
    assert [r["round"] for r in selectors_delphi.rounds(study)] == [1, 2]


def test_the_survey_page_shows_each_rounds_w_in_chinese_and_agents_get_404(
    web_as, study, supervisor, agent
):
    _rate(supervisor, study)
    ids = {i.name: i.pk for i in study.indicators.all()}
    client = web_as(supervisor)
    r = client.post(
        f"/quality/delphi/{study.pk}/rate/",
        {"round": "2", "expert": "专家5", **{f"i{pk}": "9" for pk in ids.values()}},
    )
    assert r.status_code == 302 and not DelphiRating.objects.filter(round=2).exists()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(f"/quality/delphi/{study.pk}/").content.decode()
    assert 'id="w-1-2">0.8409<' in page and "二级指标" in page and "4 位专家" in page
    assert web_as(agent).get(f"/quality/delphi/{study.pk}/").status_code == 404
