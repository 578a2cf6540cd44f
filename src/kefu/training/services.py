"""Every write of the training app: validated, in a transaction, audited (core.audit).

Bad input raises ``Invalid`` (400) and changes nothing; a stale request version raises
``StaleWrite`` (409); a late exam submission is refused by the server (409 ``exam_time_over``).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Team, User
from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.training import certify, flow, quick_reply, rules, typing_test
from kefu.training.gate import valid_q
from kefu.training.models import (
    Certification,
    CertificationGrant,
    Enrolment,
    EnrolmentStatus,
    Exam,
    ExamAttempt,
    GateRequirement,
    PracticalScore,
    Question,
    QuestionKind,
    ScoreKind,
    TrainingClass,
    TrainingRequest,
)

MAX_TEXT = 5000


def require_lead(actor) -> None:
    if not scope.at_least(actor, scope.LEAD):
        raise PermissionDenied(_("Only a team lead, supervisor or manager may do this."))


def _line_id(actor, business_line=None) -> int:
    line_id = getattr(business_line, "pk", business_line) or actor.business_line_id
    if not line_id or (not scope.is_admin(actor) and line_id != actor.business_line_id):
        raise Invalid(_("Choose your own business line."), fields={"business_line": _("Unknown.")})
    return line_id


def _text(name: str, value, *, required=True, max_length=200) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Must be text.")})
    if required and not value:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Required.")})
    if len(value) > max_length:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("At most %(n)s characters.") % {"n": max_length}},
        )
    return value


# -- the training flow (TRN-4) ---------------------------------------------------------------


@transaction.atomic
def request_file(
    *, actor, topic: str, audience: str = "", reason: str = "", wished_on=None
) -> TrainingRequest:
    """Anyone files a training request; it waits for a lead's or supervisor's review."""
    topic = _text("topic", topic)
    audience = _text("audience", audience, required=False)
    reason = _text("reason", reason, required=False, max_length=MAX_TEXT)
    if wished_on is not None and not isinstance(wished_on, dt.date):
        raise Invalid(_("Some fields are not valid."), fields={"wished_on": _("Not a date.")})
    today = timezone.localdate()
    req = TrainingRequest.objects.create(
        business_line_id=_line_id(actor),
        department_id=actor.department_id,
        team_id=actor.team_id,
        topic=topic,
        audience=audience,
        reason=reason,
        wished_on=wished_on,
        requester=actor,
        owner=_reviewer_for(actor),
        due_on=flow.due_on(flow.REQUESTED, today),
    )
    audit.record(
        actor=actor,
        action="training.request_file",
        obj=req,
        changes={"topic": topic, "state": req.state, "due_on": req.due_on},
    )
    return req


def _reviewer_for(actor) -> User | None:
    """Who owns the review: the team's lead, else a supervisor of the line (never the filer)."""
    qs = User.objects.filter(is_active=True, business_line_id=actor.business_line_id).exclude(
        pk=actor.pk
    )
    return (
        qs.filter(role="lead", team_id=actor.team_id).order_by("pk").first()
        if actor.team_id
        else None
    ) or qs.filter(role="supervisor").order_by("pk").first()


REFUSALS = {
    "wrong_state": lambda: _("The request is not at that step any more."),
    "own_request": lambda: _("Nobody reviews their own training request."),
    "not_allowed": lambda: _("Only a team lead, supervisor or manager may do this."),
    "unknown_action": lambda: _("Unknown step."),
}


@transaction.atomic
def request_act(
    *,
    actor,
    request: TrainingRequest,
    action: str,
    version: int,
    reason: str = "",
    trainer=None,
    attendance=None,
    materials: str = "",
    evaluation: str = "",
) -> TrainingRequest:
    """Move a request one step: approve or reject (with a reason), assign a trainer, archive the
    delivery (attendance, materials, evaluation). Each step names the next owner and due date."""
    try:
        after = flow.check(
            action,
            state=request.state,
            actor_id=actor.pk,
            actor_rank=scope.rank(actor),
            requester_id=request.requester_id,
            trainer_id=request.trainer_id,
        )
    except flow.FlowRefused as exc:
        error = PermissionDenied if exc.reason in ("own_request", "not_allowed") else Invalid
        raise error(REFUSALS[exc.reason]()) from None
    today = timezone.localdate()
    values: dict = {"state": after, "due_on": flow.due_on(after, today, request.wished_on)}
    if action in (flow.APPROVE, flow.REJECT):
        reason = _text("decision_reason", reason, required=action == flow.REJECT, max_length=300)
        values.update(reviewer=actor, decision_reason=reason, owner=actor)
    elif action == flow.ASSIGN:
        trainer_id = getattr(trainer, "pk", trainer)
        person = User.objects.filter(
            pk=trainer_id if isinstance(trainer_id, int) else None,
            is_active=True,
            business_line_id=request.business_line_id,
        ).first()
        if person is None:
            raise Invalid(
                _("Choose a trainer of the business line."), fields={"trainer": _("Unknown.")}
            )
        values.update(trainer=person, owner=person)
    elif action == flow.ARCHIVE:
        if not isinstance(attendance, int) or attendance < 0:
            raise Invalid(
                _("Enter how many attended."), fields={"attendance": _("A whole number.")}
            )
        values.update(
            attendance=attendance,
            materials=_text("materials", materials, required=False, max_length=300),
            evaluation=_text("evaluation", evaluation, required=False, max_length=300),
            owner=None,
        )
    updated = TrainingRequest.objects.filter(pk=request.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise StaleWrite()
    before = {k: getattr(request, k) for k in values}
    request.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"training.request_{action}",
        obj=request,
        changes=audit.diff(before, {k: getattr(request, k) for k in values}),
    )
    return request


# -- classes, enrolment, attendance -----------------------------------------------------------


@transaction.atomic
def class_create(
    *,
    actor,
    title: str,
    starts_at: dt.datetime,
    hours=1,
    capacity: int = 20,
    category: str = "",
    trainer=None,
    request=None,
    course=None,
) -> TrainingClass:
    require_lead(actor)
    title = _text("title", title)
    category = _text("category", category, required=False, max_length=50)
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        hours = Decimal(0)
    if not (Decimal("0.25") <= hours <= Decimal(8)):
        raise Invalid(
            _("A class lasts from 15 minutes to 8 hours."), fields={"hours": _("Out of range.")}
        )
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        raise Invalid(_("Some fields are not valid."), fields={"capacity": _("1 to 1000.")})
    if not isinstance(starts_at, dt.datetime):
        raise Invalid(_("Some fields are not valid."), fields={"starts_at": _("Not a time.")})
    cls = TrainingClass.objects.create(
        business_line_id=_line_id(actor),
        title=title,
        category=category,
        starts_at=starts_at,
        hours=hours,
        capacity=capacity,
        trainer=trainer,
        request=request,
        course=course,
    )
    audit.record(
        actor=actor,
        action="training.class_create",
        obj=cls,
        changes={"title": title, "hours": hours, "capacity": capacity},
    )
    return cls


def is_rest_day(user, day: dt.date) -> bool:
    """A rest day: not a workday of the line's calendar, or a day off on the agent's roster."""
    from kefu.core.business_calendar import calendar_for, calendar_overrides
    from kefu.workforce.models import RosterAssignment

    latest = list(
        RosterAssignment.objects.filter(user=user, date=day)
        .order_by("-run_id")
        .values_list("shift_id", flat=True)[:1]
    )
    if latest:
        return latest[0] is None
    line = user.business_line
    return not calendar_for(line, overrides=calendar_overrides(line)).is_workday(day)


@transaction.atomic
def enrol(*, actor, training_class: TrainingClass) -> Enrolment:
    """Enrol in a published class: a seat while there is one, else the waiting list. On a rest
    day the agent's training is capped at half a day (SCH-9)."""
    cls = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if cls.business_line_id != actor.business_line_id:
        raise NotFound()
    if cls.starts_at < timezone.now():
        raise Invalid(_("The class has started already."))
    existing = Enrolment.objects.filter(training_class=cls, user=actor).first()
    if existing is not None and existing.status != EnrolmentStatus.CANCELLED:
        raise Conflict(_("You are enrolled in this class already."))
    day = timezone.localtime(cls.starts_at).date()
    if is_rest_day(actor, day):
        booked = booked_hours(actor, day)
        if not rules.rest_day_fits(float(booked), float(cls.hours)):
            raise Invalid(
                _(
                    "Training on a rest day is capped at half a day (%(cap)s h); "
                    "%(booked)s h are booked that day already."
                )
                % {"cap": rules.REST_DAY_CAP_HOURS, "booked": booked},
                fields={"hours": _("Over the rest-day cap.")},
            )
    taken = Enrolment.objects.filter(
        training_class=cls, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED]
    ).count()
    status = EnrolmentStatus.ENROLLED if taken < cls.capacity else EnrolmentStatus.WAITLISTED
    if existing is not None:
        existing.status = status
        existing.save(update_fields=["status", "updated_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(training_class=cls, user=actor, status=status)
    audit.record(
        actor=actor,
        action="training.enrol",
        obj=enrolment,
        business_line_id=cls.business_line_id,
        changes={"training_class": cls.pk, "status": status},
    )
    return enrolment


def booked_hours(user, day: dt.date) -> Decimal:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return Enrolment.objects.filter(
        user=user,
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED],
        training_class__starts_at__gte=start,
        training_class__starts_at__lt=start + dt.timedelta(days=1),
    ).aggregate(h=Sum("training_class__hours"))["h"] or Decimal(0)


@transaction.atomic
def enrol_cancel(*, actor, training_class: TrainingClass) -> Enrolment | None:
    """Give up a seat; the first on the waiting list takes it. Returns the promoted enrolment."""
    cls = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    mine = Enrolment.objects.filter(training_class=cls, user=actor).first()
    if mine is None or mine.status == EnrolmentStatus.CANCELLED:
        raise Invalid(_("You are not enrolled in this class."))
    had_seat = mine.status == EnrolmentStatus.ENROLLED
    mine.status = EnrolmentStatus.CANCELLED
    mine.save(update_fields=["status", "updated_at"])
    promoted = None
    if had_seat:
        promoted = (
            Enrolment.objects.filter(training_class=cls, status=EnrolmentStatus.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = EnrolmentStatus.ENROLLED
            promoted.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="training.enrol_cancel",
        obj=mine,
        business_line_id=cls.business_line_id,
        changes={"training_class": cls.pk, "status": EnrolmentStatus.CANCELLED},
    )
    return promoted


@transaction.atomic
def attend(*, actor, training_class: TrainingClass, user_ids: list[int]) -> int:
    """The trainer or a lead marks who attended; their hours count in their records."""
    if actor.pk != training_class.trainer_id:
        require_lead(actor)
    n = Enrolment.objects.filter(
        training_class=training_class,
        user_id__in=user_ids,
        status=EnrolmentStatus.ENROLLED,
    ).update(status=EnrolmentStatus.ATTENDED, updated_at=timezone.now())
    audit.record(
        actor=actor, action="training.attend", obj=training_class, changes={"attendance": n}
    )
    return n


# -- question bank and exams (TRN-9) ------------------------------------------------------------

HEADERS = ("题型", "题目", "选项", "答案", "分值", "分类")
KIND_WORDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUEFALSE,
    "判断题": QuestionKind.TRUEFALSE,
    "填空": QuestionKind.FILL,
    "填空题": QuestionKind.FILL,
    "简答": QuestionKind.SHORT,
    "简答题": QuestionKind.SHORT,
    **{k.value: k for k in QuestionKind},
}


class ImportErrors(Invalid):
    """Row-level problems of an import; nothing was loaded. ``rows`` = [(row number, message)]."""

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows
        super().__init__(
            _("Nothing was imported: %(n)s rows have problems.") % {"n": len(rows)},
            fields={f"row {r}": m for r, m in rows[:20]},
        )


def parse_questions(data: bytes) -> list[dict]:
    """The rows of a question workbook (headers 题型, 题目, 选项, 答案, 分值, 分类); raises
    ``ImportErrors`` listing every bad row."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise Invalid(_("Not an .xlsx workbook.")) from None
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(HEADERS)]) != HEADERS:
        raise Invalid(
            _("The first row must be the headers %(headers)s.") % {"headers": "、".join(HEADERS)}
        )
    out, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [("" if c is None else str(c).strip()) for c in (list(row) + [None] * 6)[:6]]
        if not any(cells):
            continue
        kind_word, text, options, answer, points, category = cells
        kind = KIND_WORDS.get(kind_word)
        problem = None
        if kind is None:
            problem = _("Unknown question type “%(v)s”.") % {"v": kind_word}
        elif not text:
            problem = _("The question is empty.")
        elif not answer and kind != QuestionKind.SHORT:
            problem = _("The answer is empty.")
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not options:
            problem = _("A choice question needs its options.")
        elif not category:
            problem = _("The category is empty.")
        else:
            try:
                points_n = int(float(points or 1))
                if points_n < 1 or points_n > 100:
                    raise ValueError
            except ValueError:
                problem = _("The points must be a whole number from 1 to 100.")
        if problem:
            errors.append((number, str(problem)))
            continue
        out.append(
            {
                "kind": kind,
                "text": text[:MAX_TEXT],
                "options": [o.strip() for o in options.replace("｜", "|").split("|") if o.strip()],
                "answer": answer[:500],
                "points": points_n,
                "category": category[:50],
            }
        )
    if errors:
        raise ImportErrors(errors)
    if not out:
        raise Invalid(_("The workbook has no questions."))
    return out


@transaction.atomic
def questions_import(*, actor, data: bytes, business_line=None) -> int:
    """Load a question workbook into the bank: every row, or none (``ImportErrors``). ``actor``
    None is the command line's operator, who names the business line."""
    if actor is None:
        line_id = business_line.pk
    else:
        require_lead(actor)
        line_id = _line_id(actor, business_line)
    rows = parse_questions(data)
    Question.objects.bulk_create([Question(business_line_id=line_id, **r) for r in rows])
    audit.record(
        actor=actor,
        action="training.questions_import",
        business_line_id=line_id,
        changes={"rows": len(rows)},
    )
    return len(rows)


@transaction.atomic
def exam_create(
    *,
    actor,
    title: str,
    blueprint: dict,
    time_limit_minutes: int = 30,
    pass_mark=60,
    max_attempts: int = 2,
    certification=None,
    closed_book: bool = False,
    allow_back: bool = True,
) -> Exam:
    """An exam drawn by blueprint. A closed-book exam serves one question at a time (question n
    only after n-1 is answered or skipped; no going back unless ``allow_back``) and logs every
    time the candidate leaves the page."""
    require_lead(actor)
    line_id = _line_id(actor)
    title = _text("title", title)
    if (
        not isinstance(blueprint, dict)
        or not blueprint
        or not all(isinstance(n, int) and n > 0 for n in blueprint.values())
    ):
        raise Invalid(
            _("The blueprint names categories and how many questions of each."),
            fields={"blueprint": _("Not valid.")},
        )
    _bank_or_invalid(line_id, blueprint)
    exam = Exam.objects.create(
        business_line_id=line_id,
        title=title,
        blueprint=blueprint,
        time_limit_minutes=time_limit_minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        certification=certification,
        component=ScoreKind.EXAM,
        closed_book=bool(closed_book),
        allow_back=bool(allow_back) or not closed_book,
    )
    audit.record(
        actor=actor,
        action="training.exam_create",
        obj=exam,
        changes={"title": title, "closed_book": exam.closed_book, "allow_back": exam.allow_back},
    )
    return exam


def _bank_or_invalid(line_id: int, blueprint: dict) -> dict[str, list[int]]:
    bank: dict[str, list[int]] = {}
    for pk, category in Question.objects.filter(
        business_line_id=line_id, category__in=list(blueprint)
    ).values_list("pk", "category"):
        bank.setdefault(category, []).append(pk)
    try:
        rules.draw_paper(bank, blueprint, 0)
    except rules.BlueprintShort as exc:
        raise Invalid(
            _("The question bank is short of questions: %(missing)s.")
            % {"missing": "、".join(f"{c} {n}" for c, n in exc.missing.items())},
            fields={"blueprint": _("Not enough questions.")},
        ) from None
    return bank


@transaction.atomic
def exam_start(*, actor, exam: Exam, seed: int | None = None) -> ExamAttempt:
    """Draw a paper by the exam's blueprint with a recorded seed and start the server's clock.
    An attempt still running is returned as it is; attempts beyond the exam's allowance are
    refused, and so is a retake after a pass."""
    if exam.business_line_id != actor.business_line_id:
        raise NotFound()
    now = timezone.now()
    attempts = list(ExamAttempt.objects.select_for_update().filter(exam=exam, user=actor))
    running = [a for a in attempts if a.submitted_at is None and a.deadline > now]
    if running:
        return running[0]
    if any(a.passed for a in attempts):
        raise Conflict(_("You passed this exam already."))
    if len(attempts) >= exam.max_attempts:
        raise Conflict(_("No attempts left: this exam allows %(n)s.") % {"n": exam.max_attempts})
    bank = _bank_or_invalid(exam.business_line_id, exam.blueprint)
    seed = seed if seed is not None else secrets.randbelow(2**62)
    attempt = ExamAttempt.objects.create(
        exam=exam,
        user=actor,
        seed=seed,
        questions=rules.draw_paper(bank, exam.blueprint, seed),
        started_at=now,
        deadline=now + dt.timedelta(minutes=exam.time_limit_minutes),
    )
    audit.record(
        actor=actor,
        action="training.exam_start",
        obj=attempt,
        business_line_id=exam.business_line_id,
        changes={"seed": seed, "deadline": attempt.deadline},
    )
    return attempt


GRACE = dt.timedelta(seconds=5)  # network latency of the last click


@transaction.atomic
def exam_submit(*, actor, attempt: ExamAttempt, answers: dict, now=None) -> ExamAttempt:
    """Grade the answers; the server's deadline rules: a submission after it is refused (the
    attempt then counts as failed)."""
    attempt = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if attempt.user_id != actor.pk:
        raise NotFound()
    if attempt.submitted_at is not None:
        raise Conflict(_("This attempt was submitted already."))
    now = now or timezone.now()
    if not isinstance(answers, dict):
        raise Invalid(_("Some fields are not valid."), fields={"answers": _("Not valid.")})
    _in_time(attempt, now)
    if attempt.exam.closed_book:
        # a closed-book paper is answered one question at a time: only what the server kept
        # counts, a whole set of answers sent at the end is refused
        if answers:
            raise Conflict(
                _("This exam is closed-book: answer the questions one at a time."),
                code="closed_book",
            )
        answers = dict(attempt.answers)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    got = total = 0
    for pk in attempt.questions:
        q = questions.get(pk)
        if q is None:
            continue
        total += q.points
        if rules.grade_answer(q.kind, q.answer, answers.get(str(pk))):
            got += q.points
    score = (Decimal(got) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else 0
    attempt.answers = {str(k): v for k, v in answers.items()}
    attempt.submitted_at = now
    attempt.score = score
    attempt.passed = score >= attempt.exam.pass_mark
    attempt.save(update_fields=["answers", "submitted_at", "score", "passed", "updated_at"])
    audit.record(
        actor=actor,
        action="training.exam_submit",
        obj=attempt,
        business_line_id=attempt.exam.business_line_id,
        changes={"score": score, "passed": attempt.passed},
    )
    _score(actor, actor, ScoreKind.EXAM, score, attempt.passed, {"exam": attempt.exam_id})
    return attempt


def _in_time(attempt: ExamAttempt, now) -> None:
    if now > attempt.deadline + GRACE:
        raise Conflict(
            _("The time is up: the exam closed at %(at)s; this submission is not accepted.")
            % {"at": timezone.localtime(attempt.deadline).strftime("%H:%M:%S")},
            code="exam_time_over",
        )


def _closed_attempt(actor, attempt: ExamAttempt, now) -> ExamAttempt:
    attempt = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if attempt.user_id != actor.pk:
        raise NotFound()
    if not attempt.exam.closed_book:
        raise Invalid(_("This exam shows the whole paper at once."))
    if attempt.submitted_at is not None:
        raise Conflict(_("This attempt was submitted already."))
    _in_time(attempt, now)
    return attempt


@transaction.atomic
def exam_answer(
    *, actor, attempt: ExamAttempt, position: int, answer=None, now=None
) -> ExamAttempt:
    """Closed-book: answer (or skip, ``answer`` None) the question the server is serving, at
    ``position``; the next one is served after it. An answer for another question (a later one,
    or an earlier one when the exam allows no going back) is refused. After the last question
    the attempt is graded."""
    now = now or timezone.now()
    attempt = _closed_attempt(actor, attempt, now)
    if not isinstance(position, int) or position != attempt.position:
        raise Conflict(
            _("Question %(n)s is being served; answer it first.") % {"n": attempt.position + 1},
            code="out_of_order",
        )
    if position >= len(attempt.questions):
        raise Conflict(_("Every question is answered; hand the paper in."), code="out_of_order")
    key = str(attempt.questions[position])
    answers = dict(attempt.answers)
    skipped = answer is None or answer == "" or answer == []
    if skipped:
        answers.pop(key, None)
    else:
        if isinstance(answer, list):
            answer = [str(a)[:500] for a in answer][:20]
        else:
            answer = str(answer)[:MAX_TEXT]
        answers[key] = answer
    attempt.answers = answers
    attempt.position = position + 1
    attempt.save(update_fields=["answers", "position", "updated_at"])
    audit.record(
        actor=actor,
        action="training.exam_answer",
        obj=attempt,
        business_line_id=attempt.exam.business_line_id,
        changes={"position": position, "skipped": skipped},
    )
    if attempt.position >= len(attempt.questions):
        return exam_submit(actor=actor, attempt=attempt, answers={}, now=now)
    return attempt


@transaction.atomic
def exam_back(*, actor, attempt: ExamAttempt, now=None) -> ExamAttempt:
    """Closed-book: go back one question, when the exam allows it."""
    now = now or timezone.now()
    attempt = _closed_attempt(actor, attempt, now)
    if not attempt.exam.allow_back:
        raise Conflict(_("This exam does not let you go back."), code="no_going_back")
    if attempt.position == 0:
        raise Conflict(_("This is the first question."), code="out_of_order")
    attempt.position -= 1
    attempt.save(update_fields=["position", "updated_at"])
    audit.record(
        actor=actor,
        action="training.exam_back",
        obj=attempt,
        business_line_id=attempt.exam.business_line_id,
        changes={"position": attempt.position},
    )
    return attempt


DEPARTURE_GAP = dt.timedelta(seconds=2)  # a blur and a hidden page of one leave are one departure
MAX_DEPARTURES = 500


@transaction.atomic
def exam_departure(*, actor, attempt: ExamAttempt, kind: str, now=None):
    """Closed-book: the candidate's page reports that it was left (hidden or lost focus); the
    server stamps the time. Reports of one leave within 2 seconds count once; nothing is
    logged for a finished attempt. Returns the departure, or None when not logged."""
    from kefu.training.models import DepartureKind, ExamDeparture

    now = now or timezone.now()
    if kind not in DepartureKind.values:
        raise Invalid(_("Some fields are not valid."), fields={"kind": _("Not valid.")})
    attempt = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if attempt.user_id != actor.pk:
        raise NotFound()
    if (
        not attempt.exam.closed_book
        or attempt.submitted_at is not None
        or now > attempt.deadline + GRACE
    ):
        return None
    last = attempt.departures.order_by("-at").first()
    if last is not None and now - last.at < DEPARTURE_GAP:
        return None
    if attempt.departures.count() >= MAX_DEPARTURES:
        return None
    row = ExamDeparture.objects.create(
        attempt=attempt, at=now, kind=kind, position=attempt.position
    )
    audit.record(
        actor=actor,
        action="training.exam_departure",
        obj=attempt,
        business_line_id=attempt.exam.business_line_id,
        changes={"kind": kind, "position": attempt.position},
    )
    return row


# -- practical tests ----------------------------------------------------------------------------


def _score(actor, user, kind, score, passed, detail) -> PracticalScore:
    row = PracticalScore.objects.create(
        user=user,
        kind=kind,
        score=Decimal(str(score)).quantize(Decimal("0.01")),
        passed=passed,
        detail=detail,
        examiner=actor if actor.pk != user.pk else None,
    )
    auto_certify(user)
    return row


@transaction.atomic
def typing_record(
    *, actor, passage: str, typed: str, seconds, min_cpm=typing_test.DEFAULT_MIN_CPM
) -> typing_test.TypingScore:
    """Score a typing test on the server (the browser's own count is never trusted)."""
    passage = _text("passage", passage, max_length=MAX_TEXT)
    typed = _text("typed", typed, required=False, max_length=MAX_TEXT)
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        seconds = 0
    if not 0 < seconds <= 3600:
        raise Invalid(_("Some fields are not valid."), fields={"seconds": _("1 to 3600.")})
    result = typing_test.score(passage, typed, seconds, min_cpm=min_cpm)
    detail = {**result.as_dict(), "seconds": seconds, "min_cpm": min_cpm}
    row = _score(actor, actor, ScoreKind.TYPING, 100 if result.passed else 0, result.passed, detail)
    audit.record(
        actor=actor,
        action="training.typing",
        obj=row,
        business_line_id=actor.business_line_id,
        changes={"chars_per_minute": result.chars_per_minute, "passed": result.passed},
    )
    return result


@transaction.atomic
def quick_reply_record(*, actor, pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """The quick-reply exam: each phrase typed from memory must match completely."""
    matched, asked = quick_reply.score(pairs)
    if not asked:
        raise Invalid(_("No phrases were asked."))
    passed = matched == asked
    row = _score(
        actor,
        actor,
        ScoreKind.QUICK_REPLY,
        Decimal(matched * 100) / asked,
        passed,
        {"matched": matched, "asked": asked},
    )
    audit.record(
        actor=actor,
        action="training.quick_reply",
        obj=row,
        business_line_id=actor.business_line_id,
        changes={"score": row.score, "passed": passed},
    )
    return matched, asked


@transaction.atomic
def score_record(*, actor, user: User, kind: str, score) -> PracticalScore:
    """An examiner scores a role-play, response-time test or live drill (0–100)."""
    require_lead(actor)
    if user.business_line_id != actor.business_line_id and not scope.is_admin(actor):
        raise NotFound()
    if kind not in (ScoreKind.ROLEPLAY, ScoreKind.RESPONSE, ScoreKind.DRILL):
        raise Invalid(_("Some fields are not valid."), fields={"kind": _("Not valid.")})
    try:
        value = Decimal(str(score))
    except ArithmeticError:
        value = Decimal(-1)
    if not Decimal(0) <= value <= Decimal(100):
        raise Invalid(_("A score is from 0 to 100."), fields={"score": _("Out of range.")})
    row = _score(actor, user, kind, value, value >= 60, {})
    audit.record(
        actor=actor,
        action="training.score",
        obj=row,
        business_line_id=user.business_line_id,
        changes={"user": user.pk, "kind": kind, "score": value},
    )
    return row


# -- certification and the gate ----------------------------------------------------------------


@transaction.atomic
def certification_create(
    *,
    actor,
    code: str,
    name: str,
    components: list[dict],
    threshold=60,
    validity_days: int | None = None,
) -> Certification:
    require_lead(actor)
    line_id = _line_id(actor)
    code = _text("code", code, max_length=40)
    name = _text("name", name, max_length=100)
    kinds = set(ScoreKind.values)
    if not components or not all(
        isinstance(c, dict) and c.get("code") in kinds for c in components
    ):
        raise Invalid(
            _("Each component must be one of the tests."), fields={"components": _("Not valid.")}
        )
    if Certification.objects.filter(business_line_id=line_id, code=code).exists():
        raise Invalid(_("Some fields are not valid."), fields={"code": _("Already used.")})
    cert = Certification.objects.create(
        business_line_id=line_id,
        code=code,
        name=name,
        components=components,
        threshold=threshold,
        validity_days=validity_days,
    )
    audit.record(
        actor=actor, action="training.certification_create", obj=cert, changes={"name": name}
    )
    return cert


def latest_scores(user) -> dict[str, float]:
    """{score kind: the best score} of ``user`` (one query)."""
    best: dict[str, float] = {}
    for kind, score in PracticalScore.objects.filter(user=user).values_list("kind", "score"):
        best[kind] = max(best.get(kind, 0.0), float(score))
    return best


def auto_certify(user) -> list[CertificationGrant]:
    """Grant every certification of the user's line that the user now passes and does not hold
    validly (called after each score, in its transaction)."""
    today = timezone.localdate()
    held = set(
        CertificationGrant.objects.filter(user=user)
        .filter(valid_q(today))
        .values_list("certification_id", flat=True)
    )
    scores = None
    granted = []
    for cert in Certification.objects.filter(business_line_id=user.business_line_id):
        if cert.pk in held:
            continue
        scores = scores if scores is not None else latest_scores(user)
        outcome = certify.evaluate(
            certify.components_from(cert.components), scores, float(cert.threshold)
        )
        if not outcome.passed:
            continue
        grant = CertificationGrant.objects.create(
            certification=cert,
            user=user,
            passed_at=timezone.now(),
            valid_until=today + dt.timedelta(days=cert.validity_days)
            if cert.validity_days
            else None,
            total=Decimal(str(outcome.total)),
        )
        audit.record(
            actor=None,
            action="training.certify",
            obj=grant,
            business_line_id=user.business_line_id,
            changes={"user": user.pk, "total": grant.total, "valid_until": grant.valid_until},
        )
        granted.append(grant)
    return granted


@transaction.atomic
def gate_set(*, actor, certification: Certification, team=None, skill_group=None):
    """A queue (team) or skill group requires ``certification`` from now on."""
    require_lead(actor)
    if (team is None) == (skill_group is None):
        raise Invalid(_("Choose a queue or a skill group."))
    target = team or skill_group
    if target.business_line_id != certification.business_line_id:
        raise Invalid(_("Choose a queue of the certification's business line."))
    gate, _created = GateRequirement.objects.get_or_create(
        certification=certification,
        team=team if isinstance(team, Team) else None,
        skill_group=skill_group,
    )
    audit.record(
        actor=actor,
        action="training.gate_set",
        obj=certification,
        changes={"queue": getattr(team, "pk", None), "group": getattr(skill_group, "pk", None)},
    )
    return gate
