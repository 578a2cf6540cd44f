"""The repair centre's writes and reads (维修中心, ESC-4, RPR-2): intake decides the warranty
from the purchase date and term (else a quote the customer approves) and whether the job is a
repeat repair (same device and fault within 90 days); steps follow the workflow, each one
logged with the message sent to the customer; hard cases go to the manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.booking import rules
from kefu.booking.models import RepairOrder, RepairStepLog, Step
from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, StaleWrite
from kefu.customers.models import Customer


def orders_for(user):
    return RepairOrder.objects.filter(scope.records_q(user, owners=("repairer_id",)))


def _text(name, value, limit, required=True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else ""
    if (required and not value) or len(value) > limit:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("At most %(n)d characters.") % {"n": limit}},
        )
    return value


def _day(name, value) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise Invalid(_("Enter a date such as 2026-11-30."), fields={name: _("Not a valid time.")})
    return value


def step_message(step: str) -> str:
    return _("Your repair: %(step)s.") % {"step": Step(step).label}


@transaction.atomic
def order_intake(
    *,
    actor,
    customer_id: int,
    device: str,
    serial: str,
    fault: str,
    purchased_on,
    warranty_months=12,
    accessories: str = "",
    quote_yuan=None,
    received_on=None,
) -> RepairOrder:
    customer = Customer.objects.filter(
        scope.business_line_q(actor), pk=customer_id, merged_into=None
    ).first()
    if customer is None:
        raise Invalid(
            _("Choose a customer of your business line."),
            fields={"customer": _("Unknown customer.")},
        )
    today = timezone.localdate()
    received_on = _day("received_on", received_on) if received_on else today
    purchased_on = _day("purchased_on", purchased_on)
    if purchased_on > received_on or received_on > today:
        raise Invalid(_("Some fields are not valid."), fields={"purchased_on": _("In the future.")})
    try:
        months = int(warranty_months)
        covered = rules.in_warranty(purchased_on, months, received_on)
    except (TypeError, ValueError):
        raise Invalid(
            _("Some fields are not valid."), fields={"warranty_months": _("Not a number.")}
        ) from None
    quote = None
    if not covered:
        try:
            quote = Decimal(str(quote_yuan)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError, TypeError):
            quote = None
        if quote is None or not quote.is_finite() or quote <= 0:
            raise Invalid(
                _("Out of warranty: enter the quote the customer is asked to approve."),
                fields={"quote_yuan": _("Not a number.")},
            )
    serial = _text("serial", serial, 60).upper()
    fault = _text("fault", fault, 60)
    last = (
        RepairOrder.objects.filter(serial=serial, fault=fault, received_on__lte=received_on)
        .order_by("-received_on")
        .values_list("received_on", flat=True)
        .first()
    )
    order = RepairOrder.objects.create(
        business_line_id=customer.business_line_id,
        department_id=actor.department_id,
        team_id=actor.team_id,
        customer=customer,
        device=_text("device", device, 60),
        serial=serial,
        fault=fault,
        accessories=_text("accessories", accessories, 200, required=False),
        purchased_on=purchased_on,
        warranty_months=months,
        in_warranty=covered,
        quote_yuan=quote,
        received_on=received_on,
        is_repeat=rules.is_repeat(received_on, last),
        repairer=actor,
    )
    RepairStepLog.objects.create(
        order=order, step=Step.RECEIVED, message=step_message(Step.RECEIVED), actor=actor
    )
    audit.record(
        actor=actor,
        action="booking.repair_intake",
        obj=order,
        changes={"in_warranty": covered, "repeat": order.is_repeat},
    )
    return order


@transaction.atomic
def order_move(*, actor, order_id: int, version: int, step: str) -> RepairOrder:
    order = orders_for(actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Repair order not found."))
    if order.version != version:
        raise StaleWrite()
    if step not in Step.values or not rules.may_move(order.step, step):
        raise Invalid(_("The repair cannot move to that step from where it is."))
    if step == Step.QUOTED and order.in_warranty:
        raise Invalid(_("The repair is in warranty: there is no quote to approve."))
    updated = RepairOrder.objects.filter(pk=order.pk, version=version).update(
        step=step, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite()
    order.refresh_from_db()
    RepairStepLog.objects.create(order=order, step=step, message=step_message(step), actor=actor)
    audit.record(actor=actor, action="booking.repair_step", obj=order, changes={"step": step})
    return order


@transaction.atomic
def order_escalate(*, actor, order_id: int, version: int) -> RepairOrder:
    """A hard case goes to the manager (ESC-4)."""
    order = orders_for(actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Repair order not found."))
    updated = RepairOrder.objects.filter(pk=order.pk, version=version).update(
        escalated=True, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite()
    order.refresh_from_db()
    audit.record(actor=actor, action="booking.repair_escalate", obj=order, changes={})
    return order


def repeat_rates(orders) -> list[dict]:
    """Repeat-repair rate per repairer and month (RPR-2): one aggregate query."""
    rows = (
        orders.annotate(month=TruncMonth("received_on"))
        .values("repairer_id", "repairer__display_name", "month")
        .annotate(total=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
        .order_by("-month", "repairer__display_name")
    )
    return [
        {
            "repairer": r["repairer__display_name"],
            "month": r["month"],
            "total": r["total"],
            "repeats": r["repeats"],
            "rate": rules.repeat_rate(r["repeats"], r["total"]),
        }
        for r in rows
    ]


def quota_table(orders, *, month: dt.date, sales, fault_rate, per_unit) -> dict:
    """RPR-1, §9.3: the month's base quota of each repairer = (the last 2 months' retail sales
    × the fault rate) ÷ the repairers at work that month − 50, and each one's repairs above it
    with the commission they earn. Bad figures raise ``Invalid`` with the rule's words."""
    fields = {}
    for i, value in enumerate(sales, 1):
        if _figure(value) is None:
            fields[f"sales_{i}"] = _("Enter the units sold, a number of 0 or more.")
    rate = _figure(fault_rate)
    if rate is None or rate > 1:
        fields["fault_rate"] = _("The fault rate is a share between 0 and 1 (0.03 = 3%).")
    if _figure(per_unit) is None:
        fields["per_unit"] = _("The commission is a sum of 0 yuan or more.")
    if fields:
        raise Invalid(_("Some fields are not valid."), fields=fields)
    first = month.replace(day=1)
    rows = [r for r in repeat_rates(orders.filter(received_on__gte=first)) if r["month"]]
    rows = [r for r in rows if _month_of(r["month"]) == first and r["repairer"]]
    quota = rules.repair_quota(sales, fault_rate, max(len(rows), 1))
    table = []
    for r in rows:
        above, earned = rules.commission(r["total"], quota, per_unit)
        table.append({**r, "above": above, "commission": earned})
    return {"month": first, "quota": quota, "repairers": len(rows), "rows": table}


def _figure(value) -> Decimal | None:
    """A figure typed on the page: a finite number of 0 or more, else None."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def _month_of(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
