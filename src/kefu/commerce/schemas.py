from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema


class OrdersUpsertIn(Schema):
    rows: list[dict]
    partial: bool = False


class ReminderOutcomeIn(Schema):
    outcome: Literal["promised", "no_intent", "no_answer", "wrong_number"]


class ReturnCreateIn(Schema):
    order: int
    reason: str = ""
    opened: bool = False
    exchange: bool = False
    allergy: bool = False
    ticket: int | None = Field(None, ge=1, le=2**63 - 1, description="the ticket it came from")


class RefundCreateIn(Schema):
    order: int = Field(..., ge=1, le=2**63 - 1)
    amount: str = Field(..., max_length=20, description="yuan, e.g. 259.00")
    ticket: int | None = Field(None, ge=1, le=2**63 - 1, description="the ticket it came from")


class RefundOut(Schema):
    id: int
    order: int
    amount: str
    status: str
    ticket: int | None
    reviewed_by: int | None
    submitted_by: int | None
    approved_by: int | None
    version: int


class ReturnStepIn(Schema):
    step: Literal[
        "approve", "ship_back", "receive", "inspect", "refund", "exchange", "refuse", "dispute"
    ]
    version: int
    tracking_no: str = ""
    intact: bool | None = None
    note: str = ""


class RefundDecisionIn(Schema):
    version: int
    approve: bool


# -- answers (typed, so the OpenAPI document describes every body) ---------------------------

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class RowErrorOut(Schema):
    row: int
    message: str


class OrdersUpsertOut(Schema):
    created: int
    updated: int
    unchanged: int
    stale: int
    errors: list[RowErrorOut]


class ShopOrderOut(Schema):
    id: int
    shop: int | None
    order_id: str
    customer: int
    amount: str = Field(description="Yuan, as a decimal string.")
    status: str = Field(description="unpaid, paid, shipped, delivered or closed (from the times).")
    status_label: str
    platform_status: str = Field(description="The platform's own wording (待付款 …).")
    placed_at: str | None
    paid_at: str | None
    shipped_at: str | None
    delivered_at: str | None
    closed_at: str | None
    courier: str
    tracking_no: str
    warehouse_city: str
    brand: str
    buyer_online: bool


class OrderPageOut(Schema):
    items: list[ShopOrderOut]
    next: str | None


class OrderListOut(Schema):
    items: list[ShopOrderOut]


class ReminderOut(Schema):
    id: int
    order: int
    order_id: str
    channel: str
    status: str
    amount: str
    placed_at: str | None
    sent_at: str | None
    outcome: str


class ReminderListOut(Schema):
    items: list[ReminderOut]


class FiguresOut(Schema):
    reminded_orders: int
    reminded_amount: str
    paid_orders: int
    paid_amount: str
    order_rate: str | None = Field(description="回单率: paid after a reminder ÷ reminded.")
    amount_rate: str | None = Field(description="回款率: amount so paid ÷ amount reminded.")


class ReminderResultsOut(Schema):
    total: FiguresOut
    channels: dict[str, FiguresOut]
    agents: dict[str, FiguresOut]
    days: dict[str, FiguresOut]


class ReturnOut(Schema):
    id: int
    order: int
    status: str
    exchange: bool
    vip: bool
    rule: str
    amount: str
    requested_at: str | None
    received_at: str | None
    due_at: str | None
    resolved_at: str | None
    ticket: int | None = None
    version: int


class ReturnListOut(Schema):
    items: list[ReturnOut]


class RefundDecisionOut(Schema):
    id: int
    status: str
    version: int


class ReviewCreateIn(Schema):
    order: Id
    rating: int
    text: str = ""
    has_photo: bool = False
    dsr_item: int | None = None
    dsr_service: int | None = None
    dsr_logistics: int | None = None
    reviewed_at: str | None = None


class ReviewReplyIn(Schema):
    version: int
    text: str


class ReviewOut(Schema):
    id: int
    order: int
    customer: int
    rating: int
    grade: str
    text: str
    has_photo: bool
    reviewed_at: str
    reply: str
    replied_at: str | None
    callback: int | None
    cashback: str
    cashback_amount: str | None
    version: int


class ReviewPageOut(Schema):
    items: list[ReviewOut]
    next: str | None


class IndicatorCheckOut(Schema):
    event: str
    code: str
    value: str | None
    threshold: str
    status: Literal["ok", "warn", "below"]


class ShopIndicatorsOut(Schema):
    shop: int
    day: str
    values: dict[str, str | None]
    checks: list[IndicatorCheckOut]


class IndicatorBoardOut(Schema):
    items: list[ShopIndicatorsOut]
