"""Domain events (issue 16 §1): the log is written in the change's transaction, in-transaction
subscribers share it (and can refuse it), after-commit subscribers run only after a commit, and
``kefu events list`` pages through the log with a cursor."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from kefu.cli import main
from kefu.core import events
from kefu.core.errors import Invalid
from kefu.core.models import DomainEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_the_test_listeners(monkeypatch):
    """The mechanism is tested alone: the apps' own subscribers (which read real rows) are
    set aside; tests/core/test_event_publication.py covers them."""
    from collections import defaultdict

    monkeypatch.setattr(events, "_in_transaction", defaultdict(list))
    monkeypatch.setattr(events, "_after_commit", defaultdict(list))


@pytest.fixture
def listeners():
    """Subscribe test handlers for customer.created and remove them afterwards."""
    added = []

    def add(handler, *, after_commit=False):
        events.subscribe("customer.created", handler, after_commit=after_commit)
        added.append((handler, after_commit))
        return handler

    yield add
    for handler, after_commit in added:
        table = events._after_commit if after_commit else events._in_transaction
        table["customer.created"].remove(handler)


def _publish(name="customer.created", **payload):
    return events.publish(
        name, object_id=7, business_line_id=1, payload=payload or {"name": "张三"}
    )


def test_an_event_is_logged_with_a_stable_id_and_its_payload():
    event = _publish()
    stored = DomainEvent.objects.get(pk=event.pk)
    assert (stored.type, stored.object_type, stored.object_id) == (
        "customer.created",
        "customer",
        7,
    )
    assert stored.payload == {"name": "张三"} and stored.uid


def test_an_unknown_event_or_payload_is_a_programming_error():
    with pytest.raises(events.UnknownEvent):
        events.publish("ticket.exploded", object_id=1, business_line_id=None, payload={})
    with pytest.raises(events.UnknownEvent):
        _publish(name="customer.created", surname="张")


def test_a_rolled_back_change_leaves_no_event_and_runs_no_after_commit_work(
    listeners, django_capture_on_commit_callbacks
):
    ran = []
    listeners(lambda e: ran.append(e.pk), after_commit=True)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _publish()
        raise RuntimeError("the change fails after publishing")
    assert not DomainEvent.objects.exists()
    assert ran == []


def test_after_commit_subscribers_run_once_the_change_commits(
    listeners, django_capture_on_commit_callbacks
):
    ran = []
    listeners(lambda e: ran.append(e.type), after_commit=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            _publish()
        assert ran == []  # not inside the transaction
    for callback in callbacks:
        callback()
    assert ran == ["customer.created"]


def test_an_in_transaction_subscriber_can_refuse_the_change(listeners):
    def refuse(event):
        raise Invalid("no")

    listeners(refuse)
    with pytest.raises(Invalid), transaction.atomic():
        _publish()
    assert not DomainEvent.objects.exists()


def test_a_failing_after_commit_subscriber_does_not_stop_the_others(listeners):
    ran = []

    def broken(event):
        raise RuntimeError("mail server down")

    listeners(broken, after_commit=True)
    listeners(lambda e: ran.append(e.pk), after_commit=True)
    event = DomainEvent.objects.create(
        type="customer.created",
        object_type="customer",
        object_id=1,
        occurred_at="2026-12-06T00:00Z",
    )
    assert events.dispatch_after_commit(event.pk) == 1
    assert ran == [event.pk]


def test_a_batch_subscriber_gets_the_jobs_events_at_once_in_order(
    django_capture_on_commit_callbacks,
):
    """``publish_many``'s job reads its events in one query and hands a batch subscriber the
    list once (the IM payment reminders leave so in a fixed number of queries); a per-event
    subscriber of the same type still gets each event, and a batch subscriber that fails does
    not stop it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batches, each = [], []

    def broken(batch):
        raise RuntimeError("adapter down")

    events.subscribe("customer.created", broken, after_commit=True, batch=True)
    events.subscribe("customer.created", lambda b: batches.append(b), after_commit=True, batch=True)
    events.subscribe("customer.created", lambda e: each.append(e.pk), after_commit=True)
    items = [
        {"object_id": i, "business_line_id": 1, "payload": {"name": f"买家{i}"}} for i in range(5)
    ]
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        published = events.publish_many("customer.created", items)
    ids = [e.pk for e in published]
    assert len(batches) == 1 and [e.pk for e in batches[0]] == ids and each == ids
    reads = [q for q in ctx.captured_queries if "core_domainevent" in q["sql"].lower()]
    assert len(reads) == 2  # one INSERT of the five, one SELECT of them by the job
    with pytest.raises(ValueError):
        events.subscribe("customer.created", broken, batch=True)  # in-transaction: not a batch


def test_every_event_type_names_its_object_and_payload():
    for name, spec in events.EVENT_TYPES.items():
        assert name == spec.name and "." in name
        assert spec.object_type and spec.payload and spec.doc


def test_kefu_events_list_pages_through_the_log_with_a_cursor(capsys):
    for i in range(5):
        events.publish(
            "customer.created", object_id=i, business_line_id=1, payload={"name": f"客户{i}"}
        )

    assert main(["events", "list", "--limit", "3", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [i["object_id"] for i in first["items"]] == [0, 1, 2]
    assert {"id", "type", "occurred_at", "object_id", "payload"} <= set(first["items"][0])
    assert first["next"]

    assert main(["events", "list", "--after", first["next"], "--limit", "3", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert [i["object_id"] for i in second["items"]] == [3, 4]
    assert second["next"] is None

    assert main(["events", "list", "--after", "not-a-cursor", "--json"]) == 2
    assert "cursor" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_an_event_of_a_transaction_still_running_is_listed_only_after_it_commits():
    """PostgreSQL hands out ids at insert: an event with a lower id may commit after one with a
    higher id, and a reader that had moved its cursor past it would never see it."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: ids commit in order")
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            _publish()  # takes the lower id
            inserted.set()
            release.wait(timeout=30)
        connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    inserted.wait(timeout=30)
    _publish()  # commits first, with the higher id
    try:
        assert events.log_page()["items"] == []  # the earlier transaction is still running
    finally:
        release.set()
        writer.join(timeout=30)
    # once it ends both are listed, unless a transaction elsewhere on the server (another test
    # process's database) began before them: the snapshot's xmin is server-wide
    import time

    for _ in range(100):
        if len(events.log_page()["items"]) == 2:
            return
        time.sleep(0.2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_snapshot_xmin(txid_current_snapshot())")
        xmin = cursor.fetchone()[0]
    oldest = DomainEvent.objects.order_by("txid").values_list("txid", flat=True).first()
    if xmin <= oldest:
        pytest.skip("a transaction of another database on this server is older than the events")
    raise AssertionError("the events of committed transactions are not listed")
