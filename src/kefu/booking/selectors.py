"""Reads of the lesson desk, scoped: an agent sees their team's students (and those they are the
dedicated agent of), a lead the team, a supervisor the department, a manager the line."""

from __future__ import annotations

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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
    return students.annotate(
        balance=Coalesce(
            Subquery(total, output_field=DecimalField(max_digits=8, decimal_places=2)),
            Value(0, output_field=DecimalField(max_digits=8, decimal_places=2)),
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
