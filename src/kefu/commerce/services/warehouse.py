"""The warehouse's plan for an event (PK-5): the orders expected, the pre-packs (聚划算 / 爆款 /
热销套装) and the premium courier per destination city. A lead or above plans; anyone of the
line records how many are packed. Every write is audited; a stale version answers 409."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kefu.commerce.models import Campaign, CourierChoice, PrePack, PrePackKind
from kefu.commerce.warehouse import MAX_QUANTITY
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite


def _planner(actor) -> None:
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only a team lead or above plans the warehouse for an event."))


def _count(value, field: str, *, low: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= MAX_QUANTITY:
        raise Invalid(
            _("Enter a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": f"{MAX_QUANTITY:,}"},
            fields={field: _("Out of range.")},
        )
    return number


@transaction.atomic
def forecast_set(*, actor, campaign: Campaign, orders) -> Campaign:
    """Record the orders the event is expected to bring (the warehouse splits them per brand)."""
    _planner(actor)
    number = _count(orders, "orders", low=0)
    before = campaign.forecast_orders
    Campaign.objects.filter(pk=campaign.pk).update(forecast_orders=number)
    campaign.forecast_orders = number
    audit.record(
        actor=actor,
        action="commerce.warehouse_forecast",
        obj=campaign,
        changes={"forecast_orders": [before, number]},
    )
    return campaign


@transaction.atomic
def prepack_add(*, actor, campaign: Campaign, kind: str, item: str, quantity, brand: str = ""):
    _planner(actor)
    if kind not in PrePackKind.values:
        raise Invalid(_("Choose 聚划算, 爆款 or 热销套装."), fields={"kind": _("Unknown.")})
    item = (item or "").strip()
    if not item:
        raise Invalid(_("Name the item or set to pack."), fields={"item": _("Required.")})
    if len(item) > 100:
        raise Invalid(_("The text is too long."), fields={"item": _("Too long.")})
    number = _count(quantity, "quantity", low=1)
    try:
        with transaction.atomic():
            prepack = PrePack.objects.create(
                campaign=campaign,
                kind=kind,
                brand=(brand or "").strip()[:60],
                item=item,
                quantity=number,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("This item is already in the plan: change its quantity there.")) from None
    audit.record(
        actor=actor,
        action="commerce.prepack_add",
        obj=prepack,
        business_line_id=campaign.business_line_id,
        changes={"kind": kind, "item": item, "quantity": number},
    )
    return prepack


@transaction.atomic
def prepack_update(*, actor, prepack: PrePack, version: int, packed=None, quantity=None):
    """How many are packed so far (anyone of the line) and the quantity planned (a lead or
    above); packed never exceeds the quantity."""
    changes: dict = {}
    if quantity is not None and str(quantity).strip() != "":
        _planner(actor)
        changes["quantity"] = _count(quantity, "quantity", low=1)
    if packed is not None and str(packed).strip() != "":
        changes["packed"] = _count(packed, "packed", low=0)
    if not changes:
        raise Invalid(_("Enter how many are packed."), fields={"packed": _("Required.")})
    new_quantity = changes.get("quantity", prepack.quantity)
    if changes.get("packed", prepack.packed) > new_quantity:
        raise Invalid(
            _("More packed than planned: %(n)s planned.") % {"n": new_quantity},
            fields={"packed": _("Out of range.")},
        )
    done = PrePack.objects.filter(pk=prepack.pk, version=version).update(
        **changes, version=F("version") + 1
    )
    if not done:
        raise StaleWrite()
    before = {k: getattr(prepack, k) for k in changes}
    prepack.refresh_from_db()
    audit.record(
        actor=actor,
        action="commerce.prepack_update",
        obj=prepack,
        business_line_id=prepack.campaign.business_line_id,
        changes={k: [before[k], v] for k, v in changes.items()},
    )
    return prepack


@transaction.atomic
def courier_set(*, actor, campaign: Campaign, city: str, courier: str, version: int | None = None):
    """The premium courier for the event's parcels to ``city``: a new city's choice, or a change
    of the one recorded (its ``version``; a stale one answers 409)."""
    _planner(actor)
    city, courier = (city or "").strip(), (courier or "").strip()
    if not city:
        raise Invalid(_("Name the destination city."), fields={"city": _("Required.")})
    if not courier:
        raise Invalid(_("Name the courier."), fields={"courier": _("Required.")})
    if len(city) > 40 or len(courier) > 40:
        raise Invalid(_("The text is too long."))
    existing = (
        CourierChoice.objects.select_for_update().filter(campaign=campaign, city=city).first()
    )
    if existing is None:
        if version is not None:
            raise StaleWrite()  # the choice was removed meanwhile
        choice = CourierChoice.objects.create(
            campaign=campaign, city=city, courier=courier, chosen_by=actor
        )
        before = None
    else:
        if version is None:
            raise Conflict(_("This city has a courier already: change it in its row."))
        if existing.version != version:
            raise StaleWrite()
        before = existing.courier
        CourierChoice.objects.filter(pk=existing.pk).update(
            courier=courier, chosen_by=actor, version=F("version") + 1
        )
        existing.refresh_from_db()
        choice = existing
    audit.record(
        actor=actor,
        action="commerce.courier_set",
        obj=choice,
        business_line_id=campaign.business_line_id,
        changes={"city": city, "courier": [before, courier]},
    )
    return choice
