"""Closed months' figures, counted once and kept (``MonthFigures``), so the year-end summary
counts only the running month live (issue 22; bench/README.md).

A month is *closed* once it has ended in local time. Its figures are stored per scope — every
viewer whose scope is a whole business line (managers, administrators for one line), a whole
department (supervisors) or everything (administrators, the command line) shares the rows of
that scope; the team-level roles are always counted live.

Honesty: a closed month's figures change only through a late change to a row it counts — a
ticket created in it (its type, grade, clocks stopped or reopened, its callbacks cancelled) or a
callback due in it (logged). The services publish each such change as a domain event; the
in-transaction subscribers below move the ``MonthStamp`` of the row's month (and, when a
ticket's status changes, of the months its callbacks are due in: a reopen cancels them; when a
registered letter completes an event-letter callback, of the month it was due in) in the
change's own transaction. A cached month is used only while its stamp equals the month's; the stamp is read
*before* the month is counted, so a change that commits while a reader counts makes that
reader's row stale at once (the next reader counts the month again). Survey answers are dated
when they are given (``surveys.services``), so they never reach a closed month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from kefu.core import scope

Months = list  # of statement.Month
SHAPE_KEY = "shape"


def scope_key(user, line_id) -> str | None:
    """The key of the rows ``user`` sees for ``line_id`` (None: every line the user sees), or
    None when the user's scope is narrower than a department (counted live)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if scope.is_admin(user):
        return f"line:{line_id}" if line_id else "all"
    if scope.at_least(user, scope.MANAGER) and user.business_line_id:
        return f"line:{line_id}" if line_id == user.business_line_id else None
    if scope.at_least(user, scope.SUPERVISOR) and user.department_id and line_id:
        return f"dept:{user.department_id}:line:{line_id}"
    return None


def first_open_month(today: dt.date | None = None) -> dt.date:
    """The first day of the running month (local time): months before it are closed."""
    return (today or timezone.localdate()).replace(day=1)


def _month_starts(first: dt.date, until: dt.date) -> list[dt.date]:
    out = []
    day = first.replace(day=1)
    while day < until:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def figures(
    user, line_id, months: Months, count: Callable[[Months], dict[str, dict]], *, shape: int
):
    """{month label: figures} for ``months``: closed months from the cache where it is valid,
    the rest from ``count(months)`` (which may return more months than asked: they are kept
    only if asked). Writes the newly counted closed months. ``shape`` is the version of the
    figures' layout: a row kept in another shape is counted again."""
    key = scope_key(user, line_id)
    this_month = first_open_month()
    closed = [m for m in months if m.end <= this_month]
    if key is None or not closed:
        out = count(months)
        return {m.label: out[m.label] for m in months}
    stamps = _stamps([m.start for m in closed])
    rows = {
        r.month: r
        for r in _cached()
        .filter(scope=key, month__in=[m.start for m in closed])
        .only("month", "stamp", "figures")
    }
    out = {
        m.label: rows[m.start].figures
        for m in closed
        if m.start in rows
        and rows[m.start].stamp == stamps[m.start]
        and rows[m.start].figures.get(SHAPE_KEY) == shape
    }
    todo = [m for m in months if m.label not in out]
    if todo:
        counted = count(todo)
        out.update({m.label: counted[m.label] for m in todo})
        _store(
            key,
            [
                (m, stamps[m.start], {**counted[m.label], SHAPE_KEY: shape})
                for m in todo
                if m in closed
            ],
        )
    return out


def _cached():
    from kefu.reports.models import MonthFigures

    return MonthFigures.objects


def _stamps(starts: list[dt.date]) -> dict[dt.date, int]:
    """The current stamp of each month, creating the missing ones (version 0) first, in their
    own committed statement so a concurrent late change sees them."""
    from kefu.reports.models import MonthStamp

    with transaction.atomic():
        MonthStamp.objects.bulk_create(
            [MonthStamp(month=s, version=0) for s in starts], ignore_conflicts=True
        )
    return dict(MonthStamp.objects.filter(month__in=starts).values_list("month", "version"))


def _store(key: str, rows: list[tuple]) -> None:
    from kefu.reports.models import MonthFigures

    if not rows:
        return
    now = timezone.now()
    with transaction.atomic():
        MonthFigures.objects.bulk_create(
            [
                MonthFigures(scope=key, month=m.start, stamp=stamp, figures=data, computed_at=now)
                for m, stamp, data in rows
            ],
            update_conflicts=True,
            unique_fields=["scope", "month"],
            update_fields=["stamp", "figures", "computed_at"],
        )


# -- late changes ---------------------------------------------------------------------------


def late_change(*days: dt.date) -> int:
    """Rows counted in the months of ``days`` changed: move the stamps of those that are closed
    (one statement; none for the running month). Returns the number of months moved."""
    from kefu.reports.models import MonthStamp

    first_open = first_open_month()
    starts = sorted({d.replace(day=1) for d in days if d.replace(day=1) < first_open})
    if not starts:
        return 0
    table = connection.ops.quote_name(MonthStamp._meta.db_table)
    values = ", ".join(["(%s, 1)"] * len(starts))
    sql = (
        f"INSERT INTO {table} (month, version) VALUES {values} "  # nosec B608 (no user text)
        f"ON CONFLICT (month) DO UPDATE SET version = {table}.version + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(s) for s in starts])
    return len(starts)


def _ticket_created(event) -> dt.datetime | None:
    from kefu.tickets.models import Ticket, TicketMessage

    subject = getattr(event, "subject", None)
    if isinstance(subject, Ticket):
        return subject.created_at
    if isinstance(subject, TicketMessage):
        field = TicketMessage._meta.get_field("ticket")
        if field.is_cached(subject):
            return subject.ticket.created_at
    return Ticket.objects.filter(pk=event.object_id).values_list("created_at", flat=True).first()


def on_ticket_changed(event) -> None:
    """ticket.updated, ticket.status_changed, reply.created, complaint.graded of a ticket created
    in a closed month: that month (its type, grade, clocks); on a status change also the months
    its callbacks are due in (a reopen cancels the open ones, a resolution earlier rounds')."""
    from kefu.followups.models import CallbackTask

    created = _ticket_created(event)
    if created is None or created >= _open_bound():
        return
    days = [timezone.localdate(created)]
    if event.type == "ticket.status_changed":
        days += CallbackTask.objects.filter(ticket_id=event.object_id).values_list(
            "due_on", flat=True
        )
    late_change(*days)


def on_callback_logged(event) -> None:
    """callback.logged: the month the callback was due in (done or reached), if closed."""
    from kefu.followups.models import CallbackTask

    task = getattr(event, "subject", None)
    due = (
        task.due_on
        if isinstance(task, CallbackTask)
        else CallbackTask.objects.filter(pk=event.object_id)
        .values_list("due_on", flat=True)
        .first()
    )
    if due is not None and due < first_open_month():
        late_change(due)


def on_letter_registered(event) -> None:
    """letter.registered with a callback: sending the letter completes an event-letter task
    (``followups.services.registers``, a bulk update that logs no callback), so the month the
    task was due in, if closed, counts one more callback completed."""
    from kefu.followups.models import CallbackTask, LetterRecord

    record = getattr(event, "subject", None)
    callback_id = (
        record.callback_id
        if isinstance(record, LetterRecord)
        else LetterRecord.objects.filter(pk=event.object_id)
        .values_list("callback_id", flat=True)
        .first()
    )
    if callback_id is None:
        return
    due = CallbackTask.objects.filter(pk=callback_id).values_list("due_on", flat=True).first()
    if due is not None and due < first_open_month():
        late_change(due)


def on_category_deleted(sender, instance, **kwargs) -> None:
    """A category deleted (the admin's category page): its tickets lose it (SET_NULL, an update
    that publishes no event), so every closed month holding one of its tickets moves; the
    kept month would otherwise list complaints under a category that no longer exists."""
    from kefu.tickets.models import Ticket

    months = (
        Ticket.objects.filter(category_id=instance.pk, created_at__lt=_open_bound())
        .datetimes("created_at", "month")
        .order_by()
    )
    late_change(*(timezone.localdate(m) for m in months))


def _open_bound() -> dt.datetime:
    return dt.datetime.combine(
        first_open_month(), dt.time(), tzinfo=timezone.get_current_timezone()
    )


TICKET_EVENTS = ("ticket.updated", "ticket.status_changed", "reply.created", "complaint.graded")


def subscribe() -> None:
    from kefu.core.events import subscribe as on

    for name in TICKET_EVENTS:
        on(name, on_ticket_changed)
    on("callback.logged", on_callback_logged)
    on("letter.registered", on_letter_registered)
    from django.db.models.signals import pre_delete

    from kefu.tickets.models import Category

    pre_delete.connect(on_category_deleted, sender=Category, dispatch_uid="month_cache_category")


def clear() -> int:
    """Forget every cached month (the demo after its bulk rows, which publish no events)."""
    deleted, _rows = _cached().all().delete()
    return deleted
