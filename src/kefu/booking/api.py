"""/api/v1/booking: the 12-hour cancellation check (BK-3), a student's hours (SR-10) and the
lesson actions: book, cancel, short-notice leave, the leader's decision, no-show. Handlers parse,
call a service or selector, and return; updates carry ``version`` (409 when stale)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status

from kefu.booking import rules, selectors, services
from kefu.booking.models import LeaveReason, LessonKind, LessonStatus, Party
from kefu.core.api_contract import code
from kefu.core.errors import Invalid, NotFound

router = Router(tags=["booking"])
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
def check_cancel(request, start: dt.datetime, at: dt.datetime, by: PartyCode = "student"):
    """May a lesson starting at ``start`` be cancelled at ``at`` without a leader? Exactly 12 h
    before is allowed; 11:59:59 is not (the hours are deducted unless a leader approves)."""
    try:
        return rules.check_cancel(start, at, by=by).as_dict()
    except rules.RuleError as exc:
        raise Invalid(str(exc)) from None


@router.get("/students/{student_id}", response=StudentHoursOut, operation_id="student_hours_get")
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
def lesson_cancel(request, lesson_id: Id, payload: CancelIn):
    """Cancel; a student's lesson inside 12 h is refused (400) and nothing changes."""
    lesson = services.lesson_cancel(
        actor=request.user, lesson_id=lesson_id, version=payload.version, by=payload.by
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/leave", response=LessonOut, operation_id="lesson_leave")
def lesson_leave(request, lesson_id: Id, payload: LeaveIn):
    """Short-notice leave inside the cut-off: the hours are deducted, a leader decides."""
    lesson = services.lesson_leave(
        actor=request.user, lesson_id=lesson_id, version=payload.version, reason=payload.reason
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/decide", response=LessonOut, operation_id="lesson_decide")
def lesson_decide(request, lesson_id: Id, payload: DecideIn):
    """A leader approves (hours restored; evidence must be attached on the page) or refuses."""
    lesson = services.lesson_exception_decide(
        actor=request.user, lesson_id=lesson_id, version=payload.version, approve=payload.approve
    )
    return _lesson(lesson)


@router.post("/lessons/{lesson_id}/no-show", response=LessonOut, operation_id="lesson_no_show")
def lesson_no_show(request, lesson_id: Id, payload: VersionIn):
    """旷课: the hours are deducted and a same-day callback is created."""
    lesson, _task = services.lesson_no_show(
        actor=request.user, lesson_id=lesson_id, version=payload.version
    )
    return _lesson(lesson)
