"""TRN-8 / ACL-4: a supervisor's training plan is approved by the management-office director
(a manager), never by its author; a returned plan goes back to draft; the month-end summary
counts the month's classes, hours, attendances and satisfaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.training import evaluation_services, plan_selectors, plan_services, plans, services
from kefu.training.models import Enrolment, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "state", "actor_id", "rank", "reason"),
    [
        ("submit", "draft", 2, 3, "not_allowed"),  # someone else's draft, not a manager
        ("approve", "submitted", 2, 3, "not_allowed"),  # a supervisor is not the director
        ("approve", "submitted", 1, 4, "own_plan"),
        ("approve", "draft", 2, 4, "wrong_state"),
        ("publish", "draft", 1, 4, "unknown_action"),
    ],
)
def test_trn8_who_may_not_move_a_plan(action, state, actor_id, rank, reason):
    with pytest.raises(plans.PlanRefused) as refused:
        plans.check(action, state=state, actor_id=actor_id, actor_rank=rank, author_id=1)
    assert refused.value.reason == reason


def test_trn8_the_supervisors_plan_is_returned_then_approved_by_the_director(
    supervisor, manager, lead
):
    plan = plan_services.plan_create(
        actor=supervisor, kind="annual", year=2026, title="2026 年度培训计划", goals="微课 40 门"
    )
    plan = plan_services.plan_act(actor=supervisor, plan=plan, action="submit", version=1)
    with pytest.raises(PermissionDenied):
        plan_services.plan_act(actor=lead, plan=plan, action="approve", version=plan.version)
    with pytest.raises(Invalid):  # a return needs a note
        plan_services.plan_act(actor=manager, plan=plan, action="return", version=plan.version)
    plan = plan_services.plan_act(
        actor=manager, plan=plan, action="return", version=plan.version, note="补充预算"
    )
    assert plan.state == "draft"
    plan = plan_services.plan_act(
        actor=supervisor, plan=plan, action="submit", version=plan.version
    )
    with pytest.raises(StaleWrite):
        plan_services.plan_act(actor=manager, plan=plan, action="approve", version=1)
    plan = plan_services.plan_act(actor=manager, plan=plan, action="approve", version=plan.version)
    assert (plan.state, plan.approver) == ("approved", manager)


def test_trn8_a_monthly_plan_needs_its_month_and_an_agent_draws_up_none(agent, lead):
    with pytest.raises(PermissionDenied):
        plan_services.plan_create(actor=agent, kind="annual", year=2026, title="x", goals="y")
    with pytest.raises(Invalid) as bad:
        plan_services.plan_create(actor=lead, kind="monthly", year=2026, title="x", goals="y")
    assert "month" in bad.value.fields


def test_trn8_the_month_end_summary_counts_the_months_classes(web_as, lead, agent, agent_b):
    now = timezone.localtime()
    plan = plan_services.plan_create(
        actor=lead, kind="monthly", year=now.year, month=now.month, title="本月培训", goals="早课"
    )
    cls = services.class_create(
        actor=lead, title="MOT服务技巧", starts_at=now + dt.timedelta(days=1), hours=1
    )
    other = services.class_create(
        actor=lead, title="售后平台规则", starts_at=now + dt.timedelta(days=1), hours=2
    )
    start_of_month = now.replace(day=1, hour=0, minute=1, second=0, microsecond=0)
    TrainingClass.objects.filter(pk__in=[cls.pk, other.pk]).update(starts_at=start_of_month)
    cls.refresh_from_db()
    plan_services.plan_add_class(actor=lead, plan=plan, training_class=cls)
    for person in (agent, agent_b):
        Enrolment.objects.create(training_class=cls, user=person, status="attended")
    evaluation_services.evaluate(actor=agent, training_class=cls, course_rating=5, trainer_rating=5)
    evaluation_services.evaluate(
        actor=agent_b, training_class=cls, course_rating=4, trainer_rating=5
    )
    (row,) = plan_selectors.month_summary(plan)
    assert (row["classes"], row["planned"], row["hours"], row["attended"]) == (2, 1, 3.0, 2)
    assert row["satisfaction"] == 90.0
    page = web_as(lead).get(reverse("training:plan", args=[plan.pk]))
    assert page.status_code == 200 and page.context["steps"] == ["submit"]
    assert web_as(agent).get(reverse("training:plans")).status_code == 200


def test_trn8_the_plan_flow_through_the_api(api_as, supervisor, manager, wy_agent):
    created = api_as(supervisor).post(
        "/api/v1/training/plans",
        {"kind": "monthly", "year": 2026, "month": 11, "title": "11 月培训", "goals": "早课"},
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    url = f"/api/v1/training/plans/{plan['id']}"
    assert api_as(supervisor).post(f"{url}/submit", {"version": 1}).status_code == 200
    assert api_as(supervisor).post(f"{url}/approve", {"version": 2}).status_code == 403
    assert api_as(manager).post(f"{url}/approve", {"version": 1}).status_code == 409
    approved = api_as(manager).post(f"{url}/approve", {"version": 2})
    assert approved.json()["state"] == "approved" and approved.json()["approver"] == manager.pk
    got = api_as(manager).get(url).json()
    assert [row["month"] for row in got["summary"]] == [11]
    assert api_as(wy_agent).get(url).status_code == 404
