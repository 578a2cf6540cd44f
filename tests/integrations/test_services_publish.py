"""Webhooks receive the events the services publish: a ticket created through the API reaches
its line's webhook (and not another line's); a guard event is never delivered; a bulk import's
events make a few jobs, not one each."""

from __future__ import annotations

import pytest
from django.db import transaction

from kefu.core import events
from kefu.integrations import outbox
from kefu.integrations.models import WebhookDelivery
from kefu.integrations.services import subscription_create

pytestmark = pytest.mark.django_db


def test_a_ticket_created_through_the_api_is_delivered_to_its_lines_webhook(
    org, manager, agent, api_as, django_capture_on_commit_callbacks, monkeypatch
):
    shop = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://shop.example/in",
        events=["ticket.created"],
    )
    other = subscription_create(
        actor=None,
        business_line=org.property,
        url="https://wy.example/in",
        events=["ticket.created"],
    )
    queued = []
    monkeypatch.setattr(outbox, "enqueue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        r = api_as(agent).post(
            "/api/v1/tickets",
            {
                "title": "快递破损",
                "type": "complaint",
                "channel": "phone",
                "customer_phone": "13800001111",
                "customer_name": "王五",
            },
        )
    assert r.status_code == 201, r.content
    (row,) = WebhookDelivery.objects.filter(event_type="ticket.created")
    assert row.subscription_id == shop.pk and row.event.object_id == r.json()["id"]
    assert not WebhookDelivery.objects.filter(subscription=other).exists()
    assert [row.pk] in queued  # handed to the worker after the commit


def test_a_guard_event_is_never_delivered_nor_offered(org, manager):
    from kefu.core.errors import Invalid

    guards = [n for n, spec in events.EVENT_TYPES.items() if spec.guard]
    if not guards:
        pytest.skip("no guard events")
    with pytest.raises(Invalid):
        subscription_create(
            actor=manager, business_line=org.shop, url="https://x.example/in", events=guards[:1]
        )


def test_a_bulk_publish_makes_a_few_jobs(
    org, manager, django_capture_on_commit_callbacks, monkeypatch, synthetic_events
):
    subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://shop.example/in",
        events=["customer.created"],
    )
    queued = []
    monkeypatch.setattr(outbox, "enqueue", queued.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish_many(
            "customer.created",
            [
                {"object_id": i, "business_line_id": org.shop.pk, "payload": {"name": f"c{i}"}}
                for i in range(1200)
            ],
        )
    assert WebhookDelivery.objects.count() == 1200
    assert sorted(len(batch) for batch in queued) == [200, 500, 500]
    assert sorted(i for batch in queued for i in batch) == sorted(
        WebhookDelivery.objects.values_list("id", flat=True)
    )
