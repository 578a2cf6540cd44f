"""Ninja schemas of the customers API and the one function that turns a customer into JSON.

Phones and addresses pass through ``selectors.shown_phone``/``shown_address``, so a role without
full contact access gets 138****1234 everywhere (the list, the detail, the create answer).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.customers import selectors
from kefu.customers.loyalty import SEGMENTS
from kefu.customers.models import Customer, Gender, Tier

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TierCode = Literal[tuple(Tier.values)]  # type: ignore[valid-type]
SegmentCode = Literal[tuple(SEGMENTS)]  # type: ignore[valid-type]
GenderCode = Literal[tuple(Gender.values)]  # type: ignore[valid-type]


class CustomerCreateIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "张三", "phone": "13800001234"},
                {
                    "name": "李四",
                    "phone": "13900005678",
                    "email": "lisi@example.com",
                    "tier": "vip",
                    "tags": ["老客户"],
                },
            ]
        },
    )

    name: str = Field(..., max_length=100)
    phone: str = Field(..., max_length=40)
    phone2: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=255)
    gender: GenderCode = ""
    organisation: str = Field("", max_length=150)
    tier: TierCode = "normal"
    tags: list[str] | str = Field(default_factory=list)
    source_channel: str = Field("", max_length=20)
    dedicated_agent: Id | None = None
    wanted_services: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)
    first_visit_on: dt.date | None = None
    business_line: Id | None = Field(None, description="Only administrators choose the line.")


class CustomerUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=1, le=2**31)
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    phone2: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=255)
    gender: GenderCode | None = None
    organisation: str | None = Field(None, max_length=150)
    tier: TierCode | None = None
    tags: list[str] | str | None = None
    source_channel: str | None = Field(None, max_length=20)
    dedicated_agent: Id | None = None
    wanted_services: str | None = Field(None, max_length=5000)
    notes: str | None = Field(None, max_length=5000)
    first_visit_on: dt.date | None = None


class CustomerListQueryIn(Schema):
    """The list filters as query parameters; values are checked by ``CustomerFilters.parse``
    (a bad one is 400 naming it)."""

    q: str | None = Field(
        None,
        description="A name, or any 4+ consecutive digits of a phone (the first 100 characters).",
        examples=["张", "1234"],
    )
    tier: TierCode | None = None
    tag: str | None = Field(None, description="One tag.")
    agent: str | None = Field(
        None, description="The dedicated agent: a user id, `me` or `none`.", examples=["me"]
    )
    segment: SegmentCode | None = None
    created_after: str | None = Field(
        None,
        description="ISO 8601; a date alone means 00:00 Asia/Shanghai.",
        examples=["2026-01-01"],
    )
    created_before: str | None = Field(
        None, description="ISO 8601; a date alone includes that day.", examples=["2026-12-31"]
    )
    updated_after: str | None = Field(
        None,
        description="Changed at or after this moment (ISO 8601): the incremental export, "
        "ordered by `(updated_at, id)`, oldest change first. It lists customers merged away "
        "since, with `merged_into` (the id of the entry that holds them now).",
        examples=["2026-11-23T09:30:00+08:00"],
    )
    updated_before: str | None = Field(
        None, description="Changed before this moment (ISO 8601); lists merged entries too."
    )


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    phone2: str
    contact_masked: bool
    email: str
    address: str
    gender: GenderCode
    organisation: str
    tier: TierCode
    tier_label: str
    tags: list[str]
    source_channel: str
    dedicated_agent: int | None
    dedicated_agent_name: str | None
    business_line: int
    merged_into: int | None = Field(
        None,
        description="Set when this entry was merged into another (its id): only the "
        "incremental export (`updated_after`) lists such entries.",
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    segment: SegmentCode
    segment_label: str
    visits_12m: int
    last_contact_at: dt.datetime | None
    first_visit_on: dt.date | None
    notes: str
    wanted_services: str


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next: str | None


class VehicleOut(Schema):
    id: int
    model_name: str
    plate: str
    kind: str
    maintenance_interval_days: int | None
    next_maintenance_on: dt.date | None


class PropertyUnitOut(Schema):
    """A property unit (房产) of the customer: building, unit, room."""

    id: int
    building: str
    unit: str
    room: str
    area_m2: Decimal | None


class MembershipOut(Schema):
    id: int
    card_no: str
    balance: Decimal
    lesson_hours: Decimal
    expires_on: dt.date | None


class BuyerAccountOut(Schema):
    id: int
    platform: str
    platform_user_id: str


class OrderOut(Schema):
    id: int
    order_no: str
    platform: str
    amount: Decimal
    status: str
    placed_at: dt.datetime


class CustomerDetailOut(CustomerOut):
    vehicles: list[VehicleOut]
    units: list[PropertyUnitOut]
    memberships: list[MembershipOut]
    buyer_accounts: list[BuyerAccountOut]
    orders: list[OrderOut]


class RevealOut(Schema):
    phone: str
    phone2: str
    address: str


class NoteCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., max_length=5000)


class NoteOut(Schema):
    id: int
    body: str
    author: int | None
    author_name: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return obj.author.name if obj.author_id else None

    @staticmethod
    def resolve_author(obj) -> int | None:
        return obj.author_id


class NotePageOut(Schema):
    items: list[NoteOut]
    next: str | None


class TimelineItemOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    actor: str
    ref: dict


class TimelineOut(Schema):
    items: list[TimelineItemOut]


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    merge: Id


def segment_label(segment: str) -> str:
    from django.utils.translation import gettext as _

    return {"loyal": _("Loyal"), "general": _("General"), "lost": _("Lost")}[segment]


def customer_out(user, c: Customer) -> dict:
    """A customer as JSON for ``user`` (contact data masked unless the user has full access);
    ``c`` carries ``visits_12m`` and ``segment`` (``selectors.with_visits`` + ``attach_segments``)."""
    masked = selectors.contact_access(user) != selectors.FULL
    agent = c.dedicated_agent if c.dedicated_agent_id else None
    return {
        "id": c.pk,
        "name": c.name,
        "phone": selectors.shown_phone(user, c.phone),
        "phone2": selectors.shown_phone(user, c.phone2) if c.phone2 else "",
        "contact_masked": masked,
        "email": c.email,
        "address": selectors.shown_address(user, c.address),
        "gender": c.gender,
        "organisation": c.organisation,
        "tier": c.tier,
        "tier_label": str(c.get_tier_display()),
        "tags": list(c.tags or []),
        "source_channel": c.source_channel,
        "dedicated_agent": c.dedicated_agent_id,
        "dedicated_agent_name": agent.name if agent else None,
        "business_line": c.business_line_id,
        "merged_into": c.merged_into_id,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "version": c.version,
        "segment": c.segment,
        "segment_label": segment_label(c.segment),
        "visits_12m": c.visits_12m,
        "last_contact_at": c.last_contact_at,
        "first_visit_on": c.first_visit_on,
        "notes": c.notes,
        "wanted_services": c.wanted_services,
    }


def customer_detail_out(user, c: Customer) -> dict:
    return {
        **customer_out(user, c),
        "vehicles": list(c.vehicles.all()),
        "units": list(c.units.all()),
        "memberships": list(c.memberships.all()),
        "buyer_accounts": list(c.buyer_accounts.all()),
        "orders": c.recent_orders,
    }
