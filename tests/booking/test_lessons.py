"""The lesson desk on a real database: the 12-hour cut-off to the second, the leader's exception
restoring hours, no-show deduction with a same-day callback, the second unmet request blocked,
and the hour ledger that always reconciles (BK-3, BK-4, BK-5, FU-6, SR-10, §9.7)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.booking import selectors, services
from kefu.booking.models import HourEntry, Lesson, LessonStatus
from kefu.cli import main
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.customers import services as customers
from kefu.customers.models import CustomerNote
from kefu.followups.models import CallbackTask

pytestmark = pytest.mark.django_db
_phones = itertools.count(13700000001)


@pytest.fixture
def school(org):
    line = account_services.business_line_create(name="英语学校", code="edu", industry="education")
    team = Team.objects.filter(business_line=line).first()
    return line, team


@pytest.fixture
def desk(school):
    _line, team = school
    agent = make_user("edu_agent", "agent", team=team)
    leader = make_user("edu_lead", "lead", team=team)
    return agent, leader


@pytest.fixture
def student(school, desk):
    line, _team = school
    agent, _leader = desk
    customer = customers.customer_create(
        actor=agent, business_line=line, name="小明", phone=str(next(_phones))
    )
    student = services.student_create(actor=agent, customer_id=customer.pk, campus="徐汇校区")
    services.hours_purchase(actor=agent, student_id=student.pk, hours=20)
    return student


def _book(agent, student, hours_ahead, hours=2):
    start = timezone.now() + dt.timedelta(hours=hours_ahead)
    return services.lesson_book(
        actor=agent, student_id=student.pk, start_at=start, hours=hours, teacher="王老师"
    )


def test_bk3_cancel_at_exactly_12h_before_is_allowed_and_deducts_nothing(desk, student):
    agent, _ = desk
    lesson = _book(agent, student, 30)
    at = lesson.start_at - dt.timedelta(hours=12)
    lesson = services.lesson_cancel(actor=agent, lesson_id=lesson.pk, version=1, at=at)
    assert lesson.status == LessonStatus.CANCELLED
    assert services.balance_of(student.pk) == Decimal(20)


def test_bk3_cancel_at_11h59m59s_before_is_refused_and_changes_nothing(desk, student):
    agent, _ = desk
    lesson = _book(agent, student, 30)
    at = lesson.start_at - dt.timedelta(hours=11, minutes=59, seconds=59)
    with pytest.raises(Invalid):
        services.lesson_cancel(actor=agent, lesson_id=lesson.pk, version=1, at=at)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.version) == (LessonStatus.BOOKED, 1)


def test_bk4_late_leave_deducts_until_a_leader_approves_with_evidence(desk, student):
    agent, leader = desk
    lesson = _book(agent, student, 5)
    lesson = services.lesson_leave(actor=agent, lesson_id=lesson.pk, version=1, reason="sick")
    assert services.balance_of(student.pk) == Decimal(18)
    with pytest.raises(PermissionDenied):  # agents do not decide
        services.lesson_exception_decide(
            actor=agent, lesson_id=lesson.pk, version=lesson.version, approve=True
        )
    with pytest.raises(Invalid):  # no evidence, no approval
        services.lesson_exception_decide(
            actor=leader, lesson_id=lesson.pk, version=lesson.version, approve=True
        )
    assert services.balance_of(student.pk) == Decimal(18)
    certificate = SimpleUploadedFile("病假条.pdf", b"%PDF-1.4 medical certificate")
    lesson = services.lesson_exception_decide(
        actor=leader,
        lesson_id=lesson.pk,
        version=lesson.version,
        approve=True,
        evidence=certificate,
        note="医院证明",
    )
    assert lesson.status == LessonStatus.EXCUSED
    assert services.balance_of(student.pk) == Decimal(20)
    # the leave is written into the customer's profile (ARC-10)
    assert CustomerNote.objects.filter(customer=student.customer).exists()


def test_bk3_teacher_cancellation_inside_12h_never_deducts(desk, student):
    agent, _ = desk
    lesson = _book(agent, student, 2)
    services.lesson_cancel(actor=agent, lesson_id=lesson.pk, version=1, by="teacher")
    assert services.balance_of(student.pk) == Decimal(20)


def test_fu6_no_show_deducts_and_makes_a_same_day_callback(desk, student):
    agent, _ = desk
    lesson = _book(agent, student, 1)
    Lesson.objects.filter(pk=lesson.pk).update(start_at=timezone.now() - dt.timedelta(hours=1))
    lesson, task = services.lesson_no_show(actor=agent, lesson_id=lesson.pk, version=1)
    assert lesson.status == LessonStatus.NO_SHOW
    assert services.balance_of(student.pk) == Decimal(18)
    assert task.kind == "no_show" and task.due_on == timezone.localdate()
    assert CallbackTask.objects.filter(customer=student.customer, kind="no_show").count() == 1


def test_bk5_the_second_unmet_request_in_a_row_needs_an_alternative(desk, student):
    agent, _ = desk
    first = services.request_record(
        actor=agent, student_id=student.pk, wanted="周六上午", met=False
    )
    assert not first.leader_alerted and first.callback_due_at is not None
    with pytest.raises(Invalid):
        services.request_record(actor=agent, student_id=student.pk, wanted="周日上午", met=False)
    second = services.request_record(
        actor=agent,
        student_id=student.pk,
        wanted="周日上午",
        met=False,
        alternative="下周二上午 10:00 李老师代课一次",
    )
    assert second.leader_alerted


def test_booking_needs_free_hours_and_other_teams_see_nothing(desk, student, agent):
    edu_agent, _ = desk
    with pytest.raises(Invalid):
        _book(edu_agent, student, 30, hours=21)
    _book(edu_agent, student, 30, hours=12)
    with pytest.raises(Invalid):  # 8 free once 12 are promised
        _book(edu_agent, student, 40, hours=9)
    with pytest.raises(NotFound):
        services.hours_purchase(actor=agent, student_id=student.pk, hours=1)


def test_sr10_ledger_reconciles_over_random_operations(desk, student):
    """balance = Σ entries after any sequence of purchases, bookings, cancellations, leaves,
    approvals, attendances and no-shows; the model below keeps its own count."""
    agent, leader = desk
    rng = random.Random(21)
    expected = Decimal(20)
    for _step in range(60):
        op = rng.choice(["buy", "book", "cancel", "leave", "attend", "no_show"])
        try:
            if op == "buy":
                n = rng.randint(1, 5)
                services.hours_purchase(actor=agent, student_id=student.pk, hours=n)
                expected += n
                continue
            if op == "book":
                _book(agent, student, rng.choice([3, 30]), hours=rng.choice([1, 2]))
                continue
            lesson = Lesson.objects.filter(student=student, status="booked").order_by("?").first()
            if lesson is None:
                continue
            if op == "cancel":
                services.lesson_cancel(actor=agent, lesson_id=lesson.pk, version=lesson.version)
            elif op == "leave":
                lesson = services.lesson_leave(
                    actor=agent, lesson_id=lesson.pk, version=lesson.version, reason="sick"
                )
                expected -= lesson.hours
                if rng.random() < 0.5:
                    services.lesson_exception_decide(
                        actor=leader,
                        lesson_id=lesson.pk,
                        version=lesson.version,
                        approve=True,
                        evidence=SimpleUploadedFile("a.pdf", b"x"),
                    )
                    expected += lesson.hours
            else:
                Lesson.objects.filter(pk=lesson.pk).update(
                    start_at=timezone.now() - dt.timedelta(minutes=5)
                )
                if op == "attend":
                    services.lesson_attend(actor=agent, lesson_id=lesson.pk, version=lesson.version)
                else:
                    services.lesson_no_show(
                        actor=agent, lesson_id=lesson.pk, version=lesson.version
                    )
                expected -= lesson.hours
        except Invalid:
            pass  # refused: changes nothing
        ledger = sum(HourEntry.objects.filter(student=student).values_list("delta", flat=True))
        assert services.balance_of(student.pk) == ledger == expected
        assert expected >= 0


def _cli(capsys, *args):
    code = main(["booking", "check-cancel", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_cancel_to_the_second(capsys, db):
    code, out, err = _cli(
        capsys,
        "--start",
        "2026-11-24T19:00:00+08:00",
        "--at",
        "2026-11-24T07:00:00+08:00",
        "--json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "allowed": True,
        "hours_before": 12.0,
        "deducts_hours": False,
        "needs_approval": False,
    }
    code, out, err = _cli(
        capsys,
        "--start",
        "2026-11-24T19:00:00+08:00",
        "--at",
        "2026-11-24T07:00:01+08:00",
        "--json",
    )
    data = json.loads(out)
    assert (data["allowed"], data["deducts_hours"], data["needs_approval"]) == (False, True, True)
    code, out, err = _cli(capsys, "--start", "tomorrow", "--at", "2026-11-24T07:00", "--json")
    assert code == 2 and "tomorrow" in err and out == ""


def test_bk9_teachers_short_notice_cancellations_are_counted_per_teacher(desk, student):
    """BK-9: a teacher's cancellation inside 12 hours is short notice; 12 hours or more is not."""
    agent, leader = desk
    late = _book(agent, student, 40, hours=1)
    early = _book(agent, student, 60, hours=1)
    services.lesson_cancel(
        actor=agent,
        lesson_id=late.pk,
        version=1,
        by="teacher",
        at=late.start_at - dt.timedelta(hours=11, minutes=59, seconds=59),
    )
    services.lesson_cancel(
        actor=agent,
        lesson_id=early.pk,
        version=1,
        by="teacher",
        at=early.start_at - dt.timedelta(hours=12),
    )
    # when
    rows = selectors.teacher_cancellations(leader)
    # then
    assert {r["teacher"] for r in rows} == {"王老师"}
    assert (sum(r["total"] for r in rows), sum(r["short"] for r in rows)) == (2, 1)
    assert services.balance_of(student.pk) == Decimal(20)  # a teacher's cancellation never deducts
