"""The demo's class evaluations and trainer records (TRN-5, SAT-6) for the shop: most attendees
answer the survey after each past class (micro-course early classes rate about 97 %), a few
half-day and one-day classroom sessions rate lower (all internal training about 94 %, as in
the spec's 96.9 % vs 93.5 %), and the trainers' certifications (金讲台)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.training.models import (
    ClassEvaluation,
    Course,
    Enrolment,
    TrainerCertificate,
    TrainingClass,
)

# weights of the ratings 5, 4, 3: micro-courses ≈ 4.85 on average, classroom days ≈ 4.35
MICRO_WEIGHTS = (0.86, 0.13, 0.01)
CLASSROOM_WEIGHTS = (0.45, 0.45, 0.10)
COMMENTS = ["案例很实用", "时间有点紧", "希望多一些演练", "讲得清楚", ""]


def build_evaluation_rows(line, people, *, lead, supervisor, now, rng) -> None:
    _classroom_days(line, people, supervisor, now, rng)
    rows = []
    past = (
        TrainingClass.objects.filter(business_line=line, starts_at__lt=now)
        .select_related("course")
        .order_by("starts_at")
    )
    for cls in past:
        micro = cls.course is None or cls.course.minutes <= 180
        weights = MICRO_WEIGHTS if micro else CLASSROOM_WEIGHTS
        for user_id in Enrolment.objects.filter(training_class=cls, status="attended").values_list(
            "user_id", flat=True
        ):
            if rng.random() > 0.85:
                continue  # not everyone answers the survey
            course_rating = rng.choices((5, 4, 3), weights)[0]
            trainer_rating = min(5, course_rating + rng.choice((0, 0, 1)))
            at = cls.starts_at + dt.timedelta(hours=2)
            rows.append(
                ClassEvaluation(
                    training_class=cls,
                    user_id=user_id,
                    course_rating=course_rating,
                    trainer_rating=trainer_rating,
                    comment=rng.choice(COMMENTS),
                    created_at=at,
                    updated_at=at,
                )
            )
    ClassEvaluation.objects.bulk_create(rows)
    today = now.date()
    certificates = [
        (lead, "金讲台", "省公司", today - dt.timedelta(days=150), today + dt.timedelta(days=580)),
        (supervisor, "内部培训师认证", "客服中心", today - dt.timedelta(days=400), None),
    ]
    TrainerCertificate.objects.bulk_create(
        [
            TrainerCertificate(
                business_line=line,
                user=user,
                name=name,
                issuer=issuer,
                issued_on=issued_on,
                valid_until=valid_until,
            )
            for user, name, issuer, issued_on, valid_until in certificates
            if user is not None
        ]
    )


def _classroom_days(line, people, trainer, now, rng) -> None:
    """Half-day 双11 preparation sessions and a one-day classroom course, attended."""
    course = Course.objects.filter(business_line=line, minutes__gte=240).first()
    if course is None:
        return
    classes = [
        TrainingClass(
            business_line=line,
            title=course.title,
            category=course.module.name,
            starts_at=timezone.make_aware(
                dt.datetime.combine(timezone.localdate(now) - dt.timedelta(days=days), dt.time(9))
            ),
            hours=course.minutes / 60,
            capacity=40,
            trainer=trainer,
            course=course,
            created_at=now - dt.timedelta(days=days + 10),
            updated_at=now - dt.timedelta(days=days),
        )
        for days in (150, 90, 30)
    ]
    classes = TrainingClass.objects.bulk_create(classes)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                training_class=cls,
                user=person,
                status="attended",
                created_at=cls.starts_at - dt.timedelta(days=5),
                updated_at=cls.starts_at,
            )
            for cls in classes
            for person in people
            if rng.random() < 0.9
        ]
    )
