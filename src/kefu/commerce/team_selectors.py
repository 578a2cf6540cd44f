"""Reads of the returns team (RET-9), logistics cases (RET-7) and the daily registers (RET-8),
scoped to the user's business line like orders and returns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.commerce import returns_team
from kefu.commerce.care_selectors import local_range
from kefu.commerce.models import (
    Inspection,
    LogisticsCase,
    Refund,
    RefundStatus,
    Reshipment,
    ReshipResult,
    Return,
    ShipmentCheck,
)
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.customers.models import Order


def _line(user):
    return scope.business_line_q(user)


def order_get_for(*, user, order_no: str) -> Order:
    """An order of the user's line by its number (the forms name orders by number)."""
    found = (
        Order.objects.filter(
            scope.business_line_q(user, field="shop__business_line_id"),
            order_no=(order_no or "").strip()[:40],
        )
        .select_related("shop", "customer")
        .order_by("-placed_at")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def inspections_for(*, user):
    return Inspection.objects.filter(_line(user)).select_related(
        "ret__order", "ret__customer", "inspector"
    )


def reshipments_for(*, user):
    return Reshipment.objects.filter(_line(user)).select_related("order__customer", "requested_by")


def reshipment_get_for(*, user, pk: int) -> Reshipment:
    found = Reshipment.objects.filter(_line(user), pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def cases_for(*, user, open_only: bool = False):
    qs = LogisticsCase.objects.filter(_line(user)).select_related("order__customer")
    if open_only:
        qs = qs.exclude(status="closed")
    return qs


def case_get_for(*, user, pk: int) -> LogisticsCase:
    found = (
        LogisticsCase.objects.filter(_line(user), pk=pk)
        .select_related("order__customer", "refund", "business_line")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class ReshipFigures:
    sent: int
    correct: int
    wrong: int
    unchecked: int
    accuracy: object  # Decimal | None, percent
    median_turnaround_hours: object  # Decimal | None


def reship_figures_for(*, user, start: dt.datetime, end: dt.datetime) -> ReshipFigures:
    """补发准确率 and turnaround of the reshipments sent in [start, end), from the rows."""
    rows = list(
        Reshipment.objects.filter(_line(user), sent_at__gte=start, sent_at__lt=end).values_list(
            "requested_at", "sent_at", "result"
        )
    )
    correct = sum(1 for r in rows if r[2] == ReshipResult.CORRECT)
    wrong = sum(1 for r in rows if r[2] == ReshipResult.WRONG)
    return ReshipFigures(
        sent=len(rows),
        correct=correct,
        wrong=wrong,
        unchecked=len(rows) - correct - wrong,
        accuracy=returns_team.accuracy(correct, len(rows)),
        median_turnaround_hours=returns_team.median_hours([(r[0], r[1]) for r in rows]),
    )


def specialists_for(*, user, start: dt.datetime, end: dt.datetime):
    """Refund completion per specialist: refunds each submitted that finance approved in
    [start, end), with the median hours from review to approval, ranked (ties share a rank)."""
    spans = defaultdict(list)
    names = {}
    for uid, name, username, created, approved in Refund.objects.filter(
        _line(user),
        status=RefundStatus.APPROVED,
        approved_at__gte=start,
        approved_at__lt=end,
        submitted_by__isnull=False,
    ).values_list(
        "submitted_by_id",
        "submitted_by__display_name",
        "submitted_by__username",
        "created_at",
        "approved_at",
    ):
        spans[uid].append((created, approved))
        names[uid] = name or username
    return returns_team.rank_specialists(
        [(uid, names[uid], len(s), returns_team.median_hours(s)) for uid, s in spans.items()]
    )


# -- RET-8: the daily registers of the previous day ----------------------------------------------

REGISTERS = (
    ("trace", _("Parcel traces (查件)")),
    ("extend", _("Receipt time extended (延长收货时间)")),
    ("damaged", _("Damaged goods (货物破损)")),
    ("resend", _("Reshipments (补货)")),
    ("exchange", _("Exchanges (换货)")),
    ("return", _("Returns (退货)")),
    ("refund", _("Refund requests (申请退款)")),
    ("dispute", _("Customer disputes (客户维权)")),
)


@dataclass(frozen=True)
class RegisterRow:
    at: dt.datetime
    order_no: str
    customer: str
    detail: str
    status: str


def _order_bits(order) -> tuple[str, str]:
    return order.order_no, order.customer.name if order.customer_id else ""


def registers_for(*, user, day: dt.date) -> list[tuple[str, str, list[RegisterRow]]]:
    """The eight registers of ``day`` (RET-8), each a list of rows by time: ``(code, title,
    rows)``."""
    start, end = local_range(day, day)
    out: dict[str, list[RegisterRow]] = {code: [] for code, _t in REGISTERS}
    for case in cases_for(user=user).filter(opened_at__gte=start, opened_at__lt=end):
        target = {"damaged": "damaged", "extend": "extend"}.get(case.kind, "trace")
        no, name = _order_bits(case.order)
        detail = " · ".join(
            x for x in (case.get_kind_display(), case.courier, case.order.tracking_no) if x
        )
        if case.kind == "extend":
            detail = _("%(courier)s %(tracking)s extended by %(days)s days") % {
                "courier": case.courier,
                "tracking": case.order.tracking_no,
                "days": case.extend_days,
            }
            detail = detail.strip()
        out[target].append(RegisterRow(case.opened_at, no, name, detail, case.get_status_display()))
    for check in ShipmentCheck.objects.filter(
        _line(user), checked_at__gte=start, checked_at__lt=end, extended_days__gt=0
    ).select_related("order__customer"):
        no, name = _order_bits(check.order)
        detail = _("%(courier)s %(tracking)s extended by %(days)s days") % {
            "courier": check.order.courier,
            "tracking": check.order.tracking_no,
            "days": check.extended_days,
        }
        out["extend"].append(RegisterRow(check.checked_at, no, name, detail.strip(), ""))
    for ins in inspections_for(user=user).filter(
        unpacked_at__gte=start, unpacked_at__lt=end, damaged=True
    ):
        no, name = _order_bits(ins.ret.order)
        detail = _("Found at unpacking (%(warehouse)s)") % {"warehouse": ins.warehouse}
        if ins.note:
            detail = f"{detail}: {ins.note[:120]}"
        out["damaged"].append(RegisterRow(ins.unpacked_at, no, name, str(detail), ""))
    for rs in reshipments_for(user=user).filter(requested_at__gte=start, requested_at__lt=end):
        no, name = _order_bits(rs.order)
        out["resend"].append(
            RegisterRow(
                rs.requested_at,
                no,
                name,
                f"{rs.get_reason_display()} · {rs.items}",
                rs.get_result_display() if rs.sent_at else str(_("Not sent yet")),
            )
        )
    for ret in Return.objects.filter(
        _line(user), requested_at__gte=start, requested_at__lt=end
    ).select_related("order", "customer"):
        out["exchange" if ret.exchange else "return"].append(
            RegisterRow(
                ret.requested_at,
                ret.order.order_no,
                ret.customer.name,
                f"¥{ret.amount}" + (f" · {ret.reason}" if ret.reason else ""),
                ret.get_status_display(),
            )
        )
    for refund in Refund.objects.filter(
        _line(user), created_at__gte=start, created_at__lt=end
    ).select_related("order__customer"):
        no, name = _order_bits(refund.order)
        out["refund"].append(
            RegisterRow(
                refund.created_at, no, name, f"¥{refund.amount}", refund.get_status_display()
            )
        )
    for ret in Return.objects.filter(
        _line(user), status="disputed", updated_at__gte=start, updated_at__lt=end
    ).select_related("order", "customer", "dispute"):
        dispute = getattr(ret, "dispute", None)  # CMP-11: the platform case and its stage
        case_no = dispute.platform_case_no if dispute is not None else ""
        out["dispute"].append(
            RegisterRow(
                ret.updated_at,
                ret.order.order_no,
                ret.customer.name,
                f"¥{ret.amount}"
                + (f" · {case_no}" if case_no else "")
                + (f" · {ret.inspection_note[:120]}" if ret.inspection_note else ""),
                dispute.get_stage_display() if dispute is not None else ret.get_status_display(),
            )
        )
    return [
        (code, str(title), sorted(out[code], key=lambda r: (r.at, r.order_no)))
        for code, title in REGISTERS
    ]


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
