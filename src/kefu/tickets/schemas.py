"""Ninja schemas of the tickets API: one In/Out shape per operation, never shared.

Codes (status, type, channel, priority) are the stable English slugs; ``*_label`` fields carry
the translated labels. Enumerations are validated by the services, so a wrong value gets a
translated message naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.core.api_contract import code
from kefu.tickets.models import (
    Channel,
    DeliveryChannel,
    DeliveryStatus,
    Priority,
    Status,
    TicketEvent,
    TicketMessage,
    TicketType,
)

# ids fit a signed 64-bit column; a larger number is a client mistake, not a database error
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
StatusCode = code(Status)
TypeCode = code(TicketType)
ChannelCode = code(Channel)
PriorityCode = code(Priority)
EventKind = code(TicketEvent.Kind)
MessageKind = code(TicketMessage.Kind)
DeliveryChannelCode = code(DeliveryChannel, blank=True)
DeliveryStatusCode = code(DeliveryStatus, blank=True)


def _name(user) -> str | None:
    return user.name if user is not None else None


class TicketCreateIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "快递三天没到",
                    "description": "订单 20261101 还没有物流信息",
                    "type": "consult",
                    "channel": "phone",
                    "priority": "normal",
                    "customer_phone": "13800001234",
                    "customer_name": "张三",
                },
                {"title": "退款申请", "type": "refund", "channel": "im", "customer": 42},
            ]
        },
    )

    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=20000)
    type: TypeCode
    channel: ChannelCode
    priority: PriorityCode = "normal"
    customer: Id | None = Field(None, description="An existing customer's id …")
    customer_phone: str | None = Field(
        None, max_length=40, description="… or the caller's phone (found or created) …"
    )
    customer_name: str | None = Field(
        None, max_length=100, description="… with the name for a new customer."
    )
    team: Id | None = None
    category: Id | None = None
    assignee: Id | None = None


class TicketUpdateIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"version": 3, "status": "in_progress", "assignee": 7},
                {"version": 4, "priority": "urgent", "team": 2},
            ]
        },
    )

    version: int = Field(..., ge=0, le=2**31, description="The version the client last read.")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    type: TypeCode | None = None
    channel: ChannelCode | None = None
    priority: PriorityCode | None = None
    status: StatusCode | None = Field(
        None, description="A target status; resolved/closed → in_progress reopens."
    )
    category: Id | None = Field(None, description="null clears the category.")
    team: Id | None = Field(None, description="Transfer to another team of the line.")
    assignee: Id | None = Field(None, description="null unassigns.")


class TicketListQueryIn(Schema):
    """The list filters as query parameters; values are checked by ``TicketFilters.parse``."""

    status: str | None = Field(
        None,
        description="A status (new, in_progress, pending, resolved, closed), a comma list, or "
        "`open` (new, in_progress, pending).",
        examples=["open", "new,in_progress"],
    )
    type: str | None = Field(
        None,
        description="A ticket type (consult, complaint, repair, return, refund, suggestion, "
        "praise) or a comma list.",
        examples=["complaint"],
    )
    priority: str | None = Field(
        None, description="A priority (low, normal, high, urgent) or a comma list."
    )
    channel: str | None = Field(
        None,
        description="A channel (phone, im, email, sms, visit, web, letter, api) or a comma list.",
    )
    team: str | None = Field(None, description="A team id.")
    assignee: str | None = Field(None, description="A user id, `me` or `none`.")
    customer: str | None = Field(None, description="A customer id.")
    created_after: str | None = Field(
        None, description="ISO 8601; a date alone means 00:00 Asia/Shanghai."
    )
    created_before: str | None = None
    updated_after: str | None = Field(
        None,
        description="Changed at or after this moment (ISO 8601): the incremental export. "
        "Without `ordering` the list is then ordered by `(updated_at, id)`, oldest change first; "
        "replies, notes, attachments, deliveries and status changes move `updated_at`.",
        examples=["2026-11-23T09:30:00+08:00"],
    )
    updated_before: str | None = Field(None, description="Changed before this moment (ISO 8601).")
    q: str | None = Field(None, description="Chinese keywords in the title or description.")
    ordering: str | None = Field(
        None,
        json_schema_extra={
            "enum": ["-created_at", "created_at", "due_at", "-due_at", "-updated_at", "updated_at"]
        },
    )


class TicketOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1001,
                    "number": "T20261101-0001",
                    "title": "快递三天没到",
                    "description": "订单 20261101 还没有物流信息",
                    "status": "new",
                    "status_label": "新建",
                    "type": "consult",
                    "type_label": "咨询",
                    "channel": "phone",
                    "channel_label": "电话",
                    "priority": "normal",
                    "priority_label": "普通",
                    "business_line": 1,
                    "team": 3,
                    "team_name": "售后一组",
                    "assignee": None,
                    "assignee_name": None,
                    "customer": 42,
                    "customer_name": "张三",
                    "first_owner": 7,
                    "first_owner_name": "李客服",
                    "category": None,
                    "created_at": "2026-11-01T02:00:00Z",
                    "updated_at": "2026-11-01T02:00:00Z",
                    "due_at": "2026-11-02T02:00:00Z",
                    "first_response_at": None,
                    "resolved_at": None,
                    "closed_at": None,
                    "reopen_count": 0,
                    "version": 1,
                }
            ]
        }
    )

    id: int
    number: str
    title: str
    description: str
    status: StatusCode
    status_label: str
    type: TypeCode
    type_label: str
    channel: ChannelCode
    channel_label: str
    priority: PriorityCode
    priority_label: str
    business_line: int = Field(..., alias="business_line_id")
    team: int = Field(..., alias="team_id")
    team_name: str
    assignee: int | None = Field(None, alias="assignee_id")
    assignee_name: str | None
    customer: int = Field(..., alias="customer_id")
    customer_name: str
    first_owner: int = Field(..., alias="first_owner_id")
    first_owner_name: str
    category: int | None = Field(None, alias="category_id")
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_type_label(obj) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_priority_label(obj) -> str:
        return str(obj.get_priority_display())

    @staticmethod
    def resolve_team_name(obj) -> str:
        return obj.team.name

    @staticmethod
    def resolve_assignee_name(obj) -> str | None:
        return _name(obj.assignee)

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_first_owner_name(obj) -> str:
        return obj.first_owner.name


class TicketPageOut(Schema):
    items: list[TicketOut]
    next: str | None


class TicketEventOut(Schema):
    id: int
    created_at: datetime
    kind: EventKind
    kind_label: str
    field: str
    before: str
    after: str
    actor: int | None = Field(None, alias="actor_id")
    actor_name: str | None
    message: int | None = Field(None, alias="message_id")
    message_kind: MessageKind | None
    message_body: str | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor_name(obj) -> str | None:
        return _name(obj.actor)

    @staticmethod
    def resolve_message_kind(obj) -> str | None:
        return obj.message.kind if obj.message_id else None

    @staticmethod
    def resolve_message_body(obj) -> str | None:
        return obj.message.body if obj.message_id else None


class TicketEventPageOut(Schema):
    items: list[TicketEventOut]
    next: str | None


class MessageCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., max_length=20000)


class MessageOut(Schema):
    id: int
    kind: MessageKind
    kind_label: str
    body: str
    author: int | None = Field(None, alias="author_id")
    author_name: str | None
    created_at: datetime
    # a reply's delivery to the customer (tickets.outbound); empty for notes
    delivery_channel: DeliveryChannelCode = ""
    delivery_status: DeliveryStatusCode = ""
    delivery_status_label: str = ""
    delivery_error: str = ""
    delivery_at: datetime | None = None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_delivery_status_label(obj) -> str:
        return str(obj.get_delivery_status_display()) if obj.delivery_status else ""

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return _name(obj.author)


class MessagePageOut(Schema):
    items: list[MessageOut]
    next: str | None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    message: int | None = Field(None, alias="message_id")
    uploaded_by: int | None = Field(None, alias="uploaded_by_id")
    created_at: datetime


class AttachmentPageOut(Schema):
    items: list[AttachmentOut]
    next: str | None


class BulkItemIn(Schema):
    """One ticket of a bulk update: the fields to set, as a PATCH of that ticket would."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    version: int | None = Field(
        None, ge=0, le=2**31, description="The version last read; without it, the current one."
    )
    status: StatusCode | None = None
    priority: PriorityCode | None = None
    team: Id | None = Field(None, description="Transfer to another team of the line.")
    assignee: Id | None = Field(None, description="null unassigns.")


class BulkUpdateIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"id": 101, "version": 3, "status": "in_progress", "assignee": 7},
                        {"id": 102, "priority": "urgent"},
                    ]
                }
            ]
        },
    )

    items: list[BulkItemIn] = Field(
        ..., description="At most 100 tickets, each id once; more is a 400 and changes nothing."
    )


class BulkItemError(Schema):
    code: str
    message: str
    fields: dict[str, str]


class BulkItemOut(Schema):
    id: int
    ok: bool
    status_code: int = Field(
        ...,
        description="What a PATCH of this ticket alone would have answered (200, 400, "
        "403, 404, 409).",
    )
    error: BulkItemError | None = None
    ticket: TicketOut | None = None


class BulkUpdateOut(Schema):
    items: list[BulkItemOut] = Field(..., description="One result per item, in the order sent.")
