"""Sending the outbox: claim a due delivery atomically, POST it signed, record the answer.

Runs in the job worker (after commit, and every minute for retries and for deliveries a dead
worker left), never inside a transaction: the HTTP call holds no lock. A claim is one
``UPDATE … WHERE status/next_attempt_at`` that only one worker can win; while sending, the
row's ``next_attempt_at`` is the end of the sender's lease, after which another worker may
send it again (at least once: receivers de-duplicate by ``X-Kefu-Event-Id``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core.events import event_json
from kefu.integrations import signing
from kefu.integrations.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

log = logging.getLogger("kefu.webhooks")
# one INFO line per POST from httpx would flood the worker log
logging.getLogger("httpx").setLevel(logging.WARNING)

TIMEOUT_SECONDS = float(os.environ.get("KEFU_WEBHOOK_TIMEOUT_SECONDS", "10"))
LEASE_SECONDS = float(os.environ.get("KEFU_WEBHOOK_LEASE_SECONDS", "60"))
DISABLE_AFTER_FAILURES = 10
DISABLE_AFTER = dt.timedelta(hours=1)
USER_AGENT = "Kefu-Webhooks/1"
DUE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENDING)


def due_q(now) -> Q:
    return Q(status__in=DUE, next_attempt_at__lte=now)


def claim(delivery_id: int, *, now=None) -> WebhookDelivery | None:
    """Take one due delivery of an active subscription for this worker; None if another
    worker has it, it is not due, or it is done."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    # the WHERE reads only the row itself, so on PostgreSQL a second worker waiting on the
    # row's lock re-checks it after the first one's commit and updates nothing
    won = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(due_q(now))
        .update(
            status=DeliveryStatus.SENDING,
            lease_token=token,
            next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS),
        )
    )
    if not won:
        return None
    delivery = (
        WebhookDelivery.objects.select_related("event", "subscription")
        .filter(pk=delivery_id, lease_token=token)
        .first()
    )
    if delivery is not None and not delivery.is_test and not delivery.subscription.active:
        # disabled meanwhile: the delivery waits for the subscription to be enabled again
        WebhookDelivery.objects.filter(pk=delivery_id, lease_token=token).update(
            status=DeliveryStatus.PENDING, lease_token="", next_attempt_at=now
        )
        return None
    return delivery


def body_of(delivery: WebhookDelivery) -> bytes:
    data = delivery.test_body if delivery.is_test else event_json(delivery.event)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def headers_for(delivery: WebhookDelivery, body: bytes, *, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Kefu-Event-Id": str(delivery.event_uid),
        "X-Kefu-Event": delivery.event_type,
        "X-Kefu-Delivery": str(delivery.pk),
        "X-Kefu-Attempt": str(delivery.attempts + 1),
        "X-Kefu-Timestamp": str(timestamp),
        "X-Kefu-Signature": signing.sign(delivery.subscription.secret, timestamp, body),
    }


@dataclass
class Outcome:
    ok: bool
    status_code: int | None
    duration_ms: int
    error: str


def post(client: httpx.Client, delivery: WebhookDelivery) -> Outcome:
    """One POST; any answer but a 2xx, a timeout or a connection error is a failure."""
    body = body_of(delivery)
    headers = headers_for(delivery, body, timestamp=int(time.time()))
    started = time.monotonic()
    code, error = None, ""
    try:
        response = client.post(delivery.subscription.url, content=body, headers=headers)
        code = response.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}: {response.text[:200]}"
    except httpx.TimeoutException:
        error = f"timed out after {TIMEOUT_SECONDS:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    except Exception as exc:  # a URL the HTTP client refuses, a body it cannot send …
        error = f"{type(exc).__name__}: {exc}"[:300]
    duration = int((time.monotonic() - started) * 1000)
    return Outcome(
        ok=code is not None and 200 <= code < 300,
        status_code=code,
        duration_ms=duration,
        error=error[:300],
    )


def record(delivery: WebhookDelivery, outcome: Outcome, *, now=None) -> str:
    """Store the attempt and the delivery's next state; count the subscription's failures and
    disable it (with a notice) after too many. Returns the delivery's new status."""
    now = now or timezone.now()
    attempts = delivery.attempts + 1
    if outcome.ok:
        status, next_at = DeliveryStatus.DELIVERED, now
    elif delivery.is_test:
        status, next_at = DeliveryStatus.GAVE_UP, now
    else:
        next_at = now + dt.timedelta(seconds=signing.backoff_seconds(attempts))
        status = DeliveryStatus.FAILED if next_at <= delivery.expires_at else DeliveryStatus.GAVE_UP
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery_id=delivery.pk,
            number=attempts,
            attempted_at=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
            ok=outcome.ok,
        )
        # only the lease holder moves the delivery on (a sender whose lease ran out and was
        # overtaken leaves the state to the newer one)
        WebhookDelivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token).update(
            status=status,
            attempts=attempts,
            next_attempt_at=next_at,
            lease_token="",
            last_attempt_at=now,
            last_status_code=outcome.status_code,
            last_duration_ms=outcome.duration_ms,
            last_error=outcome.error,
            delivered_at=now if outcome.ok else None,
        )
        if not delivery.is_test:
            _count(delivery.subscription_id, outcome.ok, now)
    return status


def _count(subscription_id: int, ok: bool, now) -> None:
    subs = WebhookSubscription.objects.filter(pk=subscription_id)
    if ok:
        subs.filter(failure_count__gt=0).update(failure_count=0, failing_since=None)
        return
    subs.update(failure_count=F("failure_count") + 1, failing_since=Coalesce("failing_since", now))
    sub = subs.filter(active=True).values("failure_count", "failing_since").first()
    if (
        sub
        and sub["failure_count"] >= DISABLE_AFTER_FAILURES
        and now - sub["failing_since"] >= DISABLE_AFTER
    ):
        from kefu.integrations.services import subscription_disable_failing

        subscription_disable_failing(
            subscription_id=subscription_id, failures=sub["failure_count"], now=now
        )


def send(
    ids: Iterable[int],
    *,
    client: httpx.Client | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Claim and send each of ``ids`` that is due; counts by resulting status."""
    counts: dict[str, int] = {}
    client = client or thread_client()
    for pk in ids:
        delivery = claim(pk)
        if delivery is not None:
            outcome = post(client, delivery)
            status = record(delivery, outcome)
            counts[str(status)] = counts.get(str(status), 0) + 1
        if progress:
            progress(1)
    return counts


_ssl_context = None
_local = threading.local()


def new_client() -> httpx.Client:
    """An HTTP client; the certificate store is loaded once per process (26 ms each time)."""
    global _ssl_context
    if _ssl_context is None:
        _ssl_context = ssl.create_default_context()
    return httpx.Client(
        timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False, verify=_ssl_context
    )


def thread_client() -> httpx.Client:
    """This thread's client, kept between jobs (its connections stay open to the receivers)."""
    client = getattr(_local, "client", None)
    key = (os.getpid(), TIMEOUT_SECONDS)
    if client is None or getattr(_local, "key", None) != key:
        client = _local.client = new_client()
        _local.key = key
    return client


def due_ids(*, limit: int = 500, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(due_q(now))
        .filter(Q(subscription__active=True) | Q(test_body__isnull=False))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deliver_due(
    *,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    seconds: float | None = None,
) -> dict[str, int]:
    """Send every delivery due now (retries, ones a dead worker left); counts by status. With
    ``seconds``, stop taking new batches after that long (the next sweep goes on)."""
    counts: dict[str, int] = {}
    seen: set[int] = set()
    client = thread_client()
    deadline = time.monotonic() + seconds if seconds is not None else None
    while deadline is None or time.monotonic() < deadline:
        batch = [pk for pk in due_ids(limit=200) if pk not in seen]
        if limit is not None:
            batch = batch[: max(limit - len(seen), 0)]
        if not batch:
            return counts
        seen.update(batch)
        if total:
            total(len(batch))
        for status, n in send(batch, client=client, progress=progress).items():
            counts[status] = counts.get(status, 0) + n
    return counts


def notice_text(sub: WebhookSubscription, failures: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Webhook %(url)s was disabled after %(n)d failed deliveries in a row. "
            "Fix the receiver, then enable it again on the webhooks page."
        ) % {"url": sub.url, "n": failures}


KEEP_DAYS = int(os.environ.get("KEFU_WEBHOOK_KEEP_DAYS", "30"))


def prune(*, now=None, batch: int = 5000) -> int:
    """Delete the log of deliveries finished (delivered or given up) more than ``KEEP_DAYS``
    ago, in batches; the number deleted. Deliveries still to send are never deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=KEEP_DAYS)
    # ids grow with time: the old rows are the table's first ones, read in id order up to the
    # first recent one (no index on created_at to keep up on every event)
    first_recent = (
        WebhookDelivery.objects.filter(created_at__gte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    old = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.GAVE_UP], created_at__lt=cutoff
    )
    if first_recent is not None:
        old = old.filter(pk__lt=first_recent)
    done = 0
    while True:
        ids = list(old.order_by("id").values_list("id", flat=True)[:batch])
        if not ids:
            return done
        with transaction.atomic():
            WebhookAttempt.objects.filter(delivery_id__in=ids).delete()
            done += WebhookDelivery.objects.filter(pk__in=ids)._raw_delete(
                WebhookDelivery.objects.db
            )
