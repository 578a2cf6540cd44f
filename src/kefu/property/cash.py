"""The property office's daily cash ledger (每日门店现金台帐) and hand-over sheet (上缴金额表),
FEE-6: at closing the cashier counts the cash, the ledger sets it against the cash payments
recorded that day, and the whole amount counted is handed over. A difference is closed only with
an explanation; once a day is closed no cash payment may be dated that day (``payment_record``
checks), so the ledger never changes behind a closed day. Both writes lock the line's row, so a
payment and the closing of its day cannot interleave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.property import rules
from kefu.property.models import CashDay, Method, Payment

LEDGER_DAYS = 31
ZERO = Decimal("0.00")


def lock_line(line_id: int) -> None:
    BusinessLine.objects.select_for_update().filter(pk=line_id).first()


def cash_recorded(line_id: int, day: dt.date) -> Decimal:
    total = Payment.objects.filter(
        business_line_id=line_id, paid_on=day, method=Method.CASH
    ).aggregate(s=Sum("amount"))["s"]
    return (total or ZERO).quantize(Decimal("0.01"))


def day_is_closed(line_id: int, day: dt.date) -> bool:
    return CashDay.objects.filter(business_line_id=line_id, day=day).exists()


def _money(name: str, value) -> Decimal:
    from kefu.property.services import _money as money

    return money(name, value, positive=False)


@transaction.atomic
def cash_day_close(*, actor, day, counted, handed_over, note: str = "") -> CashDay:
    """Close the office's cash of ``day``: counted against recorded, handed over = counted."""
    if not actor.business_line_id:
        raise PermissionDenied(_("Only staff of a business line may do this."))
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, dt.date) or day > timezone.localdate():
        raise Invalid(_("Enter a date such as 2026-11-30."), fields={"day": _("Not a valid date.")})
    counted = _money("counted", counted)
    handed_over = _money("handed_over", handed_over)
    note = (note or "").strip()
    if len(note) > 200:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"note": _("At most %(n)d characters.") % {"n": 200}},
        )
    line_id = actor.business_line_id
    lock_line(line_id)
    if day_is_closed(line_id, day):
        raise Conflict(_("The cash of that day is already closed."))
    recorded = cash_recorded(line_id, day)
    check = rules.reconcile_cash(recorded, counted, handed_over)
    if check["undelivered"] != 0:
        raise Invalid(
            _("Hand over the whole amount counted (%(counted)s yuan).") % {"counted": counted},
            fields={"handed_over": _("Not the amount counted.")},
        )
    if check["difference"] != 0 and not note:
        raise Invalid(
            _(
                "The cash counted differs from the cash payments recorded (%(recorded)s yuan) "
                "by %(difference)s yuan: explain the difference to close the day."
            )
            % {"recorded": recorded, "difference": check["difference"]},
            fields={"note": _("This field is required.")},
        )
    try:
        with transaction.atomic():
            closed = CashDay.objects.create(
                business_line_id=line_id,
                day=day,
                recorded_yuan=recorded,
                counted_yuan=counted,
                handed_over_yuan=handed_over,
                difference_yuan=check["difference"],
                note=note,
                closed_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("The cash of that day is already closed.")) from None
    audit.record(
        actor=actor,
        action="property.cash_close",
        obj=closed,
        changes={"day": day, "recorded": recorded, "counted": counted},
    )
    return closed


def cash_ledger(user, *, until: dt.date | None = None, days: int = LEDGER_DAYS) -> dict:
    """The last ``days`` days, newest first: cash recorded, and for closed days the cash counted,
    handed over and the difference; days with cash still open are flagged. Two queries."""
    until = until or timezone.localdate()
    since = until - dt.timedelta(days=days - 1)
    recorded = dict(
        Payment.objects.filter(
            scope.business_line_q(user),
            method=Method.CASH,
            paid_on__gte=since,
            paid_on__lte=until,
        )
        .values("paid_on")
        .annotate(s=Sum("amount"))
        .values_list("paid_on", "s")
    )
    closed = {
        c.day: c
        for c in CashDay.objects.filter(
            scope.business_line_q(user), day__gte=since, day__lte=until
        ).select_related("closed_by")
    }
    rows = []
    for offset in range(days):
        day = until - dt.timedelta(days=offset)
        cash = (recorded.get(day) or ZERO).quantize(Decimal("0.01"))
        shut = closed.get(day)
        if cash == 0 and shut is None:
            continue
        rows.append({"day": day, "recorded": cash, "closed": shut})
    return {
        "rows": rows,
        "open_days": sum(1 for r in rows if r["closed"] is None and r["day"] < until),
        "unbalanced_days": sum(1 for r in rows if r["closed"] and r["closed"].difference_yuan),
        "handed_over": sum((r["closed"].handed_over_yuan for r in rows if r["closed"]), ZERO),
    }
