"""Webhooks (issue 16 §2): deliveries are POSTed signed to a real receiver on 127.0.0.1,
retried with exponential back-off while it fails or times out, delivered when it recovers,
given up after 24 h, and the subscription is disabled with a notice after repeated failure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kefu.core import events
from kefu.core.models import AuditEvent
from kefu.integrations import delivery, signing
from kefu.integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from kefu.integrations.services import subscription_create, subscription_send_test
from kefu.tickets.models_sla import Notification

from .receiver import Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_events")]
SECRET = "test-secret-0123456789"


def publish(line, n=1):
    return [
        events.publish(
            "customer.created",
            object_id=100 + i,
            business_line_id=line.pk,
            payload={"name": f"客户{i}"},
        )
        for i in range(n)
    ]


@pytest.fixture
def receiver():
    with Receiver(SECRET, slow_seconds=2) as r:
        yield r


@pytest.fixture
def hook(org, manager, receiver):
    return subscription_create(
        actor=manager,
        business_line=org.shop,
        url=receiver.url,
        events=["customer.created"],
        secret=SECRET,
    )


def later(minutes):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


def test_a_delivery_is_posted_signed_with_the_event_id_and_the_event_as_body(org, hook, receiver):
    (event,) = publish(org.shop)
    counts = delivery.deliver_due()
    assert counts == {"delivered": 1}
    (req,) = receiver.requests
    headers = req["headers"]
    assert headers["X-Kefu-Event-Id"] == str(event.uid)
    assert headers["X-Kefu-Event"] == "customer.created"
    assert req["verified"], "the receiver's check of X-Kefu-Signature failed"
    assert (
        signing.sign(SECRET, headers["X-Kefu-Timestamp"], req["body"])
        == headers["X-Kefu-Signature"]
    )
    assert req["json"] == events.event_json(event)
    assert req["json"]["payload"] == {"name": "客户0"}
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)


def test_a_signature_made_with_another_secret_or_body_or_an_old_timestamp_fails():
    body = b'{"id":"x"}'
    ts = "1700000000"
    sig = signing.sign(SECRET, ts, body)
    assert signing.verify(SECRET, body, ts, sig, now=1700000010)
    assert not signing.verify("another-secret-xxxxxx", body, ts, sig, now=1700000010)
    assert not signing.verify(SECRET, body + b" ", ts, sig, now=1700000010)
    assert not signing.verify(SECRET, body, ts, sig, now=1700000000 + 3600)
    assert not signing.verify(SECRET, body, None, sig)


def test_back_off_doubles_from_one_minute_and_stops_at_an_hour():
    assert [signing.backoff_seconds(n) for n in range(1, 10)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
        3600,
    ]


def test_a_failing_then_timing_out_receiver_is_retried_on_schedule_until_it_recovers(
    org, hook, receiver, monkeypatch
):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.5)
    (event,) = publish(org.shop)
    receiver.script.extend(["fail", "slow"])
    start = timezone.now()

    # the first attempt gets a 500: failed, the next one in a minute
    assert delivery.deliver_due() == {"failed": 1}
    row = WebhookDelivery.objects.get()
    assert row.last_status_code == 500 and row.attempts == 1
    assert row.next_attempt_at - row.last_attempt_at == dt.timedelta(minutes=1)
    assert delivery.deliver_due() == {}  # not due yet

    # a minute later the receiver times out: failed with the error, the next in two minutes
    with later(1.01):
        assert delivery.deliver_due() == {"failed": 1}
    row.refresh_from_db()
    assert row.last_status_code is None and "timed out" in row.last_error
    assert row.next_attempt_at - row.last_attempt_at == dt.timedelta(minutes=2)

    # two minutes after that it has recovered: delivered, same event id every time
    with later(3.02):
        assert delivery.deliver_due() == {"delivered": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 3, 200)
    assert receiver.event_ids() == [str(event.uid)] * 3
    attempts = list(WebhookAttempt.objects.filter(delivery=row).order_by("number"))
    assert [(a.status_code, a.ok) for a in attempts] == [(500, False), (None, False), (200, True)]
    assert all(a.attempted_at >= start for a in attempts)
    assert WebhookSubscription.objects.get(pk=hook.pk).failure_count == 0


def test_a_refused_connection_is_a_failure_with_its_error(org, manager):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscription_create(
        actor=manager,
        business_line=org.shop,
        url=f"http://127.0.0.1:{port}/",
        events=["customer.created"],
    )
    publish(org.shop)
    assert delivery.deliver_due() == {"failed": 1}
    row = WebhookDelivery.objects.get()
    assert row.last_error and row.last_status_code is None


def test_after_24_hours_of_failures_the_delivery_is_given_up(org, hook, receiver):
    # the receiver refuses one event for good and takes the others (so the webhook stays on)
    (bad,) = publish(org.shop)
    receiver.reject.add(str(bad.uid))
    statuses = []
    for _ in range(40):
        row = WebhookDelivery.objects.get(event=bad)
        if row.status == "gave_up":
            break
        minutes = (row.next_attempt_at - timezone.now()).total_seconds() / 60 + 0.01
        with later(max(minutes, 0)):
            publish(org.shop)  # a good event between two retries
            counts = delivery.deliver_due()
        assert counts.pop("delivered", 0) == 1
        statuses.extend(counts)
    row = WebhookDelivery.objects.get(event=bad)
    assert row.status == "gave_up"
    assert statuses[-1] == "gave_up" and set(statuses[:-1]) == {"failed"}
    # 1+2+4+8+16+32 min, then hourly: every try was within the 24 h after the event
    assert row.last_attempt_at <= row.expires_at == bad.occurred_at + dt.timedelta(hours=24)
    assert row.attempts == len(statuses) and 25 <= row.attempts <= 31
    assert WebhookSubscription.objects.get(pk=hook.pk).active


def test_repeated_failure_disables_the_subscription_and_tells_the_lines_managers(
    org, hook, receiver, manager, admin_user, agent
):
    from testkit import make_user

    other_manager = make_user("wy_manager", "manager", business_line=org.property)
    manager.email = "manager@example.com"
    manager.save()
    publish(org.shop, n=12)
    receiver.script.extend(["fail"] * 12)
    # ten failures within a minute are not enough: it must keep failing for an hour
    assert delivery.deliver_due() == {"failed": 12}
    assert WebhookSubscription.objects.get(pk=hook.pk).active
    receiver.script.extend(["fail"] * 12)
    with later(61):
        # the first failure an hour into the streak disables it: the rest wait, unsent
        assert delivery.deliver_due() == {"failed": 1}
    sub = WebhookSubscription.objects.get(pk=hook.pk)
    assert not sub.active and sub.disabled_at and "disabled after" in sub.disabled_reason
    # the line's manager and the administrator are told in the app, the others are not
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"manager", "admin"}
    assert AuditEvent.objects.filter(action="integrations.webhook_disabled").count() == 1
    assert other_manager.pk and agent.pk
    # and nothing more is sent to it, nor written for new events
    requests = len(receiver.requests)
    publish(org.shop)
    with later(200):
        assert delivery.deliver_due() == {}
    assert len(receiver.requests) == requests


def test_the_notice_goes_out_by_email_after_the_commit(
    org, hook, receiver, manager, django_capture_on_commit_callbacks
):
    from kefu.integrations.services import subscription_disable_failing

    manager.email = "manager@example.com"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert subscription_disable_failing(subscription_id=hook.pk, failures=10)
    assert [m.to for m in mail.outbox] == [["manager@example.com"]]
    assert hook.url in mail.outbox[0].body
    assert not subscription_disable_failing(subscription_id=hook.pk, failures=11)


def test_a_delivery_is_claimed_by_one_worker_only(org, hook, receiver):
    publish(org.shop)
    pk = WebhookDelivery.objects.get().pk
    first = delivery.claim(pk)
    assert first is not None
    assert delivery.claim(pk) is None  # a second worker gets nothing while the lease runs
    delivery.record(first, delivery.post(delivery.new_client(), first))
    assert delivery.claim(pk) is None  # delivered: nobody sends it again
    assert len(receiver.requests) == 1


def test_a_delivery_left_by_a_dead_worker_is_sent_again_after_its_lease(org, hook, receiver):
    (event,) = publish(org.shop)
    pk = WebhookDelivery.objects.get().pk
    assert delivery.claim(pk) is not None  # …and the worker dies before it records anything
    assert delivery.deliver_due() == {}
    with later(delivery.LEASE_SECONDS / 60 + 0.1):
        assert delivery.deliver_due() == {"delivered": 1}
    assert receiver.event_ids() == [str(event.uid)]


def test_a_test_event_is_sent_once_and_logged(org, hook, receiver, manager):
    receiver.script.append("fail")
    test = subscription_send_test(actor=manager, subscription=hook)
    assert delivery.deliver_due() == {"gave_up": 1}
    test.refresh_from_db()
    assert test.last_status_code == 500 and test.attempts == 1
    (req,) = receiver.requests
    assert req["verified"] and req["json"]["type"] == "webhook.test"
    assert json.loads(req["body"])["id"] == str(test.event_uid)
    # a test never counts towards disabling the subscription
    assert WebhookSubscription.objects.get(pk=hook.pk).failure_count == 0


def test_the_log_of_finished_deliveries_is_pruned_after_30_days_but_not_what_is_still_due(
    org, hook, receiver
):
    publish(org.shop, n=3)
    delivery.deliver_due()
    publish(org.shop)  # still waiting
    WebhookDelivery.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    assert WebhookAttempt.objects.count() == 3
    assert delivery.prune() == 3
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["pending"]
    assert not WebhookAttempt.objects.exists()


def test_a_sweep_with_no_time_left_leaves_the_rest_to_the_next_one(org, hook, receiver):
    publish(org.shop, n=2)
    assert delivery.deliver_due(seconds=0) == {}
    assert delivery.deliver_due(seconds=50) == {"delivered": 2}
