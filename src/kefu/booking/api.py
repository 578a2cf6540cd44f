"""/api/v1/booking: the 12-hour cancellation check (BK-3), a student's hours (SR-10) and the
lesson actions: book, cancel, short-notice leave, the leader's decision, no-show. Handlers parse,
call a service or selector, and return; updates carry ``version`` (409 when stale)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status

from kefu.accounts.desks import LESSONS, WORKSHOP, for_desk, gate_api
from kefu.booking import rules, selectors, services, workshop_selectors, workshop_services
from kefu.booking.models import (
    ActivityKind,
    AppointmentStatus,
    LeaveReason,
    LessonKind,
    LessonStatus,
    Party,
    ServiceKind,
)
from kefu.core.api_contract import code
from kefu.core.errors import Invalid, NotFound

router = Router(tags=["booking"])
# a line that does not work at the desk gets 403 on every call (accounts.desks)
gate_api(router)  # each operation names its desk (for_desk)
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
LessonKindCode = code(LessonKind)
LessonStatusCode = code(LessonStatus)
PartyCode = code(Party)
LeaveReasonCode = code(LeaveReason)


class CancelCheckOut(Schema):
    allowed: bool
    hours_before: float
    deducts_hours: bool
    needs_approval: bool


class StudentHoursOut(Schema):
    id: int
    customer: int
    balance: Decimal
    booked: Decimal


class LessonIn(Schema):
    student: Id
    start_at: dt.datetime
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    teacher: str = Field(min_length=1, max_length=60)
    kind: LessonKindCode = "regular"


class LessonOut(Schema):
    id: int
    student: int
    teacher: str
    kind: LessonKindCode
    start_at: dt.datetime
    hours: Decimal
    status: LessonStatusCode
    status_label: str
    version: int


class CancelIn(Schema):
    version: int = Field(ge=1)
    by: PartyCode = "student"


class LeaveIn(Schema):
    version: int = Field(ge=1)
    reason: LeaveReasonCode


class DecideIn(Schema):
    version: int = Field(ge=1)
    approve: bool


class VersionIn(Schema):
    version: int = Field(ge=1)


def _lesson(lesson) -> dict:
    return {
        "id": lesson.pk,
        "student": lesson.student_id,
        "teacher": lesson.teacher,
        "kind": lesson.kind,
        "start_at": lesson.start_at,
        "hours": lesson.hours,
        "status": lesson.status,
        "status_label": lesson.get_status_display(),
        "version": lesson.version,
    }


@router.get("/check-cancel", response=CancelCheckOut, operation_id="cancel_check")
@for_desk(LESSONS)
def check_cancel(request, start: dt.datetime, at: dt.datetime, by: PartyCode = "student"):
    """May a lesson starting at ``start`` be cancelled at ``at`` without a leader? Exactly 12 h
    before is allowed; 11:59:59 is not (the hours are deducted unless a leader approves)."""
    try:
        return rules.check_cancel(start, at, by=by).as_dict()
    except rules.RuleError as exc:
        raise Invalid(str(exc)) from None


@router.get("/students/{student_id}", response=StudentHoursOut, operation_id="student_hours_get")
@for_desk(LESSONS)
def student_hours(request, student_id: Id):
    """A student's hours: the balance (the sum of the ledger) and the hours of booked lessons."""
    student = selectors.with_balance(selectors.students_for(request.user)).filter(pk=student_id)
    found = student.first()
    if found is None:
        raise NotFound()
    return {
        "id": found.pk,
        "customer": found.customer_id,
        "balance": found.balance,
        "booked": services.booked_hours(found.pk),
    }


@router.post("/lessons", response={201: LessonOut}, operation_id="lesson_create")
@for_desk(LESSONS)
def lesson_create(request, payload: LessonIn):
    """Book a lesson (the free hours must cover it)."""
    lesson = services.lesson_book(
        actor=request.user,
        student_id=payload.student,
        start_at=payload.start_at,
        hours=payload.hours,
        teacher=payload.teacher,
        kind=payload.kind,
    )
    return Status(201, _lesson(lesson))


@router.post("/lessons/{lesson_id}/cancel", response=LessonOut, operation_id="lesson_cancel")
@for_desk(LESSONS)
def lesson_cancel(request, lesson_id: Id, payload: CancelIn):
    """Cancel; a student's lesson inside 12 h is refused (400) and nothing changes."""
    lesson = services.lesson_cancel(
        actor=request.user, lesson_id=lesson_id, version=payload.version, by=payload.by
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/leave", response=LessonOut, operation_id="lesson_leave")
@for_desk(LESSONS)
def lesson_leave(request, lesson_id: Id, payload: LeaveIn):
    """Short-notice leave inside the cut-off: the hours are deducted, a leader decides."""
    lesson = services.lesson_leave(
        actor=request.user, lesson_id=lesson_id, version=payload.version, reason=payload.reason
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/decide", response=LessonOut, operation_id="lesson_decide")
@for_desk(LESSONS)
def lesson_decide(request, lesson_id: Id, payload: DecideIn):
    """A leader approves (hours restored; evidence must be attached on the page) or refuses."""
    lesson = services.lesson_exception_decide(
        actor=request.user, lesson_id=lesson_id, version=payload.version, approve=payload.approve
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/no-show", response=LessonOut, operation_id="lesson_no_show")
@for_desk(LESSONS)
def lesson_no_show(request, lesson_id: Id, payload: VersionIn):
    """旷课: the hours are deducted and a same-day callback is created."""
    lesson, _task = services.lesson_no_show(
        actor=request.user, lesson_id=lesson_id, version=payload.version
    )
    return _lesson(lesson)


# -- 4S workshop (BK-10, SR-4, SR-5, CMP-10, RPR-3, SEG-7) ----------------------------------------

ServiceKindCode = code(ServiceKind)
AppointmentStatusCode = code(AppointmentStatus)
ActivityKindCode = code(ActivityKind)


class SlotOut(Schema):
    start: dt.datetime
    arrivals: int
    in_workshop: int
    free: int
    load: float
    quiet: bool
    peak: bool


class BoardOut(Schema):
    day: dt.date
    day_target: int | None
    booked: int
    slots: list[SlotOut]
    suggestions: list[dt.datetime]


class AppointmentIn(Schema):
    customer: Id | None = None
    vehicle: Id | None = None
    kind: ServiceKindCode
    start_at: dt.datetime
    estimate_hours: Decimal = Field(gt=0, le=40, max_digits=4, decimal_places=2)
    comeback_of: Id | None = None
    note: str = Field("", max_length=200)


class AppointmentOut(Schema):
    id: int
    customer: int
    vehicle: int | None
    kind: ServiceKindCode
    start_at: dt.datetime
    estimate_hours: Decimal
    quoted_ready_at: dt.datetime
    bay: int
    status: AppointmentStatusCode
    comeback_of: int | None
    version: int


class AppointmentMoveIn(Schema):
    version: int = Field(ge=1)
    status: AppointmentStatusCode


class MonthOut(Schema):
    month: dt.date
    received: int
    target: int | None
    first_service: int
    delivered: int
    comebacks: int
    comeback_rate: Decimal | None
    comeback_ok: bool
    renewals: int
    events: int
    attendees: int


class ActivityIn(Schema):
    kind: ActivityKindCode
    happened_on: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))
    customer: Id | None = None
    title: str = Field("", max_length=100)
    amount_yuan: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    attendees: int | None = Field(None, ge=0, le=100000)


class ActivityOut(Schema):
    id: int
    kind: ActivityKindCode
    happened_on: dt.date
    customer: int | None


def _appointment(a) -> dict:
    return {
        "id": a.pk,
        "customer": a.customer_id,
        "vehicle": a.vehicle_id,
        "kind": a.kind,
        "start_at": a.start_at,
        "estimate_hours": a.estimate_hours,
        "quoted_ready_at": a.quoted_ready_at,
        "bay": a.bay,
        "status": a.status,
        "comeback_of": a.comeback_of_id,
        "version": a.version,
    }


@router.get("/workshop/board", response=BoardOut, operation_id="workshop_board")
@for_desk(WORKSHOP)
def workshop_board(
    request, day: Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))]
):
    """The day's slots by load and the quiet slots to offer first (SR-5)."""
    board = workshop_selectors.day_board(request.user, day)
    shop = board["workshop"]
    return {
        "day": day,
        "day_target": shop.day_target if shop else None,
        "booked": board.get("booked", 0),
        "slots": [{**vars(s), "quiet": s.quiet, "peak": s.peak} for s in board["slots"]],
        "suggestions": [s.start for s in board["suggestions"]],
    }


@router.post("/appointments", response={201: AppointmentOut}, operation_id="appointment_create")
@for_desk(WORKSHOP)
def appointment_create(request, payload: AppointmentIn):
    """Book a vehicle into a slot; a full slot is 409 naming the quieter slots of the day."""
    appointment = workshop_services.appointment_book(
        actor=request.user,
        customer_id=payload.customer,
        vehicle_id=payload.vehicle,
        kind=payload.kind,
        start_at=payload.start_at,
        estimate_hours=payload.estimate_hours,
        comeback_of_id=payload.comeback_of,
        note=payload.note,
    )
    return Status(201, _appointment(appointment))


@router.post(
    "/appointments/{appointment_id}/move",
    response=AppointmentOut,
    operation_id="appointment_move",
)
@for_desk(WORKSHOP)
def appointment_move(request, appointment_id: Id, payload: AppointmentMoveIn):
    """Move an appointment on; the customer is told before, during and after the repair."""
    appointment = workshop_services.appointment_move(
        actor=request.user,
        appointment_id=appointment_id,
        version=payload.version,
        status=payload.status,
    )
    return _appointment(appointment)


@router.get("/workshop/months", response=list[MonthOut], operation_id="workshop_months")
@for_desk(WORKSHOP)
def workshop_months(request):
    """The last 6 months: vehicles received against the target, 首保, comebacks and their rate
    (RPR-3, below 2 %), 续保 and in-store events (SEG-7)."""
    return workshop_selectors.monthly_figures(request.user)


@router.post("/activities", response={201: ActivityOut}, operation_id="activity_create")
@for_desk(WORKSHOP)
def activity_create(request, payload: ActivityIn):
    """Record a 续保 sold (with its customer) or an in-store event held (SEG-7)."""
    activity = workshop_services.activity_record(
        actor=request.user,
        kind=payload.kind,
        happened_on=payload.happened_on,
        customer_id=payload.customer,
        title=payload.title,
        amount_yuan=payload.amount_yuan,
        attendees=payload.attendees,
    )
    return Status(
        201,
        {
            "id": activity.pk,
            "kind": activity.kind,
            "happened_on": activity.happened_on,
            "customer": activity.customer_id,
        },
    )
