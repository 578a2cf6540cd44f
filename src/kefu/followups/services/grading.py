"""Complaint grades 一般 / 重复 / 恶性 (decision §9.9); every change is audited with its reason."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

import jieba
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import audit, events, scope, search
from kefu.core.errors import Invalid, PermissionDenied
from kefu.followups import cadence
from kefu.followups.models import (
    CallbackTask,
    ComplaintGrade,
    Flag,
    Grade,
    GradeChange,
    Outcome,
    TaskStatus,
)
from kefu.followups.services.policies import line_setting
from kefu.tickets.models import Ticket, TicketEvent, TicketType

# §9.9: a failed callback reached the customer, who said the issue is unresolved or refused the
# solution; a callback that did not reach them is retried by the policy, and only a chain of
# attempts that the policy gave up on (the last attempt not reached, no next one) is one failure.
# 拒访 (refused the callback) reached the customer without a verdict: not a failure.
FAILED_OUTCOMES = (Outcome.DISSATISFIED, Outcome.REJECTED)
UNREACHED_OUTCOMES = (Outcome.UNREACHABLE, Outcome.WRONG_NUMBER)
MAX_REASON = 500
SUBJECT_TEXT = 200  # characters of the description compared for the same subject
EARLIER_LOOKED_AT = 20  # the customer's latest complaints in the window that are compared

# set while a failed callback moves its ticket back to work: that reopen is the failure the
# failed-callback rule counts, not a repeat of its own
_callback_reopen: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "callback_reopen", default=False
)


@contextlib.contextmanager
def reopen_by_callback():
    token = _callback_reopen.set(True)
    try:
        yield
    finally:
        _callback_reopen.reset(token)


def is_callback_reopen() -> bool:
    return _callback_reopen.get()


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


def failed_callbacks(ticket_id: int) -> int:
    """The ticket's failed callbacks (§9.9, see ``FAILED_OUTCOMES``): reached and unresolved or
    solution refused, plus each chain of unreached attempts the policy has given up on."""
    tasks = CallbackTask.objects.filter(ticket_id=ticket_id)
    reached = tasks.filter(outcome__in=FAILED_OUTCOMES).count()
    retried = tasks.filter(previous__isnull=False).values("previous_id")
    exhausted = (
        tasks.filter(status=TaskStatus.DONE, outcome__in=UNREACHED_OUTCOMES)
        .exclude(pk__in=retried)
        .count()
    )
    return reached + exhausted


def grade_on_failed_callbacks(*, actor, ticket: Ticket) -> None:
    """Still unresolved after N failed callbacks (default 2) → a repeat; each further N again."""
    needed = int(line_setting(ticket.business_line, "repeat_after_failed_callbacks"))
    failed = failed_callbacks(ticket.pk)
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


def _subject_words(title: str, description: str) -> frozenset[str]:
    """The words of a complaint's title and description start, cut by jieba with the search's
    business dictionary in precise mode (no overlapping sub-words that dilute the share)."""
    search.ensure_dictionary()
    text = f"{title} {(description or '')[:SUBJECT_TEXT]}"
    return cadence.subject_words([w.strip().lower() for w in jieba.cut(text) if w.isalnum()])


def _same_subject(ticket: Ticket, earlier: list[Ticket]) -> list[Ticket]:
    """Those of ``earlier`` (latest first) on the same subject: the same category, or similar
    words in title and description."""
    words = _subject_words(ticket.title, ticket.description)
    return [
        other
        for other in earlier
        if (ticket.category_id is not None and other.category_id == ticket.category_id)
        or cadence.same_subject(words, _subject_words(other.title, other.description))
    ]


def grade_on_intake(*, actor, ticket: Ticket) -> Ticket | None:
    """§9.9: a new complaint of the same customer on the same subject (same category, or a similar
    title and description) within the line's window (default 30 days) repeats the earlier one: it
    is linked to the latest of them and graded 重复; the n-th complaint on the subject is its
    (n-1)-th repeat, so the 4th makes it 恶性 by default (malignant_after_repeats 3).
    Returns the earlier complaint, or None. One query when the customer has no earlier one."""
    if ticket.type != TicketType.COMPLAINT:
        return None
    days = int(line_setting(ticket.business_line, "repeat_window_days"))
    created = ticket.created_at
    earlier = list(
        Ticket.objects.filter(
            customer_id=ticket.customer_id,
            type=TicketType.COMPLAINT,
            created_at__gte=created - dt.timedelta(days=days),
            created_at__lte=created,
        )
        .exclude(pk=ticket.pk)
        .only("id", "number", "title", "description", "category_id", "created_at")
        .order_by("-created_at", "-id")[:EARLIER_LOOKED_AT]
    )
    if not earlier:
        return None
    matches = _same_subject(ticket, earlier)
    if not matches:
        return None
    match = matches[0]
    before = ComplaintGrade.objects.filter(ticket_id__in=[m.pk for m in matches]).aggregate(
        n=Max("repeat_count")
    )["n"]
    row = grade_row(ticket)
    row.repeat_of = match
    # the n-th complaint on the subject is its (n-1)-th repeat (``_repeat`` adds this one)
    row.repeat_count = max(before or 0, len(matches) - 1)
    row.save(update_fields=["repeat_of", "repeat_count", "updated_at"])
    _repeat(
        actor=actor,
        ticket=ticket,
        row=row,
        rule=GradeChange.Rule.SAME_SUBJECT,
        reason=_site(
            _("Same customer and subject as %(number)s of %(date)s.")
            % {
                "number": match.number,
                "date": timezone.localtime(match.created_at).strftime("%Y-%m-%d"),
            }
        ),
    )
    return match


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
