"""Outbound webhooks: subscriptions per business line and the transactional outbox of
deliveries (one row per event and subscription, written in the change's transaction)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel
from kefu.core.sealed import SealedCharField


class WebhookSubscription(TimestampedModel):
    """Where a business line's events are POSTed, signed with ``secret``."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(pgettext_lazy("webhook", "events"), default=list)
    # the worker signs every delivery with it (shown to people only once); sealed at rest
    secret = SealedCharField(_("secret"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    failure_count = models.PositiveIntegerField(_("consecutive failures"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["business_line", "-id"], name="webhook_line")]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}" if self.secret else ""


class SubscriptionGeneration(models.Model):
    """One row whose ``value`` grows with every change to a subscription: the cheap token by
    which each process knows its cached list of active subscriptions is still current."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("webhook settings generation")
        verbose_name_plural = _("webhook settings generations")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook", "Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class WebhookDelivery(models.Model):
    """One event for one subscription (the outbox row) and the state of its sending."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        # an event published while a subscription is being deleted must never fail the change
        db_constraint=False,
    )
    event = models.ForeignKey(
        "core.DomainEvent",
        verbose_name=pgettext_lazy("webhook", "event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    event_uid = models.UUIDField(pgettext_lazy("webhook", "event id"))
    event_type = models.CharField(pgettext_lazy("webhook", "event"), max_length=40)
    # the body of a test event (real events are rendered from the event log when sent)
    test_body = models.JSONField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt"))
    expires_at = models.DateTimeField(_("retried until"))
    # while sending: ``next_attempt_at`` is the end of the sender's lease (a dead worker's
    # delivery is due again once it passes) and ``lease_token`` names the sender
    lease_token = models.CharField(max_length=32, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_error = models.CharField(_("error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")
        ]
        indexes = [
            # only the rows still to send (a small set) are in the index the worker scans
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due",
                condition=models.Q(status__in=["pending", "failed", "sending"]),
            ),
            models.Index(fields=["subscription", "-id"], name="webhook_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id}"

    @property
    def is_test(self) -> bool:
        return self.test_body is not None


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, the answer's status code, how long it took, the error."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=pgettext_lazy("webhook", "delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("webhook", "attempt"))
    attempted_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    error = models.CharField(_("error"), max_length=300, blank=True)
    ok = models.BooleanField(_("succeeded"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["delivery", "-id"], name="webhook_attempt")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
