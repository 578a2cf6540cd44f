"""The library and course development through the pages and the API: who sees which step, a
lead adds a course, a project walks through the API with a stale version refused (409) and a
step by the wrong person refused (403), bad input a 4xx that changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.training import course_services as cs
from kefu.training.course_selectors import need_tally
from kefu.training.models import Course, CourseProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(lead):
    return cs.module_create(actor=lead, name="客户服务类知识")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_trn2_the_library_and_projects_render_and_a_lead_adds_a_course(
    web_as, lead, agent, supervisor, module, lang
):
    project = cs.project_create(actor=supervisor, title="2026 课程开发")
    client = web_as(agent)
    for url in (
        reverse("training:library"),
        reverse("training:projects"),
        reverse("training:project", args=[project.pk]),
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
    # an agent names a need but sees no step of the flow
    page = client.get(reverse("training:project", args=[project.pk]))
    assert page.context["steps"] == []
    client.post(reverse("training:need_add", args=[project.pk]), {"topic": "投诉处理"})
    assert need_tally(project) == [("投诉处理", 1)]
    page = web_as(supervisor).get(reverse("training:project", args=[project.pk]))
    assert page.context["steps"] == ["pick"]
    client = web_as(lead)
    token = (
        client.get(reverse("training:library"))
        .content.decode()
        .split('name="idempotency_key" value="')[1][:32]
    )
    answer = client.post(
        reverse("training:course_create"),
        {
            "title": "售后接待快捷语",
            "module": module.pk,
            "minutes": "30",
            "objectives": "快捷语熟练",
            "method": "hands_on",
            "idempotency_key": token,
        },
    )
    assert answer.status_code == 302
    course = Course.objects.get()
    assert (course.minutes, course.method, course.owner) == (30, "hands_on", lead)
    page = client.get(reverse("training:course", args=[course.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200


def test_trn2_an_agent_sees_no_course_form_and_cannot_post_one(web_as, agent, module):
    client = web_as(agent)
    assert b'id="course-form"' not in client.get(reverse("training:library")).content
    answer = client.post(
        reverse("training:course_create"),
        {"title": "x", "module": module.pk, "minutes": "60", "objectives": "y"},
    )
    assert answer.status_code == 403
    assert not Course.objects.exists()


def test_trn3_the_flow_through_the_api(api_as, org, agent, lead, supervisor, manager, module):
    created = api_as(lead).post(
        "/api/v1/training/courses",
        {"title": "抓开场", "module": module.pk, "minutes": 45, "objectives": "x"},
    )
    assert created.status_code == 400 and "minutes" in created.json()["error"]["fields"]
    project = cs.project_create(actor=supervisor, title="2026")
    api = api_as(agent)
    named = api.post(f"/api/v1/training/projects/{project.pk}/needs", {"topic": "电话营销"})
    assert named.status_code == 201 and named.json()["needs"] == [{"topic": "电话营销", "votes": 1}]
    url = f"/api/v1/training/projects/{project.pk}"
    assert api.post(f"{url}/pick", {"version": 1}).status_code == 403
    assert api_as(supervisor).post(f"{url}/pick", {"version": 9}).status_code == 409
    picked = api_as(supervisor).post(f"{url}/pick", {"version": 1})
    assert picked.status_code == 200, picked.content
    assert picked.json()["top_needs"] == [{"topic": "电话营销", "votes": 1}]
    bought = api_as(supervisor).post(
        f"{url}/buy", {"version": 2, "external_course": "电话营销实战", "minutes": 120}
    )
    assert bought.json()["course_title"] == "电话营销实战" and bought.json()["minutes"] == 120
    bad = api_as(supervisor).post(
        f"{url}/form_team", {"version": 3, "experts": [manager.pk], "developers": []}
    )
    assert bad.status_code == 400
    assert CourseProject.objects.get().state == "bought"
    late = api_as(supervisor).post(f"{url}/file", {"version": 3})
    assert late.status_code == 400


def test_trn3_another_lines_project_is_not_found(api_as, wy_agent, supervisor):
    project = cs.project_create(actor=supervisor, title="2026")
    assert api_as(wy_agent).get(f"/api/v1/training/projects/{project.pk}").status_code == 404
