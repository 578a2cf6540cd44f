"""/api/v1/commerce: the warehouse's plan for an event (PK-5). Everyone of the line reads; a
lead or above plans, anyone of the line records how many are packed (stale ``version`` → 409).
Handlers parse, call a service or selector, and return."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Router, Schema, Status

from kefu.commerce import peak_selectors, warehouse_selectors
from kefu.commerce.services import warehouse as services
from kefu.commerce.warehouse import MAX_QUANTITY
from kefu.commerce.words import prepack_kind_label
from kefu.core.inputs import Id

router = Router(tags=["commerce"])

Count = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]


class BrandOut(Schema):
    brand: str = Field(description="Empty for orders whose export named no brand.")
    base_orders: int = Field(description="Orders paid in the previous event.")
    share: str | None = Field(description="% of the previous event's paid orders.")
    expected: int | None
    actual: int = Field(description="Orders paid in this event so far.")


class PrePackOut(Schema):
    id: int
    kind: Literal["juhuasuan", "bestseller", "bundle"]
    kind_label: str
    brand: str
    item: str
    quantity: int
    packed: int
    version: int


class CourierOut(Schema):
    id: int
    city: str
    courier: str
    version: int


class WarehouseOut(Schema):
    campaign: int
    previous_campaign: int | None
    forecast_orders: int | None
    base_orders: int
    expected: int | None
    actual: int
    brands: list[BrandOut]
    prepacks: list[PrePackOut]
    prepack_planned: int
    prepack_packed: int
    prepack_share: str | None
    couriers: list[CourierOut]


class ForecastIn(Schema):
    orders: Count


class PrePackIn(Schema):
    kind: Literal["juhuasuan", "bestseller", "bundle"]
    item: str = Field(max_length=100)
    brand: str = Field("", max_length=60)
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class PrePackUpdateIn(Schema):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    packed: Count | None = None
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] | None = None


class CourierIn(Schema):
    city: str = Field(max_length=40)
    courier: str = Field(max_length=40)
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None,
        description="The choice's version when changing a city's courier; none for a new city.",
    )


def _str(value) -> str | None:
    return None if value is None else str(value)


def prepack_out(p) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": prepack_kind_label(p.kind),
        "brand": p.brand,
        "item": p.item,
        "quantity": p.quantity,
        "packed": p.packed,
        "version": p.version,
    }


def courier_out(c) -> dict:
    return {"id": c.pk, "city": c.city, "courier": c.courier, "version": c.version}


def warehouse_out(plan: dict) -> dict:
    return {
        "campaign": plan["campaign"].pk,
        "previous_campaign": plan["previous"].pk if plan["previous"] else None,
        "forecast_orders": plan["forecast_orders"],
        "base_orders": plan["base_orders"],
        "expected": plan["expected"],
        "actual": plan["actual"],
        "brands": [
            {
                "brand": b.brand,
                "base_orders": b.base_orders,
                "share": _str(b.share),
                "expected": b.expected,
                "actual": b.actual,
            }
            for b in plan["brands"]
        ],
        "prepacks": [prepack_out(p) for p in plan["prepacks"]],
        "prepack_planned": plan["prepack_planned"],
        "prepack_packed": plan["prepack_packed"],
        "prepack_share": _str(plan["prepack_share"]),
        "couriers": [courier_out(c) for c in plan["couriers"]],
    }


@router.get(
    "/campaigns/{campaign_id}/warehouse",
    response=WarehouseOut,
    operation_id="commerce_warehouse",
)
def warehouse_plan(request, campaign_id: Id, orders: Count | None = None):
    """The event's orders per brand: the previous event's share of each brand applied to the
    orders expected (``orders``, else the forecast recorded for the event), beside the orders
    paid so far; the pre-packs and the couriers chosen."""
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=campaign_id)
    return warehouse_out(warehouse_selectors.plan_for(campaign, orders=orders))


@router.post(
    "/campaigns/{campaign_id}/warehouse/forecast",
    response=WarehouseOut,
    operation_id="commerce_warehouse_forecast",
)
def warehouse_forecast(request, campaign_id: Id, data: ForecastIn):
    """Record the orders the event is expected to bring (a lead or above)."""
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=campaign_id)
    services.forecast_set(actor=request.user, campaign=campaign, orders=data.orders)
    return warehouse_out(warehouse_selectors.plan_for(campaign))


@router.post(
    "/campaigns/{campaign_id}/prepacks",
    response={201: PrePackOut},
    operation_id="commerce_prepack_add",
)
def prepack_add(request, campaign_id: Id, data: PrePackIn):
    """Plan a pre-pack: 聚划算 (``juhuasuan``), 爆款 (``bestseller``) or 热销套装 (``bundle``); one
    row per item of an event (409 for a second)."""
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=campaign_id)
    prepack = services.prepack_add(
        actor=request.user,
        campaign=campaign,
        kind=data.kind,
        item=data.item,
        brand=data.brand,
        quantity=data.quantity,
    )
    return Status(201, prepack_out(prepack))


@router.post("/prepacks/{prepack_id}", response=PrePackOut, operation_id="commerce_prepack_update")
def prepack_update(request, prepack_id: Id, data: PrePackUpdateIn):
    """How many are packed so far (anyone of the line), the quantity planned (a lead or above)."""
    prepack = warehouse_selectors.prepack_get_for(user=request.user, pk=prepack_id)
    services.prepack_update(
        actor=request.user,
        prepack=prepack,
        version=data.version,
        packed=data.packed,
        quantity=data.quantity,
    )
    return prepack_out(prepack)


@router.post(
    "/campaigns/{campaign_id}/couriers",
    response=CourierOut,
    operation_id="commerce_courier_set",
)
def courier_set(request, campaign_id: Id, data: CourierIn):
    """The premium courier for the event's parcels to a destination city (a lead or above)."""
    campaign = peak_selectors.campaign_get_for(user=request.user, pk=campaign_id)
    choice = services.courier_set(
        actor=request.user,
        campaign=campaign,
        city=data.city,
        courier=data.courier,
        version=data.version,
    )
    return courier_out(choice)
