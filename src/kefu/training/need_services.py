"""Writes of the half-year training needs (TRN-8, 4S): validated, in a transaction, audited; a
stale version → 409; filing by the person or a lead who has them in scope, review by a lead or
above who is not the person."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, scope
from kefu.core.errors import Invalid, PermissionDenied, StaleWrite
from kefu.training import needs
from kefu.training.models import ExamAttempt, HalfYearNeed, NeedSource
from kefu.training.services import _text


def covers(actor, person: User) -> bool:
    """Whether ``person`` is within ``actor``'s data scope (a lead: the team; a supervisor: the
    department; a manager: the line)."""
    return User.objects.filter(pk=person.pk).filter(scope.records_q(actor)).exists()


REFUSALS = {
    "not_allowed": lambda: _("Only the person or their lead may do this."),
    "own_need": lambda: _("Nobody reviews their own training needs."),
    "wrong_state": lambda: _("The need has been reviewed already."),
    "unknown_action": lambda: _("Unknown step."),
}


def _refuse(exc: needs.NeedRefused):
    error = Invalid if exc.reason in ("wrong_state", "unknown_action") else PermissionDenied
    return error(REFUSALS[exc.reason]())


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(_("Some fields are not valid."), fields={field: message})


@transaction.atomic
def need_file(
    *,
    actor,
    person: User,
    year,
    half,
    topic: str,
    quarter,
    source: str = "",
    source_note: str = "",
    failed_attempt: ExamAttempt | None = None,
) -> HalfYearNeed:
    """File one training need of ``person`` for a half-year."""
    try:
        needs.check_file(
            actor_id=actor.pk,
            actor_rank=scope.rank(actor),
            covers=covers(actor, person),
            person_id=person.pk,
        )
    except needs.NeedRefused as exc:
        raise _refuse(exc) from None
    if not person.business_line_id:  # an administrator: no line, no team, no training needs
        raise _invalid("person", _("Only the people of a business line have training needs."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _invalid("year", _("Out of range."))
    if half not in (1, 2):
        raise _invalid("half", _("The first or the second half-year."))
    if quarter not in needs.quarters(half):
        raise _invalid("quarter", _("A quarter of that half-year."))
    topic = needs.topic_key(_text("topic", topic, max_length=100))
    if source not in NeedSource.values:
        raise _invalid("source", _("Unknown."))
    source_note = _text("source_note", source_note, required=source in ("gap", "qa"))
    if source == NeedSource.EXAM:
        if failed_attempt is None or failed_attempt.user_id != person.pk or failed_attempt.passed:
            raise _invalid("failed_attempt", _("Choose an exam this person failed."))
    else:
        failed_attempt = None
    if HalfYearNeed.objects.filter(user=person, year=year, half=half, topic=topic).exists():
        raise _invalid("topic", _("This need is filed already for that half-year."))
    need = HalfYearNeed.objects.create(
        business_line_id=person.business_line_id,
        department_id=person.department_id,
        team_id=person.team_id,
        user=person,
        year=year,
        half=half,
        topic=topic,
        source=source,
        source_note=source_note,
        failed_attempt=failed_attempt,
        quarter=quarter,
        filed_by=actor,
    )
    audit.record(
        actor=actor,
        action="training.need_file",
        obj=need,
        changes={"user": person.pk, "year": year, "half": half, "topic": topic},
    )
    return need


@transaction.atomic
def need_review(
    *, actor, need: HalfYearNeed, action: str, version: int, note: str = ""
) -> HalfYearNeed:
    """Agree to a need or decline it with a note (a lead or above with the person in scope).
    A version other than the need's → 409 first: the caller saw the need before a review."""
    if version != need.version:
        raise StaleWrite()
    try:
        after = needs.check_review(
            action,
            state=need.state,
            actor_id=actor.pk,
            actor_rank=scope.rank(actor),
            covers=covers(actor, need.user),
            person_id=need.user_id,
        )
    except needs.NeedRefused as exc:
        raise _refuse(exc) from None
    note = _text("note", note, required=action == needs.DECLINE, max_length=300)
    updated = HalfYearNeed.objects.filter(pk=need.pk, version=version).update(
        version=F("version") + 1,
        updated_at=timezone.now(),
        state=after,
        reviewer=actor,
        review_note=note,
    )
    if not updated:
        raise StaleWrite()
    before = need.state
    need.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"training.need_{action}",
        obj=need,
        changes={"state": [before, need.state], "review_note": note},
    )
    return need
