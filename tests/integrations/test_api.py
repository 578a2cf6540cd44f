"""/api/v1/webhooks: administrators and the line's manager manage webhooks of their line;
bad input is a 4xx that changes nothing; the secret shows once."""

from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent
from kefu.integrations.models import WebhookDelivery, WebhookSubscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_events")]
URL = "/api/v1/webhooks"


def create(client, **extra):
    body = {"url": "https://example.com/in", "events": ["ticket.created"], **extra}
    return client.post(URL, body)


def test_a_manager_creates_a_webhook_of_the_line_and_sees_the_secret_once(org, manager, api_as):
    api = api_as(manager)
    r = create(api)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["business_line"] == org.shop.pk and body["secret"].startswith("whsec_")
    assert body["active"] is True and body["events"] == ["ticket.created"]
    again = api.get(f"{URL}/{body['id']}").json()
    assert "secret" not in again and again["secret_hint"] == "…" + body["secret"][-4:]
    assert AuditEvent.objects.filter(action="integrations.webhook_create").count() == 1
    listed = api.get(URL).json()
    assert [w["id"] for w in listed["items"]] == [body["id"]] and listed["next"] is None


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(manager, api_as):
    api = api_as(manager)
    for extra, field in (
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": ["ticket.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"secret": "short"}, "secret"),
        ({"colour": "red"}, "colour"),
    ):
        r = create(api, **extra)
        assert r.status_code in (400, 422), (extra, r.content)
        fields = r.json()["error"]["fields"]
        assert any(k.split(".")[0] == field for k in fields), (extra, r.json())
    assert not WebhookSubscription.objects.exists()


def test_agents_supervisors_and_other_lines_cannot_see_or_touch_them(
    org, manager, supervisor, agent, wy_agent, api_as
):
    from testkit import make_user

    hook = create(api_as(manager)).json()
    wy_manager = make_user("wy_manager", "manager", business_line=org.property)
    for user in (supervisor, agent):
        api = api_as(user)
        assert api.get(URL).status_code == 403
        assert create(api).status_code == 403
        assert api.get(f"{URL}/{hook['id']}").status_code == 404
    other = api_as(wy_manager)
    assert other.get(URL).json()["items"] == []
    assert other.get(f"{URL}/{hook['id']}").status_code == 404
    assert other.patch(f"{URL}/{hook['id']}", {"active": False}).status_code == 404
    assert other.delete(f"{URL}/{hook['id']}").status_code == 404
    assert WebhookSubscription.objects.get().active


def test_an_administrator_names_the_line(org, admin_user, api_as):
    api = api_as(admin_user)
    r = create(api)
    assert r.status_code == 400 and "business_line" in r.json()["error"]["fields"]
    r = api.client.post(
        f"{URL}?business_line={org.property.pk}",
        {"url": "http://10.1.2.3:8080/hook", "events": ["customer.created"]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["business_line"] == org.property.pk


def test_disable_enable_edit_rotate_and_delete(org, manager, api_as):
    api = api_as(manager)
    hook = create(api, secret="my-own-secret-1234567").json()
    assert hook["secret"] == "my-own-secret-1234567"
    path = f"{URL}/{hook['id']}"
    r = api.patch(path, {"active": False, "events": ["ticket.created", "reply.created"]})
    assert r.status_code == 200, r.content
    assert r.json()["active"] is False and r.json()["disabled_at"]
    assert r.json()["events"] == ["ticket.created", "reply.created"]
    r = api.patch(path, {"active": True})
    assert r.json()["active"] is True and r.json()["disabled_at"] is None
    rotated = api.post(f"{path}/secret").json()
    assert rotated["secret"] != hook["secret"]
    assert WebhookSubscription.objects.get().secret == rotated["secret"]
    assert api.patch(path, {"url": "gopher://x"}).status_code in (400, 422)
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_the_delivery_log_pages_with_codes_and_times(org, manager, api_as):
    from kefu.core import events

    api = api_as(manager)
    hook = create(api, events=["customer.created"]).json()
    for i in range(3):
        events.publish(
            "customer.created", object_id=i, business_line_id=org.shop.pk, payload={"name": "x"}
        )
    WebhookDelivery.objects.filter(pk=WebhookDelivery.objects.order_by("id").first().pk).update(
        status="failed", attempts=1, last_status_code=502, last_error="HTTP 502"
    )
    page = api.get(f"{URL}/{hook['id']}/deliveries", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"]
    rest = api.get(f"{URL}/{hook['id']}/deliveries", {"limit": 2, "cursor": page["next"]}).json()
    items = page["items"] + rest["items"]
    assert [i["event_type"] for i in items] == ["customer.created"] * 3
    assert items[-1]["last_status_code"] == 502 and items[-1]["status"] == "failed"
    failed = api.get(f"{URL}/{hook['id']}/deliveries", {"status": "failed"}).json()["items"]
    assert len(failed) == 1
    one = api.get(f"{URL}/{hook['id']}/deliveries/{failed[0]['id']}").json()
    assert one["attempt_log"] == [] and one["event_id"]


def test_a_test_event_is_queued(org, manager, api_as):
    api = api_as(manager)
    hook = create(api).json()
    r = api.post(f"{URL}/{hook['id']}/test")
    assert r.status_code == 202 and r.json()["event_type"] == "webhook.test"


def test_schema_names_are_unique_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    names = set(doc["components"]["schemas"])
    assert {"WebhookSubscriptionOut", "WebhookSubscriptionIn", "WebhookDeliveryOut"} <= names
    assert any(p.startswith("/api/v1/webhooks") for p in doc["paths"])


def test_without_a_token_every_webhook_operation_is_401(client):
    for method, path in (
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}/1"),
        ("patch", f"{URL}/1"),
        ("delete", f"{URL}/1"),
        ("post", f"{URL}/1/secret"),
        ("post", f"{URL}/1/test"),
        ("get", f"{URL}/1/deliveries"),
    ):
        r = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer ")
        assert r.status_code == 401, (method, path, r.status_code, r.content[:200])
        assert r.json()["error"]["code"] == "unauthorized"
