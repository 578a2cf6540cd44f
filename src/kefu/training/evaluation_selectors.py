"""Reads of training satisfaction and trainer records (TRN-5, SAT-6), aggregated in SQL and
scoped to the reader's business line; leads and above read them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import scope
from kefu.core.errors import PermissionDenied
from kefu.training import courses, satisfaction
from kefu.training.models import ClassEvaluation, TrainerCertificate, TrainingClass

ROWS = 100


def _require_lead(user) -> None:
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied(_("Only a team lead, supervisor or manager may do this."))


def _evaluations(user, since: dt.date | None, until: dt.date | None = None, line_id=None):
    qs = ClassEvaluation.objects.filter(
        scope.business_line_q(user, "training_class__business_line_id")
    )
    if since is not None:
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        qs = qs.filter(training_class__starts_at__gte=start)
    if until is not None:  # exclusive: the first day after the period
        end = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
        qs = qs.filter(training_class__starts_at__lt=end)
    if line_id:
        qs = qs.filter(training_class__business_line_id=line_id)
    return qs


MICRO_Q = Q(training_class__course__minutes__lte=max(courses.QUASI_MICRO_MINUTES))


def satisfaction_board(
    user, *, since: dt.date | None = None, until: dt.date | None = None, line_id=None
) -> dict:
    """Course satisfaction of micro-courses vs all internal training, and per course and per
    trainer (mean rating as % of 5), with how many ratings each figure rests on; of the classes
    from ``since`` to before ``until`` (the month-end summary's month)."""
    _require_lead(user)
    qs = _evaluations(user, since, until, line_id)
    totals = qs.aggregate(
        all_mean=Avg("course_rating"),
        all_n=Count("id"),
        micro_mean=Avg("course_rating", filter=MICRO_Q),
        micro_n=Count("id", filter=MICRO_Q),
    )
    micro = satisfaction.percent(totals["micro_mean"])
    overall = satisfaction.percent(totals["all_mean"])
    by_course = [
        {
            "course": row["training_class__course"],
            "title": row["training_class__course__title"],
            "minutes": row["training_class__course__minutes"],
            "ratings": row["n"],
            "satisfaction": satisfaction.percent(row["mean"]),
        }
        for row in qs.filter(training_class__course__isnull=False)
        .values(
            "training_class__course",
            "training_class__course__title",
            "training_class__course__minutes",
        )
        .annotate(mean=Avg("course_rating"), n=Count("id"))
        .order_by("-mean", "training_class__course")[:ROWS]
    ]
    by_trainer = [
        {
            "trainer": row["training_class__trainer"],
            "name": row["training_class__trainer__display_name"]
            or row["training_class__trainer__username"],
            "ratings": row["n"],
            "satisfaction": satisfaction.percent(row["mean"]),
        }
        for row in qs.filter(training_class__trainer__isnull=False)
        .values(
            "training_class__trainer",
            "training_class__trainer__display_name",
            "training_class__trainer__username",
        )
        .annotate(mean=Avg("trainer_rating"), n=Count("id"))
        .order_by("-mean", "training_class__trainer")[:ROWS]
    ]
    return {
        "micro": micro,
        "micro_ratings": totals["micro_n"],
        "overall": overall,
        "overall_ratings": totals["all_n"],
        "gap": satisfaction.gap(micro, overall),
        "by_course": by_course,
        "by_trainer": by_trainer,
    }


def trainer_records(user, *, since: dt.date | None = None) -> list[dict]:
    """Each internal trainer of the line: classes given, hours, trainer satisfaction with its
    number of ratings, and certifications (金讲台 …). Two aggregate queries and one for the
    certificates, whatever the number of trainers."""
    _require_lead(user)
    classes = TrainingClass.objects.filter(scope.business_line_q(user), trainer__isnull=False)
    if since is not None:
        classes = classes.filter(
            starts_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        )
    classes = classes.filter(starts_at__lte=timezone.now())
    given = {
        row["trainer"]: row
        for row in classes.values("trainer").annotate(classes=Count("id"), hours=Sum("hours"))
    }
    ratings = {
        row["training_class__trainer"]: row
        for row in _evaluations(user, since)
        .values("training_class__trainer")
        .annotate(mean=Avg("trainer_rating"), n=Count("id"))
    }
    certs: dict[int, list] = {}
    for cert in TrainerCertificate.objects.filter(scope.business_line_q(user)).order_by(
        "-issued_on"
    )[: ROWS * 5]:
        certs.setdefault(cert.user_id, []).append(cert)
    ids = set(given) | set(certs)
    people = User.objects.filter(pk__in=ids).order_by("username")[:ROWS]
    return [
        {
            "trainer": person,
            "classes": given.get(person.pk, {}).get("classes", 0),
            "hours": float(given.get(person.pk, {}).get("hours") or 0),
            "ratings": ratings.get(person.pk, {}).get("n", 0),
            "satisfaction": satisfaction.percent(ratings.get(person.pk, {}).get("mean")),
            "certificates": certs.get(person.pk, []),
        }
        for person in people
    ]
