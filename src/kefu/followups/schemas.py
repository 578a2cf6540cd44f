"""Ninja schemas of the followups API: one In/Out shape per operation, never shared.

Codes (kind, status, outcome, direction, result) are stable English slugs; ``*_label`` fields
carry the translated labels. Phones are masked per the caller's right (``shown_phone``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.core.api_contract import code
from kefu.followups.models import (
    CallResult,
    Direction,
    Flag,
    Grade,
    GradeChange,
    Kind,
    LetterChannel,
    LetterDirection,
    LetterKind,
    Outcome,
    TaskStatus,
)

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
CallbackKind = code(Kind)
CallbackStatus = code(TaskStatus)
OutcomeCode = code(Outcome)
OutcomeOrBlank = code(Outcome, blank=True)
DirectionCode = code(Direction)
CallResultCode = code(CallResult)
LetterKindCode = code(LetterKind)
LetterChannelCode = code(LetterChannel)
LetterDirectionCode = code(LetterDirection)
GradeCode = code(Grade)
GradeRule = code(GradeChange.Rule)
FlagCode = code(Flag)


class CallbackOut(Schema):
    id: int
    kind: CallbackKind
    kind_label: str
    sequence: int
    attempt: int
    status: CallbackStatus
    customer: int
    customer_name: str
    phone: str
    ticket: int | None
    ticket_number: str | None
    owner: int | None
    window_start: date
    window_end: date
    overdue: bool
    script: str
    outcome: OutcomeOrBlank
    outcome_label: str
    notes: str
    done_at: datetime | None
    version: int


class CallbackPageOut(Schema):
    items: list[CallbackOut]
    next: str | None


class CallbackListQueryIn(Schema):
    status: str | None = Field(None, description="open, done, cancelled or a comma list")
    kind: str | None = Field(None, description="e.g. resolution_first, maintenance")
    owner: str | None = Field(None, description="a user id or “me”")
    customer: str | None = None
    ticket: str | None = None
    due_after: str | None = Field(None, description="window end on or after, YYYY-MM-DD")
    due_before: str | None = Field(None, description="window end on or before, YYYY-MM-DD")


class CallbackOutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=0, le=2**31)
    outcome: OutcomeCode
    notes: str = Field("", max_length=5000)
    channel: str = Field("phone", max_length=10)
    duration_seconds: int = Field(0, ge=0, le=86400)
    recording_ref: str = Field("", max_length=255)


class CallOut(Schema):
    id: int
    direction: DirectionCode
    direction_label: str
    started_at: datetime
    duration_seconds: int
    result: CallResultCode
    result_label: str
    customer: int
    customer_name: str
    phone: str
    ticket: int | None
    callback: int | None
    agent: int | None
    team: int | None
    recording_ref: str
    notes: str


class CallPageOut(Schema):
    items: list[CallOut]
    next: str | None


class CallCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer: Id
    direction: DirectionCode
    result: CallResultCode
    started_at: datetime | None = None
    duration_seconds: int = Field(0, ge=0, le=86400)
    ticket: Id | None = None
    callback: Id | None = None
    recording_ref: str = Field("", max_length=255)
    notes: str = Field("", max_length=5000)


class LetterOut(Schema):
    id: int
    direction: LetterDirectionCode
    direction_label: str
    kind: LetterKindCode
    kind_label: str
    channel: LetterChannelCode
    channel_label: str
    sent_on: date
    tracking_number: str
    subject: str
    customer: int
    customer_name: str
    ticket: int | None
    callback: int | None
    agent: int | None
    team: int | None
    notes: str


class LetterPageOut(Schema):
    items: list[LetterOut]
    next: str | None


class LetterCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer: Id
    kind: LetterKindCode
    channel: LetterChannelCode
    sent_on: date | None = None
    tracking_number: str = Field("", max_length=60)
    subject: str = Field("", max_length=200)
    ticket: Id | None = None
    callback: Id | None = None
    notes: str = Field("", max_length=5000)


class RateRowOut(Schema):
    id: int | None
    name: str
    due: int
    completed: int
    rate: float | None = Field(None, description="回访率 in percent; null when nothing was due")
    target: int | None = Field(None, description="the line's 回访率 target in percent (FU-5)")
    met: bool | None = Field(None, description="rate ≥ target; null when nothing was due")


class RatesOut(Schema):
    period: str
    target: int | None = None
    total: RateRowOut
    agents: list[RateRowOut]
    teams: list[RateRowOut]
    months: list[RateRowOut] = []


class GradedComplaintOut(Schema):
    ticket: int
    number: str
    title: str
    customer_name: str
    team: str
    grade: GradeCode
    rule: GradeRule
    reason: str
    changed_at: datetime


class GradeMarkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=500)


class GradeFlagIn(Schema):
    model_config = ConfigDict(extra="forbid")

    flag: str = Field(..., max_length=10)
    note: str = Field("", max_length=200)


class GradeOut(Schema):
    ticket: int
    grade: GradeCode
    grade_label: str
    repeat_count: int
    flags: list[FlagCode]
