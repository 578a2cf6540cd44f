"""The returns team at work (RET-9) and logistics cases (RET-7): unpack and inspection records at
the warehouse, 补发 reshipments sent and checked, lost / short / damaged / anomalous parcels
walked to a close. Every write is one transaction, audited; a stale version is a 409."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.commerce import logistics_rules
from kefu.commerce.models import (
    CaseKind,
    Inspection,
    LogisticsCase,
    Remedy,
    Reshipment,
    ReshipReason,
    ReshipResult,
    Return,
    ReturnStatus,
)
from kefu.commerce.services import returns
from kefu.commerce.ticket_link import check_ticket, note_on_ticket
from kefu.core import audit
from kefu.core.errors import Conflict, Invalid, StaleWrite
from kefu.customers.models import Order

MAX_NOTE = 2000


def _text(value, limit: int, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(_("Fill in the required fields."), fields={field: _("Required.")})
    if len(value) > limit:
        raise Invalid(
            _("Some fields are too long."),
            fields={field: _("At most %(n)d characters.") % {"n": limit}},
        )
    return value


def _money(value, field: str, *, maximum: Decimal | None = None) -> Decimal:
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("The amount is not a number."), fields={field: _("Invalid.")}) from None
    if not amount.is_finite() or amount < 0 or (maximum is not None and amount > maximum):
        raise Invalid(_("The amount is out of range."), fields={field: _("Out of range.")})
    return amount


def _weight(value, field: str) -> Decimal:
    try:
        weight = Decimal(str(value).strip()).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("The weight is not a number."), fields={field: _("Invalid.")}) from None
    if not weight.is_finite() or weight <= 0 or weight >= 10000:
        raise Invalid(_("The weight is out of range."), fields={field: _("Out of range.")})
    return weight


# -- unpack and inspection at the warehouse ---------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor,
    ret: Return,
    version: int,
    warehouse: str,
    intact: bool | None,
    damaged: bool = False,
    note: str = "",
    at: dt.datetime | None = None,
) -> Inspection:
    """The parcel of ``ret`` unpacked and inspected at ``warehouse``: the record, and the return
    moves on to 已检验 (RET-6) in the same transaction."""
    warehouse = _text(warehouse, 60, "warehouse")
    note = _text(note, MAX_NOTE, "note")
    if intact is None:
        raise Invalid(_("Say whether the goods are intact."), fields={"intact": _("Required.")})
    if ret.status != ReturnStatus.RECEIVED:
        raise Conflict(_("Only a received parcel is unpacked and inspected."))
    now = at or timezone.now()
    returns.return_step(
        actor=actor, ret=ret, version=version, step="inspect", intact=intact, note=note, at=now
    )
    record = Inspection.objects.create(
        business_line_id=ret.business_line_id,
        ret=ret,
        warehouse=warehouse,
        inspector=actor,
        unpacked_at=now,
        intact=intact,
        damaged=damaged,
        note=note,
    )
    audit.record(
        actor=actor,
        action="commerce.inspection",
        obj=record,
        changes={"return": ret.pk, "intact": intact, "damaged": damaged},
    )
    return record


# -- 补发 reshipments ---------------------------------------------------------------------------


@transaction.atomic
def reshipment_create(
    *,
    actor,
    order: Order,
    reason: str,
    items: str,
    case: LogisticsCase | None = None,
    at: dt.datetime | None = None,
) -> Reshipment:
    if reason not in ReshipReason.values:
        raise Invalid(_("Choose a reason."), fields={"reason": _("Unknown.")})
    items = _text(items, 200, "items", required=True)
    reship = Reshipment.objects.create(
        business_line_id=order.shop.business_line_id,
        order=order,
        case=case,
        reason=reason,
        items=items,
        requested_at=at or timezone.now(),
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action="commerce.reshipment_create",
        obj=reship,
        changes={"order": order.pk, "reason": reason, "case": case.pk if case else None},
    )
    return reship


def _bump(model, obj, version: int, **changes):
    if obj.version != version:
        raise StaleWrite()
    if not model.objects.filter(pk=obj.pk, version=version).update(
        **changes, version=version + 1, updated_at=timezone.now()
    ):
        raise StaleWrite()
    for k, v in changes.items():
        setattr(obj, k, v)
    obj.version = version + 1
    return obj


@transaction.atomic
def reshipment_send(
    *, actor, reship: Reshipment, version: int, tracking_no: str, at: dt.datetime | None = None
) -> Reshipment:
    tracking_no = _text(tracking_no, 60, "tracking_no", required=True)
    if reship.sent_at is not None:
        raise Conflict(_("This reshipment has been sent already."))
    now = at or timezone.now()
    if now < reship.requested_at:
        raise Invalid(_("A reshipment is not sent before it was requested."))
    _bump(Reshipment, reship, version, sent_at=now, tracking_no=tracking_no)
    audit.record(
        actor=actor,
        action="commerce.reshipment_send",
        obj=reship,
        changes={"tracking_no": tracking_no},
    )
    return reship


@transaction.atomic
def reshipment_check(
    *, actor, reship: Reshipment, version: int, correct: bool, at: dt.datetime | None = None
) -> Reshipment:
    """The customer got what was missing (correct) or not (wrong): it counts in 补发准确率."""
    if reship.sent_at is None:
        raise Conflict(_("Send the reshipment before checking it."))
    if reship.result != ReshipResult.PENDING:
        raise Conflict(_("This reshipment has been checked already."))
    result = ReshipResult.CORRECT if correct else ReshipResult.WRONG
    _bump(Reshipment, reship, version, result=result, checked_at=at or timezone.now())
    audit.record(
        actor=actor, action="commerce.reshipment_check", obj=reship, changes={"result": result}
    )
    return reship


# -- logistics cases ----------------------------------------------------------------------------


EXTEND_MAX_DAYS = 30


@transaction.atomic
def case_open(
    *,
    actor,
    order: Order,
    kind: str,
    courier: str = "",
    description: str = "",
    at: dt.datetime | None = None,
    extend_days=None,
    ticket=None,
) -> LogisticsCase:
    """Open a logistics case of a shipped order. 延长收货时间 (``extend``) records the receipt
    time extended by ``extend_days`` on the platform: it is closed as it is written. An order has
    one open case of a kind at a time (409 for a second). ``ticket``: the conversation it came
    from (the order card), kept on the case and written on the ticket's timeline."""
    if kind not in CaseKind.values:
        raise Invalid(_("Choose the kind of case."), fields={"kind": _("Unknown.")})
    check_ticket(ticket, order)
    if order.shipped_at is None:
        raise Invalid(
            _("The order has not been shipped: there is no parcel to follow."),
            fields={"order": _("Not shipped.")},
        )
    days = None
    if kind == CaseKind.EXTEND:
        if order.closed_at is not None:
            raise Invalid(
                _("The order is closed: its receipt time cannot be extended."),
                fields={"order": _("Closed.")},
            )
        try:
            days = int(str(extend_days).strip())
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= EXTEND_MAX_DAYS:
            raise Invalid(
                _("Extend the receipt time by 1 to %(n)d days.") % {"n": EXTEND_MAX_DAYS},
                fields={"extend_days": _("Out of range.")},
            )
    courier = _text(courier or order.courier, 40, "courier")
    description = _text(description, MAX_NOTE, "description")
    Order.objects.select_for_update().filter(pk=order.pk).first()
    already = (
        LogisticsCase.objects.filter(order=order, kind=kind, closed_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    if already is not None:
        raise Conflict(
            _("A case of this kind is already open for this order (L%(id)s).") % {"id": already},
            code="case_open",
        )
    now = at or timezone.now()
    case = LogisticsCase.objects.create(
        business_line_id=order.shop.business_line_id,
        order=order,
        kind=kind,
        courier=courier,
        description=description,
        opened_at=now,
        opened_by=actor,
        extend_days=days,
        status="closed" if days else "open",
        closed_at=now if days else None,
        ticket=ticket,
    )
    audit.record(
        actor=actor,
        action="commerce.case_open",
        obj=case,
        changes={
            "order": order.pk,
            "kind": kind,
            "extend_days": days,
            "ticket": ticket.pk if ticket is not None else None,
        },
    )
    note_on_ticket(
        actor=actor,
        ticket=ticket,
        words=lambda: (
            _("Receipt time of order %(order)s extended by %(days)s days (L%(id)s)")
            % {"order": order.order_no, "days": days, "id": case.pk}
            if days
            else _("Logistics case L%(id)s (%(kind)s) opened for order %(order)s")
            % {"id": case.pk, "kind": case.get_kind_display(), "order": order.order_no}
        ),
    )
    return case


REMEDY_REASON = {"lost": "lost", "short": "short", "damaged": "damaged"}


@transaction.atomic
def case_step(
    *,
    actor,
    case: LogisticsCase,
    version: int,
    step: str,
    note: str = "",
    weight_warehouse=None,
    weight_courier=None,
    remedy: str = "",
    items: str = "",
    amount=None,
    claim_amount=None,
    recovered_amount=None,
    at: dt.datetime | None = None,
) -> LogisticsCase:
    """Move ``case`` one step along its kind's flow (logistics_rules.FLOWS). A step that does
    not follow is a 409; missing or bad input a 400 that changes nothing."""
    if step not in logistics_rules.STEPS:
        raise Invalid(_("Unknown step."), fields={"step": _("Unknown.")})
    if case.version != version:
        raise StaleWrite()
    to = logistics_rules.target(case.kind, case.status, step)
    if to is None:
        raise Conflict(_("This step does not follow from the case's current status."))
    now = at or timezone.now()
    note = _text(note, MAX_NOTE, "note")
    changes: dict = {"status": to}
    if note:
        changes["note"] = (case.note + "\n" + note).strip()[:10000]
    order = case.order
    if step == "query" and not note:
        raise Invalid(_("Write down what the courier was asked."), fields={"note": _("Required.")})
    if step == "weigh":
        if weight_warehouse in (None, "") or weight_courier in (None, ""):
            raise Invalid(
                _("Enter both weights."),
                fields={
                    "weight_warehouse": _("Required."),
                    "weight_courier": _("Required."),
                },
            )
        changes["weight_warehouse"] = _weight(weight_warehouse, "weight_warehouse")
        changes["weight_courier"] = _weight(weight_courier, "weight_courier")
    elif step == "remedy":
        if remedy not in Remedy.values:
            raise Invalid(_("Choose reship or refund."), fields={"remedy": _("Unknown.")})
        changes["remedy"] = remedy
    elif step == "claim":
        claim = _money(claim_amount, "claim_amount")
        if claim <= 0:
            raise Invalid(
                _("The amount is out of range."), fields={"claim_amount": _("Out of range.")}
            )
        changes["claim_amount"] = claim
    elif step == "close":
        if case.kind in ("lost", "damaged"):
            if recovered_amount in (None, ""):
                raise Invalid(
                    _("Enter the amount recovered from the courier (0 if none)."),
                    fields={"recovered_amount": _("Required.")},
                )
            changes["recovered_amount"] = _money(
                recovered_amount, "recovered_amount", maximum=case.claim_amount
            )
        changes["closed_at"] = now
    before = case.status
    _bump(LogisticsCase, case, version, **changes)
    if step == "remedy":
        if remedy == Remedy.RESHIP:
            reshipment_create(
                actor=actor,
                order=order,
                reason=REMEDY_REASON[case.kind],
                items=items or _("The whole order"),
                case=case,
                at=now,
            )
        else:
            refund = returns.refund_create(
                actor=actor, order=order, amount=order.amount if amount in (None, "") else amount
            )
            LogisticsCase.objects.filter(pk=case.pk).update(refund=refund)
            case.refund = refund
    audit.record(
        actor=actor,
        action="commerce.case_step",
        obj=case,
        changes={"status": [before, to], "step": step},
    )
    return case


def registers_export(*, actor, day: dt.date) -> bytes:
    """The eight registers of ``day`` as one workbook, a sheet each (RET-8); audited."""
    from kefu.commerce import exports, team_selectors

    body = exports.registers_xlsx(team_selectors.registers_for(user=actor, day=day), day)
    audit.record(
        actor=actor,
        action="commerce.registers_export",
        business_line_id=getattr(actor, "business_line_id", None),
        changes={"day": day.isoformat()},
    )
    return body
