"""Reads of the training app that pages, the API and the CLI share, scoped to the user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import NotFound
from kefu.training import leaderboard, rules
from kefu.training.gate import lacking, valid_q
from kefu.training.models import (
    CertificationGrant,
    Competition,
    Enrolment,
    EnrolmentStatus,
    Exam,
    ExamAttempt,
    GateRequirement,
    PracticalScore,
    QuizRound,
    RoleplayScore,
    TrainingClass,
    TrainingRequest,
)


def requests_for(user):
    q = scope.records_q(user, owners=("requester_id", "trainer_id", "owner_id"))
    return TrainingRequest.objects.filter(q).select_related("requester", "owner", "trainer")


def request_get(user, pk) -> TrainingRequest:
    obj = requests_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def classes_for(user):
    return (
        TrainingClass.objects.filter(scope.business_line_q(user))
        .select_related("trainer")
        .annotate(
            seats_taken=Count(
                "enrolments",
                filter=Q(enrolments__status__in=[EnrolmentStatus.ENROLLED, "attended"]),
            ),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
    )


def class_get(user, pk) -> TrainingClass:
    obj = classes_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def exams_for(user):
    return Exam.objects.filter(scope.business_line_q(user)).select_related("certification")


def exam_get(user, pk) -> Exam:
    obj = exams_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def attempt_get(user, pk) -> ExamAttempt:
    obj = ExamAttempt.objects.filter(pk=pk, user=user).select_related("exam").first()
    if obj is None:
        raise NotFound()
    return obj


def people_for(user):
    """Whose records ``user`` may read: agents see themselves, leads their team and so on."""
    if not scope.at_least(user, scope.LEAD):
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(
        scope.records_q(user), is_active=True, role__in=["agent", "lead"]
    ).order_by("team_id", "username")


def hours(user, year: int) -> dict:
    """Attended training hours of ``year``: total and by class category."""
    rows = (
        Enrolment.objects.filter(
            user=user,
            status=EnrolmentStatus.ATTENDED,
            training_class__starts_at__year=year,
        )
        .values_list("training_class__category")
        .annotate(h=Sum("training_class__hours"), n=Count("id"))
        .order_by()
    )
    by_category = {(c or ""): (h or Decimal(0)) for c, h, _n in rows}
    sessions = {(c or ""): n for c, _h, n in rows}
    return {
        "year": year,
        "total": float(sum(by_category.values(), Decimal(0))),
        "by_category": {c: float(h) for c, h in sorted(by_category.items())},
        "sessions": sessions,
    }


def valid_grants(user, today: dt.date | None = None):
    return (
        CertificationGrant.objects.filter(user=user)
        .filter(valid_q(today))
        .select_related("certification")
        .order_by("certification_id", "-passed_at")
    )


def gates_of_line(business_line_id: int):
    return GateRequirement.objects.filter(
        certification__business_line_id=business_line_id
    ).select_related("certification", "team", "skill_group")


def status(user, today: dt.date | None = None) -> dict:
    """A person's 上岗 status (`kefu training status`): valid certifications, the gated queues
    they may not work yet, and this year's hours."""
    today = today or timezone.localdate()
    grants, seen = [], set()
    for g in valid_grants(user, today):
        if g.certification_id in seen:
            continue
        seen.add(g.certification_id)
        grants.append(
            {
                "code": g.certification.code,
                "passed_at": g.passed_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                "valid_until": g.valid_until.isoformat() if g.valid_until else None,
            }
        )
    missing = sorted(
        {
            gate.queue_code
            for gate in gates_of_line(user.business_line_id)
            if gate.certification_id not in seen
        }
    )
    h = hours(user, today.year)
    return {
        "user": user.username,
        "certifications": grants,
        "missing": missing,
        "hours": {"year": h["year"], "total": h["total"], "by_category": h["by_category"]},
    }


def on_duty(users, team_id: int) -> dict[int, bool]:
    """{user id: 已上岗} for the queue ``team_id``."""
    required = list(
        GateRequirement.objects.filter(team_id=team_id).values_list("certification_id", flat=True)
    )
    ids = [u.pk for u in users]
    barred = lacking(ids, required) if required else set()
    return {pk: pk not in barred for pk in ids}


def minimums(user, today: dt.date | None = None) -> list[rules.MinimumRow]:
    """The 4S yearly minimums (TRN-6) against this year's attended sessions."""
    today = today or timezone.localdate()
    return rules.minimums_status(hours(user, today.year)["sessions"], rules.FOUR_S_MINIMUMS, today)


def record(user, today: dt.date | None = None) -> dict:
    """A person's file (KPI-6): classes, hours, exams, practical scores, certifications."""
    today = today or timezone.localdate()
    return {
        "person": user,
        "hours": hours(user, today.year),
        "classes": list(
            Enrolment.objects.filter(user=user)
            .select_related("training_class")
            .order_by("-training_class__starts_at")[:50]
        ),
        "attempts": list(
            ExamAttempt.objects.filter(user=user).select_related("exam").order_by("-id")[:50]
        ),
        "scores": list(PracticalScore.objects.filter(user=user).order_by("-id")[:50]),
        "grants": list(valid_grants(user, today)),
        "status": status(user, today),
        "minimums": minimums(user, today)
        if user.business_line and user.business_line.industry == "auto"
        else [],
    }


def duty_board(persons, gates) -> list[tuple]:
    """(person, [(gate, 已上岗?)], hours this year) for the 上岗 board; a few queries in all."""
    today = timezone.localdate()
    ids = [p.pk for p in persons]
    held: dict[int, set[int]] = {}
    for user_id, cert_id in (
        CertificationGrant.objects.filter(user_id__in=ids)
        .filter(valid_q(today))
        .values_list("user_id", "certification_id")
    ):
        held.setdefault(user_id, set()).add(cert_id)
    hours_by = dict(
        Enrolment.objects.filter(
            user_id__in=ids,
            status=EnrolmentStatus.ATTENDED,
            training_class__starts_at__year=today.year,
        )
        .values_list("user_id")
        .annotate(h=Sum("training_class__hours"))
        .order_by()
    )
    return [
        (
            p,
            [(g, g.certification_id in held.get(p.pk, set())) for g in gates],
            float(hours_by.get(p.pk) or 0),
        )
        for p in persons
    ]


# -- competitions (PK-4) ----------------------------------------------------------------------


def competitions_for(user):
    return Competition.objects.filter(scope.business_line_q(user)).select_related("exam")


def competition_get(user, pk) -> Competition:
    obj = competitions_for(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def board(comp) -> list[dict]:
    """The leaderboard of a competition, ties sharing a rank: rows of {rank, user, score, and
    seconds (contest), forms (role-play) or points (instant Q&A)}."""
    if comp.kind == "contest":
        attempts = ExamAttempt.objects.filter(
            exam_id=comp.exam_id, submitted_at__isnull=False, score__isnull=False
        ).values_list("user_id", "score", "started_at", "submitted_at")
        rows = leaderboard.best_attempts(
            (uid, float(score), int((done - start).total_seconds()))
            for uid, score, start, done in attempts
        )
        ranked = [
            (rank, r.user_id, {"score": r.score, "seconds": r.seconds})
            for rank, r in leaderboard.contest_board(rows)
        ]
    elif comp.kind == "roleplay":
        totals = {
            r["contestant_id"]: (float(r["avg"]), r["n"])
            for r in RoleplayScore.objects.filter(competition=comp)
            .values("contestant_id")
            .annotate(avg=Avg("total"), n=Count("id"))
        }
        ranked = [
            (rank, uid, {"score": round(pts, 2), "forms": totals[uid][1]})
            for rank, uid, pts in leaderboard.points_board(
                {uid: round(avg, 2) for uid, (avg, _n) in totals.items()}
            )
        ]
    else:
        wins = {
            r["winner_id"]: r["n"]
            for r in QuizRound.objects.filter(competition=comp, winner__isnull=False)
            .values("winner_id")
            .annotate(n=Count("id"))
        }
        ranked = [(rank, uid, {"score": pts}) for rank, uid, pts in leaderboard.points_board(wins)]
    users = User.objects.in_bulk([uid for _r, uid, _d in ranked])
    return [{"rank": rank, "user": users.get(uid), **d} for rank, uid, d in ranked]


def attempts_of_exam(user, exam) -> list:
    """An examiner's view of an exam's attempts by the people ``user`` may see, with how often
    each candidate left the page."""
    return list(
        ExamAttempt.objects.filter(exam=exam, user__in=people_for(user))
        .select_related("user")
        .annotate(departure_count=Count("departures"))
        .order_by("-id")[:200]
    )


def attempt_for_examiner(user, pk) -> ExamAttempt:
    """An attempt the candidate themselves, or an examiner (a lead over the candidate), may read."""
    obj = ExamAttempt.objects.filter(pk=pk).select_related("exam", "user").first()
    if obj is None:
        raise NotFound()
    if obj.user_id == user.pk:
        return obj
    if (
        scope.at_least(user, scope.LEAD)
        and people_for(user).filter(pk=obj.user_id).exists()
        and obj.exam.business_line_id == user.business_line_id
    ):
        return obj
    raise NotFound()
