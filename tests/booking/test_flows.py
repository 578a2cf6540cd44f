"""BK-7 (long-term unbookable → substitute teacher of the same subject, via the academic lead,
trial lesson, follow-up) and BK-8 (1-on-1 → group: ask → report → leader → trial in a group
class → check with the teacher → callback → inform the teacher): each step's actor, the order,
stale versions, and the student page."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.accounts import services as account_services
from kefu.accounts.models import Team
from kefu.booking import flow_services, services
from kefu.booking.models import FlowStepLog, Lesson, StudentFlow
from kefu.core.errors import Conflict, Invalid, PermissionDenied, StaleWrite
from kefu.customers import services as customers

pytestmark = pytest.mark.django_db
_phones = itertools.count(13600000001)
SOON = timezone.now() + dt.timedelta(days=3)


@pytest.fixture
def desk(db):
    line = account_services.business_line_create(name="学校F", code="eduf", industry="education")
    team = Team.objects.filter(business_line=line).first()
    agent = make_user("flow_agent", "agent", team=team)
    lead = make_user("flow_lead", "lead", team=team)
    customer = customers.customer_create(
        actor=agent, business_line=line, name="小明", phone=str(next(_phones))
    )
    student = services.student_create(actor=agent, customer_id=customer.pk, campus="天河校区")
    services.hours_purchase(actor=agent, student_id=student.pk, hours=10)
    services.lesson_book(
        actor=agent, student_id=student.pk, start_at=SOON, hours=1, teacher="王静（英语）"
    )
    return agent, lead, student


def step(actor, flow, **kw):
    flow.refresh_from_db()
    return flow_services.flow_advance(actor=actor, flow_id=flow.pk, version=flow.version, **kw)


def test_bk7_only_for_a_student_unbookable_twice_in_a_row(desk):
    agent, _lead, student = desk
    with pytest.raises(Invalid):
        flow_services.flow_open(actor=agent, student_id=student.pk, kind="substitute", note="x")
    services.request_record(actor=agent, student_id=student.pk, wanted="周六 9:00", met=False)
    services.request_record(
        actor=agent, student_id=student.pk, wanted="周六 9:00", met=False, alternative="下周"
    )

    flow = flow_services.flow_open(
        actor=agent, student_id=student.pk, kind="substitute", note="王老师周六已满两个月"
    )

    assert flow.state == "reported"
    with pytest.raises(Conflict):  # one open flow of a kind
        flow_services.flow_open(actor=agent, student_id=student.pk, kind="substitute", note="y")


def test_bk7_lead_chooses_a_substitute_of_the_same_subject_agent_books_trial_and_follows_up(
    desk,
):
    agent, lead, student = desk
    for alternative in ("", "下周"):
        services.request_record(
            actor=agent, student_id=student.pk, wanted="周六", met=False, alternative=alternative
        )
    flow = flow_services.flow_open(actor=agent, student_id=student.pk, kind="substitute", note="x")

    with pytest.raises(PermissionDenied):  # the academic lead's step
        step(agent, flow, teacher="李娜（英语）")
    with pytest.raises(Invalid):  # another subject
        step(lead, flow, teacher="刘洋（数学）")
    with pytest.raises(Invalid):  # the student's own teacher
        step(lead, flow, teacher="王静（英语）")
    assert StudentFlow.objects.get(pk=flow.pk).state == "reported"

    flow = step(lead, flow, teacher="李娜（英语）")
    assert (flow.state, flow.teacher) == ("substitute_chosen", "李娜（英语）")
    flow = step(agent, flow, start_at=SOON + dt.timedelta(days=1), hours="1")
    trial = Lesson.objects.get(pk=flow.trial_id)
    assert (trial.kind, trial.teacher, flow.state) == ("trial", "李娜（英语）", "trial_booked")
    with pytest.raises(Invalid):  # the follow-up needs its note
        step(agent, flow)
    flow = step(agent, flow, note="家长满意，改跟李老师上课")

    assert flow.state == "done"
    actors = list(FlowStepLog.objects.filter(flow=flow).values_list("step", "actor__username"))
    assert actors == [
        ("reported", "flow_agent"),
        ("substitute_chosen", "flow_lead"),
        ("trial_booked", "flow_agent"),
        ("followed_up", "flow_agent"),
    ]
    with pytest.raises(Invalid):
        step(agent, flow, note="again")


def test_bk8_one_to_one_to_group_each_step_by_its_actor(desk):
    agent, lead, student = desk
    flow = flow_services.flow_open(
        actor=agent, student_id=student.pk, kind="group", note="家长愿意试小班课"
    )
    flow = step(agent, flow)  # reported to the leader
    assert flow.state == "reported"
    with pytest.raises(PermissionDenied):
        step(agent, flow, teacher="张敏（英语）")
    flow = step(lead, flow, teacher="张敏（英语）", note="周六 10:00 小班")
    flow = step(agent, flow, start_at=SOON + dt.timedelta(days=2))
    assert Lesson.objects.get(pk=flow.trial_id).teacher == "张敏（英语）"
    flow = step(agent, flow, note="老师认为可以跟上")
    flow = step(agent, flow, note="家长同意转小班")
    flow = step(agent, flow)

    assert flow.state == "done"
    steps = list(FlowStepLog.objects.filter(flow=flow).values_list("step", "actor__username"))
    assert steps == [
        ("asked", "flow_agent"),
        ("reported", "flow_agent"),
        ("leader_agreed", "flow_lead"),
        ("trial_booked", "flow_agent"),
        ("teacher_checked", "flow_agent"),
        ("called_back", "flow_agent"),
        ("teacher_informed", "flow_agent"),
    ]


def test_stale_step_is_refused(desk):
    agent, _lead, student = desk
    flow = flow_services.flow_open(actor=agent, student_id=student.pk, kind="group", note="x")
    flow_services.flow_advance(actor=agent, flow_id=flow.pk, version=flow.version)

    with pytest.raises(StaleWrite):
        flow_services.flow_advance(actor=agent, flow_id=flow.pk, version=flow.version)


def test_student_page_shows_the_flow_and_refuses_the_leads_step_to_an_agent(desk, client):
    agent, lead, student = desk
    client.force_login(agent)
    url = reverse("booking:student", args=[student.pk])
    response = client.post(
        reverse("booking:flow_open", args=[student.pk]), {"kind": "group", "note": "想上小班"}
    )
    assert response.status_code == 302
    flow = StudentFlow.objects.get(student=student)
    client.post(reverse("booking:flow_step", args=[flow.pk]), {"version": flow.version})
    flow.refresh_from_db()

    page = client.get(url).content.decode()
    assert "想上小班" in page and "Waiting for a team lead" in page
    refused = client.post(
        reverse("booking:flow_step", args=[flow.pk]),
        {"version": flow.version, "teacher": "张敏（英语）"},
    )
    assert refused.status_code == 403
    client.force_login(lead)
    agreed = client.post(
        reverse("booking:flow_step", args=[flow.pk]),
        {"version": flow.version, "teacher": "张敏（英语）"},
    )
    assert agreed.status_code == 302
    assert StudentFlow.objects.get(pk=flow.pk).state == "leader_agreed"
