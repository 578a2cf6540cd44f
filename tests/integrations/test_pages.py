"""The webhooks page: administrators and the line's manager list, add, edit, disable/enable,
rotate the secret (shown once), send a test event and read the delivery log; others get 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core import events
from kefu.integrations.models import WebhookDelivery, WebhookSubscription
from kefu.integrations.services import subscription_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_events")]
LIST = reverse("integrations:webhooks")


def test_the_empty_state_and_adding_a_webhook_shows_its_secret_once(org, manager, web_as):
    client = web_as(manager)
    page = client.get(LIST)
    assert page.status_code == 200 and b'id="webhooks-empty"' in page.content
    r = client.post(
        reverse("integrations:webhook_create"),
        {"url": "https://example.com/in", "events": ["ticket.created", "reply.created"]},
    )
    sub = WebhookSubscription.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("integrations:webhook", args=[sub.pk])
    assert (sub.business_line, sub.events, sub.created_by) == (
        org.shop,
        ["ticket.created", "reply.created"],
        manager,
    )
    first = client.get(r["Location"]).content.decode()
    assert sub.secret in first
    assert sub.secret not in client.get(r["Location"]).content.decode()
    assert "https://example.com/in" in client.get(LIST).content.decode()


def test_bad_input_on_the_page_says_why_and_adds_nothing(manager, web_as):
    client = web_as(manager)
    r = client.post(
        reverse("integrations:webhook_create"),
        {"url": "javascript:alert(1)", "events": ["ticket.created"]},
        follow=True,
    )
    assert r.status_code == 200 and "http:// or https://" in r.content.decode()
    r = client.post(
        reverse("integrations:webhook_create"), {"url": "https://x.example"}, follow=True
    )
    assert "Choose at least one event" in r.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_edit_disable_enable_rotate_test_and_delete(
    org, manager, web_as, django_capture_on_commit_callbacks
):
    client = web_as(manager)
    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="http://127.0.0.1:9/in",
        events=["ticket.created"],
    )
    old_secret = sub.secret
    client.post(
        reverse("integrations:webhook_update", args=[sub.pk]),
        {"url": "https://example.org/hook", "events": ["customer.created"], "description": "CRM"},
    )
    sub.refresh_from_db()
    assert (sub.url, sub.events, sub.description) == (
        "https://example.org/hook",
        ["customer.created"],
        "CRM",
    )
    client.post(reverse("integrations:webhook_toggle", args=[sub.pk]))
    sub.refresh_from_db()
    assert not sub.active and sub.disabled_at
    client.post(reverse("integrations:webhook_toggle", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.active
    r = client.post(reverse("integrations:webhook_rotate", args=[sub.pk]), follow=True)
    sub.refresh_from_db()
    assert sub.secret != old_secret and sub.secret in r.content.decode()
    client.post(reverse("integrations:webhook_test", args=[sub.pk]))
    assert WebhookDelivery.objects.filter(subscription=sub, event_type="webhook.test").count() == 1
    client.post(reverse("integrations:webhook_delete", args=[sub.pk]))
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_shows_codes_times_and_pages(org, manager, web_as):
    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="http://127.0.0.1:9/in",
        events=["customer.created"],
    )
    for i in range(30):
        events.publish(
            "customer.created", object_id=i, business_line_id=org.shop.pk, payload={"name": "x"}
        )
    WebhookDelivery.objects.filter(pk=WebhookDelivery.objects.order_by("-id").first().pk).update(
        status="failed",
        attempts=2,
        last_status_code=503,
        last_duration_ms=41,
        last_error="HTTP 503: busy",
    )
    client = web_as(manager)
    page = client.get(reverse("integrations:webhook", args=[sub.pk])).content.decode()
    assert "503" in page and "41 ms" in page and "HTTP 503: busy" in page
    assert page.count('class="delivery-row"') == 25 and "?cursor=" in page
    failed = client.get(reverse("integrations:webhook", args=[sub.pk]), {"status": "failed"})
    assert failed.content.decode().count('class="delivery-row"') == 1


def test_only_administrators_and_the_lines_manager_may_open_it(
    org, manager, supervisor, agent, web_as
):
    from testkit import make_user

    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="http://127.0.0.1:9/in",
        events=["ticket.created"],
    )
    for user in (supervisor, agent):
        client = web_as(user)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("integrations:webhook", args=[sub.pk])).status_code == 403
        assert "nav-webhooks" not in client.get("/").content.decode()
    wy_manager = make_user("wy_manager", "manager", business_line=org.property)
    client = web_as(wy_manager)
    assert client.get(reverse("integrations:webhook", args=[sub.pk])).status_code == 404
    assert client.post(reverse("integrations:webhook_toggle", args=[sub.pk])).status_code == 404
    assert WebhookSubscription.objects.get().active
    assert 'id="nav-webhooks"' in web_as(manager).get("/").content.decode()


def test_an_administrator_switches_lines(org, admin_user, manager, web_as):
    subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://shop.example/in",
        events=["ticket.created"],
    )
    client = web_as(admin_user)
    assert "https://shop.example/in" in client.get(LIST, {"line": org.shop.pk}).content.decode()
    other = client.get(LIST, {"line": org.property.pk}).content.decode()
    assert "https://shop.example/in" not in other and 'id="webhooks-empty"' in other
    client.post(
        reverse("integrations:webhook_create"),
        {
            "url": "https://wy.example/in",
            "events": ["ticket.created"],
            "business_line": org.property.pk,
        },
    )
    assert (
        WebhookSubscription.objects.get(url="https://wy.example/in").business_line == org.property
    )


def test_the_page_speaks_chinese_with_its_own_words(org, manager, web_as):
    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://crm.example/in",
        events=["customer.created"],
    )
    events.publish(
        "customer.created", object_id=1, business_line_id=org.shop.pk, payload={"name": "x"}
    )
    client = web_as(manager)
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "添加 Webhook" in page and "连续失败" in page
    detail = client.get(
        reverse("integrations:webhook", args=[sub.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    # words other apps translate differently (待作答 of surveys, 活动 of followups) are not borrowed
    assert "等待发送" in detail and "推送记录" in detail and ">事件<" in detail
    assert "待作答" not in detail and "活动" not in detail


def test_every_event_a_webhook_may_subscribe_to_is_named_in_words():
    from kefu.integrations.services import subscribable_events
    from kefu.integrations.views import EVENT_LABELS

    # an event added to core/events.py without words would show as a bare code on the page
    assert [name for name in subscribable_events() if name not in EVENT_LABELS] == []
