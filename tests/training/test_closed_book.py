"""Closed-book exams (TRN-9): timed by the server (a late answer is refused), one question at a
time (question n only after n-1 is answered or skipped; no going back when the exam says so),
every departure from the page logged with the server's time, shown to the examiner and counted
on the result page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import Conflict, NotFound
from kefu.training import services
from kefu.training.models import ExamDeparture, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(lead, bank):
    return services.exam_create(
        actor=lead,
        title="新规闭卷考试",
        blueprint={"售后规范": 2, "投诉处理": 2},
        time_limit_minutes=10,
        pass_mark=60,
        closed_book=True,
        allow_back=False,
    )


def _right(pk: int) -> str:
    return Question.objects.get(pk=pk).answer.split("|")[0]


def test_one_question_at_a_time_and_no_going_back(agent, closed):
    a = services.exam_start(actor=agent, exam=closed, seed=3)
    with pytest.raises(Conflict) as exc:
        services.exam_answer(actor=agent, attempt=a, position=1, answer="B")
    assert exc.value.code == "out_of_order"
    a = services.exam_answer(actor=agent, attempt=a, position=0, answer=_right(a.questions[0]))
    a = services.exam_answer(actor=agent, attempt=a, position=1, answer=None)  # skipped
    assert a.position == 2 and str(a.questions[1]) not in a.answers
    with pytest.raises(Conflict) as exc:
        services.exam_back(actor=agent, attempt=a)
    assert exc.value.code == "no_going_back"
    with pytest.raises(Conflict):  # answering the skipped question again is going back
        services.exam_answer(actor=agent, attempt=a, position=1, answer="B")
    a = services.exam_answer(actor=agent, attempt=a, position=2, answer=_right(a.questions[2]))
    a = services.exam_answer(actor=agent, attempt=a, position=3, answer=_right(a.questions[3]))
    assert a.submitted_at is not None  # the last answer hands the paper in
    points = {q.pk: q.points for q in Question.objects.filter(pk__in=a.questions)}
    expected = 100 * (sum(points.values()) - points[a.questions[1]]) / sum(points.values())
    assert float(a.score) == pytest.approx(expected, abs=0.01)


def test_going_back_when_the_exam_allows_it(lead, agent, bank):
    exam = services.exam_create(
        actor=lead, title="可回看", blueprint={"投诉处理": 2}, closed_book=True, allow_back=True
    )
    a = services.exam_start(actor=agent, exam=exam, seed=1)
    a = services.exam_answer(actor=agent, attempt=a, position=0, answer="x")
    a = services.exam_back(actor=agent, attempt=a)
    assert a.position == 0
    a = services.exam_answer(actor=agent, attempt=a, position=0, answer=_right(a.questions[0]))
    assert a.answers[str(a.questions[0])] == _right(a.questions[0])


def test_the_whole_paper_at_once_is_refused(agent, closed):
    a = services.exam_start(actor=agent, exam=closed, seed=3)
    answers = {str(pk): _right(pk) for pk in a.questions}
    with pytest.raises(Conflict) as exc:
        services.exam_submit(actor=agent, attempt=a, answers=answers)
    assert exc.value.code == "closed_book"
    done = services.exam_submit(actor=agent, attempt=a, answers={})  # hand in what was kept
    assert done.score == 0 and not done.passed


def test_a_late_answer_is_refused_by_the_server(agent, closed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    a = services.exam_start(actor=agent, exam=closed, seed=3)
    time_machine.shift(dt.timedelta(minutes=10, seconds=6))
    with pytest.raises(Conflict) as exc:
        services.exam_answer(actor=agent, attempt=a, position=0, answer=_right(a.questions[0]))
    assert exc.value.code == "exam_time_over"
    a.refresh_from_db()
    assert a.position == 0 and a.answers == {} and a.submitted_at is None


def test_departures_are_stamped_by_the_server_and_one_leave_counts_once(
    agent, agent_b, closed, time_machine
):
    t0 = timezone.now().replace(microsecond=0)
    time_machine.move_to(t0, tick=False)
    a = services.exam_start(actor=agent, exam=closed, seed=3)
    time_machine.shift(dt.timedelta(seconds=30))
    assert services.exam_departure(actor=agent, attempt=a, kind="hidden") is not None
    time_machine.shift(dt.timedelta(seconds=1))
    assert services.exam_departure(actor=agent, attempt=a, kind="blur") is None  # the same leave
    time_machine.shift(dt.timedelta(seconds=60))
    services.exam_departure(actor=agent, attempt=a, kind="blur")
    times = list(ExamDeparture.objects.filter(attempt=a).values_list("at", flat=True))
    assert times == [t0 + dt.timedelta(seconds=30), t0 + dt.timedelta(seconds=91)]
    with pytest.raises(NotFound):
        services.exam_departure(actor=agent_b, attempt=a, kind="hidden")


def test_the_pages_serve_one_question_and_show_departures(web_as, agent, lead, closed):
    client = web_as(agent)
    client.post(reverse("training:exam_start", args=[closed.pk]))
    a = agent.exam_attempts.get()
    q0, q1 = (Question.objects.get(pk=pk) for pk in a.questions[:2])
    page = client.get(reverse("training:attempt", args=[a.pk])).content.decode()
    assert q0.text in page and q1.text not in page
    assert reverse("training:attempt_departure", args=[a.pk]) in page  # its script reports leaves
    left = client.post(reverse("training:attempt_departure", args=[a.pk]), {"kind": "hidden"})
    assert left.json() == {"logged": True}
    bad = client.post(reverse("training:attempt_departure", args=[a.pk]), {"kind": "x"})
    assert bad.status_code == 400
    client.post(
        reverse("training:attempt", args=[a.pk]),
        {"action": "answer", "position": "0", "answer": _right(q0.pk)},
    )
    page = client.get(reverse("training:attempt", args=[a.pk])).content.decode()
    assert q1.text in page and q0.text not in page
    client.post(reverse("training:attempt", args=[a.pk]), {"action": "hand_in"})
    result = client.get(reverse("training:attempt", args=[a.pk]))
    assert result.context["departure_count"] == 1
    assert 'id="departure-count"' in result.content.decode()
    # the examiner sees the count per attempt and each departure with its time
    examiner = web_as(lead)
    board = examiner.get(reverse("training:exam_attempts", args=[closed.pk]))
    assert [r.departure_count for r in board.context["rows"]] == [1]
    seen = examiner.get(reverse("training:attempt", args=[a.pk]))
    assert seen.context["examiner_view"] and len(seen.context["departures"]) == 1
    # an agent is no examiner
    assert web_as(agent).get(reverse("training:exam_attempts", args=[closed.pk])).status_code == 404


def test_the_api_shows_only_the_served_question(api_as, agent, closed):
    api = api_as(agent)
    started = api.post(f"/api/v1/training/exams/{closed.pk}/attempts").json()
    assert started["closed_book"] and len(started["questions"]) == 1
    first = started["questions"][0]["id"]
    answered = api.post(
        f"/api/v1/training/attempts/{started['id']}/answer",
        {"position": 0, "answer": _right(first)},
    ).json()
    assert answered["position"] == 1 and answered["questions"][0]["id"] != first
    late = api.post(f"/api/v1/training/attempts/{started['id']}/answer", {"position": 0})
    assert late.status_code == 409 and late.json()["error"]["code"] == "out_of_order"


def test_a_lead_sets_a_closed_book_exam_on_the_page_and_bad_input_changes_nothing(
    web_as, lead, agent, bank
):
    from kefu.training.models import Exam

    client = web_as(lead)

    def key():
        page = client.get(reverse("training:exams")).content.decode()
        return page.split('name="idempotency_key" value="')[1][:32]

    form = {
        "title": "新规闭卷",
        "time_limit_minutes": "20",
        "pass_mark": "80",
        "max_attempts": "1",
        "closed_book": "on",
    }
    bad = client.post(
        reverse("training:exam_create"),
        {**form, "blueprint": "售后规范 两道", "idempotency_key": key()},
    )
    assert bad.status_code == 400 and "blueprint" in bad.context["form"].errors
    short = client.post(
        reverse("training:exam_create"),
        {**form, "blueprint": "售后规范: 9", "idempotency_key": key()},
    )
    assert short.status_code == 400 and not Exam.objects.exists()
    done = client.post(
        reverse("training:exam_create"),
        {**form, "blueprint": "售后规范：2\n投诉处理: 1", "idempotency_key": key()},
    )
    assert done.status_code == 302
    exam = Exam.objects.get()
    assert exam.closed_book and not exam.allow_back
    assert exam.blueprint == {"售后规范": 2, "投诉处理": 1}
    denied = web_as(agent).post(
        reverse("training:exam_create"),
        {**form, "blueprint": "售后规范: 1", "idempotency_key": "x" * 32},
    )
    assert denied.status_code == 403 and Exam.objects.count() == 1
