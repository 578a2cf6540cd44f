"""The monthly statement's own data: each responsible unit's base per month (the denominator of
the complaint ratio, RNK-4) and the signed, frozen statement of a business line's month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel


class BaseKind(models.TextChoices):
    SUBSCRIPTIONS = "subscriptions", _("Subscriptions")
    HOUSEHOLDS = "households", _("Households")
    ORDERS = "orders", _("Orders")
    VEHICLES = "vehicles", _("Vehicles")
    CUSTOMERS = "customers", _("Customers")


class UnitBase(VersionedModel):
    """How many subscriptions, households, orders or vehicles a unit served in a month."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "tickets.ResponsibleUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"))  # the first day of the month
    kind = models.CharField(
        _("counted"), max_length=20, choices=BaseKind.choices, default=BaseKind.CUSTOMERS
    )
    base = models.PositiveIntegerField(_("base"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit base")
        verbose_name_plural = _("unit bases")
        ordering = ["-month", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="unitbase_unique_month")
        ]
        indexes = [models.Index(fields=["business_line", "month"], name="unitbase_line_month")]


class MonthlyStatement(VersionedModel):
    """A business line's month, closed: the supervisor's 小结 and signature, and the figures
    frozen as they were when signed (RPT-1, RPT-2)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"))
    summary = models.TextField(_("summary"))
    snapshot = models.JSONField(_("frozen figures"), default=dict)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "month"], name="statement_unique_month"
            )
        ]


from kefu.reports.builder_models import (  # noqa: E402,F401  (the report builder)
    ReportDelivery,
    ReportSubscription,
    SavedReport,
)
from kefu.reports.models_cache import MonthFigures, MonthStamp  # noqa: E402,F401
from kefu.reports.models_periodic import (  # noqa: E402, F401  (one app, two modules)
    ActionStatus,
    CorrectiveAction,
    FeedbackLetter,
    FeedbackMail,
    LetterMailStatus,
    WeeklyMeeting,
    YearSummary,
)
from kefu.reports.target_models import PeriodKind, Target, TargetActual  # noqa: E402,F401
