"""Reads of the warehouse's plan for an event (PK-5): the per-brand forecast from the previous
event's orders, the pre-packs and the couriers chosen."""

from __future__ import annotations

from django.db.models import Count

from kefu.commerce import peak_selectors, warehouse
from kefu.commerce.models import Campaign, CourierChoice, PrePack
from kefu.core.errors import NotFound
from kefu.customers.models import Order


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The line's event that ended last before this one started (its orders are the base)."""
    return (
        Campaign.objects.filter(
            business_line_id=campaign.business_line_id, ends_at__lte=campaign.starts_at
        )
        .exclude(pk=campaign.pk)
        .order_by("-ends_at", "-id")
        .first()
    )


def paid_by_brand(campaign: Campaign) -> dict[str, int]:
    """The line's orders paid within the event, per brand (one grouped query)."""
    rows = (
        Order.objects.filter(
            shop__business_line_id=campaign.business_line_id,
            paid_at__gte=campaign.starts_at,
            paid_at__lt=campaign.ends_at,
        )
        .values("brand")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["brand"]: r["n"] for r in rows}


def plan_for(campaign: Campaign, *, orders: int | None = None) -> dict:
    """The event's warehouse plan. ``orders`` (a forecast typed in) overrides the one recorded
    for the event."""
    previous = previous_campaign(campaign)
    base = paid_by_brand(previous) if previous else {}
    forecast_orders = orders if orders is not None else campaign.forecast_orders
    brands = warehouse.brand_forecast(
        orders=forecast_orders if previous else None, base=base, actual=paid_by_brand(campaign)
    )
    prepacks = list(PrePack.objects.filter(campaign=campaign).order_by("kind", "brand", "id"))
    couriers = list(CourierChoice.objects.filter(campaign=campaign).order_by("city", "id"))
    planned = sum(p.quantity for p in prepacks)
    packed = sum(p.packed for p in prepacks)
    return {
        "campaign": campaign,
        "previous": previous,
        "forecast_orders": forecast_orders,
        "base_orders": sum(base.values()),
        "brands": brands,
        "expected": sum(b.expected or 0 for b in brands) if previous and forecast_orders else None,
        "actual": sum(b.actual for b in brands),
        "prepacks": prepacks,
        "prepack_planned": planned,
        "prepack_packed": packed,
        "prepack_share": warehouse.packed_share(packed, planned),
        "couriers": couriers,
    }


def prepack_get_for(*, user, pk: int) -> PrePack:
    found = (
        PrePack.objects.filter(campaign__in=peak_selectors.campaigns_for(user=user), pk=pk)
        .select_related("campaign")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
