"""The transactional outbox: one ``WebhookDelivery`` row per event and matching subscription,
written by an in-transaction subscriber of every domain event (so a rolled-back change sends
nothing and a committed one loses nothing), and handed to the job worker after the commit.

Publishing must stay cheap for intake: each process keeps the active subscriptions of every
line in memory and checks a one-row generation counter at most every ``CHECK_SECONDS`` to know
whether they changed. An event of a line without webhooks costs no query of its own. A change
made in this process applies at once; one made elsewhere within ``CHECK_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

from django.db import transaction
from django.utils import timezone

from kefu.core.handoff import HandOff

RETRY_HOURS = 24
CHECK_SECONDS = float(os.environ.get("KEFU_WEBHOOK_CHECK_SECONDS", "1"))


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation: int | None = None
        self.checked_at = float("-inf")
        self.by_line: dict[int, list[tuple[int, frozenset[str]]]] = {}

    def invalidate(self) -> None:
        with self.lock:
            self.generation = None
            self.checked_at = float("-inf")

    def for_line(self, line_id: int) -> list[tuple[int, frozenset[str]]]:
        now = time.monotonic()
        if now - self.checked_at >= CHECK_SECONDS:
            self._renew(now)
        return self.by_line.get(line_id, [])

    def _renew(self, now: float) -> None:
        from kefu.integrations.models import SubscriptionGeneration, WebhookSubscription

        generation = (
            SubscriptionGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
        ) or 0
        if generation != self.generation:
            by_line: dict[int, list[tuple[int, frozenset[str]]]] = {}
            rows = WebhookSubscription.objects.filter(active=True).values_list(
                "id", "business_line_id", "events"
            )
            for pk, line_id, names in rows:
                by_line.setdefault(line_id, []).append((pk, frozenset(names or ())))
            with self.lock:
                self.by_line = by_line
                self.generation = generation
        self.checked_at = now


cache = _Cache()


def bump_generation() -> None:
    """Call in the transaction of every change to a subscription: the other processes reload
    their list when it commits, this one at once (and again after the commit)."""
    from django.db.models import F

    from kefu.integrations.models import SubscriptionGeneration

    if not SubscriptionGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        SubscriptionGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
    cache.invalidate()
    transaction.on_commit(cache.invalidate)


def write_deliveries(event) -> list[int]:
    """The in-transaction subscriber: the outbox rows of ``event`` (ids), sent after commit."""
    line_id = event.business_line_id
    if line_id is None or event.pk is None:  # no line, or a guard (asked, never logged)
        return []
    targets = [pk for pk, names in cache.for_line(line_id) if event.type in names]
    if not targets:
        return []
    from kefu.integrations.models import WebhookDelivery

    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription_id=pk,
                event=event,
                event_uid=event.uid,
                event_type=event.type,
                created_at=now,
                next_attempt_at=now,
                expires_at=event.occurred_at + dt.timedelta(hours=RETRY_HOURS),
            )
            for pk in targets
        ]
    )
    ids = [row.pk for row in rows]
    _enqueue_after_commit(ids)
    return ids


class _Enqueue:
    """The after-commit hand-off of a transaction's deliveries: a bulk import's thousands of
    events make a few hand-offs of up to ``BATCH`` deliveries, not one each."""

    BATCH = 500

    def __init__(self, ids: list[int]) -> None:
        self.ids = list(ids)

    def __call__(self) -> None:
        nudger.add(self.ids)


# a request never waits for the queue's write, and under load one job carries many deliveries;
# a lost hand-off loses nothing: the rows are in the outbox and the minute sweep sends them
nudger = HandOff("kefu-webhooks-nudger", lambda ids: enqueue(ids))


def _enqueue_after_commit(ids: list[int]) -> None:
    conn = transaction.get_connection()
    if conn.in_atomic_block and conn.run_on_commit:
        # still registered (a rolled-back savepoint removes it), so it runs after the commit
        last = conn.run_on_commit[-1][1]
        if isinstance(last, _Enqueue) and len(last.ids) < _Enqueue.BATCH:
            last.ids.extend(ids)
            return
    transaction.on_commit(_Enqueue(ids))


def enqueue(ids: list[int]) -> None:
    """Hand committed deliveries to the job worker (the minute sweep catches any it misses)."""
    from kefu.integrations.tasks import webhooks_deliver_job

    try:
        nudger.enqueue_task(webhooks_deliver_job.s(list(ids)))
    except Exception:  # a queue that is down: the periodic sweep sends them
        import logging

        logging.getLogger("kefu.webhooks").exception("could not enqueue deliveries %s", ids)
