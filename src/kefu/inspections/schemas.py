"""Ninja schemas of /api/v1/qa. Codes are stable English slugs; ``*_label`` fields carry the
translated labels. Scores are decimal strings in percent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.core.api_contract import code
from kefu.inspections.models import AppealStatus, ReviewStatus

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
QaReviewStatus = code(ReviewStatus)
QaAppealOutcome = code([AppealStatus.UPHELD.value, AppealStatus.CHANGED.value])
Answers = dict[str, Annotated[float, Field(ge=0, le=1000)] | None]


class QaItemOut(Schema):
    id: int
    text: str
    points: str
    critical: bool
    allow_na: bool


class QaCategoryOut(Schema):
    id: int
    name: str
    weight: int
    items: list[QaItemOut]


class QaFormOut(Schema):
    id: int
    code: str
    version: int
    name: str
    target: str
    target_label: str
    mode: str
    mode_label: str
    pass_mark: str
    status: str
    categories: list[QaCategoryOut] | None = None


class QaItemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=200)
    points: float = Field(gt=0, le=1000)
    critical: bool = False
    allow_na: bool = True


class QaCategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    weight: int = Field(ge=1, le=100)
    items: list[QaItemIn] = Field(min_length=1, max_length=100)


class QaFormReviseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=100)
    pass_mark: float | None = Field(None, ge=0, le=100)
    categories: list[QaCategoryIn] | None = Field(None, min_length=1, max_length=30)


class QaSampleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=7, description="the month, YYYY-MM")
    seed: int | None = Field(None, ge=0, le=MAX_ID)
    per_agent: int = Field(5, ge=0, le=50)


class QaSampleOut(Schema):
    id: int
    period: str
    seed: int
    per_agent: int
    form: int
    reviews: int


class QaAppealOut(Schema):
    status: str
    status_label: str
    reason: str
    decider: int
    decider_name: str
    deadline: date
    decision_note: str
    score_before: str
    score_after: str | None


class QaReviewOut(Schema):
    id: int
    period: str
    source: str
    source_label: str
    status: QaReviewStatus
    status_label: str
    agent: int | None
    agent_name: str | None
    subject: int | None
    ticket: int | None
    ticket_number: str | None
    callback: int | None
    call: int | None = None  # a registered call without a ticket, sampled as a contact
    language_flags: int
    reviewer: int
    reviewer_name: str
    form: int
    score: str | None
    failed: bool
    comment: str
    answers: dict[str, str | None]
    completed_at: datetime | None
    version: int
    appeal: QaAppealOut | None = None


class QaReviewPageOut(Schema):
    items: list[QaReviewOut]
    next: str | None


class QaScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answers: Answers = Field(description="item id → points (or count), null for N/A")
    comment: str = Field("", max_length=2000)
    version: int = Field(ge=1)


class QaAppealIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class QaDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: QaAppealOutcome
    note: str = Field(min_length=1, max_length=2000)
    answers: Answers | None = None


class QaQualityRowOut(Schema):
    agent: int
    agent_name: str
    team: str
    csi: str | None
    satisfied: str | None
    praise: int
    complaints: int
    qa_score: str | None
    qa_reviews: int
    actions_open: int
    actions_done: int


class QaQualityOut(Schema):
    period: str
    rows: list[QaQualityRowOut]


class QaReassignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reviewer: int = Field(ge=1, le=2**63 - 1, description="the new reviewer's user id")
    reason: str = Field(min_length=1, max_length=300)
    version: int = Field(ge=1)
