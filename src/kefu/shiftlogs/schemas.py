"""Ninja schemas of /api/v1/shiftlogs. Codes (kind, shift, status, category) are enums of stable
English slugs; ``*_label`` fields carry the translated labels. Names are unique in the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.core.api_contract import code
from kefu.core.inputs import Day
from kefu.shiftlogs.models import Category, EntryStatus, LogKind, Shift

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
ShiftLogKind = code(LogKind)
ShiftCode = code(Shift)
ShiftLogStatus = code(EntryStatus)
ShiftLogCategory = code(Category)
ShiftLogCategoryOrBlank = code(Category, blank=True)


class ShiftLogAddendumOut(Schema):
    id: int
    author: int
    author_name: str
    body: str
    created_at: datetime


class ShiftLogEntryOut(Schema):
    id: int
    kind: ShiftLogKind
    kind_label: str
    shift_date: date
    shift: ShiftCode
    shift_label: str
    team: int
    team_name: str
    author: int
    author_name: str
    handed_to: int | None
    area: str
    title: str
    body: str
    open_items: str
    status: ShiftLogStatus
    status_label: str
    category: ShiftLogCategoryOrBlank
    category_label: str
    review_note: str
    signed_by: int | None
    signed_at: datetime | None
    created_at: datetime
    version: int
    addenda: list[ShiftLogAddendumOut] | None = None


class ShiftLogEntryPageOut(Schema):
    items: list[ShiftLogEntryOut]
    next: str | None


class ShiftLogEntryCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: ShiftLogKind
    shift_date: Day
    shift: ShiftCode
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)
    open_items: str = Field("", max_length=5000)
    area: str = Field("", max_length=100)
    handed_to: Id | None = None
    team: Id | None = None


class ShiftLogEntryPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=1, le=2**31)
    shift_date: Day | None = None
    shift: ShiftCode | None = None
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=5000)
    open_items: str | None = Field(None, max_length=5000)
    area: str | None = Field(None, max_length=100)
    handed_to: Id | None = None


class ShiftLogSignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: ShiftLogCategory
    review_note: str = Field("", max_length=5000)
    version: int | None = Field(None, ge=1, le=2**31)


class ShiftLogAddendumIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., max_length=5000)


class ShiftLogReviewOut(Schema):
    today: int
    overdue: int
    items: list[ShiftLogEntryOut]
    next: str | None
