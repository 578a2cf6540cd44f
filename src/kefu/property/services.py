"""Every write of the property office: fee standards, possession status, bills, payments,
dunning letter batches (entered in the followups letter register) and repairs. Each validates,
runs in a transaction and leaves an audit record; bad input raises ``Invalid`` and changes
nothing; a stale write raises ``StaleWrite``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.customers.models import PropertyUnit
from kefu.property import rules, selectors
from kefu.property.models import (
    Basis,
    Bill,
    DunningLetter,
    FeeKind,
    FeeType,
    LetterBatch,
    LetterKind,
    Method,
    Payment,
    Possession,
    RepairJob,
    RepairScope,
    RepairSize,
    UnitProfile,
)

MAX_TEXT = 200


def _money(name: str, value, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("Enter an amount such as 1280.50."), fields={name: _("Not a number.")})
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise Invalid(
            _("Enter an amount such as 1280.50."), fields={name: _("Must be more than 0.")}
        )
    if amount >= Decimal("10000000000"):
        raise Invalid(_("Enter an amount such as 1280.50."), fields={name: _("Too large.")})
    return amount


def _choice(name: str, value, choices) -> str:
    if value not in choices.values:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Choose one of the list.")})
    return value


def _date(name: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise Invalid(_("Enter a date such as 2026-11-30."), fields={name: _("Not a valid date.")})
    return value


def _line_of(actor):
    if not actor.business_line_id:
        raise PermissionDenied(_("Only staff of a business line may do this."))
    return actor.business_line


def _may_manage(actor) -> None:
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or a manager may do this."))


@transaction.atomic
def fee_type_save(
    *, actor, code: str, name: str, kind: str, basis: str, unit_price, reviewed_on=None
) -> FeeType:
    """Create or change a fee standard of the actor's line (FEE-5)."""
    _may_manage(actor)
    line = _line_of(actor)
    code = (code or "").strip().lower()
    name = (name or "").strip()
    errors = {}
    if not code or len(code) > 30 or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = _("Letters, digits and dashes, at most 30.")
    if not name or len(name) > 60:
        errors["name"] = _("Enter a name of at most 60 characters.")
    if errors:
        raise Invalid(_("Some fields are not valid."), fields=errors)
    kind = _choice("kind", kind, FeeKind)
    basis = _choice("basis", basis, Basis)
    price = _money("unit_price", unit_price)
    reviewed = _date("reviewed_on", reviewed_on) if reviewed_on else None
    fee, created = FeeType.objects.update_or_create(
        business_line=line,
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "basis": basis,
            "unit_price": price,
            "reviewed_on": reviewed,
        },
    )
    audit.record(
        actor=actor,
        action="property.fee_type_save",
        obj=fee,
        changes={"code": code, "unit_price": price, "created": created},
    )
    return fee


def _unit_of_line(actor, unit_id) -> PropertyUnit:
    unit = selectors.units_for(actor).filter(pk=unit_id).select_related("customer").first()
    if unit is None:
        raise NotFound(_("Unit not found."))
    return unit


@transaction.atomic
def unit_possession_set(*, actor, unit_id: int, possession: str, assistant=None) -> UnitProfile:
    unit = _unit_of_line(actor, unit_id)
    possession = _choice("possession", possession, Possession)
    profile, _created = UnitProfile.objects.update_or_create(
        unit=unit,
        defaults={
            "business_line_id": unit.customer.business_line_id,
            "possession": possession,
            "assistant": assistant,
        },
    )
    audit.record(
        actor=actor, action="property.unit_profile", obj=profile, changes={"possession": possession}
    )
    return profile


@transaction.atomic
def arrears_reason_set(*, actor, unit_id: int, reason: str) -> UnitProfile:
    """ARC-12 / FEE-1: why the household does not pay ('' clears it), kept with the unit for
    the collection desk and counted there."""
    from kefu.property.models import ArrearsReason

    unit = _unit_of_line(actor, unit_id)
    if reason:
        reason = _choice("reason", reason, ArrearsReason)
    profile, _created = UnitProfile.objects.get_or_create(
        unit=unit, defaults={"business_line_id": unit.customer.business_line_id}
    )
    UnitProfile.objects.filter(pk=profile.pk).update(arrears_reason=reason)
    audit.record(
        actor=actor,
        action="property.arrears_reason",
        obj=profile,
        changes={"before": profile.arrears_reason, "after": reason},
        business_line_id=profile.business_line_id,
    )
    profile.arrears_reason = reason
    return profile


def bill_amount(fee: FeeType, area) -> Decimal:
    if fee.basis == Basis.AREA_MONTH:
        return (fee.unit_price * Decimal(area or 0)).quantize(Decimal("0.01"))
    return fee.unit_price


@transaction.atomic
def bills_issue(*, actor, fee_code: str, period, due_on) -> int:
    """Bill every unit of the actor's line for one fee and period (缴费通知单, FEE-3); a unit
    billed for that period already is left alone, so issuing twice bills once."""
    _may_manage(actor)
    line = _line_of(actor)
    fee = FeeType.objects.filter(business_line=line, code=fee_code).first()
    if fee is None:
        raise Invalid(_("Some fields are not valid."), fields={"fee": _("Unknown fee.")})
    period = _date("period", period).replace(day=1)
    due_on = _date("due_on", due_on)
    if due_on < period:
        raise Invalid(
            _("Some fields are not valid."), fields={"due_on": _("Before the period starts.")}
        )
    units = PropertyUnit.objects.filter(customer__business_line=line, customer__merged_into=None)
    rows = [
        Bill(
            business_line=line,
            unit_id=pk,
            fee_type=fee,
            year=period.year,
            period=period,
            due_on=due_on,
            amount=bill_amount(fee, area),
        )
        for pk, area in units.values_list("pk", "area_m2").iterator(chunk_size=2000)
    ]
    before = Bill.objects.filter(fee_type=fee, period=period).count()
    Bill.objects.bulk_create(
        [r for r in rows if r.amount > 0], batch_size=1000, ignore_conflicts=True
    )
    issued = Bill.objects.filter(fee_type=fee, period=period).count() - before
    audit.record(
        actor=actor,
        action="property.bills_issue",
        business_line_id=line.pk,
        changes={"fee": fee.code, "period": period, "bills": issued},
    )
    return issued


@transaction.atomic
def payment_record(*, actor, bill_id: int, amount, paid_on=None, method: str = "cash") -> Payment:
    """Record a payment against a bill; never more than is still owed."""
    bill = Bill.objects.select_for_update().filter(scope.business_line_q(actor), pk=bill_id).first()
    if bill is None:
        raise NotFound(_("Bill not found."))
    amount = _money("amount", amount)
    method = _choice("method", method, Method)
    paid_on = _date("paid_on", paid_on or timezone.localdate())
    if paid_on > timezone.localdate():
        raise Invalid(_("Some fields are not valid."), fields={"paid_on": _("In the future.")})
    if method == Method.CASH:
        from kefu.property.cash import day_is_closed, lock_line

        lock_line(bill.business_line_id)  # the day's closing takes the same lock (FEE-6)
        if day_is_closed(bill.business_line_id, paid_on):
            raise Invalid(
                _("The cash of %(day)s is closed: date the payment today or pay by another way.")
                % {"day": paid_on.isoformat()},
                fields={"paid_on": _("The cash of that day is closed.")},
            )
    if amount > bill.amount - bill.paid:
        raise Invalid(
            _("The payment is more than the bill still owes (%(owed)s yuan).")
            % {"owed": bill.amount - bill.paid},
            fields={"amount": _("Too large.")},
        )
    payment = Payment.objects.create(
        business_line_id=bill.business_line_id,
        bill=bill,
        amount=amount,
        paid_on=paid_on,
        method=method,
        agent=actor,
    )
    Bill.objects.filter(pk=bill.pk).update(paid=F("paid") + amount)
    audit.record(
        actor=actor,
        action="property.payment",
        obj=payment,
        changes={"bill": bill.pk, "amount": amount, "method": method},
    )
    return payment


@transaction.atomic
def letter_batch_print(*, actor, kind: str, as_of=None) -> LetterBatch:
    """Print a batch of 催缴函 (arrears of more than a year) or 催收函 (possession not taken,
    FEE-2) and enter each letter in the letter register (跟踪服务信函登记表)."""
    from kefu.followups.services.registers import letter_record_create

    _may_manage(actor)
    line = _line_of(actor)
    kind = _choice("kind", kind, LetterKind)
    today = timezone.localdate()
    as_of = _date("as_of", as_of or today)
    if as_of > today:
        raise Invalid(_("Some fields are not valid."), fields={"as_of": _("In the future.")})
    households = selectors.letter_candidates(line=line, kind=kind, as_of=as_of)
    if not households:
        raise Invalid(_("No household qualifies for this letter on that day."))
    batch = LetterBatch.objects.create(
        business_line=line,
        department_id=actor.department_id,
        kind=kind,
        as_of=as_of,
        created_by=actor,
    )
    title = _("Dunning letter") if kind == LetterKind.DUNNING else _("Collection letter")
    for row in households:
        record = letter_record_create(
            actor=actor,
            customer=row["customer_id"],
            kind="dunning",
            channel="post",
            sent_on=as_of,
            subject=f"{title} {row['unit']}",
            notes=_("Arrears %(amount)s yuan since %(since)s")
            % {"amount": row["arrears"], "since": row["oldest_due"].isoformat()},
        )
        DunningLetter.objects.create(
            batch=batch,
            unit_id=row["unit_id"],
            customer_id=row["customer_id"],
            arrears=row["arrears"],
            oldest_due=row["oldest_due"],
            record=record,
        )
    audit.record(
        actor=actor,
        action="property.letter_batch",
        obj=batch,
        changes={"kind": kind, "as_of": as_of, "letters": len(households)},
    )
    return batch


def _aware(name: str, value) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        raise Invalid(
            _("Enter a time such as 2026-11-21 10:00."), fields={name: _("Not a valid time.")}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def repair_report(
    *,
    actor,
    scope_: str,
    size: str,
    description: str,
    unit_id: int | None = None,
    reported_at=None,
) -> RepairJob:
    """Record a repair (居家报修 or 公共区域) and start its clock: minor by the end of the day,
    major within 72 hours, calendar time (SR-2, RPR-4)."""
    line = _line_of(actor)
    scope_ = _choice("scope", scope_, RepairScope)
    size = _choice("size", size, RepairSize)
    description = (description or "").strip()
    if not description or len(description) > MAX_TEXT:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"description": _("Enter a description of at most 200 characters.")},
        )
    unit = None
    if scope_ == RepairScope.HOME:
        if not unit_id:
            raise Invalid(
                _("Some fields are not valid."), fields={"unit": _("A home repair names a unit.")}
            )
        unit = _unit_of_line(actor, unit_id)
    now = timezone.now()
    reported_at = _aware("reported_at", reported_at) if reported_at else now
    if reported_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Some fields are not valid."), fields={"reported_at": _("In the future.")})
    job = RepairJob.objects.create(
        business_line=line,
        department_id=actor.department_id,
        team_id=actor.team_id,
        unit=unit,
        customer_id=unit.customer_id if unit else None,
        scope=scope_,
        size=size,
        description=description,
        reported_at=reported_at,
        due_at=rules.repair_due(size, reported_at),
        reported_by=actor,
    )
    audit.record(
        actor=actor,
        action="property.repair_report",
        obj=job,
        changes={"scope": scope_, "size": size, "due_at": job.due_at},
    )
    return job


def _job_for(actor, job_id: int, version: int) -> RepairJob:
    job = selectors.repairs_for(actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Repair not found."))
    if job.version != version:
        raise StaleWrite(_("Someone changed this repair meanwhile; reload and try again."))
    return job


@transaction.atomic
def repair_done(*, actor, job_id: int, version: int, done_at=None) -> RepairJob:
    job = _job_for(actor, job_id, version)
    if job.done_at is not None:
        raise Invalid(_("This repair is done already."))
    done_at = _aware("done_at", done_at) if done_at else timezone.now()
    if done_at < job.reported_at:
        raise Invalid(_("Some fields are not valid."), fields={"done_at": _("Before the report.")})
    updated = RepairJob.objects.filter(pk=job.pk, version=version).update(
        done_at=done_at, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite(_("Someone changed this repair meanwhile; reload and try again."))
    job.refresh_from_db()
    audit.record(
        actor=actor,
        action="property.repair_done",
        obj=job,
        changes={"done_at": done_at, "on_time": job.on_time},
    )
    return job


@transaction.atomic
def repair_callback(*, actor, job_id: int, version: int, satisfied: bool) -> RepairJob:
    """Every repair is called back once done (SR-1)."""
    job = _job_for(actor, job_id, version)
    if job.done_at is None:
        raise Invalid(_("Call back once the repair is done."))
    updated = RepairJob.objects.filter(pk=job.pk, version=version).update(
        called_back_at=timezone.now(), callback_satisfied=bool(satisfied), version=F("version") + 1
    )
    if not updated:
        raise StaleWrite(_("Someone changed this repair meanwhile; reload and try again."))
    job.refresh_from_db()
    audit.record(
        actor=actor,
        action="property.repair_callback",
        obj=job,
        changes={"callback_satisfied": bool(satisfied)},
    )
    return job
