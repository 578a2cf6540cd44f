"""Complaint grades 一般 / 重复 / 恶性 (decision §9.9); every change is audited with its reason."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.core import audit, events, scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.followups import cadence
from kefu.followups.models import (
    CallbackTask,
    ComplaintGrade,
    Flag,
    Grade,
    GradeChange,
    Outcome,
)
from kefu.followups.services.policies import line_setting
from kefu.tickets.models import Ticket, TicketEvent, TicketType

FAILED_OUTCOMES = (Outcome.UNREACHABLE, Outcome.REFUSED, Outcome.WRONG_NUMBER)
MAX_REASON = 500


def _site(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _check_complaint(ticket: Ticket) -> None:
    if ticket.type != TicketType.COMPLAINT:
        raise Invalid(_("Only complaints are graded."), fields={"ticket": _("Not a complaint.")})


def grade_row(ticket: Ticket) -> ComplaintGrade:
    """The complaint's grade row, locked for the rest of the transaction."""
    row, _created = ComplaintGrade.objects.get_or_create(
        ticket=ticket, defaults={"business_line_id": ticket.business_line_id}
    )
    return ComplaintGrade.objects.select_for_update().get(pk=row.pk)


def _set_grade(
    *, actor, ticket: Ticket, row: ComplaintGrade, after: str, rule: str, reason: str
) -> GradeChange | None:
    """Write the new grade with a GradeChange, a timeline line and an audit event."""
    before = row.grade
    if after == before:
        return None
    row.grade = after
    row.save(update_fields=["grade", "updated_at"])
    change = GradeChange.objects.create(
        ticket=ticket,
        business_line_id=ticket.business_line_id,
        department_id=ticket.department_id,
        team_id=ticket.team_id,
        before=before,
        after=after,
        rule=rule,
        reason=reason[:MAX_REASON],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        actor=change.actor,
        kind=TicketEvent.Kind.FIELD,
        field="grade",
        before=_site(Grade(before).label),
        after=f"{_site(Grade(after).label)} · {reason}"[:MAX_REASON],
    )
    audit.record(
        actor=actor,
        action="complaint.grade",
        obj=ticket,
        changes={"grade": [before, after], "rule": rule, "reason": reason},
    )
    events.publish(
        "complaint.graded",
        object_id=ticket.pk,
        business_line_id=ticket.business_line_id,
        payload={"grade": after, "before": before, "rule": rule},
        actor=actor,
        subject=ticket,
    )
    return change


def _repeat(*, actor, ticket: Ticket, row: ComplaintGrade, rule: str, reason: str) -> None:
    row.repeat_count += 1
    row.save(update_fields=["repeat_count", "failures_counted", "updated_at"])
    malignant_after = int(line_setting(ticket.business_line, "malignant_after_repeats"))
    after = cadence.higher(row.grade, cadence.grade_after_repeat(row.repeat_count, malignant_after))
    if after == Grade.MALIGNANT and row.grade != Grade.MALIGNANT:
        rule = GradeChange.Rule.THIRD_REPEAT
        reason = _site(_("Repeated %(n)d times.") % {"n": row.repeat_count})
    _set_grade(actor=actor, ticket=ticket, row=row, after=after, rule=rule, reason=reason)


def grade_on_reopen(*, actor, ticket: Ticket) -> None:
    """A reopened complaint is a repeat (重复投诉); the n-th repeat makes it malignant."""
    row = grade_row(ticket)
    _repeat(
        actor=actor,
        ticket=ticket,
        row=row,
        rule=GradeChange.Rule.REOPENED,
        reason=_site(_("The complaint was reopened.")),
    )


def grade_on_failed_callbacks(*, actor, ticket: Ticket) -> None:
    """Still unresolved after N failed callbacks (default 2) → a repeat; each further N again."""
    needed = int(line_setting(ticket.business_line, "repeat_after_failed_callbacks"))
    failed = CallbackTask.objects.filter(ticket_id=ticket.pk, outcome__in=FAILED_OUTCOMES).count()
    row = grade_row(ticket)
    if failed - row.failures_counted < needed:
        return
    row.failures_counted += needed
    _repeat(
        actor=actor,
        ticket=ticket,
        row=row,
        rule=GradeChange.Rule.FAILED_CALLBACKS,
        reason=_site(_("Still unresolved after %(n)d failed callbacks.") % {"n": failed}),
    )


@transaction.atomic
def complaint_mark_severe(*, actor, ticket: Ticket, reason: str) -> GradeChange | None:
    """A supervisor marks a complaint 恶性 (malignant) with a reason. The caller obtained the
    ticket through ``ticket_get_for`` (scope)."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor can mark a complaint as malignant."))
    _check_complaint(ticket)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise Invalid(_("Give the reason."), fields={"reason": _("Required.")})
    if len(reason) > MAX_REASON:
        raise Invalid(_("The reason is too long."), fields={"reason": _("Too long.")})
    row = grade_row(ticket)
    return _set_grade(
        actor=actor,
        ticket=ticket,
        row=row,
        after=Grade.MALIGNANT,
        rule=GradeChange.Rule.SUPERVISOR,
        reason=reason,
    )


@transaction.atomic
def complaint_flag(*, actor, ticket: Ticket, flag: str, note: str = "") -> ComplaintGrade:
    """Record a flag on a complaint (media exposure, threat of legal action): the rule makes it
    malignant. The caller obtained the ticket through ``ticket_get_for`` (scope)."""
    _check_complaint(ticket)
    if flag not in Flag.values:
        raise Invalid(
            _("Choose a flag."),
            fields={"flag": _("Choose from %(c)s.") % {"c": ", ".join(Flag.values)}},
        )
    note = (note or "").replace("\x00", "").strip()[:200]
    row = grade_row(ticket)
    if flag not in row.flags:
        row.flags = [*row.flags, flag]
        row.save(update_fields=["flags", "updated_at"])
        reason = _site(Flag(flag).label)
        if note:
            reason = f"{reason}: {note}"
        _set_grade(
            actor=actor,
            ticket=ticket,
            row=row,
            after=Grade.MALIGNANT,
            rule=GradeChange.Rule.FLAG,
            reason=reason,
        )
    return row
