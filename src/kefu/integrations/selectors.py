"""Reads that the webhooks page, the API and the CLI share, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core import scope
from kefu.integrations.models import WebhookDelivery, WebhookSubscription


def subscriptions_for(user) -> QuerySet[WebhookSubscription]:
    """Administrators: every line's; a line's manager: that line's; others: none."""
    qs = WebhookSubscription.objects.all()
    if not getattr(user, "is_active", False):
        return qs.none()
    if scope.is_admin(user):
        return qs
    if scope.rank(user) >= scope.RANK[scope.MANAGER] and user.business_line_id:
        return qs.filter(business_line_id=user.business_line_id)
    return qs.none()


def deliveries_of(subscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription_id=subscription.pk)
