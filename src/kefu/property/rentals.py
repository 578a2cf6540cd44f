"""The rental-housing register (出租房屋登记, PM-X5), kept complete: a rented unit's current
tenant, contact phone and lease dates. A row is complete when all four are known and the lease
has not ended (``rules.tenancy_gaps``); the register's completeness = complete rows ÷ rented
units, with the incomplete rows listed first. Agents and above of the line record a tenant, fill
in what is missing (version-checked, 409 when stale) and record a move-out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, StaleWrite
from kefu.core.masking import normalize_phone
from kefu.customers.models import PropertyUnit
from kefu.property import rules
from kefu.property.models import Occupancy, Tenancy, UnitProfile
from kefu.property.selectors import units_for

NAME_MAX = 40
GAP_WORDS = {
    rules.NO_TENANT: gettext_lazy("no tenant recorded"),
    rules.NO_NAME: gettext_lazy("tenant's name missing"),
    rules.NO_PHONE: gettext_lazy("contact phone missing"),
    rules.NO_START: gettext_lazy("lease start missing"),
    rules.NO_END: gettext_lazy("lease end missing"),
    rules.LEASE_ENDED: gettext_lazy("lease ended: renewed or moved out?"),
}


def tenancies_for(user):
    return Tenancy.objects.filter(scope.business_line_q(user))


def _unit(actor, unit_id) -> PropertyUnit:
    unit = (
        units_for(actor).select_related("customer").filter(pk=unit_id).first()
        if str(unit_id).isdigit()
        else None
    )
    if unit is None or unit.customer.business_line_id != actor.business_line_id:
        raise Invalid(
            _("Choose a household of your business line."),
            fields={"unit": _("Unknown household.")},
        )
    return unit


def _date(name: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(
            _("Enter a date such as 2026-11-24."), fields={name: _("Not a valid date.")}
        ) from None


def _fields(tenant_name, phone, lease_start, lease_end) -> dict:
    name = (tenant_name or "").strip() if isinstance(tenant_name, str) else ""
    if not name or len(name) > NAME_MAX:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"tenant_name": _("Required, at most %(n)d characters.") % {"n": NAME_MAX}},
        )
    digits = normalize_phone(phone if isinstance(phone, str) else "")
    if phone and not 7 <= len(digits) <= 20:
        raise Invalid(
            _("Enter a phone number such as 13800138000."),
            fields={"phone": _("Not a phone number.")},
        )
    start, end = _date("lease_start", lease_start), _date("lease_end", lease_end)
    if start and end and end <= start:
        raise Invalid(
            _("The lease ends after it starts."), fields={"lease_end": _("Before the start.")}
        )
    return {"tenant_name": name, "phone": digits, "lease_start": start, "lease_end": end}


def _set_occupancy(unit: PropertyUnit, occupancy: str) -> None:
    UnitProfile.objects.update_or_create(
        unit=unit,
        defaults={"occupancy": occupancy},
        create_defaults={
            "business_line_id": unit.customer.business_line_id,
            "occupancy": occupancy,
        },
    )


@transaction.atomic
def tenancy_record(
    *, actor, unit_id, tenant_name, phone="", lease_start=None, lease_end=None
) -> Tenancy:
    """A new tenant of a unit: the unit is rented out from now on; a tenant still recorded as
    living there moves out on the new lease's start (or today)."""
    unit = _unit(actor, unit_id)
    values = _fields(tenant_name, phone, lease_start, lease_end)
    # one change of a unit's tenants at a time: the unit's row is the lock
    PropertyUnit.objects.select_for_update().filter(pk=unit.pk).first()
    moved = values["lease_start"] or timezone.localdate()
    Tenancy.objects.filter(unit=unit, moved_out_on=None).update(
        moved_out_on=moved, version=F("version") + 1
    )
    tenancy = Tenancy.objects.create(
        business_line_id=unit.customer.business_line_id, unit=unit, recorded_by=actor, **values
    )
    _set_occupancy(unit, Occupancy.RENTED)
    audit.record(
        actor=actor,
        action="property.tenancy_record",
        obj=tenancy,
        changes={"unit": unit.pk, **values},
        business_line_id=tenancy.business_line_id,
    )
    return tenancy


def _current(actor, tenancy_id, version) -> Tenancy:
    tenancy = (
        tenancies_for(actor).filter(pk=tenancy_id, moved_out_on=None).first()
        if str(tenancy_id).isdigit()
        else None
    )
    if tenancy is None or tenancy.business_line_id != actor.business_line_id:
        raise NotFound(_("No such current tenant."))
    if str(tenancy.version) != str(version):
        raise StaleWrite()
    return tenancy


@transaction.atomic
def tenancy_update(
    *, actor, tenancy_id, version, tenant_name, phone="", lease_start=None, lease_end=None
) -> Tenancy:
    """Complete or correct the current tenant's row (409 when someone changed it meanwhile). A
    blank phone keeps the one recorded: a role that sees phones masked is not shown it to edit."""
    tenancy = _current(actor, tenancy_id, version)
    values = _fields(tenant_name, phone, lease_start, lease_end)
    values["phone"] = values["phone"] or tenancy.phone
    before = {k: getattr(tenancy, k) for k in values}
    if not Tenancy.objects.filter(pk=tenancy.pk, version=tenancy.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    ):
        raise StaleWrite()
    tenancy.refresh_from_db()
    audit.record(
        actor=actor,
        action="property.tenancy_update",
        obj=tenancy,
        changes=audit.diff(before, values),
        business_line_id=tenancy.business_line_id,
    )
    return tenancy


@transaction.atomic
def tenancy_end(*, actor, tenancy_id, version, moved_out_on, occupancy=Occupancy.OWNER) -> Tenancy:
    """The tenant moved out: the unit goes back to its owner or stands empty."""
    tenancy = _current(actor, tenancy_id, version)
    day = _date("moved_out_on", moved_out_on)
    if day is None or day > timezone.localdate():
        raise Invalid(
            _("Enter the day the tenant moved out (not ahead)."),
            fields={"moved_out_on": _("Not a valid date.")},
        )
    if occupancy not in (Occupancy.OWNER, Occupancy.VACANT):
        raise Invalid(
            _("Some fields are not valid."), fields={"occupancy": _("Choose one of the list.")}
        )
    if not Tenancy.objects.filter(pk=tenancy.pk, version=tenancy.version).update(
        moved_out_on=day, version=F("version") + 1, updated_at=timezone.now()
    ):
        raise StaleWrite()
    tenancy.refresh_from_db()
    _set_occupancy(tenancy.unit, occupancy)
    audit.record(
        actor=actor,
        action="property.tenancy_end",
        obj=tenancy,
        changes={"moved_out_on": day, "occupancy": occupancy},
        business_line_id=tenancy.business_line_id,
    )
    return tenancy


def register(user, today: dt.date | None = None) -> dict:
    """The register of the user's line: every rented unit with its current tenant and what the
    row lacks, incomplete rows first; completeness = complete ÷ rented. Two queries."""
    today = today or timezone.localdate()
    rented = sorted(
        units_for(user)
        .filter(office_profile__occupancy=Occupancy.RENTED)
        .select_related("customer"),
        key=lambda u: (
            rules.building_order(u.building or ""),
            rules.building_order(u.unit or ""),
            rules.building_order(u.room or ""),
            u.pk,
        ),
    )
    current = {}
    for t in (
        tenancies_for(user)
        .filter(moved_out_on=None, unit_id__in=[u.pk for u in rented])
        .order_by("id")
    ):
        current[t.unit_id] = t  # the latest recorded wins
    rows = []
    for unit in rented:
        tenancy = current.get(unit.pk)
        gaps = rules.tenancy_gaps(
            None
            if tenancy is None
            else {
                "tenant_name": tenancy.tenant_name,
                "phone": tenancy.phone,
                "lease_start": tenancy.lease_start,
                "lease_end": tenancy.lease_end,
            },
            today,
        )
        rows.append(
            {
                "unit": unit,
                "tenancy": tenancy,
                "gaps": [GAP_WORDS[g] for g in gaps],
                "codes": gaps,
                "ok": not gaps,
            }
        )
    complete = sum(1 for r in rows if r["ok"])
    rows.sort(key=lambda r: r["ok"])  # stable: incomplete first, each part in unit order
    return {
        "rows": rows,
        "rented": len(rows),
        "complete": complete,
        "incomplete": len(rows) - complete,
        "completeness": rules.completeness(complete, len(rows)),
    }
