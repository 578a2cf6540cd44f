"""Training services on a real database: the flow with its owners and due dates (TRN-4), classes
with capacity, waitlist and the rest-day cap (SCH-9), the question import (a bad row loads
nothing), exams with a recorded seed and a server-side time limit (TRN-9), certification (PK-4)
and the 4S minimums (TRN-6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.training import selectors, services
from kefu.training.models import CertificationGrant, Question

from .kit import BANK, certify, xlsx

pytestmark = pytest.mark.django_db


def test_trn4_request_flow_each_step_audited_with_owner_and_due_date(agent, lead, supervisor):
    req = services.request_file(actor=agent, topic="投诉处理技巧", reason="重复投诉上升")
    assert req.state == "requested" and req.owner == lead and req.due_on is not None
    with pytest.raises(PermissionDenied):
        services.request_act(actor=agent, request=req, action="approve", version=req.version)
    req = services.request_act(actor=lead, request=req, action="approve", version=req.version)
    assert req.state == "approved" and req.reviewer == lead
    with pytest.raises(StaleWrite):
        services.request_act(actor=lead, request=req, action="assign", version=1, trainer=agent.pk)
    req = services.request_act(
        actor=lead, request=req, action="assign", version=req.version, trainer=supervisor.pk
    )
    assert req.state == "assigned" and req.owner == supervisor
    req = services.request_act(
        actor=supervisor,
        request=req,
        action="archive",
        version=req.version,
        attendance=12,
        materials="课件 v2",
        evaluation="满意 96%",
    )
    assert req.state == "archived" and req.attendance == 12 and req.owner is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(req.pk), action__startswith="training.request")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "training.request_file",
        "training.request_approve",
        "training.request_assign",
        "training.request_archive",
    ]


def test_trn4_nobody_reviews_their_own_request_and_a_rejection_needs_a_reason(lead, supervisor):
    req = services.request_file(actor=lead, topic="排班软件培训")
    with pytest.raises(PermissionDenied):
        services.request_act(actor=lead, request=req, action="approve", version=req.version)
    with pytest.raises(Invalid):
        services.request_act(actor=supervisor, request=req, action="reject", version=req.version)
    req.refresh_from_db()
    assert req.state == "requested"
    req = services.request_act(
        actor=supervisor, request=req, action="reject", version=req.version, reason="已有课程"
    )
    assert req.state == "rejected" and req.decision_reason == "已有课程"


def test_classes_have_capacity_and_the_waitlist_moves_up(lead, agent, agent_b, org):
    c = make_user("agent_c", "agent", team=org.aftersales1)
    cls = services.class_create(
        actor=lead,
        title="MOT服务技巧",
        starts_at=timezone.now() + dt.timedelta(days=3),
        capacity=1,
        category="客户服务类知识",
    )
    assert services.enrol(actor=agent, training_class=cls).status == "enrolled"
    assert services.enrol(actor=agent_b, training_class=cls).status == "waitlisted"
    assert services.enrol(actor=c, training_class=cls).status == "waitlisted"
    with pytest.raises(Conflict):
        services.enrol(actor=agent, training_class=cls)
    promoted = services.enrol_cancel(actor=agent, training_class=cls)
    assert promoted.user == agent_b and promoted.status == "enrolled"


def test_sch9_rest_day_training_is_capped_at_half_a_day(lead, agent):
    saturday = dt.date(2026, 12, 12)  # a Saturday, not a make-up workday
    at = timezone.make_aware(dt.datetime.combine(saturday, dt.time(9)))
    three = services.class_create(actor=lead, title="营销五部曲：抓开场", starts_at=at, hours=3)
    two = services.class_create(
        actor=lead, title="营销五部曲：挖需求", starts_at=at + dt.timedelta(hours=4), hours=2
    )
    services.enrol(actor=agent, training_class=three)
    with pytest.raises(Invalid) as exc:
        services.enrol(actor=agent, training_class=two)
    assert "hours" in exc.value.fields
    assert selectors.classes_for(agent).get(pk=two.pk).seats_taken == 0
    # a workday has no such cap
    monday = timezone.make_aware(dt.datetime(2026, 12, 14, 9))
    long = services.class_create(actor=lead, title="产品知识", starts_at=monday, hours=6)
    assert services.enrol(actor=agent, training_class=long).status == "enrolled"


def test_trn9_import_questions_and_a_bad_row_loads_nothing(lead):
    bad = [
        *BANK,
        ("论述", "没有这种题型", "", "x", 1, "售后规范"),
        ("单选", "", "A|B", "A", 1, "x"),
    ]
    with pytest.raises(services.ImportErrors) as exc:
        services.questions_import(actor=lead, data=xlsx(bad))
    assert [r for r, _m in exc.value.rows] == [7, 8]
    assert Question.objects.count() == 0
    assert services.questions_import(actor=lead, data=xlsx(BANK)) == 5
    q = Question.objects.get(kind="multiple")
    assert q.options == ["A.安抚", "B.澄清", "C.争辩"] and q.points == 2


def test_trn9_paper_by_blueprint_seed_recorded_and_late_submission_refused(
    lead, agent, bank, time_machine
):
    exam = services.exam_create(
        actor=lead,
        title="售后规范考试",
        blueprint={"售后规范": 2, "投诉处理": 2},
        time_limit_minutes=10,
        pass_mark=60,
        max_attempts=2,
    )
    time_machine.move_to(timezone.now(), tick=False)
    attempt = services.exam_start(actor=agent, exam=exam, seed=7)
    assert attempt.seed == 7 and len(attempt.questions) == 4
    assert services.exam_start(actor=agent, exam=exam).pk == attempt.pk  # still running
    time_machine.shift(dt.timedelta(minutes=11))
    with pytest.raises(Conflict) as exc:
        services.exam_submit(actor=agent, attempt=attempt, answers={})
    assert exc.value.code == "exam_time_over"
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is None
    # the retake draws a new paper with its own seed, answered in time
    retake = services.exam_start(actor=agent, exam=exam, seed=8)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=retake.questions)}
    answers = {str(pk): q.answer.split("|")[0] for pk, q in questions.items()}
    done = services.exam_submit(actor=agent, attempt=retake, answers=answers)
    assert done.passed and done.score == 100
    with pytest.raises(Conflict):
        services.exam_start(actor=agent, exam=exam)  # passed already


def test_trn9_attempts_are_limited(lead, agent, bank):
    exam = services.exam_create(
        actor=lead, title="小测", blueprint={"投诉处理": 1}, max_attempts=1, pass_mark=100
    )
    attempt = services.exam_start(actor=agent, exam=exam)
    assert not services.exam_submit(actor=agent, attempt=attempt, answers={}).passed
    with pytest.raises(Conflict):
        services.exam_start(actor=agent, exam=exam)


def test_pk4_passing_every_component_certifies_with_a_validity(agent, cert):
    services.typing_record(actor=agent, passage="您好" * 60, typed="您好" * 60, seconds=120)
    assert not CertificationGrant.objects.filter(user=agent).exists()  # the exam is missing
    certify(agent)
    grant = CertificationGrant.objects.get(user=agent)
    assert grant.valid_until == timezone.localdate() + dt.timedelta(days=365)


def test_pk4_quick_reply_exam_is_recorded_as_a_practical_score(agent):
    matched, asked = services.quick_reply_record(
        actor=agent, pairs=[("亲，在的。", "亲,在的."), ("好的", "好")]
    )
    assert (matched, asked) == (1, 2)
    assert selectors.record(agent)["scores"][0].score == 50


def test_trn6_4s_minimums_count_attended_classes(org, time_machine):
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 10, 5, 9)), tick=False)
    lead = make_user("4s_lead", "lead", team=org.s4_front)
    agent = make_user("4s_agent", "agent", team=org.s4_front)
    for i in range(4):
        cls = services.class_create(
            actor=lead,
            title=f"接车技巧 {i}",
            category="前台接车业务技巧",
            starts_at=timezone.make_aware(dt.datetime(2026, 10, 12 + i, 9)),
        )
        services.enrol(actor=agent, training_class=cls)
        services.attend(actor=lead, training_class=cls, user_ids=[agent.pk])
    rows = {r.category: r for r in selectors.record(agent)["minimums"]}
    assert rows["前台接车业务技巧"].met and rows["前台接车业务技巧"].done == 4
    assert not rows["车间维修技术"].met and rows["车间维修技术"].months_left == 3
    assert selectors.status(agent)["hours"] == {
        "year": 2026,
        "total": 4.0,
        "by_category": {"前台接车业务技巧": 4.0},
    }
