"""/api/v1/commerce: the returns team (RET-9), logistics cases (RET-7) and the daily registers
(RET-8). Everyone of the line reads; writes are those of the pages, through the same services
(stale ``version`` → 409 ``stale``). Handlers parse, call a service or selector, and return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from kefu.commerce import refund_forecast as refund_forecast_rules
from kefu.commerce import selectors, team_out, team_selectors
from kefu.commerce.schemas_team import (
    CaseIn,
    CaseOut,
    CasePageOut,
    CaseStepIn,
    InspectionIn,
    InspectionOut,
    RefundForecastOut,
    RegistersOut,
    ReshipmentCheckIn,
    ReshipmentIn,
    ReshipmentOut,
    ReshipmentPageOut,
    ReshipmentSendIn,
    ReturnsTeamOut,
)
from kefu.commerce.services import returns_team
from kefu.core.errors import Invalid
from kefu.core.inputs import Day, Id
from kefu.core.pagination import paginate
from kefu.tickets.selectors import ticket_get_for

router = Router(tags=["commerce"])

#: the longest period the team's figures cover at once
MAX_DAYS = 366
ForecastOrders = Annotated[int, Field(ge=0, le=refund_forecast_rules.MAX_ORDERS)]


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """[start, end] in days: by default the last 30 days to today; at most a year."""
    last = end or timezone.localdate()
    first = start or last - dt.timedelta(days=29)
    if last < first or (last - first).days >= MAX_DAYS:
        raise Invalid(
            _("Choose at most %(n)d days, the end not before the start.") % {"n": MAX_DAYS},
            fields={"start": _("Out of range.")},
        )
    return first, last


@router.get("/team", response=ReturnsTeamOut, operation_id="commerce_team")
def team(request, start: Day | None = None, end: Day | None = None):
    """补发 sent in the period with 补发准确率 (correct ÷ all sent; one not yet checked counts in
    the whole) and the median turnaround; refund completion per specialist, ranked with shared
    places (RET-9). Default: the last 30 days."""
    first, last = period(start, end)
    return team_out.team(user=request.user, first=first, last=last)


@router.get("/reshipments", response=ReshipmentPageOut, operation_id="commerce_reshipment_list")
def reshipment_list(request, cursor: str | None = None, limit: int | None = None):
    """补发 of the caller's line, the latest requested first."""
    page = paginate(
        team_selectors.reshipments_for(user=request.user),
        ordering="-requested_at",
        cursor=cursor,
        limit=limit,
    )
    return {"items": [team_out.reshipment(r) for r in page.items], "next": page.next}


@router.post(
    "/reshipments", response={201: ReshipmentOut}, operation_id="commerce_reshipment_create"
)
def reshipment_create(request, data: ReshipmentIn):
    """Request a 补发 for an order of the line, named by its number (``reason``: missing,
    wrong, damaged, other)."""
    order = team_selectors.order_get_for(user=request.user, order_no=data.order)
    reship = returns_team.reshipment_create(
        actor=request.user, order=order, reason=data.reason, items=data.items
    )
    return Status(201, team_out.reshipment(reship))


@router.post(
    "/reshipments/{reshipment_id}/send",
    response=ReshipmentOut,
    operation_id="commerce_reshipment_send",
)
def reshipment_send(request, reshipment_id: Id, data: ReshipmentSendIn):
    """The 补发 leaves with its tracking number (once)."""
    reship = team_selectors.reshipment_get_for(user=request.user, pk=reshipment_id)
    returns_team.reshipment_send(
        actor=request.user, reship=reship, version=data.version, tracking_no=data.tracking_no
    )
    return team_out.reshipment(reship)


@router.post(
    "/reshipments/{reshipment_id}/check",
    response=ReshipmentOut,
    operation_id="commerce_reshipment_check",
)
def reshipment_check(request, reshipment_id: Id, data: ReshipmentCheckIn):
    """The customer got what was missing (``correct``) or not: it counts in 补发准确率 (once)."""
    reship = team_selectors.reshipment_get_for(user=request.user, pk=reshipment_id)
    returns_team.reshipment_check(
        actor=request.user, reship=reship, version=data.version, correct=data.correct
    )
    return team_out.reshipment(reship)


@router.post(
    "/returns/{return_id}/inspection",
    response={201: InspectionOut},
    operation_id="commerce_inspection_record",
)
def inspection_record(request, return_id: Id, data: InspectionIn):
    """A received return unpacked and inspected at the warehouse: the record, and the return
    moves to 已检验 in the same transaction (``version`` is the return's)."""
    ret = selectors.return_get_for(user=request.user, pk=return_id)
    record = returns_team.inspection_record(
        actor=request.user,
        ret=ret,
        version=data.version,
        warehouse=data.warehouse,
        intact=data.intact,
        damaged=data.damaged,
        note=data.note,
    )
    return Status(
        201,
        {
            "id": record.pk,
            "ret": record.ret_id,
            "warehouse": record.warehouse,
            "inspector": record.inspector_id,
            "unpacked_at": record.unpacked_at,
            "intact": record.intact,
            "damaged": record.damaged,
            "note": record.note,
        },
    )


@router.get("/logistics", response=CasePageOut, operation_id="commerce_case_list")
def case_list(request, open: bool = True, cursor: str | None = None, limit: int | None = None):
    """Logistics cases of the line (lost, short, damaged, anomaly), the latest opened first;
    ``open=false`` lists the closed ones too."""
    page = paginate(
        team_selectors.cases_for(user=request.user, open_only=open),
        ordering="-opened_at",
        cursor=cursor,
        limit=limit,
    )
    return {"items": [team_out.case(c) for c in page.items], "next": page.next}


@router.post("/logistics", response={201: CaseOut}, operation_id="commerce_case_open")
def case_open(request, data: CaseIn):
    """Open a case for a shipped order of the line, named by its number; ``extend`` (延长收货时间)
    records ``extend_days`` and is closed at once; 409 while a case of the kind is open;
    ``ticket``: the conversation it came from."""
    order = team_selectors.order_get_for(user=request.user, order_no=data.order)
    ticket = ticket_get_for(user=request.user, pk=data.ticket) if data.ticket else None
    case = returns_team.case_open(
        actor=request.user,
        order=order,
        kind=data.kind,
        courier=data.courier,
        description=data.description,
        extend_days=data.extend_days,
        ticket=ticket,
    )
    return Status(201, team_out.case(case))


@router.get("/logistics/{case_id}", response=CaseOut, operation_id="commerce_case_get")
def case_get(request, case_id: Id):
    """A case with the steps open to it now (``next_steps``)."""
    return team_out.case(team_selectors.case_get_for(user=request.user, pk=case_id))


@router.post("/logistics/{case_id}/steps", response=CaseOut, operation_id="commerce_case_step")
def case_step(request, case_id: Id, data: CaseStepIn):
    """Move a case on: ``confirm``, ``weigh`` (both weights), ``remedy`` (reship with ``items``
    or refund with ``amount``), ``claim`` (``claim_amount``), ``query`` (a note), ``close``
    (``recovered_amount`` ≤ claimed). A claim never comes before the customer is made whole."""
    case = team_selectors.case_get_for(user=request.user, pk=case_id)
    returns_team.case_step(actor=request.user, case=case, **data.dict())
    return team_out.case(team_selectors.case_get_for(user=request.user, pk=case_id))


@router.get("/registers", response=RegistersOut, operation_id="commerce_registers")
def registers(request, day: Day | None = None):
    """The eight daily registers of ``day`` (RET-8; default yesterday): 查件, 延长收货时间,
    货物破损, 补货, 换货, 退货, 申请退款, 客户维权."""
    return team_out.registers(user=request.user, day=day or team_selectors.yesterday())


@router.get(
    "/refunds/forecast", response=RefundForecastOut, operation_id="commerce_refund_forecast"
)
def refund_forecast(
    request, orders: ForecastOrders, start: Day | None = None, end: Day | None = None
):
    """STF-3: the refunds to expect of ``orders`` (a sales forecast), split by the stage of the
    order when the refund is asked for (unshipped 未发货, shipped 已发货, received 已收货), at the
    rates of the reference cohort: the orders of the caller's line paid in [start, end] (default
    the last 30 days; at most 366) and their refunds. ``rate`` is refunds per 100 orders."""
    first, last = period(start, end)
    return team_out.refund_forecast(user=request.user, first=first, last=last, orders=orders)
