"""Two workers sweeping the same outbox at once send each delivery once (claims are one
``UPDATE … WHERE status/lease`` that only one of them wins). On PostgreSQL with DATABASE_URL
the workers are two real connections racing for the rows."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from kefu.core import events
from kefu.integrations import delivery
from kefu.integrations.models import WebhookDelivery
from kefu.integrations.services import subscription_create

from .receiver import Receiver

EVENTS = 40


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the in-memory SQLite test database locks whole tables between threads; on SQLite "
    "the slow kill -9 test races two worker processes",
)
def test_two_workers_at_once_send_every_delivery_exactly_once(
    org, manager, monkeypatch, synthetic_events
):
    from kefu.integrations import outbox

    # the deliveries wait in the outbox (no job after each commit): both sweeps find all of them
    monkeypatch.setattr(outbox, "enqueue", lambda ids: None)
    with Receiver("two-workers-secret-0001") as receiver:
        subscription_create(
            actor=manager,
            business_line=org.shop,
            url=receiver.url,
            events=["customer.created"],
            secret="two-workers-secret-0001",
        )
        published = [
            events.publish(
                "customer.created", object_id=i, business_line_id=org.shop.pk, payload={"name": "x"}
            )
            for i in range(EVENTS)
        ]
        start = threading.Barrier(2)
        results, errors = [], []

        def worker():
            try:
                start.wait()
                results.append(delivery.deliver_due())
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        sent = Counter(receiver.event_ids())
        assert set(sent) == {str(e.uid) for e in published}
        assert max(sent.values()) == 1, "a delivery was sent twice"
        assert sum(r.get("delivered", 0) for r in results) == EVENTS
        assert WebhookDelivery.objects.filter(status="delivered").count() == EVENTS
