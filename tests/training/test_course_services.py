"""The course library (TRN-2) and a course's development (TRN-3) through the services: each
step by the person who may, refusals by those who may not, a course version on change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.services import user_create
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.training import course_services as cs
from kefu.training.models import Course, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(lead):
    service = cs.module_create(actor=lead, name="客户服务类知识")
    return cs.module_create(actor=lead, name="电话服务", parent=service)


def test_trn2_a_course_carries_length_owner_version_and_status(lead, agent, module):
    series = cs.series_create(actor=lead, name="基础电话服务技巧系列", module=module)
    course = cs.course_create(
        actor=lead,
        title="MOT服务技巧",
        minutes=60,
        objectives="关键时刻",
        module=module.pk,
        series=series.pk,
        owner=agent,
    )
    assert (course.owner, course.revision, course.status) == (agent, 1, "draft")
    # a draft changes without a new course version
    course = cs.course_update(
        actor=lead,
        course=course,
        version=course.version,
        title="MOT服务技巧",
        minutes=30,
        objectives="关键时刻",
        module=module.pk,
        series=series.pk,
    )
    assert course.revision == 1
    course = cs.course_set_status(
        actor=lead, course=course, status="published", version=course.version
    )
    # a published course's change is a new course version
    course = cs.course_update(
        actor=lead,
        course=course,
        version=course.version,
        title="MOT服务技巧",
        minutes=30,
        objectives="关键时刻 (MOT)",
        module=module.pk,
        series=series.pk,
    )
    assert course.revision == 2
    with pytest.raises(StaleWrite):
        cs.course_update(
            actor=lead,
            course=course,
            version=1,
            title="x",
            minutes=60,
            objectives="y",
            module=module.pk,
        )


@pytest.mark.parametrize("minutes", [45, 90, 0, "60"])
def test_trn1_a_course_of_another_length_is_refused(lead, module, minutes):
    with pytest.raises(Invalid) as bad:
        cs.course_create(actor=lead, title="x", minutes=minutes, objectives="y", module=module.pk)
    assert "minutes" in bad.value.fields
    assert not Course.objects.exists()


def test_trn2_an_agent_may_not_add_to_the_library(agent, module):
    with pytest.raises(PermissionDenied):
        cs.course_create(actor=agent, title="x", minutes=60, objectives="y", module=module.pk)


def _person(org, username, role="agent"):
    return user_create(
        actor=None, username=username, password="pw-12345678", role=role, team=org.aftersales1
    )


def test_trn3_a_course_is_developed_accepted_filed_and_rolled_out(
    org, agent, lead, supervisor, manager, module
):
    expert = _person(org, "expert")
    developer = _person(org, "dev")
    project = cs.project_create(actor=supervisor, title="2026 课程开发")
    for person, topics in (
        (agent, ["投诉处理", "电话营销"]),
        (lead, ["电话营销"]),
        (expert, ["情绪管理"]),
    ):
        for topic in topics:
            cs.need_add(actor=person, project=project, topic=topic)

    def step(actor, action, **data):
        return cs.project_act(
            actor=actor, project=project, action=action, version=project.version, **data
        )

    step(supervisor, "pick")
    assert project.top_needs == [
        {"topic": "电话营销", "votes": 2},
        {"topic": "投诉处理", "votes": 1},
    ]
    with pytest.raises(Invalid):
        cs.need_add(actor=agent, project=project, topic="迟到的需求")
    step(supervisor, "buy", external_course="外购：电话营销实战", course_title="营销五部曲·抓开场")
    with pytest.raises(Invalid) as bad:
        step(supervisor, "form_team", experts=[expert.pk, developer.pk], developers=[developer.pk])
    assert "experts" in bad.value.fields
    step(supervisor, "form_team", experts=[expert.pk], developers=[developer.pk])
    step(developer, "workshop", workshop_on=dt.date(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        step(supervisor, "develop", objectives="开场三句话", materials="PPT")
    step(developer, "develop", objectives="开场三句话", materials="PPT, 案例")
    step(developer, "trial", trial_notes="试讲后压缩案例")
    # the panel returns it once; the developer revises and lectures again
    with pytest.raises(PermissionDenied):
        step(developer, "accept")
    with pytest.raises(PermissionDenied):
        step(manager, "accept")
    step(expert, "return", note="案例太长")
    assert (project.state, project.returned) == ("developed", 1)
    step(developer, "trial", trial_notes="第二次试讲")
    step(expert, "accept", note="通过")
    assert project.accepted_by == expert
    with pytest.raises(PermissionDenied):
        step(supervisor, "file", module=module.pk)
    step(manager, "file", module=module.pk)
    course = project.course
    assert (course.status, course.owner, course.revision, course.minutes) == (
        "published",
        developer,
        1,
        60,
    )
    starts = timezone.now() + dt.timedelta(days=3)
    step(lead, "roll_out", starts_at=starts)
    early = TrainingClass.objects.get(course=course)
    assert (project.state, early.trainer, early.hours) == ("rolled_out", developer, 1)
    assert (
        AuditEvent.objects.filter(action__startswith="training.project_").count() == 12
    )  # opened + 11 steps


def test_trn3_a_stale_step_is_refused_and_changes_nothing(supervisor, agent):
    project = cs.project_create(actor=supervisor, title="2026")
    cs.need_add(actor=agent, project=project, topic="投诉处理")
    with pytest.raises(StaleWrite):
        cs.project_act(actor=supervisor, project=project, action="pick", version=7)
    project.refresh_from_db()
    assert (project.state, project.top_needs) == ("survey", [])


def test_trn3_only_a_supervisor_opens_a_survey_and_needs_are_limited(lead, supervisor, agent):
    with pytest.raises(PermissionDenied):
        cs.project_create(actor=lead, title="x")
    project = cs.project_create(actor=supervisor, title="x")
    with pytest.raises(Invalid):
        cs.project_act(actor=supervisor, project=project, action="pick", version=1)
    for topic in ("a", "b", "c"):
        cs.need_add(actor=agent, project=project, topic=topic)
    with pytest.raises(Invalid):
        cs.need_add(actor=agent, project=project, topic="d")
