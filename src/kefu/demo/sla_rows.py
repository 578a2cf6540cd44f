"""The demo's service levels: SLA warnings and breaches of the last two months' tickets, the
notifications they sent, the running resolution clock of each open ticket and the stopped clocks
of the answered and resolved ones (what the statement and the cockpit count as met or missed).

An SLA breach is recorded only for a ticket resolved after its due time, or still open past it;
a warning only once 80 % of the target had passed. One pass over the period's tickets, inserted
in batches.
"""

from __future__ import annotations

import datetime as dt

from kefu.accounts.models import User
from kefu.tickets.models import Status, Ticket
from kefu.tickets.models_sla import Clock, Level, Notification, SlaClock, SlaEvent
from kefu.tickets.sla import DEFAULT_FIRST_RESPONSE

SLA_DAYS = 70  # SLA events for tickets created this recently (this month and last, with margin)
BATCH = 2000
OPEN = (Status.NEW, Status.IN_PROGRESS, Status.PENDING)


def build_sla_rows(*, now: dt.datetime) -> tuple[int, int]:
    """Breaches for the tickets of the last SLA_DAYS days resolved after their due time (or
    still open past it), warnings for those that used more than 80 % of their time, a
    notification for each to the assignee (read unless recent), and the running resolution
    clock of every open ticket of that period. Returns (SLA events, notifications) written."""
    since = now - dt.timedelta(days=SLA_DAYS)
    leads = dict(User.objects.filter(role="lead", team__isnull=False).values_list("team_id", "pk"))
    recent = now - dt.timedelta(days=3)
    events, notes = [], []
    written = [0, 0]
    qs = Ticket.objects.filter(created_at__gte=since, due_at__isnull=False).values_list(
        "id", "created_at", "due_at", "resolved_at", "status", "assignee_id", "team_id"
    )
    for pk, created, due, resolved, status, assignee, team in qs.iterator(chunk_size=BATCH):
        if resolved is None and status not in OPEN:
            continue
        warn_at = created + (due - created) * 0.8
        end = resolved or now
        if warn_at >= end:
            continue
        levels = [(Level.WARNING, warn_at)]
        if end > due:
            levels.append((Level.BREACH, due))
        for level, at in levels:
            to = leads.get(team) if level == Level.BREACH else None
            events.append(
                SlaEvent(
                    ticket_id=pk,
                    clock=Clock.RESOLUTION,
                    level=level,
                    escalated_to_id=to,
                    due_at=due,
                    created_at=at,
                )
            )
            notes.extend(
                Notification(
                    user_id=user,
                    kind=Notification.Kind.SLA,
                    ticket_id=pk,
                    clock=Clock.RESOLUTION,
                    level=level,
                    created_at=at,
                    read_at=None if at > recent else at + dt.timedelta(minutes=20),
                )
                for user in sorted({assignee, to} - {None})
            )
        if len(events) >= BATCH:
            _flush(events, notes, written)
    _flush(events, notes, written)
    _open_clocks(since=since, now=now)
    written[0] += _stopped_clocks(since=since)
    return written[0], written[1]


def _flush(events: list, notes: list, written: list[int]) -> None:
    SlaEvent.objects.bulk_create(events, batch_size=BATCH)
    Notification.objects.bulk_create(notes, batch_size=BATCH)
    written[0] += len(events)
    written[1] += len(notes)
    events.clear()
    notes.clear()


def _open_clocks(*, since: dt.datetime, now: dt.datetime) -> None:
    """The resolution clock of each open ticket: the next level the periodic SLA job fires is
    the warning at 80 % of the target, or none once the ticket is past due (its breach is
    recorded above)."""
    clocks = []
    open_tickets = Ticket.objects.filter(
        created_at__gte=since, status__in=OPEN, due_at__isnull=False
    ).values_list("id", "created_at", "due_at", "status")
    for pk, created, due, status in open_tickets.iterator(chunk_size=BATCH):
        target = max(int((due - created).total_seconds()), 60)
        warn_at = created + dt.timedelta(seconds=target * 0.8)
        if due <= now:
            last, nxt, nxt_at = Level.BREACH, None, None
        elif warn_at <= now:
            last, nxt, nxt_at = Level.WARNING, Level.BREACH, due
        else:
            last, nxt, nxt_at = None, Level.WARNING, warn_at
        paused = status == Status.PENDING
        clocks.append(
            SlaClock(
                ticket_id=pk,
                kind=Clock.RESOLUTION,
                policy_name="",
                target_seconds=target,
                business_time=False,
                started_at=created,
                paused_since=now if paused else None,
                due_at=due,
                last_level=last,
                next_level=None if paused else nxt,
                next_at=None if paused else nxt_at,
            )
        )
    SlaClock.objects.bulk_create(clocks, batch_size=BATCH)


def _stopped_clocks(*, since: dt.datetime) -> int:
    """The first-response clock of every answered ticket of the period (the priority's default
    target, a breach recorded when the answer came later) and the resolution clock of every
    resolved one, stopped when it was resolved (its breach is recorded above). Returns the
    breaches written."""
    clocks, breaches = [], []
    rows = Ticket.objects.filter(created_at__gte=since, due_at__isnull=False).values_list(
        "id", "created_at", "due_at", "first_response_at", "resolved_at", "priority"
    )
    for pk, created, due, answered, resolved, priority in rows.iterator(chunk_size=BATCH):
        if answered is not None:
            target = DEFAULT_FIRST_RESPONSE.get(priority, DEFAULT_FIRST_RESPONSE["normal"]) * 60
            answer_due = created + dt.timedelta(seconds=target)
            clocks.append(_stopped(pk, Clock.FIRST_RESPONSE, created, target, answer_due, answered))
            if answered > answer_due:
                breaches.append(
                    SlaEvent(
                        ticket_id=pk,
                        clock=Clock.FIRST_RESPONSE,
                        level=Level.BREACH,
                        due_at=answer_due,
                        created_at=answer_due,
                    )
                )
        if resolved is not None:
            target = max(int((due - created).total_seconds()), 60)
            clocks.append(_stopped(pk, Clock.RESOLUTION, created, target, due, resolved))
    SlaClock.objects.bulk_create(clocks, batch_size=BATCH)
    SlaEvent.objects.bulk_create(breaches, batch_size=BATCH)
    return len(breaches)


def _stopped(pk, kind, started, target, due, stopped) -> SlaClock:
    return SlaClock(
        ticket_id=pk,
        kind=kind,
        policy_name="",
        target_seconds=target,
        business_time=False,
        started_at=started,
        stopped_at=stopped,
        due_at=due,
        next_level=None,
        next_at=None,
    )
