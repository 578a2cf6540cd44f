"""django-ninja schemas of the returns team (RET-9), logistics cases (RET-7) and the daily
registers (RET-8) under /api/v1/commerce. Amounts and weights travel as strings of decimals."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ReshipFiguresOut(Schema):
    sent: int
    correct: int
    wrong: int
    unchecked: int
    accuracy: str | None
    median_turnaround_hours: str | None


class SpecialistOut(Schema):
    rank: int
    user: int
    name: str
    completed: int
    median_hours: str | None


class ReturnsTeamOut(Schema):
    start: dt.date
    end: dt.date
    reshipments: ReshipFiguresOut
    specialists: list[SpecialistOut]


class ReshipmentOut(Schema):
    id: int
    order: int
    order_no: str
    case: int | None
    reason: str
    items: str
    requested_at: dt.datetime
    sent_at: dt.datetime | None
    tracking_no: str
    result: str
    checked_at: dt.datetime | None
    version: int


class ReshipmentPageOut(Schema):
    items: list[ReshipmentOut]
    next: str | None


class ReshipmentIn(Schema):
    order: str = Field(..., max_length=40, description="the order number")
    reason: str = Field(..., max_length=10)
    items: str = Field(..., max_length=200)


class ReshipmentSendIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    tracking_no: str = Field(..., max_length=60)


class ReshipmentCheckIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    correct: bool


class InspectionIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    warehouse: str = Field(..., max_length=60)
    intact: bool
    damaged: bool = False
    note: str = Field("", max_length=2000)


class InspectionOut(Schema):
    id: int
    ret: int
    warehouse: str
    inspector: int
    unpacked_at: dt.datetime
    intact: bool
    damaged: bool
    note: str


class CaseOut(Schema):
    id: int
    order: int
    order_no: str
    kind: str
    status: str
    courier: str
    description: str
    opened_at: dt.datetime
    weight_warehouse: str | None
    weight_courier: str | None
    remedy: str
    refund: int | None
    claim_amount: str | None
    recovered_amount: str | None
    note: str
    closed_at: dt.datetime | None
    extend_days: int | None
    ticket: int | None
    next_steps: list[str]
    version: int


class CasePageOut(Schema):
    items: list[CaseOut]
    next: str | None


class CaseIn(Schema):
    order: str = Field(..., max_length=40, description="the order number")
    kind: str = Field(..., max_length=10)
    courier: str = Field("", max_length=40)
    description: str = Field("", max_length=2000)
    extend_days: int | None = Field(None, description="延长收货时间: the days (1–30)")
    ticket: int | None = Field(None, ge=1, le=2**63 - 1, description="the ticket it came from")


class CaseStepIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    step: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)
    weight_warehouse: str | None = Field(None, max_length=20)
    weight_courier: str | None = Field(None, max_length=20)
    remedy: str = Field("", max_length=10)
    items: str = Field("", max_length=200)
    amount: str | None = Field(None, max_length=20)
    claim_amount: str | None = Field(None, max_length=20)
    recovered_amount: str | None = Field(None, max_length=20)


class RegisterRowOut(Schema):
    at: dt.datetime
    order_no: str
    customer: str
    detail: str
    status: str


class RegisterOut(Schema):
    code: str
    title: str
    rows: list[RegisterRowOut]


class RegistersOut(Schema):
    day: dt.date
    registers: list[RegisterOut]


class ForecastStageOut(Schema):
    stage: str
    base_refunds: int
    rate: str | None
    expected: int | None


class RefundForecastOut(Schema):
    start: dt.date
    end: dt.date
    orders: int
    base_orders: int
    base_refunds: int
    rate: str | None
    expected: int | None
    stages: list[ForecastStageOut]
