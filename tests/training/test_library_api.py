"""The library's knowledge modules and series (TRN-1, TRN-2) through /api/v1/training/library:
listed in pages with their course counts, added, renamed/moved/reordered with ``version``
(stale → 409 ``stale``), archived and restored with the page's refusals; a lead edits, an agent
reads only; another line's module or series is 404; every write audited."""

from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent
from kefu.training import course_services as cs
from kefu.training.models import Course, CourseModule, CourseSeries

pytestmark = pytest.mark.django_db
API = "/api/v1/training/library"


@pytest.fixture
def tree(lead):
    service = cs.module_create(actor=lead, name="客户服务类知识")
    phone = cs.module_create(actor=lead, name="电话服务", parent=service, position=1)
    series = cs.series_create(actor=lead, name="基础电话服务技巧系列", module=phone)
    course = cs.course_create(
        actor=lead,
        title="MOT服务技巧",
        minutes=60,
        objectives="关键时刻",
        module=phone,
        series=series,
    )
    return service, phone, series, course


def test_modules_and_series_are_listed_in_pages_with_their_courses(agent, lead, tree, api_as):
    service, phone, _series, _course = tree
    cs.module_create(actor=lead, name="其他支撑类知识", position=2)
    api = api_as(agent)  # an agent reads the library
    first = api.get(f"{API}/modules?limit=2").json()
    assert [m["name"] for m in first["items"]] == ["客户服务类知识", "电话服务"]
    assert first["items"][1]["parent_name"] == "客户服务类知识"
    assert (first["items"][1]["courses"], first["items"][1]["published"]) == (1, 0)
    rest = api.get(f"{API}/modules?limit=2&cursor={first['next']}").json()
    assert [m["name"] for m in rest["items"]] == ["其他支撑类知识"] and rest["next"] is None
    subs = api.get(f"{API}/modules?parent={service.pk}").json()["items"]
    assert [m["id"] for m in subs] == [phone.pk]
    listed = api.get(f"{API}/series?module={phone.pk}").json()["items"]
    assert [(s["name"], s["module_name"], s["courses"]) for s in listed] == [
        ("基础电话服务技巧系列", "电话服务", 1)
    ]
    assert api.get(f"{API}/series?archived=true").json()["items"] == []


def test_a_lead_adds_renames_moves_and_reorders_and_a_stale_edit_is_409(lead, tree, api_as):
    service, phone, series, course = tree
    api = api_as(lead)
    other = api.post(f"{API}/modules", {"name": "企业业务类知识", "position": 3})
    assert other.status_code == 201, other.content
    other = other.json()
    moved = api.patch(
        f"{API}/modules/{phone.pk}", {"version": 1, "name": "电话服务技巧", "parent": other["id"]}
    )
    assert moved.status_code == 200, moved.content
    out = moved.json()
    assert (out["name"], out["parent"], out["position"], out["version"]) == (
        "电话服务技巧",
        other["id"],
        1,  # left out: kept
        2,
    )
    stale = api.patch(f"{API}/modules/{phone.pk}", {"version": 1, "position": 9})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    top = api.patch(f"{API}/modules/{phone.pk}", {"version": 2, "parent": None, "position": 0})
    assert (top.json()["parent"], top.json()["position"]) == (None, 0)
    created = api.post(
        f"{API}/series", {"name": "电话营销技巧系列 营销五部曲", "module": service.pk}
    )
    assert created.status_code == 201, created.content
    # a series moved to another module takes its courses along
    move = api.patch(f"{API}/series/{series.pk}", {"version": 1, "module": service.pk})
    assert move.status_code == 200 and move.json()["module"] == service.pk
    assert Course.objects.get(pk=course.pk).module_id == service.pk
    stale = api.patch(f"{API}/series/{series.pk}", {"version": 1, "name": "x"})
    assert stale.status_code == 409
    actions = set(AuditEvent.objects.filter(actor=lead).values_list("action", flat=True))
    assert {"training.module_update", "training.series_update", "training.series_create"} <= actions


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "已有"), ("en", "already")])
def test_bad_input_is_4xx_with_a_message_and_changes_nothing(lead, tree, api_as, lang, words):
    service, phone, series, _course = tree
    api = api_as(lead)
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    clash = api.post(f"{API}/modules", {"name": "电话服务"})
    assert clash.status_code == 400 and words in clash.json()["error"]["fields"]["name"]
    cases = [
        ("post", f"{API}/modules", {"name": "x", "parent": 99999}, 400),
        ("post", f"{API}/modules", {"name": "x", "position": 1000}, 422),
        ("post", f"{API}/modules", {"name": "  "}, 400),
        ("patch", f"{API}/modules/{phone.pk}", {"version": 1, "parent": phone.pk}, 400),
        ("patch", f"{API}/modules/{service.pk}", {"version": 1, "parent": phone.pk}, 400),
        ("patch", f"{API}/modules/{phone.pk}", {"name": "x"}, 422),  # no version
        ("post", f"{API}/series", {"name": "x", "module": 99999}, 400),
        ("patch", f"{API}/series/{series.pk}", {"version": 1, "name": "客户服务类知识" * 20}, 422),
        ("post", f"{API}/modules/{phone.pk}/delete", {"version": 1}, 422),
    ]
    for method, url, body, code in cases:
        answer = getattr(api, method)(url, body)
        assert answer.status_code == code, (url, body, answer.content)
    assert CourseModule.objects.count() == 2 and CourseSeries.objects.count() == 1
    assert CourseModule.objects.get(pk=phone.pk).version == 1


def test_archiving_keeps_the_pages_refusals(lead, tree, api_as):
    _service, phone, series, course = tree
    api = api_as(lead)
    course = cs.course_set_status(
        actor=lead, course=course, status="published", version=course.version
    )
    busy = api.post(f"{API}/series/{series.pk}/archive", {"version": 1})
    assert busy.status_code == 400 and "archived" in busy.json()["error"]["fields"]
    in_use = api.post(f"{API}/modules/{phone.pk}/archive", {"version": 1})
    assert in_use.status_code == 400
    cs.course_set_status(actor=lead, course=course, status="retired", version=course.version)
    done = api.post(f"{API}/series/{series.pk}/archive", {"version": 1})
    assert done.status_code == 200 and done.json()["archived"] is True
    assert api.post(f"{API}/series/{series.pk}/archive", {"version": 1}).status_code == 409
    assert api.post(f"{API}/modules/{phone.pk}/archive", {"version": 1}).json()["archived"]
    # restoring the series first is refused: its module is archived
    refused = api.post(f"{API}/series/{series.pk}/restore", {"version": 2})
    assert refused.status_code == 400
    assert api.post(f"{API}/modules/{phone.pk}/restore", {"version": 2}).status_code == 200
    assert api.post(f"{API}/series/{series.pk}/restore", {"version": 2}).json()["archived"] is False
    # the series is live again: the module may not be archived under it
    again = api.post(f"{API}/modules/{phone.pk}/archive", {"version": 3})
    assert again.status_code == 400 and CourseModule.objects.get(pk=phone.pk).archived is False
    actions = list(
        AuditEvent.objects.filter(action__startswith="training.series_").values_list(
            "action", flat=True
        )
    )
    assert actions.count("training.series_archive") == 1
    assert actions.count("training.series_restore") == 1


def test_an_agent_may_not_edit_and_another_lines_objects_are_not_found(
    agent, wy_agent, tree, api_as
):
    _service, phone, series, _course = tree
    api = api_as(agent)
    assert api.post(f"{API}/modules", {"name": "x"}).status_code == 403
    assert api.patch(f"{API}/modules/{phone.pk}", {"version": 1, "name": "x"}).status_code == 403
    assert api.post(f"{API}/series/{series.pk}/archive", {"version": 1}).status_code == 403
    other = api_as(wy_agent)
    assert other.get(f"{API}/modules").json()["items"] == []
    assert other.get(f"{API}/series").json()["items"] == []
    assert other.patch(f"{API}/modules/{phone.pk}", {"version": 1, "name": "x"}).status_code == 404
    assert other.post(f"{API}/series/{series.pk}/archive", {"version": 1}).status_code == 404
    assert CourseModule.objects.get(pk=phone.pk).name == "电话服务"
    assert CourseSeries.objects.get(pk=series.pk).archived is False
