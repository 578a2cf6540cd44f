"""Writes of class evaluations and trainer certificates (TRN-5, SAT-6): validated, in a
transaction, audited. Only an attendee rates a class, once, after it started."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Conflict, Invalid, PermissionDenied
from kefu.core.inputs import date_in_range, date_range_message
from kefu.training import satisfaction
from kefu.training.models import (
    ClassEvaluation,
    Enrolment,
    EnrolmentStatus,
    TrainerCertificate,
    TrainingClass,
)
from kefu.training.services import _line_id, _text


@transaction.atomic
def evaluate(
    *, actor, training_class: TrainingClass, course_rating, trainer_rating, comment: str = ""
) -> ClassEvaluation:
    """The attendee's survey after the class: course and trainer rated 1–5, once."""
    bad = {
        name: _("A whole number from 1 to 5.")
        for name, value in (("course_rating", course_rating), ("trainer_rating", trainer_rating))
        if not satisfaction.valid_rating(value)
    }
    if bad:
        raise Invalid(_("Rate the course and the trainer from 1 to 5."), fields=bad)
    comment = _text("comment", comment, required=False, max_length=300)
    attended = Enrolment.objects.filter(
        training_class=training_class, user=actor, status=EnrolmentStatus.ATTENDED
    ).exists()
    if not attended:
        raise PermissionDenied(_("Only those who attended the class rate it."))
    if ClassEvaluation.objects.filter(training_class=training_class, user=actor).exists():
        raise Conflict(_("You rated this class already."))
    try:
        with transaction.atomic():
            evaluation = ClassEvaluation.objects.create(
                training_class=training_class,
                user=actor,
                course_rating=course_rating,
                trainer_rating=trainer_rating,
                comment=comment,
            )
    except IntegrityError:
        raise Conflict(_("You rated this class already.")) from None
    audit.record(
        actor=actor,
        action="training.evaluate",
        obj=evaluation,
        business_line_id=training_class.business_line_id,
        changes={"course_rating": course_rating, "trainer_rating": trainer_rating},
    )
    return evaluation


@transaction.atomic
def trainer_certificate_add(
    *, actor, user, name: str, issued_on, issuer: str = "", valid_until=None
) -> TrainerCertificate:
    """Record an internal trainer's certification (金讲台 …): a supervisor or above."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager may do this."))
    line_id = _line_id(actor)
    if user is None or getattr(user, "business_line_id", None) != line_id:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"user": _("Choose a person of the business line.")},
        )
    for field, day in (("issued_on", issued_on), ("valid_until", valid_until)):
        if (field == "issued_on" or day is not None) and (
            not isinstance(day, dt.date) or not date_in_range(day)
        ):
            raise Invalid(_("Some fields are not valid."), fields={field: date_range_message()})
    if valid_until is not None and valid_until < issued_on:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"valid_until": _("Not before the day it was issued.")},
        )
    if issued_on > timezone.localdate():
        raise Invalid(
            _("Some fields are not valid."), fields={"issued_on": _("Not in the future.")}
        )
    cert = TrainerCertificate.objects.create(
        business_line_id=line_id,
        user=user,
        name=_text("name", name, max_length=100),
        issuer=_text("issuer", issuer, required=False, max_length=100),
        issued_on=issued_on,
        valid_until=valid_until,
    )
    audit.record(
        actor=actor,
        action="training.trainer_certificate_add",
        obj=cert,
        changes={"user": user.pk, "name": cert.name},
    )
    return cert
