"""Callback tasks: made on resolution and by triggers, outcomes logged, the closed loop (CMP-2)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.models import User
from kefu.core import audit, events
from kefu.core.errors import Conflict, DomainError, Invalid, StaleWrite
from kefu.customers.models import Customer
from kefu.followups import cadence
from kefu.followups.models import (
    CallbackTask,
    CallResult,
    Kind,
    Outcome,
    TaskStatus,
)
from kefu.followups.services import grading
from kefu.followups.services.people import effective_owner
from kefu.followups.services.policies import line_setting, policy_for
from kefu.tickets import workflow
from kefu.tickets.models import Status, Ticket, TicketEvent, TicketType

REACHED = frozenset({Outcome.SATISFIED, Outcome.DISSATISFIED, Outcome.REJECTED, Outcome.REFUSED})
# the customer raised an issue: unresolved, or the solution refused (back to work, escalated)
ISSUE = (Outcome.DISSATISFIED, Outcome.REJECTED)
CALL_RESULT = {
    Outcome.SATISFIED: CallResult.ANSWERED,
    Outcome.DISSATISFIED: CallResult.ANSWERED,
    Outcome.REJECTED: CallResult.ANSWERED,
    Outcome.UNREACHABLE: CallResult.UNREACHABLE,
    Outcome.REFUSED: CallResult.REFUSED,
    Outcome.WRONG_NUMBER: CallResult.WRONG_NUMBER,
}
CHANNELS = ("phone", "sms", "im", "email", "visit")
MAX_NOTES = 5000
MAX_DURATION = 24 * 3600


def workday_checker(line):
    """The line's business-day test from the core business calendar (Chinese holidays, 调休
    make-up days and admin overrides included); None (Monday–Friday) for an invalid calendar."""
    from kefu.core.business_calendar import calendar_for

    try:
        calendar = calendar_for(line)
    except DomainError:
        return None

    return calendar.is_workday


def _placement(owner_id: int | None) -> dict:
    if owner_id is None:
        return {"owner_id": None, "team_id": None, "department_id": None}
    user = User.objects.only("id", "team_id", "department_id").get(pk=owner_id)
    return {"owner_id": user.pk, "team_id": user.team_id, "department_id": user.department_id}


def make_task(
    *,
    line,
    customer_id: int,
    kind: str,
    script: str,
    window: tuple[dt.date, dt.date],
    owner_id: int | None,
    ticket: Ticket | None = None,
    event_id: int | None = None,
    vehicle_id: int | None = None,
    sequence: int = 1,
    round: int = 0,
    attempt: int = 1,
    previous: CallbackTask | None = None,
    due_on: dt.date | None = None,
) -> tuple[CallbackTask, bool]:
    """Get or create the task with this unique key, so a job run twice makes it once.

    The owner is replaced by their deputy when absent on the window's first day (FU-12)."""
    start, end = window
    caller_id, absent_id = effective_owner(owner_id, start)
    values = {
        **_placement(caller_id),
        "original_owner_id": absent_id,
        "business_line_id": line.pk,
        "vehicle_id": vehicle_id,
        "window_end": end,
        "due_on": due_on or end,
        "script": script,
        "previous": previous,
    }
    if ticket is not None and values["team_id"] is None:
        values.update(team_id=ticket.team_id, department_id=ticket.department_id)
    key: dict = {"customer_id": customer_id, "kind": kind, "attempt": attempt}
    if ticket is not None:
        key.update(ticket=ticket, sequence=sequence, round=round)
        values["window_start"] = start
    elif event_id is not None:
        key.update(event_id=event_id)
        values.update(window_start=start, sequence=sequence)
    else:
        key.update(ticket=None, event=None, sequence=sequence, window_start=start)
    return CallbackTask.objects.get_or_create(**key, defaults=values)


def _site_text(value) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _timeline(*, actor, ticket_id: int, text: str) -> None:
    TicketEvent.objects.create(
        ticket_id=ticket_id, actor=actor, kind=TicketEvent.Kind.FIELD, field="callback", after=text
    )


# -- hooks called by tickets.services.ticket_update -----------------------------------------


def ticket_close_check(ticket: Ticket) -> None:
    """Refuse to close a complaint without a successful callback of its current round when the
    line's ``complaint_close_requires_callback`` is on (default)."""
    if ticket.type != TicketType.COMPLAINT:
        return
    if not line_setting(ticket.business_line, "complaint_close_requires_callback"):
        return
    confirmed = CallbackTask.objects.filter(
        ticket_id=ticket.pk, round=ticket.reopen_count, outcome=Outcome.SATISFIED
    ).exists()
    if not confirmed:
        raise Invalid(
            _(
                "A complaint closes only after a callback in which the customer confirmed "
                "being satisfied. Log the callback's outcome first."
            ),
            fields={"status": _("A successful callback is required.")},
            code="callback_required",
        )


def ticket_status_changed(*, actor, ticket: Ticket, before: str, after: str) -> None:
    """After a ticket's status changed (same transaction): resolution makes the first callback;
    a reopen cancels open callbacks and reconsiders the complaint's grade."""
    if after == Status.RESOLVED:
        _on_resolved(actor=actor, ticket=ticket)
    elif workflow.is_reopen(before, after):
        CallbackTask.objects.filter(ticket_id=ticket.pk, status=TaskStatus.OPEN).update(
            status=TaskStatus.CANCELLED, version=F("version") + 1
        )
        # a failed callback's reopen is counted by the failed-callback rule (§9.9), once
        if ticket.type == TicketType.COMPLAINT and not grading.is_callback_reopen():
            grading.grade_on_reopen(actor=actor, ticket=ticket)


def _on_resolved(*, actor, ticket: Ticket) -> None:
    now = timezone.now()
    # a callback issue raised on this ticket gets its solution with it: the owner tells the
    # customer the same day (CMP-4), and that task is what the 2-day escalation checks
    issues = CallbackTask.objects.filter(
        ticket_id=ticket.pk, outcome__in=ISSUE, issue_resolved_at=None
    )
    issue_ids = list(issues.values_list("id", flat=True))
    if issue_ids:
        issues.update(issue_resolved_at=now)
        from kefu.followups.services.notices import notice_make

        for issue in CallbackTask.objects.filter(pk__in=issue_ids).select_related(
            "business_line", "ticket"
        ):
            notice_make(actor=actor, issue=issue, at=now)
    CallbackTask.objects.filter(
        ticket_id=ticket.pk, status=TaskStatus.OPEN, round__lt=ticket.reopen_count
    ).update(status=TaskStatus.CANCELLED, version=F("version") + 1)
    line = ticket.business_line
    policy = policy_for(line, Kind.RESOLUTION_FIRST)
    if not policy.enabled:
        return
    resolved_on = timezone.localdate(ticket.resolved_at or now)
    task, created = make_task(
        line=line,
        customer_id=ticket.customer_id,
        kind=Kind.RESOLUTION_FIRST,
        script=policy.script,
        window=cadence.window(resolved_on, policy, workday_checker(line)),
        owner_id=ticket.first_owner_id,
        ticket=ticket,
        round=ticket.reopen_count,
    )
    if created:
        audit.record(
            actor=actor,
            action="callback.create",
            obj=task,
            changes={"ticket": ticket.pk, "kind": task.kind, "from": task.window_start},
        )


# -- triggers ------------------------------------------------------------------------------


def _customer_owner_id(customer: Customer, actor=None) -> int | None:
    """The customer's dedicated agent, else the first-ask owner of their latest ticket, else
    the actor."""
    if customer.dedicated_agent_id:
        return customer.dedicated_agent_id
    latest = (
        Ticket.objects.filter(customer_id=customer.pk)
        .order_by("-created_at", "-id")
        .values_list("first_owner_id", flat=True)
        .first()
    )
    if latest:
        return latest
    return actor.pk if getattr(actor, "pk", None) else None


@transaction.atomic
def callback_trigger(
    *,
    kind: str,
    customer: Customer,
    ticket: Ticket | None = None,
    at: dt.datetime | None = None,
    actor=None,
) -> CallbackTask | None:
    """Create the callback a policy asks for when something happened at ``at`` (a no-show, a
    medium/negative review, a first lesson, …). None when the line's policy is switched off.
    Idempotent: the same trigger on the same day makes one task."""
    if kind not in Kind.values:
        raise Invalid(_("Unknown callback kind."), fields={"kind": _("Unknown value.")})
    if ticket is not None and ticket.customer_id != customer.pk:
        raise Invalid(
            _("The ticket belongs to another customer."), fields={"ticket": _("Not allowed.")}
        )
    line = customer.business_line
    policy = policy_for(line, kind)
    if not policy.enabled:
        return None
    anchor = timezone.localdate(at or timezone.now())
    window = cadence.clamp(
        *cadence.window(anchor, policy, workday_checker(line)), timezone.localdate()
    )
    owner_id = ticket.first_owner_id if ticket is not None else _customer_owner_id(customer, actor)
    task, created = make_task(
        line=line,
        customer_id=customer.pk,
        kind=kind,
        script=policy.script,
        window=window,
        owner_id=owner_id,
        ticket=ticket,
        round=ticket.reopen_count if ticket is not None else 0,
    )
    if created:
        audit.record(
            actor=actor,
            action="callback.create",
            obj=task,
            changes={"kind": kind, "customer": customer.pk, "from": task.window_start},
        )
    return task


# -- outcomes ------------------------------------------------------------------------------


def _root(task: CallbackTask) -> CallbackTask:
    root = task
    while root.previous_id is not None:
        root = CallbackTask.objects.get(pk=root.previous_id)
    return root


def _clean_outcome(outcome, notes, channel, duration_seconds) -> tuple[str, str, str, int]:
    if outcome not in Outcome.values:
        raise Invalid(
            _("Choose the outcome of the callback."),
            fields={"outcome": _("Choose from %(c)s.") % {"c": ", ".join(Outcome.values)}},
        )
    notes = (notes or "").replace("\x00", "").strip() if isinstance(notes, str) else ""
    if len(notes) > MAX_NOTES:
        raise Invalid(_("The notes are too long."), fields={"notes": _("Too long.")})
    if channel not in CHANNELS:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"channel": _("Choose from %(c)s.") % {"c": ", ".join(CHANNELS)}},
        )
    try:
        duration = int(duration_seconds or 0)
    except (TypeError, ValueError):
        duration = -1
    if not 0 <= duration <= MAX_DURATION:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"duration_seconds": _("Enter seconds from 0 to 86400.")},
        )
    return outcome, notes, channel, duration


@transaction.atomic
def callback_log_outcome(
    *,
    actor,
    task: CallbackTask,
    version: int,
    outcome: str,
    notes: str = "",
    channel: str = "phone",
    duration_seconds: int = 0,
    recording_ref: str = "",
) -> CallbackTask:
    """Log what the callback gave (满意/不满意/未接通/拒访/号码错误).

    The caller obtained ``task`` through ``callback_get_for`` (scope). A phone callback is
    registered in the call register. 未接通 makes the next attempt (retry_days later, at most
    max_attempts); 不满意 reopens the ticket; 满意 on a complaint's callback closes it when the
    line's ``complaint_close_on_satisfied`` is on, and a first callback schedules the second.
    """
    from kefu.followups.services.registers import register_call

    outcome, notes, channel, duration = _clean_outcome(outcome, notes, channel, duration_seconds)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Some fields are not valid."), fields={"version": _("Enter a number.")})
    now = timezone.now()
    written = CallbackTask.objects.filter(
        pk=task.pk, version=version, status=TaskStatus.OPEN
    ).update(
        status=TaskStatus.DONE,
        outcome=outcome,
        notes=notes,
        done_at=now,
        done_by=actor,
        updated_at=now,
        version=F("version") + 1,
    )
    if written == 0:
        current = CallbackTask.objects.filter(pk=task.pk).values_list("status", flat=True).first()
        if current != TaskStatus.OPEN:
            raise Conflict(_("This callback is no longer open."), code="callback_closed")
        raise StaleWrite()
    task.refresh_from_db()
    line = task.business_line
    policy = policy_for(line, task.kind)
    root = _root(task)
    if outcome in REACHED and root.reached_at is None:
        CallbackTask.objects.filter(pk=root.pk).update(reached_at=now)
    if channel == "phone":
        register_call(
            actor=actor,
            customer_id=task.customer_id,
            ticket_id=task.ticket_id,
            callback=task,
            result=CALL_RESULT[outcome],
            started_at=now - dt.timedelta(seconds=duration),
            duration_seconds=duration,
            recording_ref=(recording_ref or "")[:255],
            notes=notes,
        )
    retry = None
    today = timezone.localdate(now)
    if outcome == Outcome.UNREACHABLE and cadence.may_retry(task.attempt, policy):
        retry, _created = make_task(
            line=line,
            customer_id=task.customer_id,
            kind=task.kind,
            script=task.script,
            window=cadence.retry_window(today, policy),
            owner_id=task.original_owner_id or task.owner_id,
            ticket=task.ticket,
            event_id=task.event_id,
            vehicle_id=task.vehicle_id,
            sequence=task.sequence,
            round=task.round,
            attempt=task.attempt + 1,
            previous=task,
            due_on=task.due_on,
        )
    audit.record(
        actor=actor,
        action="callback.outcome",
        obj=task,
        changes={"outcome": outcome, "attempt": task.attempt, "retry": retry.pk if retry else None},
    )
    events.publish(
        "callback.logged",
        object_id=task.pk,
        business_line_id=task.business_line_id,
        payload={
            "ticket": task.ticket_id,
            "customer": task.customer_id,
            "outcome": outcome,
            "attempt": task.attempt,
            "reached": outcome in REACHED,
        },
        actor=actor,
        subject=task,
    )
    if task.ticket_id is not None:
        _ticket_consequences(actor=actor, task=task, outcome=outcome, today=today)
    return task


def _ticket_consequences(*, actor, task: CallbackTask, outcome: str, today: dt.date) -> None:
    from kefu.tickets.services import ticket_update

    ticket = Ticket.objects.select_related("business_line").get(pk=task.ticket_id)
    label = _site_text(
        _("%(kind)s: %(outcome)s")
        % {"kind": Kind(task.kind).label, "outcome": Outcome(outcome).label}
    )
    _timeline(actor=actor, ticket_id=ticket.pk, text=f"{label} {task.notes}".strip())
    line = ticket.business_line
    complaint = ticket.type == TicketType.COMPLAINT
    if outcome in grading.FAILED_OUTCOMES:
        # unresolved or the solution refused: back to work, and a failed callback (§9.9)
        if ticket.status in (Status.RESOLVED, Status.CLOSED):
            with grading.reopen_by_callback():
                ticket = ticket_update(
                    actor=actor,
                    ticket=ticket,
                    version=ticket.version,
                    changes={"status": Status.IN_PROGRESS},
                )
        if complaint:
            grading.grade_on_failed_callbacks(actor=actor, ticket=ticket)
        return
    if outcome in grading.UNREACHED_OUTCOMES:
        # counts once the policy has no attempt left (grading.failed_callbacks)
        if complaint and ticket.status != Status.CLOSED:
            grading.grade_on_failed_callbacks(actor=actor, ticket=ticket)
        return
    if outcome == Outcome.REFUSED:  # 拒访: reached, no verdict on the solution
        return
    # satisfied
    if task.kind == Kind.RESOLUTION_FIRST:
        second = policy_for(line, Kind.RESOLUTION_SECOND)
        if second.enabled:
            make_task(
                line=line,
                customer_id=task.customer_id,
                kind=Kind.RESOLUTION_SECOND,
                script=second.script,
                window=cadence.window(today, second, workday_checker(line)),
                owner_id=task.original_owner_id or task.owner_id,
                ticket=ticket,
                round=task.round,
            )
    if (
        ticket.type == TicketType.COMPLAINT
        and ticket.status == Status.RESOLVED
        and task.round == ticket.reopen_count
        and line_setting(line, "complaint_close_on_satisfied")
    ):
        ticket_update(
            actor=actor, ticket=ticket, version=ticket.version, changes={"status": Status.CLOSED}
        )


@transaction.atomic
def callback_issue_resolve(*, actor, task: CallbackTask, notes: str = "") -> CallbackTask:
    """Record the solution of the issue a customer raised in a callback: the owner gets a task
    to tell the customer by the end of this business day (CMP-4), and the escalation checks
    that task; for a ticket's callback this happens when the ticket is resolved."""
    from kefu.followups.services.notices import notice_make

    if task.outcome not in ISSUE:
        raise Invalid(_("Only a callback in which the customer was dissatisfied has an issue."))
    notes = (notes or "").strip()
    if not notes:
        raise Invalid(
            _("Write down the solution the customer will be told."),
            fields={"notes": _("Required.")},
        )
    if task.issue_resolved_at is None:
        task.issue_resolved_at = timezone.now()
        task.save(update_fields=["issue_resolved_at", "updated_at"])
        audit.record(
            actor=actor,
            action="callback.issue_resolved",
            obj=task,
            changes={"notes": notes[:500]},
        )
        notice_make(actor=actor, issue=task, solution=notes, at=task.issue_resolved_at)
    return task
