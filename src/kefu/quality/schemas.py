"""Ninja schemas of /api/v1/quality. Codes are enums of stable English slugs; ``*_label`` fields
carry the translated labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.core.api_contract import code
from kefu.quality.models import CardStatus, SummaryStatus

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])]
QualityCardStatus = code(CardStatus)
QualitySummaryStatus = code(SummaryStatus)
QualitySummaryStep = code(
    [SummaryStatus.CHECKED, SummaryStatus.SIGNED, SummaryStatus.PUBLISHED, SummaryStatus.SENT]
)


class QualityScoreEventOut(Schema):
    rule: str | None
    points: float
    quantity: int
    adjustment: bool
    recorder: str | None
    time: datetime
    reason: str


class QualityScorecardOut(Schema):
    id: int
    user: str
    user_name: str
    team: int
    period: str
    base: float
    score: float
    status: QualityCardStatus
    status_label: str
    version: int
    events: list[QualityScoreEventOut] | None = None


class QualityScorecardPageOut(Schema):
    items: list[QualityScorecardOut]
    next: str | None


class QualitySignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int


class QualityDeductionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user: Id
    rule: Id
    quantity: int = Field(1, ge=1, le=100)
    reason: str = Field(max_length=300)


class QualityRuleOut(Schema):
    id: int
    name: str
    points: float
    unit: str
    trigger: str
    trigger_label: str


class QualityRuleListOut(Schema):
    items: list[QualityRuleOut]


class QualityPenaltyRowOut(Schema):
    unit: str
    head: str
    repeat: int
    malicious: int
    amount_yuan: float
    applied: bool


class QualityPenaltySummaryOut(Schema):
    id: int | None
    period: str
    status: str = Field(description="none, draft, checked, signed, published or sent")
    stability_period: bool
    version: int | None
    checked_by: str | None = Field(None, description="the supervisor who checked it")
    signed_by: str | None = Field(None, description="company leadership who signed it")
    rows: list[QualityPenaltyRowOut]
    total_yuan: float


class QualityPenaltyBuildIn(Schema):
    model_config = ConfigDict(extra="forbid")
    period: Month
    stability_period: bool = False


class QualityPenaltyAdvanceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to: QualitySummaryStep
    version: int


class QualityRankingEntryOut(Schema):
    user: str
    user_name: str
    score: float
    rank: int
    reward_yuan: float
    plan_due: date | None
    reassignment_review: bool


class QualityRankingOut(Schema):
    id: int
    team: int
    team_name: str
    period: str
    status: str
    notice_date: date | None
    entries: list[QualityRankingEntryOut]


class QualityRankingListOut(Schema):
    items: list[QualityRankingOut]


class QualityCompetencyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ratings: list[Annotated[int, Field(ge=1, le=5)]] = Field(min_length=11, max_length=11)


class QualityWeightOut(Schema):
    code: str
    level1: str
    level2: str
    combined: float


class QualityCompetencyOut(Schema):
    score: float
    weights: list[QualityWeightOut]


class QualityKendallIn(Schema):
    model_config = ConfigDict(extra="forbid")
    matrix: list[list[Annotated[float, Field(ge=0, le=100)]]] = Field(min_length=2, max_length=200)
    tie_correction: bool = True


class QualityKendallOut(Schema):
    w: float
    chi2: float
    df: int
    p_value: float
    raters: int
    items: int


class QualityNotScoredOut(Schema):
    evaluator: str
    evaluator_type: str


class QualityCycleMemberOut(Schema):
    user: str
    score: float | None
    appraisal_class: str
    not_scored: list[QualityNotScoredOut]
    scored: list[QualityNotScoredOut] = Field(
        default_factory=list,
        description="who has scored (never what each gave); subordinates are one row each",
    )


class QualityCycleOut(Schema):
    id: int
    name: str
    team: int
    team_name: str
    starts_on: date
    ends_on: date
    stage: str
    stage_label: str
    self_weight: float
    manager_weight: float
    version: int
    members: list[QualityCycleMemberOut] | None = None


class QualityCycleListOut(Schema):
    items: list[QualityCycleOut]
    next: str | None


class QualityConcordanceOut(Schema):
    w: float
    chi2: float
    df: int
    p_value: float


class QualityDelphiWeightOut(Schema):
    indicator: str
    level: int
    weight: float
    combined: float | None


class QualityDelphiRoundOut(Schema):
    round: int
    experts: int
    levels: dict[str, QualityConcordanceOut | None]
    weights: list[QualityDelphiWeightOut]


class QualityDelphiOut(Schema):
    id: int
    name: str
    created_at: datetime
    rounds: list[QualityDelphiRoundOut] | None = None


class QualityDelphiListOut(Schema):
    items: list[QualityDelphiOut]
    next: str | None


class QualityKpiIndicatorOut(Schema):
    name: str
    kind: str
    formula: str
    target: str
    weight: float
    scoring_rule: str


class QualityKpiEvaluatorOut(Schema):
    evaluator: str
    evaluator_label: str
    weight: float
    focus: str


class QualityKpiSchemeOut(Schema):
    id: int
    name: str
    staff_role: str
    period: str
    revision: int = Field(description="the scheme's version number (1, 2, …)")
    is_current: bool
    version: int = Field(description="the row's optimistic-lock version")
    indicators: list[QualityKpiIndicatorOut]
    evaluators: list[QualityKpiEvaluatorOut]


class QualityKpiSchemeListOut(Schema):
    items: list[QualityKpiSchemeOut]


class QualityKpiScoreOut(Schema):
    evaluator_type: str
    evaluator: str
    weight: float
    score: float | None


class QualityKpiLiveOut(Schema):
    indicator: str
    figure: str = Field(
        description="first_response_sla, resolution_sla, callback_rate, csi, satisfied_rate, "
        "qa_score, complaints, repeat_complaints, handled"
    )
    unit: str = Field("", description="% for a share, empty for a count or points")
    value: float | None
    numerator: int | None
    denominator: int | None
    target: str
    weight: float | None = Field(None, description="the indicator's weight %")
    score: float | None = Field(description="what the live value earns against the target")
    counted: bool = Field(
        False, description="the live score enters the total (a value and a numeric target)"
    )


class QualityKpiEvaluationOut(Schema):
    id: int
    person: str
    period: str
    scheme: int
    scheme_revision: int
    status: str = Field(description="draft (being scored) or signed (live values frozen)")
    score: float | None = Field(
        description="the total: measured indicators with their live score, the evaluators' "
        "score for the rest (a draft: as the live values stand now)"
    )
    evaluators_score: float | None = Field(description="Σ evaluator score × weight %")
    measured_weight: float | None = Field(None, description="indicator weight % measured live")
    judged_weight: float | None = Field(None, description="indicator weight % the evaluators judge")
    signed_by: str | None = None
    signed_at: str | None = None
    version: int
    scores: list[QualityKpiScoreOut]
    not_scored: list[str]
    live: list[QualityKpiLiveOut] = Field(default_factory=list)
