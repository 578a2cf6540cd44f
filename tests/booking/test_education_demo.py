"""The demo's school (demo/education_rows.py): 180 days of lessons the lesson desk's rules could
have written, and pages that are not empty for the school's demo logins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from testkit import module_data

from kefu.accounts.models import User
from kefu.booking import flow_services, flows, rules, selectors
from kefu.booking.models import (
    EntryKind,
    ExceptionStatus,
    HourEntry,
    Lesson,
    LessonKind,
    LessonStatus,
    Student,
    StudentFlow,
)
from kefu.customers.models import CustomerNote
from kefu.demo.education_rows import build_education_rows
from kefu.followups.models import CallbackTask


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The school built once for the module (every test here only reads it)."""
    now = timezone.now().replace(microsecond=0)
    with module_data(django_db_blocker, tmp_path_factory.mktemp("school")):
        yield now, build_education_rows(now=now, seed=7, story=False)


@pytest.fixture
def school(built, db):
    return built


def test_school_has_180_days_of_every_kind_of_lesson(school):
    now, written = school
    lessons = Lesson.objects.all()

    assert lessons.count() >= written > 2000  # with the flows' trial lessons
    assert set(lessons.values_list("kind", flat=True)) == set(LessonKind.values)
    assert set(lessons.values_list("status", flat=True)) == set(LessonStatus.values)
    assert lessons.order_by("start_at").first().start_at <= now - dt.timedelta(days=175)
    assert lessons.filter(status=LessonStatus.BOOKED, start_at__gt=now).exists()
    assert not lessons.filter(status=LessonStatus.BOOKED, start_at__lte=now).exists()
    teachers = lessons.filter(status=LessonStatus.BOOKED).values("teacher").distinct().count()
    assert teachers == 12


def test_ledgers_reconcile_and_never_promise_hours_a_student_has_not_got(school):
    for student in selectors.with_balance(Student.objects.all()):
        entries = HourEntry.objects.filter(student=student)
        kinds = entries.values_list("kind", "hours")
        assert student.balance == rules.balance(kinds) >= 0
        booked = Lesson.objects.filter(student=student, status=LessonStatus.BOOKED).aggregate(
            s=Sum("hours")
        )["s"] or Decimal(0)
        assert booked <= student.balance, student.pk
        # attended and no-shows deduct; cancellations in time and the school's never do
        for lesson in student.lessons.exclude(status=LessonStatus.BOOKED):
            deducted = entries.filter(lesson=lesson, kind=EntryKind.DEDUCTION).exists()
            assert deducted == (
                lesson.status
                in (
                    LessonStatus.ATTENDED,
                    LessonStatus.NO_SHOW,
                    LessonStatus.LATE_LEAVE,
                    LessonStatus.EXCUSED,
                )
            )


def test_cancellations_follow_the_12_hour_cut_off(school):
    for lesson in Lesson.objects.exclude(cancelled_at=None):
        check = rules.check_cancel(lesson.start_at, lesson.cancelled_at, by=lesson.cancelled_by)
        if lesson.status == LessonStatus.CANCELLED:
            assert check.allowed, lesson.pk
        else:  # a short-notice leave: frozen, deducted, a leader decides
            assert check.needs_approval, lesson.pk
    short = Lesson.objects.filter(cancelled_by="teacher").exclude(cancelled_at=None)
    assert any(lesson.start_at - lesson.cancelled_at < dt.timedelta(hours=12) for lesson in short)


def test_sick_leaves_approved_with_evidence_restore_hours_and_reach_the_profile(school):
    approved = Lesson.objects.filter(exception=ExceptionStatus.APPROVED)

    assert approved.exists()
    for lesson in approved.select_related("student"):
        assert lesson.leave_reason == "sick" and lesson.evidence and lesson.decided_by_id
        assert lesson.entries.filter(kind=EntryKind.RESTORATION, hours=lesson.hours).exists()
        local = timezone.localtime(lesson.start_at).strftime("%Y-%m-%d %H:%M")
        notes = CustomerNote.objects.filter(customer_id=lesson.student.customer_id)
        assert notes.filter(body__startswith=local).exists()
    assert Lesson.objects.filter(exception=ExceptionStatus.REFUSED, leave_reason="personal")
    assert Lesson.objects.filter(exception=ExceptionStatus.PENDING).exists()


def test_substitute_and_group_flows_at_several_steps(school):
    states = set(StudentFlow.objects.values_list("kind", "state"))

    assert {kind for kind, _state in states} == {"substitute", "group"}
    assert ("substitute", "done") in states and ("group", "done") in states
    assert len(states) >= 6
    for flow in StudentFlow.objects.filter(kind="substitute").exclude(teacher=""):
        current = flow_services.current_teacher(flow.student)
        assert flow.teacher != current
        assert flows.subject_of(flow.teacher) == flows.subject_of(current)


def test_recent_no_shows_have_their_callback(school):
    now, _written = school
    recent = Lesson.objects.filter(
        status=LessonStatus.NO_SHOW, start_at__gte=now - dt.timedelta(days=14)
    ).select_related("student")

    assert recent.exists()
    for lesson in recent:
        task = CallbackTask.objects.get(customer_id=lesson.student.customer_id, kind="no_show")
        if timezone.localdate(lesson.start_at) < timezone.localdate(now):
            assert task.status == "done" and "旷课原因" in task.notes


def test_the_school_logins_see_their_desk_and_a_second_build_adds_nothing(school, client):
    lead = User.objects.get(username="edu_lead")
    agent = User.objects.get(username="edu_agent")

    # an agent sees the students of the team (约课组), the 回访组's agent only their own
    assert selectors.students_for(agent).count() == 180
    assert not selectors.students_for(User.objects.get(username="edu_followup")).exists()
    assert selectors.pending_exceptions(lead).exists()
    client.force_login(lead)
    page = client.get(reverse("booking:index")).content.decode()
    assert "天河校区" in page or "海珠校区" in page
    assert build_education_rows(now=timezone.now(), seed=7) == 0
