"""django-ninja schemas of /api/v1/training."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from kefu.core.inputs import Day

TrainingRequestAction = Literal["approve", "reject", "assign", "archive"]


class TrainingTypingIn(Schema):
    passage: str = Field(..., min_length=1, max_length=5000)
    typed: str = Field("", max_length=5000)
    seconds: float = Field(..., gt=0, le=3600)
    min_cpm: float = Field(60, gt=0, le=1000)


class TrainingTypingOut(Schema):
    chars_per_minute: float
    correct: int
    typed: int
    accuracy: float
    passed: bool


class TrainingQuickReplyPair(Schema):
    expected: str = Field(..., min_length=1, max_length=1000)
    typed: str = Field("", max_length=1000)


class TrainingQuickReplyIn(Schema):
    pairs: list[TrainingQuickReplyPair] = Field(..., min_length=1, max_length=100)


class TrainingQuickReplyOut(Schema):
    matched: int
    asked: int
    passed: bool


class TrainingCertificationStatusOut(Schema):
    code: str
    passed_at: str
    valid_until: str | None


class TrainingHoursOut(Schema):
    year: int
    total: float
    by_category: dict[str, float]


class TrainingStatusOut(Schema):
    user: str
    certifications: list[TrainingCertificationStatusOut]
    missing: list[str]
    hours: TrainingHoursOut


class TrainingRequestIn(Schema):
    topic: str = Field(..., min_length=1, max_length=200)
    audience: str = Field("", max_length=200)
    reason: str = Field("", max_length=5000)
    wished_on: Day | None = None


class TrainingRequestActIn(Schema):
    version: int = Field(..., ge=1)
    reason: str = Field("", max_length=300)
    trainer: int | None = Field(None, ge=1, le=2**31 - 1)
    attendance: int | None = Field(None, ge=0, le=100000)
    materials: str = Field("", max_length=300)
    evaluation: str = Field("", max_length=300)


class TrainingRequestOut(Schema):
    id: int
    topic: str
    audience: str
    state: Literal["requested", "approved", "rejected", "assigned", "archived"]
    state_label: str
    requester: int
    owner: int | None
    due_on: dt.date | None
    trainer: int | None
    decision_reason: str
    attendance: int | None
    version: int


class TrainingRequestPageOut(Schema):
    items: list[TrainingRequestOut]
    next: str | None


class TrainingClassOut(Schema):
    id: int
    title: str
    category: str
    starts_at: dt.datetime
    hours: float
    capacity: int
    seats_taken: int
    waiting: int


class TrainingClassPageOut(Schema):
    items: list[TrainingClassOut]
    next: str | None


class TrainingEnrolmentOut(Schema):
    training_class: int
    status: Literal["enrolled", "waitlisted", "attended", "cancelled"]


class TrainingQuestionOut(Schema):
    id: int
    kind: Literal["single", "multiple", "truefalse", "fill", "short"]
    text: str
    options: list[str]
    points: int


class TrainingAttemptOut(Schema):
    id: int
    exam: int
    seed: int
    started_at: dt.datetime
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    score: float | None
    passed: bool | None
    questions: list[TrainingQuestionOut]


class TrainingSubmitIn(Schema):
    answers: dict[str, str | list[str]] = Field(default_factory=dict)
