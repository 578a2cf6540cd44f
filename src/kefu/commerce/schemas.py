from __future__ import annotations

from typing import Literal

from ninja import Schema


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
