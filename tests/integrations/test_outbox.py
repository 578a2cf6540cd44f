"""Webhooks (issue 16 §2): the outbox row is written in the change's transaction, a rolled-back
change leaves none, only the subscriber's business line counts, and a line without webhooks
pays no query beyond the event itself."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kefu.core import events
from kefu.integrations import outbox
from kefu.integrations.models import WebhookDelivery
from kefu.integrations.services import subscription_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_events")]


def publish(line, name="customer.created", object_id=7):
    payloads = {
        "customer.created": {"name": "张三"},
        "ticket.updated": {"changed": {"priority": ["normal", "high"]}, "version": 2},
    }
    return events.publish(
        name,
        object_id=object_id,
        business_line_id=line.pk if line else None,
        payload=payloads[name],
    )


@pytest.fixture
def hook(org, manager):
    return subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://hooks.example.com/kefu",
        events=["customer.created", "ticket.created"],
    )


def test_the_delivery_row_is_written_in_the_changes_transaction(org, hook):
    with transaction.atomic():
        event = publish(org.shop)
        # inside the transaction, before any commit: the outbox row exists already
        row = WebhookDelivery.objects.get(subscription=hook)
    assert (row.event_id, row.event_uid, row.event_type, row.status) == (
        event.pk,
        event.uid,
        "customer.created",
        "pending",
    )


def test_a_rolled_back_change_leaves_no_delivery_and_sends_nothing(
    org, hook, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(org.shop)
        raise RuntimeError("the change fails")
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_only_events_of_the_subscribers_line_and_of_its_chosen_types(org, hook):
    publish(org.property)  # another line
    publish(None)  # no line at all
    publish(org.shop, "ticket.updated")  # a type it did not choose
    assert not WebhookDelivery.objects.exists()
    publish(org.shop)
    assert WebhookDelivery.objects.filter(subscription=hook).count() == 1


def test_a_subscription_made_in_another_process_counts_once_the_token_is_checked(org, monkeypatch):
    from kefu.integrations.models import SubscriptionGeneration, WebhookSubscription

    monkeypatch.setattr(outbox, "CHECK_SECONDS", 3600)
    publish(org.shop)  # warm: the shop has no webhooks
    # another process adds one: the row and the generation token change, not this cache
    sub = WebhookSubscription.objects.create(
        business_line=org.shop,
        url="http://127.0.0.1:9/x",
        events=["customer.created"],
        secret="s" * 20,
    )
    SubscriptionGeneration.objects.update_or_create(pk=1, defaults={"value": 99})
    publish(org.shop)
    assert not WebhookDelivery.objects.exists()  # still the cached answer
    monkeypatch.setattr(outbox, "CHECK_SECONDS", 0)
    publish(org.shop)
    assert WebhookDelivery.objects.filter(subscription=sub).count() == 1


def test_a_disabled_subscription_gets_no_new_deliveries(org, hook, manager):
    from kefu.integrations.services import subscription_set_active

    subscription_set_active(actor=manager, subscription=hook, active=False)
    publish(org.shop)
    assert not WebhookDelivery.objects.exists()
    subscription_set_active(actor=manager, subscription=hook, active=True)
    publish(org.shop)
    assert WebhookDelivery.objects.count() == 1


def test_each_subscription_of_the_line_gets_its_own_delivery(org, hook, manager):
    other = subscription_create(
        actor=manager, business_line=org.shop, url="http://10.0.0.5/in", events="customer.created"
    )
    event = publish(org.shop)
    assert set(
        WebhookDelivery.objects.filter(event=event).values_list("subscription", flat=True)
    ) == {
        hook.pk,
        other.pk,
    }


def test_an_event_of_a_line_without_webhooks_costs_no_query_of_its_own(org, hook, monkeypatch):
    monkeypatch.setattr(outbox, "CHECK_SECONDS", 3600)
    publish(org.shop)  # the cache of this process is warm now
    with CaptureQueriesContext(connection) as ctx:
        publish(org.property)
    tables = [q["sql"] for q in ctx.captured_queries]
    assert len(tables) == 1 and "core_domainevent" in tables[0], tables


def test_deliveries_committed_close_together_are_handed_to_the_queue_in_one_job(monkeypatch):
    """Off the request's path: a thread of the process hands them over, one job per burst."""
    import threading

    from huey.contrib.djhuey import HUEY

    jobs, done = [], threading.Event()

    def enqueue(ids):
        jobs.append(ids)
        done.set()

    from kefu.core.handoff import HandOff

    monkeypatch.setattr(outbox, "enqueue", enqueue)
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(HandOff, "WINDOW", 0.5)
    nudger = HandOff("test-nudger", lambda ids: outbox.enqueue(ids))
    nudger.add([1])
    nudger.add([2, 3])
    assert done.wait(10)
    assert jobs == [[1, 2, 3]]
