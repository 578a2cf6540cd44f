"""Writes to a customer's assets: vehicles and their service history, property units, buyer
accounts and orders, memberships (ARC-2, ARC-9, ARC-12). Each is audited on the customer, so
the customer's timeline shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Invalid
from kefu.customers.models import (
    BuyerAccount,
    Customer,
    Membership,
    Order,
    PropertyUnit,
    ServiceRecord,
    Vehicle,
)


def _text(data: dict, key: str, *, required: bool = False, max_length: int = 100) -> str:
    value = data.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise Invalid(_("Some fields are not valid."), fields={key: _("Required.")})
    if len(value) > max_length:
        raise Invalid(
            _("Some fields are not valid."),
            fields={key: _("At most %(n)d characters.") % {"n": max_length}},
        )
    return value


def _decimal(
    data: dict, key: str, *, required: bool = False, minimum=0, places: str = "0.01"
) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Invalid(_("Some fields are not valid."), fields={key: _("Required.")})
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite() or number < minimum or number >= Decimal(10) ** 9:
            raise InvalidOperation
    except InvalidOperation:
        raise Invalid(_("Some fields are not valid."), fields={key: _("Enter a number.")})
    return number.quantize(Decimal(places))


def _int(data: dict, key: str, *, maximum: int) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
        if not 0 < number <= maximum:
            raise ValueError
    except ValueError:
        raise Invalid(
            _("Some fields are not valid."),
            fields={key: _("Enter a whole number between 1 and %(n)d.") % {"n": maximum}},
        )
    return number


def _date(data: dict, key: str, *, required: bool = False) -> dt.date | None:
    value = data.get(key)
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise Invalid(_("Some fields are not valid."), fields={key: _("Required.")})
        return None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(
            _("Some fields are not valid."), fields={key: _("Enter a date such as 2026-03-31.")}
        )
    return parsed


def _datetime(data: dict, key: str, *, required: bool = False) -> dt.datetime | None:
    value = data.get(key)
    if isinstance(value, dt.datetime):
        parsed = value
    elif value in (None, ""):
        if required:
            raise Invalid(_("Some fields are not valid."), fields={key: _("Required.")})
        return None
    else:
        try:
            parsed = parse_datetime(str(value))
        except ValueError:
            parsed = None
        if parsed is None:
            day = _date(data, key)
            parsed = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _save(actor, customer: Customer, obj: models.Model, action: str, label: str):
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise Invalid(_("Some fields are not valid."), fields=fields) from None
    obj.save()
    audit.record(actor=actor, action=action, obj=customer, changes={"asset": label, "id": obj.pk})
    return obj


@transaction.atomic
def vehicle_add(*, actor, customer: Customer, data: dict) -> Vehicle:
    """车辆: 车型 (required), 车号, 车种, VIN, 保养周期 days and 下一次保养期 (ARC-2, ARC-3)."""
    vehicle = Vehicle(
        customer=customer,
        model_name=_text(data, "model_name", required=True),
        plate=_text(data, "plate", max_length=20).upper(),
        kind=_text(data, "kind", max_length=50),
        vin=_text(data, "vin", max_length=17).upper(),
        maintenance_interval_days=_int(data, "maintenance_interval_days", maximum=3650),
        next_maintenance_on=_date(data, "next_maintenance_on"),
    )
    return _save(actor, customer, vehicle, "customer.vehicle_add", str(vehicle))


@transaction.atomic
def vehicle_update(*, actor, vehicle: Vehicle, data: dict) -> Vehicle:
    """Change the maintenance plan of a vehicle (interval and next due date)."""
    fields = []
    if "maintenance_interval_days" in data:
        vehicle.maintenance_interval_days = _int(data, "maintenance_interval_days", maximum=3650)
        fields.append("maintenance_interval_days")
    if "next_maintenance_on" in data:
        vehicle.next_maintenance_on = _date(data, "next_maintenance_on")
        fields.append("next_maintenance_on")
    vehicle.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="customer.vehicle_update",
        obj=vehicle.customer,
        changes={"asset": str(vehicle), "fields": fields},
    )
    return vehicle


@transaction.atomic
def service_record_add(*, actor, vehicle: Vehicle, data: dict) -> ServiceRecord:
    """One visit's repair/maintenance items; moves 下一次保养期 on by the vehicle's interval."""
    record = ServiceRecord(
        vehicle=vehicle,
        serviced_on=_date(data, "serviced_on", required=True),
        items=_text(data, "items", required=True, max_length=2000),
        mileage_km=_int(data, "mileage_km", maximum=5_000_000),
        amount=_decimal(data, "amount"),
    )
    _save(actor, vehicle.customer, record, "customer.service_record_add", str(vehicle))
    if vehicle.maintenance_interval_days:
        due = record.serviced_on + dt.timedelta(days=vehicle.maintenance_interval_days)
        if vehicle.next_maintenance_on is None or due > vehicle.next_maintenance_on:
            vehicle.next_maintenance_on = due
            vehicle.save(update_fields=["next_maintenance_on", "updated_at"])
    return record


@transaction.atomic
def property_unit_add(*, actor, customer: Customer, data: dict) -> PropertyUnit:
    """物业: 楼栋 and 房号 required, 单元 optional, 面积 in m²."""
    unit = PropertyUnit(
        customer=customer,
        building=_text(data, "building", required=True, max_length=20),
        unit=_text(data, "unit", max_length=20),
        room=_text(data, "room", required=True, max_length=20),
        area_m2=_decimal(data, "area_m2"),
    )
    return _save(actor, customer, unit, "customer.unit_add", str(unit))


@transaction.atomic
def buyer_account_add(*, actor, customer: Customer, data: dict) -> BuyerAccount:
    account = BuyerAccount(
        customer=customer,
        platform=_text(data, "platform", required=True, max_length=30),
        platform_user_id=_text(data, "platform_user_id", required=True),
    )
    return _save(actor, customer, account, "customer.buyer_account_add", str(account))


@transaction.atomic
def order_add(*, actor, customer: Customer, data: dict) -> Order:
    order = Order(
        customer=customer,
        order_no=_text(data, "order_no", required=True, max_length=40),
        platform=_text(data, "platform", max_length=30),
        amount=_decimal(data, "amount", required=True),
        status=_text(data, "status", max_length=20),
        placed_at=_datetime(data, "placed_at") or timezone.now(),
        paid_at=_datetime(data, "paid_at"),
    )
    return _save(actor, customer, order, "customer.order_add", order.order_no)


@transaction.atomic
def membership_add(*, actor, customer: Customer, data: dict) -> Membership:
    """会员卡 / 学员卡: 卡号, 余额, 课时, expiry."""
    membership = Membership(
        customer=customer,
        card_no=_text(data, "card_no", required=True, max_length=40),
        balance=_decimal(data, "balance") or Decimal(0),
        lesson_hours=_decimal(data, "lesson_hours", places="0.1") or Decimal(0),
        expires_on=_date(data, "expires_on"),
    )
    return _save(actor, customer, membership, "customer.membership_add", membership.card_no)
