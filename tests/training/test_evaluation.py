"""TRN-5 / SAT-6: the survey after a class rates course and trainer; satisfaction per course,
per trainer and micro-courses vs all internal training; trainer records with 金讲台."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from testkit import make_user

from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.training import course_services, evaluation_selectors, evaluation_services, services
from kefu.training.models import ClassEvaluation, Enrolment
from kefu.training.satisfaction import gap, percent

pytestmark = pytest.mark.django_db


def test_sat6_satisfaction_is_the_mean_rating_as_a_share_of_five():
    assert percent(4.845) == 96.9
    assert percent(4.675) == 93.5
    assert percent(None) is None
    assert gap(96.9, 93.5) == 3.4


def _class(lead, course, *, days_ago=3, trainer=None):
    """A past class of ``course`` (created as if in the future, then moved back)."""
    from kefu.training.models import TrainingClass

    cls = services.class_create(
        actor=lead,
        title=course.title,
        starts_at=timezone.now() + dt.timedelta(days=1),
        hours=course.minutes / 60,
        trainer=trainer or lead,
        course=course,
    )
    TrainingClass.objects.filter(pk=cls.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    cls.refresh_from_db()
    return cls


def _attended(cls, *people):
    for person in people:
        Enrolment.objects.create(training_class=cls, user=person, status="attended")


@pytest.fixture
def library(lead):
    module = course_services.module_create(actor=lead, name="客户服务类知识")
    micro = course_services.course_create(
        actor=lead, title="MOT服务技巧", minutes=60, objectives="x", module=module.pk
    )
    day = course_services.course_create(
        actor=lead, title="双11 大促准备", minutes=480, objectives="y", module=module.pk
    )
    return micro, day


def test_trn5_only_an_attendee_rates_a_class_once_from_1_to_5(lead, agent, agent_b, library):
    cls = _class(lead, library[0])
    _attended(cls, agent)
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluate(
            actor=agent_b, training_class=cls, course_rating=5, trainer_rating=5
        )
    with pytest.raises(Invalid) as bad:
        evaluation_services.evaluate(
            actor=agent, training_class=cls, course_rating=6, trainer_rating=0
        )
    assert set(bad.value.fields) == {"course_rating", "trainer_rating"}
    evaluation_services.evaluate(actor=agent, training_class=cls, course_rating=5, trainer_rating=4)
    with pytest.raises(Conflict):
        evaluation_services.evaluate(
            actor=agent, training_class=cls, course_rating=1, trainer_rating=1
        )
    assert ClassEvaluation.objects.get().course_rating == 5


def test_sat6_micro_courses_against_all_internal_training_per_course_and_trainer(
    org, lead, supervisor, agent, agent_b, library
):
    micro, day = library
    c1 = _class(lead, micro)
    c2 = _class(lead, day, trainer=supervisor)
    _attended(c1, agent, agent_b)
    _attended(c2, agent, agent_b)
    for cls, ratings in ((c1, [(5, 5), (5, 4)]), (c2, [(4, 3), (5, 5)])):
        for person, (course_rating, trainer_rating) in zip((agent, agent_b), ratings, strict=True):
            evaluation_services.evaluate(
                actor=person,
                training_class=cls,
                course_rating=course_rating,
                trainer_rating=trainer_rating,
            )
    board = evaluation_selectors.satisfaction_board(lead)
    # micro 5, 5 → 100 %; all 5, 5, 4, 5 → 4.75 → 95 %
    assert (board["micro"], board["overall"], board["gap"]) == (100.0, 95.0, 5.0)
    assert {r["title"]: r["satisfaction"] for r in board["by_course"]} == {
        "MOT服务技巧": 100.0,
        "双11 大促准备": 90.0,
    }
    assert {r["trainer"]: r["satisfaction"] for r in board["by_trainer"]} == {
        lead.pk: 90.0,
        supervisor.pk: 80.0,
    }
    with pytest.raises(PermissionDenied):
        evaluation_selectors.satisfaction_board(agent)


def test_trn5_trainer_records_count_classes_hours_ratings_and_certifications(
    lead, supervisor, agent, library
):
    cls = _class(lead, library[0])
    _class(lead, library[1])
    _attended(cls, agent)
    evaluation_services.evaluate(actor=agent, training_class=cls, course_rating=5, trainer_rating=4)
    with pytest.raises(PermissionDenied):
        evaluation_services.trainer_certificate_add(
            actor=lead, user=lead, name="金讲台", issued_on=dt.date(2026, 5, 1)
        )
    evaluation_services.trainer_certificate_add(
        actor=supervisor, user=lead, name="金讲台", issuer="省公司", issued_on=dt.date(2026, 5, 1)
    )
    with pytest.raises(Invalid):
        evaluation_services.trainer_certificate_add(
            actor=supervisor,
            user=lead,
            name="内训师",
            issued_on=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 4, 1),
        )
    (row,) = evaluation_selectors.trainer_records(supervisor)
    assert (row["trainer"], row["classes"], row["hours"], row["ratings"], row["satisfaction"]) == (
        lead,
        2,
        9.0,
        1,
        80.0,
    )
    assert [c.name for c in row["certificates"]] == ["金讲台"]


def test_trn5_the_class_page_asks_an_attendee_and_the_board_renders(
    web_as, api_as, lead, agent, agent_b, library
):
    cls = _class(lead, library[0])
    _attended(cls, agent)
    client = web_as(agent)
    page = client.get(reverse("training:class", args=[cls.pk]))
    assert page.context["may_rate"] is True
    client.post(
        reverse("training:evaluate", args=[cls.pk]), {"course_rating": "4", "trainer_rating": "5"}
    )
    assert client.get(reverse("training:class", args=[cls.pk])).context["rated"] is True
    assert client.get(reverse("training:satisfaction")).status_code == 403
    api = api_as(agent_b)
    refused = api.post(
        f"/api/v1/training/classes/{cls.pk}/evaluation", {"course_rating": 5, "trainer_rating": 5}
    )
    assert refused.status_code == 403
    lead_client = web_as(lead)
    with CaptureQueriesContext(connection) as one_trainer:
        lead_client.get(reverse("training:satisfaction"))
    for name in ("t2", "t3", "t4"):
        _class(lead, library[1], trainer=make_user(name, "lead", team=lead.team))
    with CaptureQueriesContext(connection) as four_trainers:
        board = lead_client.get(reverse("training:satisfaction"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(board.context["trainers"]) == 4
    assert len(four_trainers) == len(one_trainer)  # no query per trainer
    assert board.status_code == 200 and board.context["board"]["micro"] == 80.0
    answer = api_as(lead).get("/api/v1/training/satisfaction")
    assert answer.status_code == 200 and answer.json()["overall"] == 80.0
