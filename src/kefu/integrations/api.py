"""/api/v1/webhooks: a business line's outbound webhooks and their delivery log.

Administrators and the line's manager only; mounted in ``kefu/api.py``. The secret is in the
answer of a create and of a rotation only (keep it then); other answers show its last four
characters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from kefu.core.errors import NotFound
from kefu.core.pagination import paginate
from kefu.integrations import selectors, services
from kefu.integrations.models import WebhookAttempt

router = Router(tags=["webhooks"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
EventName = Literal[tuple(services.subscribable_events())]  # type: ignore[valid-type]
DeliveryState = Literal["pending", "sending", "delivered", "failed", "gave_up"]


class WebhookSubscriptionOut(Schema):
    id: int
    business_line: int = Field(..., alias="business_line_id")
    url: str
    description: str
    events: list[str]
    active: bool
    secret_hint: str = Field(..., description="The last characters of the secret.")
    failure_count: int = Field(..., description="Failed deliveries in a row.")
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreatedOut(WebhookSubscriptionOut):
    secret: str = Field(..., description="Shown once: sign-check deliveries with it.")


class WebhookSubscriptionPageOut(Schema):
    items: list[WebhookSubscriptionOut]
    next: str | None


class WebhookSubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(..., max_length=500, examples=["https://example.com/kefu-hook"])
    events: list[EventName] = Field(..., min_length=1, examples=[["ticket.created"]])
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="Generated when not given."
    )
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookSubscriptionPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=500)
    events: list[EventName] | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class WebhookSecretIn(Schema):
    model_config = ConfigDict(extra="forbid")

    secret: str | None = Field(None, min_length=16, max_length=200)


class WebhookSecretOut(Schema):
    id: int
    secret: str


class WebhookDeliveryOut(Schema):
    id: int
    subscription: int = Field(..., alias="subscription_id")
    event_id: UUID = Field(..., alias="event_uid")
    event_type: str
    status: DeliveryState
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_duration_ms: int | None
    last_error: str
    delivered_at: datetime | None

    @staticmethod
    def resolve_next_attempt_at(obj):
        return obj.next_attempt_at if obj.status in ("pending", "failed") else None


class WebhookDeliveryPageOut(Schema):
    items: list[WebhookDeliveryOut]
    next: str | None


class WebhookAttemptOut(Schema):
    number: int
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str
    ok: bool


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    attempt_log: list[WebhookAttemptOut]

    @staticmethod
    def resolve_attempt_log(obj):
        return getattr(obj, "attempt_log_list", [])


def _line(user, business_line: int | None):
    from kefu.accounts import lines

    services.require_manager(user)
    return lines.line_for(user, business_line)


@router.get("", response=WebhookSubscriptionPageOut)
def webhook_list(
    request, business_line: int | None = None, cursor: str | None = None, limit: int | None = None
):
    """The webhooks of the lines the caller manages (an administrator may name one line)."""
    services.require_manager(request.user)
    qs = selectors.subscriptions_for(request.user)
    if business_line is not None:
        qs = qs.filter(business_line_id=business_line)
    return paginate(qs, ordering="-id", cursor=cursor, limit=limit)


@router.post("", response={201: WebhookSubscriptionCreatedOut})
def webhook_create(request, payload: WebhookSubscriptionIn, business_line: int | None = None):
    """Subscribe a URL to events of the line; the answer carries the secret, once."""
    sub = services.subscription_create(
        actor=request.user, business_line=_line(request.user, business_line), **payload.dict()
    )
    return Status(201, sub)


@router.get("/{webhook_id}", response=WebhookSubscriptionOut)
def webhook_get(request, webhook_id: Id):
    return services.subscription_get_for(user=request.user, pk=webhook_id)


@router.patch("/{webhook_id}", response=WebhookSubscriptionOut)
def webhook_update(request, webhook_id: Id, payload: WebhookSubscriptionPatchIn):
    """Change the URL, events or description; ``active`` disables or enables it (enabling
    clears the failure count)."""
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.subscription_update(actor=request.user, subscription=sub, changes=changes)


@router.delete("/{webhook_id}", response={204: None})
def webhook_delete(request, webhook_id: Id):
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    services.subscription_delete(actor=request.user, subscription=sub)
    return Status(204, None)


@router.post("/{webhook_id}/secret", response=WebhookSecretOut)
def webhook_rotate_secret(request, webhook_id: Id, payload: WebhookSecretIn | None = None):
    """A new secret (generated unless given), shown once; later deliveries are signed with it."""
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    secret = payload.secret if payload is not None else None
    sub = services.subscription_rotate_secret(actor=request.user, subscription=sub, secret=secret)
    return {"id": sub.pk, "secret": sub.secret}


@router.post("/{webhook_id}/test", response={202: WebhookDeliveryOut})
def webhook_test(request, webhook_id: Id):
    """Queue a ``webhook.test`` event to the URL (sent once); follow it in the delivery log."""
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    return Status(202, services.subscription_send_test(actor=request.user, subscription=sub))


@router.get("/{webhook_id}/deliveries", response=WebhookDeliveryPageOut)
def webhook_deliveries(
    request,
    webhook_id: Id,
    status: DeliveryState | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The delivery log, newest first: status, attempts, the last response code and time."""
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    qs = selectors.deliveries_of(sub)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, ordering="-id", cursor=cursor, limit=limit)


@router.get("/{webhook_id}/deliveries/{delivery_id}", response=WebhookDeliveryDetailOut)
def webhook_delivery_get(request, webhook_id: Id, delivery_id: Id):
    """One delivery with every attempt (time, response code, duration, error)."""
    sub = services.subscription_get_for(user=request.user, pk=webhook_id)
    delivery = selectors.deliveries_of(sub).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound()
    delivery.attempt_log_list = list(
        WebhookAttempt.objects.filter(delivery=delivery).order_by("id")[:100]
    )
    return delivery
