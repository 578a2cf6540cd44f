"""The month-end training evaluation summary (issue 22 §4, TRN-5/TRN-8/SAT-6) as a report page,
.xlsx and PDF: the month's classes, hours, attendances and satisfaction, recomputed from rows."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.reports import capability_reports
from kefu.training import course_services, evaluation_services, services
from kefu.training.models import Enrolment, TrainingClass

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def _held(lead, course, when, *people, ratings=()):
    cls = services.class_create(
        actor=lead,
        title=course.title,
        starts_at=dt.datetime(2030, 1, 1, tzinfo=TZ),
        hours=course.minutes / 60,
        trainer=lead,
        course=course,
    )
    TrainingClass.objects.filter(pk=cls.pk).update(starts_at=when)
    cls.refresh_from_db()
    for person, rating in zip(people, ratings or [None] * len(people), strict=True):
        Enrolment.objects.create(training_class=cls, user=person, status="attended")
        if rating:
            evaluation_services.evaluate(
                actor=person, training_class=cls, course_rating=rating, trainer_rating=rating
            )
    return cls


def test_the_month_end_summary_counts_the_months_classes_and_ratings(
    lead, agent, agent_b, manager, client
):
    module = course_services.module_create(actor=lead, name="客户服务类知识")
    micro = course_services.course_create(
        actor=lead, title="MOT服务技巧", minutes=60, objectives="x", module=module.pk
    )
    day = course_services.course_create(
        actor=lead, title="双11 大促准备", minutes=480, objectives="y", module=module.pk
    )
    # October: a micro-course rated 5 and 4, a day course rated 3; September's class is not
    _held(lead, micro, dt.datetime(2026, 10, 9, 14, tzinfo=TZ), agent, agent_b, ratings=(5, 4))
    _held(lead, day, dt.datetime(2026, 10, 20, 9, tzinfo=TZ), agent, ratings=(3,))
    _held(lead, day, dt.datetime(2026, 9, 28, 9, tzinfo=TZ), agent_b, ratings=(1,))
    data = capability_reports.build(manager, "training", "2026-10").data
    assert (data["classes"], data["hours"], data["attended"], data["ratings"]) == (2, 9.0, 3, 3)
    assert data["satisfaction"] == 80.0  # (5 + 4 + 3) ÷ 3 = 4 of 5
    assert data["micro_satisfaction"] == 90.0  # 4.5 of 5
    assert {c["title"]: c["satisfaction"] for c in data["by_course"]} == {
        "MOT服务技巧": 90.0,
        "双11 大促准备": 60.0,
    }
    client.force_login(manager)
    page = client.get("/reports/training/?period=2026-10")
    assert page.status_code == 200 and "80.00 %" in page.content.decode()
    assert client.get("/reports/training/report.xlsx?period=2026-10").status_code == 200
    pdf = client.get("/reports/training/report.pdf?period=2026-10")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # an agent is no examiner of the line's training: refused, not a server error
    client.force_login(agent)
    assert client.get("/reports/training/?period=2026-10").status_code == 403
