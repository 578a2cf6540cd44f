"""/api/v1/property: the collection rate (FEE-4), the arrears and dunning lists (FEE-2, RPT-7),
payments and letter batches. Handlers parse, call a service or selector, and return; amounts
are strings of yuan with two decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu.accounts.desks import PROPERTY, gate_api
from kefu.core.api_contract import code
from kefu.core.inputs import Day
from kefu.property import selectors, services
from kefu.property.models import LetterKind, Method

router = Router(tags=["property"])
# a line that does not work at the desk gets 403 on every call (accounts.desks)
gate_api(router, PROPERTY)
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
PropertyLetterKind = code(LetterKind)
PaymentMethod = code(Method)
MAX_ROWS = 500


class FeeRateOut(Schema):
    code: str
    name: str
    billed_yuan: Decimal
    collected_yuan: Decimal
    rate: Decimal | None


class BuildingRateOut(Schema):
    building: str
    billed_yuan: Decimal
    collected_yuan: Decimal
    rate: Decimal | None


class CollectionRateOut(Schema):
    year: int
    billed_yuan: Decimal
    collected_yuan: Decimal
    rate: Decimal | None
    meets_target: bool
    by_fee_type: list[FeeRateOut]
    by_building: list[BuildingRateOut]


class HouseholdArrearsOut(Schema):
    unit_id: int
    unit: str
    building: str
    customer: int
    arrears_yuan: Decimal
    oldest_due: dt.date


class HouseholdListOut(Schema):
    items: list[HouseholdArrearsOut]


class PaymentIn(Schema):
    bill: Id
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    paid_on: Day | None = None
    method: PaymentMethod = "cash"


class PaymentOut(Schema):
    id: int
    bill: int
    amount: Decimal
    paid_on: dt.date
    method: PaymentMethod


class LetterBatchIn(Schema):
    kind: PropertyLetterKind
    as_of: Day | None = None


class LetterBatchOut(Schema):
    id: int
    kind: PropertyLetterKind
    as_of: dt.date
    letters: int
    letter_records: list[int]


def _households(rows) -> dict:
    return {
        "items": [
            {
                "unit_id": r["unit_id"],
                "unit": r["unit"],
                "building": r["building"],
                "customer": r["customer_id"],
                "arrears_yuan": r["arrears"],
                "oldest_due": r["oldest_due"],
            }
            for r in rows
        ]
    }


@router.get("/collection-rate", response=CollectionRateOut, operation_id="collection_rate_get")
def collection_rate(request, year: int = Query(..., ge=2000, le=2100), fee_type: str | None = None):
    """Billed, collected (from the payment rows) and the rate of a year's bills, per fee and
    per building, in the caller's business line; target ≥ 95 % by year end."""
    return selectors.collection_rate(
        bills=selectors.bills_for(request.user), year=year, fee_code=fee_type
    )


@router.get("/arrears", response=HouseholdListOut, operation_id="arrears_list")
def arrears(request, as_of: Day | None = None):
    """Households owing on bills due before ``as_of`` (default today), largest first (at most
    500)."""
    rows = selectors.arrears(
        bills=selectors.bills_for(request.user), as_of=as_of or timezone.localdate()
    )[:MAX_ROWS]
    return _households(selectors.with_units(rows))


@router.get("/dunning", response=HouseholdListOut, operation_id="dunning_list")
def dunning(request, as_of: Day | None = None):
    """Households whose oldest unpaid bill has been due for more than a year (催缴函)."""
    rows = selectors.dunning_households(
        bills=selectors.bills_for(request.user), as_of=as_of or timezone.localdate(), limit=MAX_ROWS
    )
    return _households(rows)


@router.post("/payments", response={201: PaymentOut}, operation_id="payment_create")
def payment_create(request, payload: PaymentIn):
    """Record a payment against a bill (never more than it still owes)."""
    p = services.payment_record(
        actor=request.user,
        bill_id=payload.bill,
        amount=payload.amount,
        paid_on=payload.paid_on,
        method=payload.method,
    )
    return Status(
        201,
        {
            "id": p.pk,
            "bill": p.bill_id,
            "amount": p.amount,
            "paid_on": p.paid_on,
            "method": p.method,
        },
    )


@router.post("/letter-batches", response={201: LetterBatchOut}, operation_id="letter_batch_create")
def letter_batch_create(request, payload: LetterBatchIn):
    """Print a batch of 催缴函 or 催收函 and enter each letter in the letter register
    (supervisors and above)."""
    batch = services.letter_batch_print(actor=request.user, kind=payload.kind, as_of=payload.as_of)
    records = list(batch.letters.order_by("id").values_list("record_id", flat=True))
    return Status(
        201,
        {
            "id": batch.pk,
            "kind": batch.kind,
            "as_of": batch.as_of,
            "letters": len(records),
            "letter_records": [r for r in records if r],
        },
    )


class CashDayIn(Schema):
    day: Day
    counted_yuan: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    handed_over_yuan: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    note: str = Field("", max_length=200)


class CashDayOut(Schema):
    day: dt.date
    recorded_yuan: Decimal
    counted_yuan: Decimal | None
    handed_over_yuan: Decimal | None
    difference_yuan: Decimal | None
    closed: bool


def _cash_row(day, recorded, closed) -> dict:
    return {
        "day": day,
        "recorded_yuan": recorded,
        "counted_yuan": closed.counted_yuan if closed else None,
        "handed_over_yuan": closed.handed_over_yuan if closed else None,
        "difference_yuan": closed.difference_yuan if closed else None,
        "closed": closed is not None,
    }


@router.get("/cash-ledger", response=list[CashDayOut], operation_id="cash_ledger_get")
def cash_ledger(request):
    """每日门店现金台帐 (FEE-6): the last 31 days with cash, newest first: recorded cash
    payments and, once closed, the cash counted, handed over and the difference."""
    from kefu.property.cash import cash_ledger as ledger

    return [_cash_row(r["day"], r["recorded"], r["closed"]) for r in ledger(request.user)["rows"]]


@router.post("/cash-days", response={201: CashDayOut}, operation_id="cash_day_close")
def cash_day_close(request, payload: CashDayIn):
    """Close a day's cash: handed over must equal counted; a difference from the recorded cash
    payments needs an explanation; a closed day again is 409."""
    from kefu.property.cash import cash_day_close as close

    closed = close(
        actor=request.user,
        day=payload.day,
        counted=payload.counted_yuan,
        handed_over=payload.handed_over_yuan,
        note=payload.note,
    )
    return Status(201, _cash_row(closed.day, closed.recorded_yuan, closed))


def _archive_routes() -> None:
    """The e-archive and the rental register (``api_archive``) under the same prefix."""
    from kefu.property.api_archive import router as archive_router

    router.add_router("", archive_router)


_archive_routes()
