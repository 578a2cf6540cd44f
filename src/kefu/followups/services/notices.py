"""Tell the customer the same day (CMP-4, §9.2): when the issue a customer raised in a callback
gets its solution, the callback's owner gets a task due at the end of that business day; the
2-day escalation (``jobs.escalations_run``) checks that this task was done."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import Conflict, DomainError, Invalid
from kefu.followups.models import CallbackTask, SolutionNotice
from kefu.followups.services.people import effective_owner

MAX_TEXT = 500


def notice_due(at: dt.datetime, line) -> dt.datetime:
    """The end of the business day ``at`` falls in (the next business day's end when ``at`` is
    after hours or on a day off), on the line's business calendar; local midnight when the
    line's calendar is not valid."""
    from kefu.core.business_calendar import calendar_for
    from kefu.tickets.sla import end_of_working_day

    try:
        calendar = calendar_for(line)
    except DomainError:
        day = timezone.localdate(at) + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return end_of_working_day(at, calendar)


def _owner_id(issue: CallbackTask, day: dt.date) -> int | None:
    owner_id = issue.original_owner_id or issue.owner_id or issue.done_by_id
    if owner_id is None and issue.ticket_id is not None:
        owner_id = issue.ticket.assignee_id or issue.ticket.first_owner_id
    return effective_owner(owner_id, day)[0]


def _notify(notice: SolutionNotice) -> None:
    from kefu.accounts.models import User
    from kefu.tickets.models_sla import Notification
    from kefu.tickets.notify import notify

    owner = User.objects.filter(pk=notice.owner_id).first()
    if owner is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Tell %(customer)s the solution today, by %(due)s.") % {
            "customer": notice.customer.name,
            "due": f"{timezone.localtime(notice.due_at):%Y-%m-%d %H:%M}",
        }
    notify([owner], kind=Notification.Kind.TASK, ticket=notice.ticket, text=text[:300])


def notice_make(*, actor, issue: CallbackTask, solution: str = "", at=None) -> SolutionNotice:
    """The same-day task for the issue of ``issue`` (one per issue; a second call returns it)."""
    at = at or timezone.now()
    found = SolutionNotice.objects.filter(issue_id=issue.pk).first()
    if found is not None:
        return found
    owner_id = _owner_id(issue, timezone.localdate(at))
    from kefu.followups.services.callbacks import _placement

    placement = _placement(owner_id)
    notice = SolutionNotice.objects.create(
        issue=issue,
        business_line_id=issue.business_line_id,
        department_id=placement["department_id"] or issue.department_id,
        team_id=placement["team_id"] or issue.team_id,
        customer_id=issue.customer_id,
        ticket_id=issue.ticket_id,
        owner_id=owner_id,
        solution=(solution or "").strip()[:MAX_TEXT],
        due_at=notice_due(at, issue.business_line),
    )
    audit.record(
        actor=actor,
        action="callback.notice",
        obj=notice,
        changes={"issue": issue.pk, "owner": owner_id, "due_at": notice.due_at.isoformat()},
    )
    _notify(notice)
    return notice


@transaction.atomic
def notice_done(*, actor, notice: SolutionNotice, notes: str = "") -> SolutionNotice:
    """The customer was told the solution: done once, audited, on the ticket's timeline."""
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"notes": _("At most %(n)d characters.") % {"n": MAX_TEXT}},
        )
    notice = SolutionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.done_at is not None:
        raise Conflict(_("The customer has already been told."), code="notice_done")
    notice.done_at, notice.done_by, notice.notes = timezone.now(), actor, notes
    notice.save(update_fields=["done_at", "done_by", "notes", "updated_at"])
    audit.record(
        actor=actor,
        action="callback.notice_done",
        obj=notice,
        changes={"done_at": notice.done_at.isoformat(), "notes": notes},
    )
    if notice.ticket_id is not None:
        from kefu.followups.services.callbacks import _site_text, _timeline

        text = _site_text(_("Customer told the solution"))
        _timeline(actor=actor, ticket_id=notice.ticket_id, text=f"{text} {notes}".strip())
    return notice
