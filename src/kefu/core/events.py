"""Domain events: every event Kefu publishes, its payload, and the one way to publish and listen.

A service that changes something calls ``publish(...)`` inside its transaction. That

1. writes the event to the event log (``DomainEvent``) in the same transaction, so nothing is
   published for a change that is rolled back and nothing is lost for one that commits: the log
   is the transactional outbox that webhooks and ``kefu events list`` read;
2. runs the subscribers that share the transaction (a callback task made on resolution, a
   complaint regraded): they may refuse with a ``DomainError``, which rolls the change back;
3. after the commit, hands the event to a thread of the process that enqueues the job running
   the after-commit subscribers (mail, SMS, the call register) at once (``core.handoff``), so a
   slow or failing side effect never holds a lock, undoes the change or makes the request wait
   for the queue.

Apps subscribe in their ``AppConfig.ready()`` with ``subscribe(...)``; an app never imports another
app's services to react to its changes (import-linter holds the layering in ``make test``).
Payloads carry ids and codes, never translated labels: a receiver renders them in its language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BigIntegerField, Func, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kefu.core.handoff import HandOff

log = logging.getLogger("kefu.events")


@dataclass(frozen=True)
class EventType:
    name: str
    object_type: str
    payload: tuple[str, ...]
    doc: str
    # a guard is asked before a change: its in-transaction subscribers may refuse it; it is not
    # logged (nothing happened yet), so webhooks and ``kefu events list`` never carry it
    guard: bool = False


# Every event, its object and the keys of its payload. Adding an event starts here.
EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            "ticket.created",
            "ticket",
            (
                "number",
                "title",
                "type",
                "channel",
                "priority",
                "status",
                "team",
                "assignee",
                "customer",
                "first_owner",
            ),
            "A ticket was recorded (intake, API, import).",
        ),
        EventType(
            "ticket.updated",
            "ticket",
            ("changed", "version"),
            "Fields of a ticket changed; ``changed`` is {field: [before, after]} (ids, codes and "
            "ISO times; the description's text is not carried: null).",
        ),
        EventType(
            "ticket.closing",
            "ticket",
            ("before", "version"),
            "About to close a ticket (a guard, not logged): a subscriber may refuse the close.",
            guard=True,
        ),
        EventType(
            "ticket.status_changed",
            "ticket",
            ("before", "after", "version"),
            "A ticket moved between statuses (status codes).",
        ),
        EventType(
            "reply.created",
            "ticket",
            ("message", "author", "delivery_status"),
            "A reply to the customer was written on a ticket.",
        ),
        EventType(
            "note.created",
            "ticket",
            ("message", "author"),
            "An internal note was written on a ticket.",
        ),
        EventType(
            "callback.logged",
            "callback",
            ("ticket", "customer", "outcome", "attempt", "reached"),
            "A callback attempt was logged with its outcome code; ``reached`` says whether it "
            "reached the customer (a contact: it moves the customer's last contact).",
        ),
        EventType(
            "call.registered",
            "call_record",
            ("customer", "ticket", "direction", "result", "started_at"),
            "A call was entered in the call register (direction in/out, result code, ISO start).",
        ),
        EventType(
            "letter.registered",
            "letter_record",
            ("customer", "ticket", "kind", "channel", "sent_on"),
            "A letter was entered in the letter register (kind and channel codes, ISO date).",
        ),
        EventType(
            "complaint.graded",
            "ticket",
            ("grade", "before", "rule"),
            "A complaint's grade (一般/重复/恶性) was set or changed (grade codes and the code of "
            "the rule that changed it: reopened, failed_callbacks, same_subject, third_repeat, "
            "supervisor, flag).",
        ),
        EventType(
            "customer.created",
            "customer",
            ("name",),
            "A customer entered the archive (form, intake, API or import).",
        ),
        EventType(
            "customer.updated",
            "customer",
            ("changed", "version"),
            "Fields of a customer changed; ``changed`` is {field: [before, after]}; contact data "
            "is never in the payload: a changed phone, phone2, email or address reads null.",
        ),
        EventType(
            "customer.merged",
            "customer",
            ("merged_into",),
            "A duplicate customer was merged into another (the object is the merged one).",
        ),
        EventType(
            "survey.answered",
            "survey_invitation",
            ("ticket", "customer", "questionnaire", "csi", "nps"),
            "A customer answered a satisfaction survey: ``csi`` is the answer's CSI in percent "
            "(a string, or null without scored questions), ``nps`` the 0–10 recommend score.",
        ),
        EventType(
            "qa.review.completed",
            "qa_review",
            ("agent", "reviewer", "form", "ticket", "score", "failed", "period"),
            "A QA review (质检) was scored: ``score`` in percent (a string), ``failed`` when a "
            "critical item failed it, ``period`` its month (YYYY-MM).",
        ),
        EventType(
            "qa.appeal.filed",
            "qa_review",
            ("agent", "reviewer", "decider", "deadline"),
            "The agent appealed a QA review (申诉); ``decider`` is the second reviewer, "
            "``deadline`` the ISO date they decide by (business calendar).",
        ),
        EventType(
            "qa.appeal.decided",
            "qa_review",
            ("agent", "decider", "outcome", "score_before", "score_after"),
            "The second reviewer decided an appeal: ``outcome`` upheld or changed, scores in "
            "percent (strings).",
        ),
        EventType(
            "reminder.due",
            "reminder",
            ("order", "customer", "channel", "text"),
            "A payment reminder (催付) left on SMS or is due on IM (channel code): the channel "
            "adapters deliver IM reminders with ``text``, the campaign's IM script filled in (null "
            "for SMS, which leaves with its own text).",
        ),
        EventType(
            "complaint.judged",
            "ticket",
            ("validity", "category", "first_owner"),
            "A complaint was judged valid or not valid at 澄清判定 (validity code, the ticket's "
            "category id or null, the first-ask owner's id).",
        ),
        EventType(
            "ticket.assigning",
            "team",
            ("ticket", "assignees", "source"),
            "About to give a team's tickets to agents (a guard, not logged): ``assignees`` are user "
            "ids, ``source`` manual or routing, ``ticket`` the id or null at intake. A subscriber "
            "refuses with ``Ineligible`` naming the user ids (the 上岗 gate); routing skips them.",
            guard=True,
        ),
        EventType(
            "roster.staffing",
            "skill_group",
            ("agents", "source"),
            "About to roster agents (user ids) to a skill group (a guard, not logged; ``source`` "
            "solver or pin): a subscriber refuses with ``Ineligible`` naming the user ids.",
            guard=True,
        ),
        EventType(
            "reply.requeued",
            "ticket",
            ("message", "channel"),
            "A failed or unsent reply was queued again to be sent (delivery channel code).",
        ),
        EventType(
            "workshop.update",
            "appointment",
            ("customer", "stage", "status", "update"),
            "A 4S workshop appointment reached a status the customer is told about (SR-4): "
            "``stage`` before, during or after the repair, ``update`` the id of the message, "
            "which the booking app sends through the messaging outbox after the commit.",
        ),
        EventType(
            "care.notice",
            "care_notice",
            ("order", "customer", "kind"),
            "A care SMS of an order left through the outbox (kind unshipped, shipped, delivered "
            "or confirm; CARE-1).",
        ),
        EventType(
            "worklog.task_carried_over",
            "work_task",
            ("owner", "planned_for", "log"),
            "A task of yesterday's work-log plan was not done on its day and is carried over "
            "(WL-3); the quality app deducts the carried-over rule once per task.",
        ),
        EventType(
            "shop.indicator_warning",
            "indicator_warning",
            ("shop", "day", "code", "event", "value", "threshold", "status"),
            "A shop's DSR or after-sales indicator of ``day`` came within the warning margin of an "
            "event's entry threshold (``status`` warn) or fell past it (below); once per "
            "indicator and day (SAT-7). The supervisors of the line are notified.",
        ),
        EventType(
            "mail.sent",
            "outbound_mail",
            ("ticket", "customer", "kind", "reply"),
            "An e-mail left for a customer (``kind`` reply or notice, ``reply`` the message id or "
            "null); the letter register records it (LOG-2).",
        ),
        EventType(
            "mail.received",
            "inbound_mail",
            ("ticket", "customer", "status"),
            "A customer's e-mail opened or joined a ticket (``status`` created or threaded); the "
            "letter register records it.",
        ),
    )
}

Handler = Callable[["DomainEvent"], None]  # noqa: F821  (kefu.core.models.DomainEvent)
_in_transaction: dict[str, list[Handler]] = defaultdict(list)
_after_commit: dict[str, list[Handler]] = defaultdict(list)
#: after-commit handlers that take a list of events of their type (``subscribe(batch=True)``)
_batched: set = set()
ANY = "*"


class UnknownEvent(ValueError):
    """A programming error: an event name or payload that ``EVENT_TYPES`` does not list."""


def subscribe(
    name: str,
    handler: Handler | None = None,
    *,
    after_commit: bool = False,
    batch: bool = False,
):
    """Register ``handler(event)`` for ``name`` (or ``ANY``); usable as a decorator.

    In-transaction handlers run in the publisher's transaction, in registration order; after-commit
    handlers run in the job worker once the transaction has committed. An after-commit handler
    registered with ``batch=True`` is called as ``handler(events)`` with the events of one job
    (those of a ``publish_many``, a single one after ``publish``), so it can read and write for
    the batch in a fixed number of queries; it handles each event's failure itself."""
    if name != ANY and name not in EVENT_TYPES:
        raise UnknownEvent(name)
    if batch and not after_commit:
        raise ValueError("batch handlers run after the commit")

    def register(fn: Handler) -> Handler:
        table = _after_commit if after_commit else _in_transaction
        if fn not in table[name]:
            table[name].append(fn)
        if batch:
            _batched.add(fn)
        return fn

    return register(handler) if handler is not None else register


def publish(
    name: str,
    *,
    object_id: int,
    business_line_id: int | None,
    payload: dict,
    actor=None,
    subject=None,
):
    """Record the event in the caller's transaction and run its subscribers (see the module).

    ``subject`` is the changed object as the publisher holds it (a ticket, a customer): the
    in-transaction subscribers read it as ``event.subject`` (and the acting user as
    ``event.actor``) instead of querying it again; neither is stored, so an after-commit
    subscriber reads the object from the database. A guard event writes nothing."""
    spec = _spec(name, payload)
    event = _event(spec, object_id, business_line_id, payload, actor)
    if not spec.guard:
        from kefu.core.db import insert_rows

        insert_rows([event])
    event.subject, event.actor = subject, actor
    for handler in (*_in_transaction[name], *_in_transaction[ANY]):
        handler(event)
    if not spec.guard and (_after_commit[name] or _after_commit[ANY]):
        transaction.on_commit(lambda: dispatcher.add([event.pk]))
    return event


def _enqueue_dispatch(ids: list[int]) -> None:
    """At once (a run-at-once queue: tests) or from the hand-off thread."""
    from kefu.core.tasks import event_dispatch_many_job

    try:
        dispatcher.enqueue_task(event_dispatch_many_job.s(list(ids)))
    except Exception:  # a queue that is down: logged with the events that wait
        log.exception("could not enqueue the after-commit handlers of events %s", ids)


# the after-commit handlers of committed events, handed to the job queue by a thread of the
# process (core.handoff): the intake no longer waits for the queue's write. No gathering window:
# a reply e-mail's hand-off has no sweep behind it, so the thread writes at once, and under load
# the events committed while it writes make the next job
dispatcher = HandOff("kefu-events-dispatcher", _enqueue_dispatch, window=0.0)


def publish_many(name: str, items: list[dict], *, actor=None, batch_size: int = 1000) -> list:
    """``publish`` for many objects at once (bulk imports): one ``bulk_create`` of the log rows
    instead of one INSERT each, then the same subscribers with the same semantics: in-transaction
    ones for every event, in order; after-commit ones in one job for the batch, event by event.
    ``items`` are dicts
    of ``object_id``, ``business_line_id``, ``payload`` and optionally ``subject``."""
    from kefu.core.db import is_postgres
    from kefu.core.models import DomainEvent

    if not items:
        return []
    specs = [_spec(name, item["payload"]) for item in items]
    if specs[0].guard:
        raise UnknownEvent(f"{name} is a guard: publish it for one object")
    events = [
        _event(spec, item["object_id"], item["business_line_id"], item["payload"], actor, False)
        for spec, item in zip(specs, items, strict=True)
    ]
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            txid = cursor.fetchone()[0]
        for event in events:
            event.txid = txid
    # PostgreSQL and SQLite both return the ids of bulk-created rows
    events = DomainEvent.objects.bulk_create(events, batch_size=batch_size)
    handlers = (*_in_transaction[name], *_in_transaction[ANY])
    for event, item in zip(events, items, strict=True):
        event.subject, event.actor = item.get("subject"), actor
        for handler in handlers:
            handler(event)
    if _after_commit[name] or _after_commit[ANY]:
        from kefu.core.tasks import event_dispatch_many_job

        ids = [event.pk for event in events]
        transaction.on_commit(lambda: event_dispatch_many_job(ids))
    return events


def _spec(name: str, payload: dict) -> EventType:
    spec = EVENT_TYPES.get(name)
    if spec is None:
        raise UnknownEvent(name)
    if set(payload) != set(spec.payload):
        raise UnknownEvent(f"{name} payload keys {sorted(payload)} ≠ {sorted(spec.payload)}")
    return spec


def _event(spec: EventType, object_id, business_line_id, payload: dict, actor, txid=True):
    from kefu.core.audit import _jsonable
    from kefu.core.db import is_postgres
    from kefu.core.models import DomainEvent

    return DomainEvent(
        txid=Func(function="txid_current", output_field=BigIntegerField())
        if txid and is_postgres() and not spec.guard
        else None,
        type=spec.name,
        object_type=spec.object_type,
        object_id=object_id,
        business_line_id=business_line_id,
        actor_id=getattr(actor, "pk", None),
        occurred_at=timezone.now(),
        payload=_jsonable(payload),
    )


def dispatch_after_commit(event_id: int) -> int:
    """Run the after-commit handlers of one event (the job); each failure is logged and the
    others still run. Returns the number of handlers that ran without error."""
    return dispatch_after_commit_many([event_id])


#: events read at once by a batch job
DISPATCH_CHUNK = 1000


def dispatch_after_commit_many(event_ids: list[int]) -> int:
    """Run the after-commit handlers of events published together (the job of a
    ``publish_many``): the events are read a thousand at a time in one query each; per-event
    handlers run event by event, in order; a batch handler once per event type and chunk with
    the list. Each failure is logged and the others still run. Returns the number of
    (handler, event) runs without error."""
    from kefu.core.models import DomainEvent

    done = 0
    for i in range(0, len(event_ids), DISPATCH_CHUNK):
        chunk = list(
            DomainEvent.objects.filter(pk__in=event_ids[i : i + DISPATCH_CHUNK]).order_by("id")
        )
        by_type: dict[str, list] = defaultdict(list)
        for event in chunk:
            event.subject = event.actor = None  # read what you need: the change has committed
            by_type[event.type].append(event)
            for handler in (*_after_commit[event.type], *_after_commit[ANY]):
                if handler in _batched:
                    continue
                try:
                    handler(event)
                    done += 1
                except Exception:
                    log.exception("after-commit handler %s failed for event %s", handler, event.uid)
        for name, batch in by_type.items():
            for handler in (*_after_commit[name], *_after_commit[ANY]):
                if handler not in _batched:
                    continue
                try:
                    handler(batch)
                    done += len(batch)
                except Exception:
                    log.exception(
                        "after-commit handler %s failed for %d %s events", handler, len(batch), name
                    )
    return done


def subscribers(name: str) -> dict[str, list[str]]:
    """Who listens to ``name`` (for the docs page and tests): qualified handler names."""

    def names(handlers: list[Handler]) -> list[str]:
        return [f"{h.__module__}.{h.__qualname__}" for h in handlers]

    return {
        "in_transaction": names(_in_transaction[name] + _in_transaction[ANY]),
        "after_commit": names(_after_commit[name] + _after_commit[ANY]),
    }


def settled(queryset):
    """The events of ``queryset`` whose transactions have all ended, so a reader that moves a
    cursor past an id never skips an event committed later with a lower id (PostgreSQL hands
    ids out at insert; SQLite writes one transaction at a time, so every visible row counts)."""
    from kefu.core.db import is_postgres

    if not is_postgres():
        return queryset
    # the reader's own transaction sees its own events
    running_from = RawSQL("txid_snapshot_xmin(txid_current_snapshot())", [])
    own = RawSQL("txid_current_if_assigned()", [])
    return queryset.filter(Q(txid__lt=running_from) | Q(txid=own))


MAX_PAGE = 1000


class BadCursor(ValueError):
    """A cursor that ``log_page`` did not hand out."""


def log_page(*, after: str | None = None, limit: int = 100, business_line_ids=None) -> dict:
    """One page of the event log after the opaque cursor ``after`` (None: from the start):
    ``{"items": [...], "next": cursor or None}``; ``business_line_ids`` limits it to those lines.
    ``next`` is None when the log has nothing more now; each item carries its ``cursor``, so a
    reader polls again later from the last one it handled."""
    from kefu.core.models import DomainEvent

    if after in (None, ""):
        last = 0
    elif isinstance(after, str) and after.isdigit() and len(after) < 19:
        last = int(after)
    else:
        raise BadCursor(after)
    limit = max(1, min(int(limit), MAX_PAGE))
    qs = DomainEvent.objects.filter(id__gt=last)
    if business_line_ids is not None:
        qs = qs.filter(business_line_id__in=list(business_line_ids))
    rows = list(settled(qs).order_by("id")[: limit + 1])
    items = [{**event_json(e), "cursor": str(e.pk)} for e in rows[:limit]]
    return {"items": items, "next": items[-1]["cursor"] if len(rows) > limit else None}


def event_json(event) -> dict:
    """An event as integrators read it (webhook bodies, the event export)."""
    return {
        "id": str(event.uid),
        "type": event.type,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "business_line": event.business_line_id,
        "payload": event.payload,
    }
