"""Every write of the lesson desk. Hours are a ledger: every change of a student's hours is a
``HourEntry`` row and the balance is their sum (SR-10). A student's rows are locked while a
write decides on the balance, so two agents cannot spend the same hour twice.

Cancellation (BK-3, BK-4, §9.7): a student's lesson may be cancelled until exactly 12 hours
before its start; later it is frozen: a short-notice leave deducts the hours, and only a leader
who sees the evidence (a medical certificate) may approve the exception, which restores them.
A teacher's or the company's cancellation never deducts. A no-show deducts the hours and makes
a same-day callback (FU-6). A second unmet booking request in a row needs an alternative (BK-5).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.booking import rules
from kefu.booking.models import (
    BookingRequest,
    EntryKind,
    ExceptionStatus,
    HourEntry,
    LeaveReason,
    Lesson,
    LessonKind,
    LessonStatus,
    Party,
    Student,
)
from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.customers.models import Customer

MAX_HOURS = Decimal("999")
CALLBACK_MINUTES = 30


def _hours(name: str, value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(_("Enter a number of hours such as 1.5."), fields={name: _("Not a number.")})
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise Invalid(
            _("Enter a number of hours such as 1.5."),
            fields={name: _("Between 0 and 999 hours.")},
        )
    return hours


def _aware(name: str, value) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        raise Invalid(
            _("Enter a time such as 2026-11-24 19:00."), fields={name: _("Not a valid time.")}
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _text(name: str, value, limit: int = 200, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else ""
    if required and not value:
        raise Invalid(_("Some fields are not valid."), fields={name: _("This field is required.")})
    if len(value) > limit:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("At most %(n)d characters.") % {"n": limit}},
        )
    return value


def balance_of(student_id: int) -> Decimal:
    """The hours left: the sum of the ledger (one query)."""
    total = HourEntry.objects.filter(student_id=student_id).aggregate(s=Sum("delta"))["s"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def booked_hours(student_id: int) -> Decimal:
    total = Lesson.objects.filter(student_id=student_id, status=LessonStatus.BOOKED).aggregate(
        s=Sum("hours")
    )["s"]
    return total or Decimal(0)


def _entry(
    *, actor, student: Student, kind: str, hours: Decimal, lesson=None, note=""
) -> HourEntry:
    return HourEntry.objects.create(
        student=student,
        kind=kind,
        hours=hours,
        delta=rules.signed(kind, hours),
        lesson=lesson,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _lock(student_id: int) -> Student:
    return Student.objects.select_for_update().get(pk=student_id)


@transaction.atomic
def student_create(*, actor, customer_id: int, campus: str = "", agent=None) -> Student:
    customer = Customer.objects.filter(
        scope.business_line_q(actor), pk=customer_id, merged_into=None
    ).first()
    if customer is None:
        raise Invalid(
            _("Choose a customer of your business line."),
            fields={"customer": _("Unknown customer.")},
        )
    agent = agent or actor
    student = Student.objects.create(
        business_line_id=customer.business_line_id,
        department_id=agent.department_id,
        team_id=agent.team_id,
        customer=customer,
        agent=agent,
        campus=_text("campus", campus, 60),
    )
    audit.record(actor=actor, action="booking.student_create", obj=student, changes={})
    return student


def student_for(actor, student_id: int) -> Student:
    from kefu.booking.selectors import students_for

    student = students_for(actor).filter(pk=student_id).first()
    if student is None:
        raise NotFound(_("Student not found."))
    return student


@transaction.atomic
def hours_purchase(*, actor, student_id: int, hours, note: str = "") -> HourEntry:
    student = _lock(student_for(actor, student_id).pk)
    hours = _hours("hours", hours)
    entry = _entry(
        actor=actor, student=student, kind=EntryKind.PURCHASE, hours=hours, note=_text("note", note)
    )
    audit.record(
        actor=actor,
        action="booking.hours",
        obj=student,
        changes={"kind": EntryKind.PURCHASE, "hours": hours},
        business_line_id=student.business_line_id,
    )
    return entry


@transaction.atomic
def lesson_book(
    *, actor, student_id: int, start_at, hours, teacher: str, kind: str = "regular"
) -> Lesson:
    """Book a lesson; the hours not yet spent or promised to other lessons must cover it."""
    student = _lock(student_for(actor, student_id).pk)
    start_at = _aware("start_at", start_at)
    hours = _hours("hours", hours)
    teacher = _text("teacher", teacher, 60, required=True)
    if kind not in LessonKind.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"kind": _("Choose one of the list.")}
        )
    if start_at <= timezone.now():
        raise Invalid(_("Some fields are not valid."), fields={"start_at": _("In the past.")})
    free = balance_of(student.pk) - booked_hours(student.pk)
    if hours > free:
        raise Invalid(
            _("Not enough lesson hours: %(free)s left after the lessons already booked.")
            % {"free": free},
            fields={"hours": _("More than the hours left.")},
        )
    lesson = Lesson.objects.create(
        business_line_id=student.business_line_id,
        department_id=student.department_id,
        team_id=student.team_id,
        student=student,
        teacher=teacher,
        kind=kind,
        start_at=start_at,
        hours=hours,
        booked_by=actor,
    )
    audit.record(
        actor=actor,
        action="booking.book",
        obj=lesson,
        changes={"start_at": start_at, "hours": hours, "teacher": teacher},
    )
    return lesson


def lesson_for(actor, lesson_id: int, version: int | None = None) -> Lesson:
    from kefu.booking.selectors import lessons_for

    lesson = lessons_for(actor).filter(pk=lesson_id).select_related("student").first()
    if lesson is None:
        raise NotFound(_("Lesson not found."))
    if version is not None and lesson.version != version:
        raise StaleWrite(_("Someone changed this lesson meanwhile; reload and try again."))
    return lesson


def _save(lesson: Lesson, version: int, **changes) -> Lesson:
    updated = Lesson.objects.filter(pk=lesson.pk, version=version).update(
        **changes, version=F("version") + 1
    )
    if not updated:
        raise StaleWrite(_("Someone changed this lesson meanwhile; reload and try again."))
    lesson.refresh_from_db()
    return lesson


def _booked(lesson: Lesson) -> None:
    if lesson.status != LessonStatus.BOOKED:
        raise Invalid(_("This lesson is no longer booked."))


@transaction.atomic
def lesson_cancel(
    *, actor, lesson_id: int, version: int, by: str = Party.STUDENT, at=None, note: str = ""
) -> Lesson:
    """Cancel a booked lesson. A student's lesson inside 12 hours is refused: it is frozen."""
    lesson = lesson_for(actor, lesson_id, version)
    _lock(lesson.student_id)
    _booked(lesson)
    if by not in Party.values:
        raise Invalid(_("Some fields are not valid."), fields={"by": _("Choose one of the list.")})
    at = _aware("at", at) if at else timezone.now()
    check = rules.check_cancel(lesson.start_at, at, by=by)
    if not check.allowed:
        raise Invalid(
            _(
                "The lesson starts in less than 12 hours: it can no longer be cancelled. "
                "Record a short-notice leave; a leader may approve an exception with evidence."
            ),
            fields={"lesson": _("Inside the 12-hour cut-off.")},
        )
    lesson = _save(
        lesson,
        version,
        status=LessonStatus.CANCELLED,
        cancelled_by=by,
        cancelled_at=at,
        note=_text("note", note),
    )
    audit.record(
        actor=actor,
        action="booking.cancel",
        obj=lesson,
        changes={"by": by, "hours_before": check.hours_before},
    )
    return lesson


@transaction.atomic
def lesson_leave(
    *, actor, lesson_id: int, version: int, reason: str, evidence=None, at=None, note: str = ""
) -> Lesson:
    """A student's short-notice leave inside the cut-off: the hours are deducted now; with
    evidence the exception waits for a leader (BK-4)."""
    lesson = lesson_for(actor, lesson_id, version)
    student = _lock(lesson.student_id)
    _booked(lesson)
    if reason not in LeaveReason.values:
        raise Invalid(
            _("Some fields are not valid."), fields={"reason": _("Choose one of the list.")}
        )
    at = _aware("at", at) if at else timezone.now()
    check = rules.check_cancel(lesson.start_at, at)
    if check.allowed:
        raise Invalid(
            _("The lesson is more than 12 hours away: cancel it instead, nothing is deducted.")
        )
    if evidence is not None:
        lesson.evidence.save(evidence.name, evidence, save=False)
        Lesson.objects.filter(pk=lesson.pk).update(evidence=lesson.evidence.name)
    lesson = _save(
        lesson,
        version,
        status=LessonStatus.LATE_LEAVE,
        cancelled_by=Party.STUDENT,
        cancelled_at=at,
        leave_reason=reason,
        exception=ExceptionStatus.PENDING,
        note=_text("note", note),
    )
    _entry(
        actor=actor, student=student, kind=EntryKind.DEDUCTION, hours=lesson.hours, lesson=lesson
    )
    audit.record(
        actor=actor,
        action="booking.leave",
        obj=lesson,
        changes={"reason": reason, "hours_before": check.hours_before, "deducted": lesson.hours},
    )
    return lesson


def may_decide(user) -> bool:
    return scope.at_least(user, scope.LEAD)


@transaction.atomic
def lesson_exception_decide(
    *, actor, lesson_id: int, version: int, approve: bool, evidence=None, note: str = ""
) -> Lesson:
    """A leader approves (hours restored) or refuses a short-notice leave. Approval needs the
    evidence; the decision is written into the customer's profile (ARC-10)."""
    from kefu.customers.services import note_add

    if not may_decide(actor):
        raise PermissionDenied(_("Only a team lead or above may decide a leave exception."))
    lesson = lesson_for(actor, lesson_id, version)
    student = _lock(lesson.student_id)
    if lesson.exception != ExceptionStatus.PENDING:
        raise Invalid(_("This lesson has no leave waiting for a decision."))
    if evidence is not None:
        lesson.evidence.save(evidence.name, evidence, save=False)
        Lesson.objects.filter(pk=lesson.pk).update(evidence=lesson.evidence.name)
    if approve and not lesson.evidence:
        raise Invalid(
            _("Attach the evidence (e.g. a medical certificate) before approving."),
            fields={"evidence": _("This field is required.")},
        )
    note = _text("note", note)
    lesson = _save(
        lesson,
        version,
        exception=ExceptionStatus.APPROVED if approve else ExceptionStatus.REFUSED,
        status=LessonStatus.EXCUSED if approve else LessonStatus.LATE_LEAVE,
        decided_by=actor,
    )
    if approve:
        _entry(
            actor=actor,
            student=student,
            kind=EntryKind.RESTORATION,
            hours=lesson.hours,
            lesson=lesson,
            note=note,
        )
    local = timezone.localtime(lesson.start_at)
    note_add(
        actor=actor,
        customer=Customer.objects.get(pk=student.customer_id),
        body=_("Leave for the lesson of %(when)s (%(reason)s): %(decision)s. %(note)s")
        % {
            "when": local.strftime("%Y-%m-%d %H:%M"),
            "reason": lesson.get_leave_reason_display(),
            "decision": _("approved, hours restored") if approve else _("refused, hours deducted"),
            "note": note,
        },
    )
    audit.record(
        actor=actor,
        action="booking.exception",
        obj=lesson,
        changes={"approve": bool(approve), "restored": lesson.hours if approve else 0},
    )
    return lesson


@transaction.atomic
def lesson_attend(*, actor, lesson_id: int, version: int) -> Lesson:
    lesson = lesson_for(actor, lesson_id, version)
    student = _lock(lesson.student_id)
    _booked(lesson)
    if lesson.start_at > timezone.now():
        raise Invalid(_("The lesson has not started yet."))
    lesson = _save(lesson, version, status=LessonStatus.ATTENDED)
    _entry(
        actor=actor, student=student, kind=EntryKind.DEDUCTION, hours=lesson.hours, lesson=lesson
    )
    audit.record(actor=actor, action="booking.attend", obj=lesson, changes={"hours": lesson.hours})
    return lesson


@transaction.atomic
def lesson_no_show(*, actor, lesson_id: int, version: int):
    """旷课: the hours are deducted and a same-day callback is made (FU-6, FU-7)."""
    from kefu.followups.services.callbacks import callback_trigger

    lesson = lesson_for(actor, lesson_id, version)
    student = _lock(lesson.student_id)
    _booked(lesson)
    now = timezone.now()
    if lesson.start_at > now:
        raise Invalid(_("The lesson has not started yet."))
    lesson = _save(lesson, version, status=LessonStatus.NO_SHOW)
    _entry(
        actor=actor, student=student, kind=EntryKind.DEDUCTION, hours=lesson.hours, lesson=lesson
    )
    customer = Customer.objects.select_related("business_line").get(pk=student.customer_id)
    task = callback_trigger(kind="no_show", customer=customer, at=now, actor=actor)
    audit.record(
        actor=actor,
        action="booking.no_show",
        obj=lesson,
        changes={"hours": lesson.hours, "callback": task.pk if task else None},
    )
    return lesson, task


@transaction.atomic
def request_record(
    *, actor, student_id: int, wanted: str, met: bool, alternative: str = ""
) -> BookingRequest:
    """Record a booking request. The second unmet request in a row is refused without an
    alternative (BK-5); with one, the group leader is alerted and a callback is promised within
    30 minutes (FU-6)."""
    student = _lock(student_for(actor, student_id).pk)
    wanted = _text("wanted", wanted, required=True)
    alternative = _text("alternative", alternative)
    last = BookingRequest.objects.filter(student=student).order_by("-id").first()
    previous_unmet = last is not None and not last.met
    if rules.second_unmet_blocked(previous_unmet, not met, alternative):
        raise Invalid(
            _(
                "This student could not be booked last time either: offer an alternative "
                "(nearest slot, next week, another teacher once, or a slot held two weeks ahead)."
            ),
            fields={"alternative": _("This field is required.")},
        )
    second = previous_unmet and not met
    request = BookingRequest.objects.create(
        student=student,
        wanted=wanted,
        met=bool(met),
        alternative=alternative,
        leader_alerted=second,
        callback_due_at=timezone.now() + dt.timedelta(minutes=CALLBACK_MINUTES)
        if not met
        else None,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="booking.request",
        obj=request,
        changes={"met": bool(met), "second_unmet": second},
        business_line_id=student.business_line_id,
    )
    return request
