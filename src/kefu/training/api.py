"""/api/v1/training: the typing test and the quick-reply exam (scored by the server), a
person's 上岗 status, training requests through their flow, classes and enrolment, exams
(a paper drawn with a recorded seed; a submission after the server's deadline is 409
``exam_time_over``) and competitions with their leaderboards. Handlers parse, call a service
or selector, and return."""

from __future__ import annotations

from ninja import Router, Status

from kefu.core.errors import NotFound
from kefu.core.inputs import Day, Id
from kefu.core.pagination import paginate
from kefu.training import (
    competition_services,
    course_selectors,
    course_services,
    courses,
    evaluation_selectors,
    evaluation_services,
    plan_selectors,
    plan_services,
    selectors,
    services,
    typing_services,
)
from kefu.training.models import Question, QuizRound
from kefu.training.schemas import (
    TrainingAnswerIn,
    TrainingAttemptOut,
    TrainingBuzzIn,
    TrainingBuzzOut,
    TrainingClassPageOut,
    TrainingCompetitionDetailOut,
    TrainingCompetitionIn,
    TrainingCompetitionOut,
    TrainingCompetitionPageOut,
    TrainingCourseIn,
    TrainingCourseOut,
    TrainingCoursePageOut,
    TrainingDepartureIn,
    TrainingEnrolmentOut,
    TrainingEvaluationIn,
    TrainingEvaluationOut,
    TrainingLeaderboardOut,
    TrainingNeedIn,
    TrainingPlanActIn,
    TrainingPlanAction,
    TrainingPlanIn,
    TrainingPlanOut,
    TrainingPlanPageOut,
    TrainingProjectActIn,
    TrainingProjectAction,
    TrainingProjectOut,
    TrainingQuickReplyIn,
    TrainingQuickReplyOut,
    TrainingQuickSittingOut,
    TrainingQuickSubmitIn,
    TrainingRequestActIn,
    TrainingRequestAction,
    TrainingRequestIn,
    TrainingRequestOut,
    TrainingRequestPageOut,
    TrainingRoleplayScoreIn,
    TrainingRoleplayScoreOut,
    TrainingRoundIn,
    TrainingRoundOut,
    TrainingSatisfactionOut,
    TrainingStatusOut,
    TrainingSubmitIn,
    TrainingTypingIn,
    TrainingTypingOut,
    TrainingTypingSittingOut,
    TrainingTypingSubmitIn,
    TrainingVersionIn,
)

router = Router(tags=["training"])


@router.post("/typing", response=TrainingTypingOut, operation_id="training_typing_score")
def typing_score(request, payload: TrainingTypingIn):
    """Score a text against a passage in the given seconds: correct characters are the longest
    common subsequence of passage and typed text (NFKC, whitespace ignored), per minute. A
    calculation only (like ``kefu training typing-score``): the client names passage and
    seconds, so nothing is recorded; the test that counts is ``POST /typing/sittings``."""
    return typing_services.typing_check(**payload.dict()).as_dict()


@router.post(
    "/typing/sittings",
    response={201: TrainingTypingSittingOut},
    operation_id="training_typing_start",
)
def typing_start(request):
    """Start the typing test as the page does: the passage of the caller's line, the server's
    clock running from now."""
    return Status(
        201, typing_services.sitting_dict(typing_services.sitting_start(actor=request.user))
    )


@router.get(
    "/typing/sittings/{sitting_id}",
    response=TrainingTypingSittingOut,
    operation_id="training_typing_sitting",
)
def typing_sitting(request, sitting_id: Id):
    """One's own typing sitting (anyone else's → 404)."""
    return typing_services.sitting_dict(typing_services.sitting_get(request.user, sitting_id))


@router.post(
    "/typing/sittings/{sitting_id}/submit",
    response=TrainingTypingSittingOut,
    operation_id="training_typing_submit",
)
def typing_submit(request, sitting_id: Id, payload: TrainingTypingSubmitIn):
    """The typed text: the server stops its clock on arrival (the client sends no time), scores
    it and records the ``typing`` component on the caller's file; once only (→ 409
    ``typing_finished``)."""
    sitting = typing_services.sitting_get(request.user, sitting_id)
    return typing_services.sitting_dict(
        typing_services.sitting_submit(actor=request.user, sitting=sitting, typed=payload.typed)
    )


@router.post(
    "/quick-reply/sittings",
    response={201: TrainingQuickSittingOut},
    operation_id="training_quick_reply_start",
)
def quick_reply_start(request):
    """Start the quick-reply exam as the page does: the server draws the line's phrases (3, at
    random, none with a placeholder) and keeps their text; the answer shows each shortcut and
    title only. No phrase on the line → 400."""
    return Status(201, typing_services.quick_dict(typing_services.quick_start(actor=request.user)))


@router.get(
    "/quick-reply/sittings/{sitting_id}",
    response=TrainingQuickSittingOut,
    operation_id="training_quick_reply_sitting",
)
def quick_reply_sitting(request, sitting_id: Id):
    """One's own quick-reply sitting (anyone else's → 404)."""
    return typing_services.quick_dict(typing_services.quick_get(request.user, sitting_id))


@router.post(
    "/quick-reply/sittings/{sitting_id}/submit",
    response=TrainingQuickSittingOut,
    operation_id="training_quick_reply_submit",
)
def quick_reply_submit(request, sitting_id: Id, payload: TrainingQuickSubmitIn):
    """``typed``: one text per phrase, in the order drawn; each must match the kept text
    completely (spaces and full/half-width punctuation normalised). Records the
    ``quick_reply`` component once (a second → 409 ``quick_reply_finished``)."""
    sitting = typing_services.quick_get(request.user, sitting_id)
    return typing_services.quick_dict(
        typing_services.quick_submit(actor=request.user, sitting=sitting, typed=payload.typed)
    )


@router.post("/quick-reply", response=TrainingQuickReplyOut, operation_id="training_quick_reply")
def quick_reply(request, payload: TrainingQuickReplyIn):
    """Check phrases typed from memory: each must match completely (spaces and full/half-width
        punctuation normalised). A calculation only: the client names the expected phrases, so
        nothing is recorded; the exam that counts is ``POST /quick-reply/sittings`` (or the page),
    where the server draws the phrases."""
    pairs = [(p.expected, p.typed) for p in payload.pairs]
    matched, asked = typing_services.quick_reply_check(pairs)
    return {"matched": matched, "asked": asked, "passed": matched == asked}


@router.get("/status/{username}", response=TrainingStatusOut, operation_id="training_status_get")
def status_get(request, username: str):
    """A person's valid certifications, the gated queues they may not work yet (未上岗) and this
    year's training hours (``kefu training status``)."""
    person = selectors.people_for(request.user).filter(username=username).first()
    if person is None and username == request.user.username:
        person = request.user
    if person is None:
        raise NotFound()
    return selectors.status(person)


def _request(r) -> dict:
    return {
        "id": r.pk,
        "topic": r.topic,
        "audience": r.audience,
        "state": r.state,
        "state_label": r.get_state_display(),
        "requester": r.requester_id,
        "owner": r.owner_id,
        "due_on": r.due_on,
        "trainer": r.trainer_id,
        "decision_reason": r.decision_reason,
        "attendance": r.attendance,
        "version": r.version,
    }


@router.get("/requests", response=TrainingRequestPageOut, operation_id="training_request_list")
def request_list(request, cursor: str | None = None, limit: int | None = None):
    """Training requests in the caller's scope, newest first."""
    page = paginate(
        selectors.requests_for(request.user), ordering="-id", cursor=cursor, limit=limit
    )
    return {"items": [_request(r) for r in page.items], "next": page.next}


@router.post(
    "/requests", response={201: TrainingRequestOut}, operation_id="training_request_create"
)
def request_create(request, payload: TrainingRequestIn):
    """File a training request; a lead or supervisor reviews it."""
    return Status(201, _request(services.request_file(actor=request.user, **payload.dict())))


@router.post(
    "/requests/{request_id}/{action}",
    response=TrainingRequestOut,
    operation_id="training_request_act",
)
def request_act(
    request, request_id: int, action: TrainingRequestAction, payload: TrainingRequestActIn
):
    """Approve or reject (never one's own; a rejection needs ``reason``), assign a ``trainer``,
    or archive the delivery (``attendance``, ``materials``, ``evaluation``)."""
    obj = selectors.request_get(request.user, request_id)
    return _request(
        services.request_act(actor=request.user, request=obj, action=action, **payload.dict())
    )


@router.get("/classes", response=TrainingClassPageOut, operation_id="training_class_list")
def class_list(request, cursor: str | None = None, limit: int | None = None):
    """Published classes of the caller's business line, latest first, with seats taken."""
    page = paginate(
        selectors.classes_for(request.user), ordering="-starts_at", cursor=cursor, limit=limit
    )
    items = [
        {
            "id": c.pk,
            "title": c.title,
            "category": c.category,
            "starts_at": c.starts_at,
            "hours": float(c.hours),
            "capacity": c.capacity,
            "seats_taken": c.seats_taken,
            "waiting": c.waiting,
        }
        for c in page.items
    ]
    return {"items": items, "next": page.next}


@router.post(
    "/classes/{class_id}/enrol", response={201: TrainingEnrolmentOut}, operation_id="training_enrol"
)
def enrol(request, class_id: int):
    """Enrol the caller: a seat while there is one, else the waiting list; a rest day takes at
    most half a day of training."""
    cls = selectors.class_get(request.user, class_id)
    e = services.enrol(actor=request.user, training_class=cls)
    return Status(201, {"training_class": cls.pk, "status": e.status})


def _attempt(a) -> dict:
    served = a.questions
    if a.exam.closed_book and a.submitted_at is None:
        # closed book: only the question the server is serving
        served = a.questions[a.position : a.position + 1]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=served)}
    return {
        "id": a.pk,
        "exam": a.exam_id,
        "seed": a.seed,
        "started_at": a.started_at,
        "deadline": a.deadline,
        "submitted_at": a.submitted_at,
        "score": float(a.score) if a.score is not None else None,
        "passed": a.passed,
        "questions": [
            {
                "id": q.pk,
                "kind": q.kind,
                "text": q.text,
                "options": q.options,
                "points": q.points,
            }
            for q in (questions[pk] for pk in served if pk in questions)
        ],
        "closed_book": a.exam.closed_book,
        "position": a.position,
        "departures": a.departures.count() if a.exam.closed_book else 0,
    }


@router.post(
    "/exams/{exam_id}/attempts",
    response={201: TrainingAttemptOut},
    operation_id="training_exam_start",
)
def exam_start(request, exam_id: int):
    """Start (or resume) an attempt: the paper is drawn by the blueprint with a recorded seed and
    the server's clock starts; 409 when no attempts are left."""
    exam = selectors.exam_get(request.user, exam_id)
    return Status(201, _attempt(services.exam_start(actor=request.user, exam=exam)))


@router.post(
    "/attempts/{attempt_id}/submit",
    response=TrainingAttemptOut,
    operation_id="training_exam_submit",
)
def exam_submit(request, attempt_id: int, payload: TrainingSubmitIn):
    """Submit the answers ({question id: answer}); after the deadline the server refuses with 409
    ``exam_time_over``."""
    attempt = selectors.attempt_get(request.user, attempt_id)
    return _attempt(
        services.exam_submit(actor=request.user, attempt=attempt, answers=payload.answers)
    )


@router.post(
    "/attempts/{attempt_id}/answer",
    response=TrainingAttemptOut,
    operation_id="training_exam_answer",
)
def exam_answer(request, attempt_id: int, payload: TrainingAnswerIn):
    """Closed book: answer (or skip, ``answer`` null) the served question at ``position``; 409
    ``out_of_order`` for another question, ``exam_time_over`` after the deadline. After the last
    question the attempt is graded."""
    attempt = selectors.attempt_get(request.user, attempt_id)
    return _attempt(
        services.exam_answer(
            actor=request.user, attempt=attempt, position=payload.position, answer=payload.answer
        )
    )


@router.post(
    "/attempts/{attempt_id}/departures",
    response=TrainingAttemptOut,
    operation_id="training_exam_departure",
)
def exam_departure(request, attempt_id: int, payload: TrainingDepartureIn):
    """Closed book: the candidate left the page (``hidden`` or ``blur``); the server stamps it."""
    attempt = selectors.attempt_get(request.user, attempt_id)
    services.exam_departure(actor=request.user, attempt=attempt, kind=payload.kind)
    return _attempt(selectors.attempt_get(request.user, attempt_id))


# -- the course library and course development (TRN-2, TRN-3) --------------------------------


def _course(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "module": c.module.name,
        "series": c.series.name if c.series_id else None,
        "minutes": c.minutes,
        "length_kind": courses.length_kind(c.minutes),
        "method": c.method,
        "objectives": c.objectives,
        "materials": c.materials,
        "owner": c.owner_id,
        "revision": c.revision,
        "status": c.status,
        "version": c.version,
    }


@router.get("/courses", response=TrainingCoursePageOut, operation_id="training_course_list")
def course_list(
    request,
    module: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The course library of the caller's line (TRN-2), filtered by module or status."""
    qs = course_selectors.courses_for(request.user, module=module, status=status)
    page = paginate(qs, ordering="id", cursor=cursor, limit=limit)
    return {"items": [_course(c) for c in page.items], "next": page.next}


@router.post("/courses", response={201: TrainingCourseOut}, operation_id="training_course_create")
def course_create(request, payload: TrainingCourseIn):
    """Add a draft course (a lead or above); lengths 15/30/60 min, 2–3 h, half or whole day."""
    course = course_services.course_create(actor=request.user, **payload.dict())
    return Status(201, _course(course_selectors.course_get(request.user, course.pk)))


def _project(p) -> dict:
    return {
        "id": p.pk,
        "year": p.year,
        "title": p.title,
        "state": p.state,
        "state_label": p.get_state_display(),
        "top_needs": p.top_needs,
        "needs": [{"topic": t, "votes": n} for t, n in course_selectors.need_tally(p)],
        "course_title": p.course_title,
        "minutes": p.minutes,
        "experts": sorted(p.experts.values_list("pk", flat=True)),
        "developers": sorted(p.developers.values_list("pk", flat=True)),
        "returned": p.returned,
        "accepted_by": p.accepted_by_id,
        "course": p.course_id,
        "version": p.version,
    }


@router.get(
    "/projects/{project_id}", response=TrainingProjectOut, operation_id="training_project_get"
)
def project_get(request, project_id: int):
    """A course development project (TRN-3) with its survey's needs and votes."""
    return _project(course_selectors.project_get(request.user, project_id))


@router.post(
    "/projects/{project_id}/needs",
    response={201: TrainingProjectOut},
    operation_id="training_project_need",
)
def need_add(request, project_id: int, payload: TrainingNeedIn):
    """Name a training need in the open survey (at most 3 per person)."""
    project = course_selectors.project_get(request.user, project_id)
    course_services.need_add(actor=request.user, project=project, topic=payload.topic)
    return Status(201, _project(project))


@router.post(
    "/projects/{project_id}/{action}",
    response=TrainingProjectOut,
    operation_id="training_project_act",
)
def project_act(
    request, project_id: int, action: TrainingProjectAction, payload: TrainingProjectActIn
):
    """One step of the development flow; who may make it is in docs/training.md (stale
    ``version`` → 409, a step by someone else → 403)."""
    project = course_selectors.project_get(request.user, project_id)
    data = payload.dict()
    version = data.pop("version")
    course_services.project_act(
        actor=request.user, project=project, action=action, version=version, **data
    )
    return _project(course_selectors.project_get(request.user, project_id))


# -- evaluation (TRN-5, SAT-6) ----------------------------------------------------------------


@router.post(
    "/classes/{class_id}/evaluation",
    response={201: TrainingEvaluationOut},
    operation_id="training_class_evaluate",
)
def class_evaluate(request, class_id: int, payload: TrainingEvaluationIn):
    """The survey after a class: an attendee rates the course and the trainer (1–5), once."""
    cls = selectors.class_get(request.user, class_id)
    e = evaluation_services.evaluate(actor=request.user, training_class=cls, **payload.dict())
    return Status(
        201,
        {
            "training_class": cls.pk,
            "course_rating": e.course_rating,
            "trainer_rating": e.trainer_rating,
        },
    )


@router.get("/satisfaction", response=TrainingSatisfactionOut, operation_id="training_satisfaction")
def satisfaction_get(request, since: Day | None = None):
    """Satisfaction (% of the top rating) of micro-courses vs all internal training, per course
    and per trainer, for classes since ``since`` (a lead or above)."""
    return evaluation_selectors.satisfaction_board(request.user, since=since)


# -- plans (TRN-8) ----------------------------------------------------------------------------


def _plan(p, *, summary: bool = False) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "year": p.year,
        "month": p.month,
        "title": p.title,
        "goals": p.goals,
        "state": p.state,
        "state_label": p.get_state_display(),
        "author": p.author_id,
        "approver": p.approver_id,
        "decision_note": p.decision_note,
        "version": p.version,
        "summary": plan_selectors.month_summary(p) if summary else None,
    }


@router.get("/plans", response=TrainingPlanPageOut, operation_id="training_plan_list")
def plan_list(request, cursor: str | None = None, limit: int | None = None):
    """Annual and monthly training plans of the caller's line, newest first."""
    page = paginate(
        plan_selectors.plans_for(request.user), ordering="-id", cursor=cursor, limit=limit
    )
    return {"items": [_plan(p) for p in page.items], "next": page.next}


@router.post("/plans", response={201: TrainingPlanOut}, operation_id="training_plan_create")
def plan_create(request, payload: TrainingPlanIn):
    """Draw up a plan (a lead or above); a monthly plan names its month."""
    return Status(201, _plan(plan_services.plan_create(actor=request.user, **payload.dict())))


@router.get("/plans/{plan_id}", response=TrainingPlanOut, operation_id="training_plan_get")
def plan_get(request, plan_id: int):
    """A plan with its month-end training summary (per month: classes, hours, attendances,
    satisfaction)."""
    return _plan(plan_selectors.plan_get(request.user, plan_id), summary=True)


@router.post(
    "/plans/{plan_id}/{action}", response=TrainingPlanOut, operation_id="training_plan_act"
)
def plan_act(request, plan_id: int, action: TrainingPlanAction, payload: TrainingPlanActIn):
    """Submit (the author), approve or return with a ``note`` (a manager who did not draw it
    up; ACL-4); stale ``version`` → 409."""
    plan = plan_selectors.plan_get(request.user, plan_id)
    return _plan(
        plan_services.plan_act(actor=request.user, plan=plan, action=action, **payload.dict())
    )


# -- competitions (PK-4, TRN-9) ---------------------------------------------------------------


def _competition(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "state": c.state,
        "state_label": c.get_state_display(),
        "exam": c.exam_id,
        "created_by": c.created_by_id,
        "created_at": c.created_at,
        "version": c.version,
    }


def _board(comp) -> list[dict]:
    return [
        {
            "rank": r["rank"],
            "user": r["user"].pk if r["user"] else None,
            "username": r["user"].username if r["user"] else None,
            "name": r["user"].name if r["user"] else None,
            "score": r["score"],
            "seconds": r.get("seconds"),
            "forms": r.get("forms"),
        }
        for r in selectors.board(comp)
    ]


@router.get(
    "/competitions", response=TrainingCompetitionPageOut, operation_id="training_competition_list"
)
def competition_list(request, cursor: str | None = None, limit: int | None = None):
    """Competitions of the caller's business line (knowledge contest, role-play, instant Q&A),
    newest first."""
    page = paginate(
        selectors.competitions_for(request.user), ordering="-id", cursor=cursor, limit=limit
    )
    return {"items": [_competition(c) for c in page.items], "next": page.next}


@router.post(
    "/competitions",
    response={201: TrainingCompetitionOut},
    operation_id="training_competition_create",
)
def competition_create(request, payload: TrainingCompetitionIn):
    """Open a competition (a lead or above); a knowledge contest names an ``exam`` of the line,
    a role-play contest gets the default scoring form."""
    exam = None
    if payload.exam is not None:
        exam = selectors.exams_for(request.user).filter(pk=payload.exam).first()
    comp = competition_services.competition_create(
        actor=request.user, title=payload.title, kind=payload.kind, exam=exam
    )
    return Status(201, _competition(comp))


@router.get(
    "/competitions/{competition_id}",
    response=TrainingCompetitionDetailOut,
    operation_id="training_competition_get",
)
def competition_get(request, competition_id: int):
    """A competition with its scoring form (role-play), its rounds (instant Q&A; the answers
    stay hidden) and its leaderboard."""
    from kefu.training.words import CRITERIA

    comp = selectors.competition_get(request.user, competition_id)
    rounds = QuizRound.objects.filter(competition=comp).order_by("number")
    return {
        **_competition(comp),
        "criteria": [
            {"code": c["code"], "label": str(CRITERIA.get(c["code"], c["code"])), "max": c["max"]}
            for c in comp.criteria
        ],
        "rounds": [
            {
                "number": r.number,
                "question": r.question,
                "closed": r.closed,
                "winner": r.winner_id,
                "won_at": r.won_at,
            }
            for r in rounds
        ],
        "leaderboard": _board(comp),
    }


@router.get(
    "/competitions/{competition_id}/leaderboard",
    response=TrainingLeaderboardOut,
    operation_id="training_competition_leaderboard",
)
def competition_leaderboard(request, competition_id: int):
    """The leaderboard, ties sharing a rank and the next rank skipping (90, 90, 80 → 1, 1, 3):
    a contest by best score then shorter time, a role-play by the mean of the examiners'
    forms, instant Q&A by rounds won (``kefu training leaderboard``)."""
    comp = selectors.competition_get(request.user, competition_id)
    return {"competition": comp.pk, "kind": comp.kind, "state": comp.state, "rows": _board(comp)}


@router.post(
    "/competitions/{competition_id}/close",
    response=TrainingCompetitionOut,
    operation_id="training_competition_close",
)
def competition_close(request, competition_id: int, payload: TrainingVersionIn):
    """Close the competition: its leaderboard is final (a lead or above; stale ``version`` →
    409 ``stale``, already closed → 409 ``competition_closed``)."""
    comp = selectors.competition_get(request.user, competition_id)
    return _competition(
        competition_services.competition_close(
            actor=request.user, competition=comp, version=payload.version
        )
    )


@router.post(
    "/competitions/{competition_id}/scores",
    response={201: TrainingRoleplayScoreOut},
    operation_id="training_roleplay_score",
)
def roleplay_score(request, competition_id: int, payload: TrainingRoleplayScoreIn):
    """An examiner (a lead or above, never the contestant) fills in the role-play form:
    ``marks`` {criterion code: 0 … its maximum}; marking the same contestant again replaces the
    examiner's earlier form."""
    from kefu.accounts.models import User

    comp = selectors.competition_get(request.user, competition_id)
    contestant = User.objects.filter(
        pk=payload.contestant, business_line_id=comp.business_line_id
    ).first()
    if contestant is None:
        raise NotFound()
    row = competition_services.roleplay_score(
        actor=request.user, competition=comp, contestant=contestant, marks=payload.marks
    )
    return Status(
        201,
        {
            "contestant": row.contestant_id,
            "examiner": row.examiner_id,
            "marks": row.marks,
            "total": float(row.total),
        },
    )


@router.post(
    "/competitions/{competition_id}/rounds",
    response={201: TrainingRoundOut},
    operation_id="training_round_open",
)
def round_open(request, competition_id: int, payload: TrainingRoundIn):
    """Instant Q&A: the quizmaster asks the next question (``answer``: alternatives separated
    by ``|``); stale ``version`` → 409."""
    comp = selectors.competition_get(request.user, competition_id)
    rnd = competition_services.round_open(
        actor=request.user,
        competition=comp,
        question=payload.question,
        answer=payload.answer,
        version=payload.version,
    )
    return Status(
        201,
        {
            "number": rnd.number,
            "question": rnd.question,
            "closed": rnd.closed,
            "winner": None,
            "won_at": None,
        },
    )


@router.post(
    "/competitions/{competition_id}/answers",
    response={201: TrainingBuzzOut},
    operation_id="training_round_answer",
)
def round_answer(request, competition_id: int, payload: TrainingBuzzIn):
    """Instant Q&A: answer round ``round``. The first correct answer the server receives wins
    the point; later → 409 ``round_won`` (or ``round_closed``)."""
    comp = selectors.competition_get(request.user, competition_id)
    rnd = QuizRound.objects.filter(competition=comp, number=payload.round).first()
    if rnd is None:
        raise NotFound()
    buzz = competition_services.round_answer(actor=request.user, round=rnd, given=payload.given)
    return Status(201, {"round": rnd.number, "correct": buzz.correct, "at": buzz.at})


# the half-year needs (TRN-8) and the response-time test's results (PK-3) live in their own module
from kefu.training.api_checks import router as checks_router  # noqa: E402

router.add_router("", checks_router)

# the library's modules and series (TRN-1, TRN-2)
from kefu.training.api_library import router as library_router  # noqa: E402

router.add_router("", library_router)

# the live drill on a practice queue (PK-3)
from kefu.training.api_drills import router as drills_router  # noqa: E402

router.add_router("", drills_router)

# certifications made from a template and edited (PK-3, PK-4, TRN-7)
from kefu.training.api_certifications import router as certifications_router  # noqa: E402

router.add_router("", certifications_router)
