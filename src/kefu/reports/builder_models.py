"""Saved reports of the report builder (万能报表), their e-mail subscriptions and the log of
every report sent (one per subscription and period, by a unique key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    SHARED = "shared", _("Shared within my scope")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SavedReport(VersionedModel):
    """A report definition (``builder_defs.validate``) with a name. Built-in reports (RPT-11's
    analyses) have no owner and are shared with everyone; a shared report is seen in its
    owner's business line; the figures are always computed within the viewer's own scope."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    definition = models.JSONField(_("definition"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    builtin = models.CharField(_("built-in analysis"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["builtin"], condition=~models.Q(builtin=""), name="report_unique_builtin"
            )
        ]
        indexes = [models.Index(fields=["owner", "name"], name="report_owner_name")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A built-in report's name in the viewer's language (the stored name is the msgid)."""
        return _g(self.name) if self.builtin else self.name


class ReportSubscription(TimestampedModel):
    """One recipient receives ``report`` every week or month, computed within the recipient's
    own scope for the last full period."""

    report = models.ForeignKey(
        SavedReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["report", "recipient", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "recipient", "frequency"], name="subscription_unique"
            )
        ]


class ReportDelivery(TimestampedModel):
    """One report sent for one period: the unique key (subscription, period start) makes two
    racing workers send it once."""

    subscription = models.ForeignKey(
        ReportSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"], name="delivery_unique_period"
            )
        ]
