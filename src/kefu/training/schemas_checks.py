"""django-ninja schemas of /api/v1/training's half-year needs (TRN-8) and response-time test
results (PK-3)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from kefu.core.inputs import Id

NeedAction = Literal["accept", "decline"]
NeedState = Literal["filed", "accepted", "declined"]


class NeedIn(Schema):
    """``person`` defaults to the caller; ``year`` and ``half`` to the next half-year."""

    person: str | None = Field(None, max_length=150, description="username")
    year: int | None = Field(None, ge=2000, le=2100)
    half: int | None = Field(None, ge=1, le=2)
    topic: str = Field(..., max_length=100)
    quarter: int = Field(..., ge=1, le=4)
    source: Literal["", "gap", "qa", "exam"] = ""
    source_note: str = Field("", max_length=200)
    failed_attempt: Id | None = None


class NeedReviewIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    note: str = Field("", max_length=300)


class NeedOut(Schema):
    id: int
    user: str
    team: int | None
    year: int
    half: int
    topic: str
    quarter: int
    source: str
    source_note: str
    failed_attempt: int | None
    state: str
    state_label: str
    filed_by: str
    reviewer: str | None
    review_note: str
    version: int


class NeedPageOut(Schema):
    items: list[NeedOut]
    next: str | None


class NeedTopicOut(Schema):
    topic: str
    people: int
    agreed: int
    first: int
    second: int
    linked: int


class NeedBoardOut(Schema):
    team: int
    team_name: str
    year: int
    half: int
    quarters: list[int]
    members: int
    filed: int
    not_filed: list[str]
    rollup: list[NeedTopicOut]


class ChatTurnOut(Schema):
    text: str
    sent_at: dt.datetime
    answer: str | None = None
    seconds: float | None = None


class ChatResultOut(Schema):
    id: int
    script: int
    script_title: str
    user: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    median_seconds: float | None
    threshold_seconds: int
    passed: bool | None
    turns: list[ChatTurnOut] | None = None


class ChatResultPageOut(Schema):
    items: list[ChatResultOut]
    next: str | None


class ChatScriptOut(Schema):
    id: int
    title: str
    messages: int
    threshold_seconds: int
    sittings: int
    passed: int


class ChatScriptIn(Schema):
    """A lead sets a response-time test: 1 to 20 customer messages, the median threshold."""

    title: str = Field(..., max_length=200)
    messages: list[str] = Field(..., min_length=1, max_length=20)
    threshold_seconds: int | None = Field(None, ge=1, le=600)


class ChatAnswerIn(Schema):
    """The answer to the current customer message, ``position`` being its number (0-based)."""

    position: int = Field(..., ge=0, le=100)
    answer: str = Field(..., max_length=1000)


class ChatSittingOut(Schema):
    """One's own sitting as it is being taken: the current customer message (none once
    finished) and the answered turns with their server-timed seconds."""

    id: int
    script: int
    script_title: str
    messages: int
    started_at: dt.datetime
    position: int | None
    message: str | None
    sent_at: dt.datetime | None
    turns: list[ChatTurnOut]
    finished_at: dt.datetime | None
    median_seconds: float | None
    threshold_seconds: int
    passed: bool | None
