"""Ninja schemas of the surveys API: one In/Out shape per operation, never shared.

Question kinds and statuses are stable English slugs; ``*_label`` fields carry translations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from kefu.core.api_contract import code
from kefu.surveys.models import QuestionKind, QuestionnaireStatus, Source

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
KindCode = code(QuestionKind)
StatusCode = code(QuestionnaireStatus)
SourceCode = code(Source)


class QuestionIn(Schema):
    kind: KindCode
    text: str
    dimension: str = ""
    required: bool = True
    choices: list[str] = []


class QuestionnaireCreateIn(Schema):
    business_line: Id | None = Field(None, description="defaults to the caller's")
    name: str
    intro: str = ""
    status: StatusCode = "draft"
    after_close: bool = False
    link_days: int = 14
    questions: list[QuestionIn] = []


class QuestionnaireUpdateIn(Schema):
    version: int
    name: str | None = None
    intro: str | None = None
    status: StatusCode | None = None
    after_close: bool | None = None
    link_days: int | None = None
    questions: list[QuestionIn] | None = None


class QuestionOut(Schema):
    id: int
    order: int
    kind: KindCode
    kind_label: str
    text: str
    dimension: str
    required: bool
    choices: list[str]


class QuestionnaireOut(Schema):
    id: int
    business_line: int
    name: str
    intro: str
    status: StatusCode
    status_label: str
    after_close: bool
    link_days: int
    version: int
    questions: list[QuestionOut]


class QuestionnaireListItemOut(Schema):
    id: int
    business_line: int
    name: str
    status: StatusCode
    after_close: bool
    version: int


class QuestionnairePageOut(Schema):
    items: list[QuestionnaireListItemOut]
    next: str | None


class InvitationOut(Schema):
    id: int
    questionnaire: int
    source: SourceCode
    customer: int
    ticket: int | None
    callback: int | None
    agent: int | None
    team: int | None
    period: str
    created_at: datetime
    sent_at: datetime | None
    sent_channels: str
    expires_at: datetime
    answered_at: datetime | None


class InvitationPageOut(Schema):
    items: list[InvitationOut]
    next: str | None


class AnswerIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description='{"q<question id>": score | choice | [choices] | text}'
    )
    website: str = Field("", description="leave empty (spam trap)")


class CallbackAnswerIn(Schema):
    questionnaire: Id
    answers: dict[str, Any]


class ResponseOut(Schema):
    id: int
    invitation: int
    submitted_at: datetime
    channel: SourceCode


class MetricsOut(Schema):
    answers: int
    csi: Decimal | None
    satisfied: Decimal | None
    nps: Decimal | None
    dimensions: dict[str, Decimal]


class TargetCheckOut(Schema):
    """One target against the figure it reads: ``figure`` is csi, satisfied or nps."""

    figure: str
    target: Decimal
    value: Decimal | None
    met: bool | None


class ResultRowOut(Schema):
    id: int | None
    label: str
    csi: Decimal | None
    satisfied: Decimal | None
    nps: Decimal | None
    answers: int
    dimensions: dict[str, Decimal]
    target: Decimal | None
    met: bool | None
    satisfied_target: Decimal | None = None
    satisfied_met: bool | None = None
    targets: list[TargetCheckOut] = []


class ResultsOut(Schema):
    period: str
    start: str
    end: str
    group: str
    total: MetricsOut
    target: Decimal | None
    met: bool | None
    satisfied_target: Decimal | None
    satisfied_met: bool | None
    nps_target: Decimal | None = None
    nps_met: bool | None = None
    targets: list[TargetCheckOut] = []
    rows: list[ResultRowOut]
