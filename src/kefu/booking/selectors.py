"""Reads of the lesson desk, scoped: an agent sees their team's students (and those they are the
dedicated agent of), a lead the team, a supervisor the department, a manager the line."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from kefu.booking import rules
from kefu.booking.models import ExceptionStatus, HourEntry, Lesson, LessonStatus, Student
from kefu.core import scope


def students_for(user):
    return Student.objects.filter(scope.records_q(user, owners=("agent_id",)))


def lessons_for(user):
    return Lesson.objects.filter(
        scope.records_q(user, owners=("student__agent_id", "booked_by_id"))
    )


def with_balance(students):
    total = (
        HourEntry.objects.filter(student=OuterRef("pk"))
        .values("student")
        .annotate(s=Sum("delta"))
        .values("s")
    )
    promised = (
        Lesson.objects.filter(student=OuterRef("pk"), status=LessonStatus.BOOKED)
        .order_by()
        .values("student")
        .annotate(s=Sum("hours"))
        .values("s")
    )
    hours = DecimalField(max_digits=8, decimal_places=2)
    return students.annotate(
        balance=Coalesce(Subquery(total, output_field=hours), Value(0, output_field=hours)),
        booked=Coalesce(Subquery(promised, output_field=hours), Value(0, output_field=hours)),
    ).annotate(
        # SEG-8: the hours not yet promised to a booked lesson, low → renewal or 升班 prompt
        low_balance=ExpressionWrapper(
            Q(balance__lte=F("booked") + Value(rules.LOW_BALANCE_HOURS, output_field=hours)),
            output_field=BooleanField(),
        )
    )


def pending_exceptions(user):
    return lessons_for(user).filter(exception=ExceptionStatus.PENDING)


def desk_figures(user) -> dict:
    lessons = lessons_for(user)
    return lessons.aggregate(
        booked=Count("pk", filter=Q(status=LessonStatus.BOOKED)),
        attended=Count("pk", filter=Q(status=LessonStatus.ATTENDED)),
        no_show=Count("pk", filter=Q(status=LessonStatus.NO_SHOW)),
        late_leave=Count("pk", filter=Q(status=LessonStatus.LATE_LEAVE)),
        excused=Count("pk", filter=Q(status=LessonStatus.EXCUSED)),
        pending=Count("pk", filter=Q(exception=ExceptionStatus.PENDING)),
    )


def teacher_cancellations(user, *, months: int = 6) -> list[dict]:
    """BK-9 「不能临时取消课程」: teachers' cancellations per teacher and month, and how many of
    them came inside the 12-hour cut-off (short notice). One aggregate query."""
    from django.utils import timezone

    from kefu.booking.rules import CUTOFF_HOURS

    since = timezone.now() - dt.timedelta(days=31 * months)
    notice = ExpressionWrapper(F("start_at") - F("cancelled_at"), output_field=DurationField())
    rows = (
        lessons_for(user)
        .filter(cancelled_by="teacher", cancelled_at__isnull=False, start_at__gte=since)
        .annotate(month=TruncMonth("start_at"), notice=notice)
        .values("teacher", "month")
        .annotate(
            total=Count("pk"),
            short=Count("pk", filter=Q(notice__lt=dt.timedelta(hours=CUTOFF_HOURS))),
        )
        .order_by("-month", "-short", "teacher")
    )
    return list(rows[:100])


SUGGEST_DAYS = 14
SUGGEST_HOURS = range(9, 21)  # lessons start 09:00–20:00


def lesson_suggestions(user, *, teacher: str, hours, daytime: bool, n: int = 5) -> list:
    """Times to offer a student with ``teacher`` in the next two weeks (BK-6): the teacher's
    booked lessons of the line are avoided; weekday mornings first for a daytime-available
    student, then times back-to-back with the teacher's lessons. One query."""
    from decimal import Decimal, InvalidOperation

    from django.utils import timezone

    from kefu.booking import rules

    teacher = (teacher or "").strip()[:60]
    try:
        length = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        return []
    if not teacher or not length.is_finite() or not 0 < length <= 8 or not user.business_line_id:
        return []
    tz = timezone.get_current_timezone()
    first = timezone.localdate() + dt.timedelta(days=1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    until = since + dt.timedelta(days=SUGGEST_DAYS)
    busy = [
        (start, start + dt.timedelta(hours=float(h)))
        for start, h in Lesson.objects.filter(
            business_line_id=user.business_line_id,
            teacher=teacher,
            status=LessonStatus.BOOKED,
            start_at__gte=since - dt.timedelta(hours=8),
            start_at__lt=until,
        ).values_list("start_at", "hours")
    ]
    candidates = [
        dt.datetime.combine(first + dt.timedelta(days=d), dt.time(h), tzinfo=tz)
        for d in range(SUGGEST_DAYS)
        for h in SUGGEST_HOURS
    ]
    return rules.suggest_slots(candidates, busy, length, daytime_available=daytime, n=n)
