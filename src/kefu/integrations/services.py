"""Every write to webhooks: validate, one transaction, an audit record, and a bump of the
generation counter so every process sees the new list of active subscriptions."""

from __future__ import annotations

import datetime as dt
import secrets as secrets_module
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.core.events import EVENT_TYPES
from kefu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from kefu.integrations.outbox import RETRY_HOURS, bump_generation

SECRET_MIN, SECRET_MAX = 16, 200
TEST_EVENT = "webhook.test"


def may_manage(user, line_id: int | None = None) -> bool:
    """Administrators manage every line's webhooks; a manager those of their own line."""
    if not getattr(user, "is_active", False):
        return False
    if scope.is_admin(user):
        return True
    return (
        scope.rank(user) >= scope.RANK[scope.MANAGER]
        and bool(user.business_line_id)
        and (line_id is None or line_id == user.business_line_id)
    )


def require_manager(user, line_id: int | None = None) -> None:
    if not may_manage(user, line_id):
        raise PermissionDenied(
            _("Only an administrator or the manager of the business line manages webhooks.")
        )


def generate_secret() -> str:
    return "whsec_" + secrets_module.token_urlsafe(32)


def clean_url(value) -> str:
    url = str(value or "").strip()
    if not url:
        raise Invalid(_("Enter the URL that receives the events."), fields={"url": _("Required.")})
    if len(url) > 500:
        raise Invalid(_("The URL is too long."), fields={"url": _("At most 500 characters.")})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise Invalid(
            _("Enter a full http:// or https:// URL."),
            fields={"url": _("Not an http or https URL.")},
        )
    return url


def subscribable_events() -> list[str]:
    """Every logged event (guards are questions asked before a change, never sent)."""
    return [name for name, spec in EVENT_TYPES.items() if not spec.guard]


def clean_events(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    names = []
    for raw in value or ():
        name = str(raw).strip()
        if name and name not in names:
            names.append(name)
    if not names:
        raise Invalid(
            _("Choose at least one event."), fields={"events": _("Choose at least one event.")}
        )
    unknown = [n for n in names if n not in EVENT_TYPES or EVENT_TYPES[n].guard]
    if unknown:
        raise Invalid(
            _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)[:200]},
            fields={"events": _("Choose from the listed events.")},
        )
    return names


def clean_secret(value) -> str:
    secret = str(value or "").strip()
    if not secret:
        return generate_secret()
    if not SECRET_MIN <= len(secret) <= SECRET_MAX or not secret.isprintable():
        raise Invalid(
            _("The secret must be %(min)d to %(max)d printable characters.")
            % {"min": SECRET_MIN, "max": SECRET_MAX},
            fields={
                "secret": _("Between %(min)d and %(max)d characters.")
                % {"min": SECRET_MIN, "max": SECRET_MAX}
            },
        )
    return secret


def _description(value) -> str:
    text = str(value or "").strip()
    if len(text) > 200:
        raise Invalid(
            _("The description is too long."), fields={"description": _("At most 200 characters.")}
        )
    return text


@transaction.atomic
def subscription_create(
    *,
    actor,
    business_line,
    url,
    events,
    secret=None,
    description="",
    active: bool = True,
) -> WebhookSubscription:
    """A new subscription; its ``secret`` is generated when not given (show it once)."""
    if actor is not None:  # None: the command line, run by the operator
        require_manager(actor, business_line.pk)
    sub = WebhookSubscription.objects.create(
        business_line=business_line,
        url=clean_url(url),
        events=clean_events(events),
        secret=clean_secret(secret),
        description=_description(description),
        active=bool(active),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="integrations.webhook_create",
        obj=sub,
        changes={"url": sub.url, "events": sub.events, "active": sub.active},
    )
    bump_generation()
    return sub


def _locked(sub: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().get(pk=sub.pk)


@transaction.atomic
def subscription_update(*, actor, subscription, changes: dict) -> WebhookSubscription:
    """Change url, events, description or active (enabling clears the failure count)."""
    require_manager(actor, subscription.business_line_id)
    allowed = {"url", "events", "description", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    sub = _locked(subscription)
    before = {
        "url": sub.url,
        "events": sub.events,
        "description": sub.description,
        "active": sub.active,
    }
    if "url" in changes:
        sub.url = clean_url(changes["url"])
    if "events" in changes:
        sub.events = clean_events(changes["events"])
    if "description" in changes:
        sub.description = _description(changes["description"])
    if "active" in changes and bool(changes["active"]) != sub.active:
        _set_active(
            sub,
            bool(changes["active"]),
            reason=_("Disabled by %(name)s.")
            % {"name": getattr(actor, "name", "") or getattr(actor, "username", "")},
        )
    sub.save()
    after = {
        "url": sub.url,
        "events": sub.events,
        "description": sub.description,
        "active": sub.active,
    }
    changed = audit.diff(before, after)
    if changed:
        audit.record(actor=actor, action="integrations.webhook_update", obj=sub, changes=changed)
        bump_generation()
    return sub


def _set_active(sub: WebhookSubscription, active: bool, *, reason: str = "") -> None:
    now = timezone.now()
    sub.active = active
    if active:
        sub.failure_count, sub.failing_since = 0, None
        sub.disabled_at, sub.disabled_reason = None, ""
        # deliveries that waited while it was off and are now past their 24 h are given up
        WebhookDelivery.objects.filter(
            subscription=sub,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
            expires_at__lt=now,
        ).update(status=DeliveryStatus.GAVE_UP, last_error=_("Not sent within 24 hours."))
    else:
        sub.disabled_at, sub.disabled_reason = now, reason[:300]


def subscription_set_active(*, actor, subscription, active: bool) -> WebhookSubscription:
    return subscription_update(actor=actor, subscription=subscription, changes={"active": active})


@transaction.atomic
def subscription_rotate_secret(*, actor, subscription, secret=None) -> WebhookSubscription:
    """A new secret (generated unless given); deliveries sent from now on are signed with it."""
    require_manager(actor, subscription.business_line_id)
    sub = _locked(subscription)
    sub.secret = clean_secret(secret)
    sub.save(update_fields=["secret", "updated_at"])
    audit.record(actor=actor, action="integrations.webhook_rotate_secret", obj=sub)
    return sub


@transaction.atomic
def subscription_delete(*, actor, subscription) -> None:
    require_manager(actor, subscription.business_line_id)
    sub = _locked(subscription)
    audit.record(
        actor=actor, action="integrations.webhook_delete", obj=sub, changes={"url": sub.url}
    )
    WebhookDelivery.objects.filter(subscription_id=sub.pk).delete()
    sub.delete()
    bump_generation()


@transaction.atomic
def subscription_send_test(*, actor, subscription) -> WebhookDelivery:
    """Queue one ``webhook.test`` event to the subscription (sent once, even when disabled)."""
    require_manager(actor, subscription.business_line_id)
    now = timezone.now()
    uid = uuid.uuid4()
    body = {
        "id": str(uid),
        "type": TEST_EVENT,
        "occurred_at": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "object_type": "webhook_subscription",
        "object_id": subscription.pk,
        "business_line": subscription.business_line_id,
        "payload": {"message": "Kefu webhook test"},
    }
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=None,
        event_uid=uid,
        event_type=TEST_EVENT,
        test_body=body,
        created_at=now,
        next_attempt_at=now,
        expires_at=now + dt.timedelta(hours=RETRY_HOURS),
    )
    audit.record(actor=actor, action="integrations.webhook_test", obj=subscription)
    from kefu.integrations.outbox import enqueue

    transaction.on_commit(lambda: enqueue([delivery.pk]))
    return delivery


@transaction.atomic
def subscription_disable_failing(*, subscription_id: int, failures: int, now=None) -> bool:
    """Disable a subscription whose deliveries keep failing and tell the line's administrators
    and managers (in the app and by e-mail). True for the one caller that disabled it."""
    from kefu.integrations.delivery import notice_text

    now = now or timezone.now()
    sub = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
    if sub is None or not sub.active:
        return False
    text = notice_text(sub, failures)
    sub.active = False
    sub.disabled_at = now
    sub.disabled_reason = text[:300]
    sub.save(update_fields=["active", "disabled_at", "disabled_reason", "updated_at"])
    audit.record(
        actor=None,
        action="integrations.webhook_disabled",
        obj=sub,
        changes={"failures": failures},
    )
    bump_generation()
    _notify_managers(sub, text)
    return True


def _notify_managers(sub: WebhookSubscription, text: str) -> None:
    from django.db.models import Q

    from kefu.accounts.models import User
    from kefu.tickets.models_sla import Notification
    from kefu.tickets.notify import notify

    users = User.objects.filter(is_active=True).filter(
        Q(role=scope.ADMIN)
        | Q(is_superuser=True)
        | Q(role=scope.MANAGER, business_line_id=sub.business_line_id)
    )
    notify(list(users), kind=Notification.Kind.TASK, text=text)


def subscription_get_for(*, user, pk) -> WebhookSubscription:
    """A subscription the user manages; others (and unknown ids) are not found."""
    from kefu.integrations.selectors import subscriptions_for

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound()
    sub = subscriptions_for(user).filter(pk=pk).select_related("business_line").first()
    if sub is None:
        raise NotFound()
    return sub
