"""The course library's structure (TRN-1, TRN-2): a lead adds, edits, archives and restores
knowledge modules and series (micro-course programmes); a stale version is 409, bad input a 4xx
with a message that changes nothing, an archived module or series takes no new course, every
write is audited, and an agent may not edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.core.models import AuditEvent
from kefu.training import course_services as cs
from kefu.training import library_services as ls
from kefu.training.models import CourseModule, CourseSeries

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(lead):
    service = cs.module_create(actor=lead, name="客户服务类知识")
    phone = cs.module_create(actor=lead, name="电话服务", parent=service)
    series = cs.series_create(actor=lead, name="基础电话服务技巧系列", module=phone)
    return service, phone, series


def _course(lead, module, series=None, title="MOT服务技巧"):
    return cs.course_create(
        actor=lead, title=title, minutes=60, objectives="关键时刻", module=module, series=series
    )


def test_a_module_is_renamed_moved_and_a_stale_or_bad_edit_changes_nothing(lead, agent, tree):
    service, phone, _series = tree
    other = cs.module_create(actor=lead, name="企业业务类知识")
    done = ls.module_update(
        actor=lead, module=phone, version=1, name="电话服务技巧", parent=other.pk, position=2
    )
    assert (done.name, done.parent_id, done.position, done.version) == (
        "电话服务技巧",
        other.pk,
        2,
        2,
    )
    with pytest.raises(StaleWrite):
        ls.module_update(actor=lead, module=phone, version=1, name="x", parent=None)
    bad = [
        {"name": "企业业务类知识"},  # another module's name
        {"name": "x", "parent": phone.pk},  # under itself
        {"name": "x", "parent": 999999},
        {"name": "  "},
        {"name": "x", "position": 5000},
    ]
    for more in bad:
        with pytest.raises(Invalid):
            ls.module_update(actor=lead, module=phone, version=2, **{"parent": None, **more})
    with pytest.raises(Invalid):  # a module with sub-modules does not go under another
        ls.module_update(actor=lead, module=other, version=1, name="企业业务类知识", parent=service)
    with pytest.raises(PermissionDenied):
        ls.module_update(actor=agent, module=phone, version=2, name="y")
    phone.refresh_from_db()
    assert (phone.name, phone.version) == ("电话服务技巧", 2)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "training.module_update" in actions


def test_a_series_moves_with_its_courses(lead, tree):
    service, phone, series = tree
    course = _course(lead, phone, series)
    marketing = cs.module_create(actor=lead, name="电话营销", parent=service)
    moved = ls.series_update(
        actor=lead, series=series, version=1, name="电话服务技巧系列", module=marketing.pk
    )
    course.refresh_from_db()
    assert (moved.name, moved.module_id, course.module_id) == (
        "电话服务技巧系列",
        marketing.pk,
        marketing.pk,
    )
    with pytest.raises(StaleWrite):
        ls.series_update(actor=lead, series=series, version=1, name="x", module=phone.pk)
    with pytest.raises(Invalid):
        ls.series_update(actor=lead, series=series, version=2, name="x", module=None)


def test_archiving_is_refused_while_in_use_and_an_archived_one_takes_nothing_new(lead, tree):
    service, phone, series = tree
    course = _course(lead, phone, series)
    cs.course_set_status(actor=lead, course=course, status="published", version=1)
    with pytest.raises(Invalid):  # a published course is in it
        ls.series_archive(actor=lead, series=series, version=1, archived=True)
    with pytest.raises(Invalid):  # a live sub-module is in it
        ls.module_archive(actor=lead, module=service, version=1, archived=True)
    course.refresh_from_db()
    cs.course_set_status(actor=lead, course=course, status="retired", version=course.version)
    ls.series_archive(actor=lead, series=series, version=1, archived=True)
    ls.module_archive(actor=lead, module=phone, version=1, archived=True)
    ls.module_archive(actor=lead, module=service, version=1, archived=True)
    with pytest.raises(Invalid):  # nothing new in an archived module or series
        _course(lead, phone, title="新课")
    with pytest.raises(Invalid):
        cs.series_create(actor=lead, name="新系列", module=phone)
    with pytest.raises(Invalid):
        cs.module_create(actor=lead, name="新模块", parent=service)
    # the course already in it keeps its place when edited
    course.refresh_from_db()
    cs.course_update(
        actor=lead,
        course=course,
        version=course.version,
        title=course.title,
        minutes=30,
        objectives="关键时刻",
        module=phone.pk,
        series=series.pk,
    )
    with pytest.raises(Invalid):  # a sub-module comes back only after its module
        ls.module_archive(actor=lead, module=phone, version=2, archived=False)
    ls.module_archive(actor=lead, module=service, version=2, archived=False)
    ls.module_archive(actor=lead, module=phone, version=2, archived=False)
    ls.series_archive(actor=lead, series=series, version=2, archived=False)
    assert not CourseModule.objects.filter(archived=True).exists()
    assert not CourseSeries.objects.filter(archived=True).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in ("module_archive", "module_restore", "series_archive", "series_restore"):
        assert f"training.{action}" in actions


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "模块和系列"), ("en", "Modules and series")]
)
def test_the_pages_add_edit_and_archive_and_an_agent_may_not(
    web_as, lead, agent, tree, lang, words
):
    service, phone, series = tree
    client = web_as(lead)
    page = client.get(reverse("training:library_structure"), HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200 and words in page.content.decode()
    library = client.get(reverse("training:library"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reverse("training:library_structure") in library
    answer = client.post(
        reverse("training:library_module_create"), {"name": "其他支撑类知识", "position": "3"}
    )
    assert answer.status_code == 302
    dup = client.post(reverse("training:library_module_create"), {"name": "其他支撑类知识"})
    assert dup.status_code == 400
    answer = client.post(
        reverse("training:library_module", args=[phone.pk]),
        {"version": "1", "name": "电话服务（基础）", "parent": str(service.pk), "position": "1"},
    )
    assert answer.status_code == 302
    stale = client.post(
        reverse("training:library_module", args=[phone.pk]),
        {"version": "1", "name": "电话服务", "parent": "", "position": "1"},
    )
    assert stale.status_code == 409
    phone.refresh_from_db()
    assert phone.name == "电话服务（基础）"
    for url in ("library_module", "library_series"):
        pk = phone.pk if url == "library_module" else series.pk
        assert (
            client.get(reverse(f"training:{url}", args=[pk]), HTTP_ACCEPT_LANGUAGE=lang).status_code
            == 200
        )
    client.post(
        reverse("training:library_series_archive", args=[series.pk]),
        {"version": "1", "archived": "1"},
    )
    series.refresh_from_db()
    assert series.archived
    form = client.get(reverse("training:library")).context["live_series"]
    assert series not in form
    agent_client = web_as(agent)
    assert agent_client.get(reverse("training:library_structure")).status_code == 403
    assert agent_client.get(reverse("training:library_module", args=[phone.pk])).status_code == 403
    agent_client.post(
        reverse("training:library_series_archive", args=[series.pk]),
        {"version": "2", "archived": "0"},
    )
    series.refresh_from_db()
    assert series.archived
