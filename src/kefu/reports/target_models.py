"""Targets per metric, unit (or agent) and period, and the actuals entered or imported for the
metrics the platform holds no data for (TGT-1…5). ``subject`` ("", "unit:ID", "agent:ID") keeps
one row per business line, subject, metric and period (NULLs would not)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel
from kefu.reports.target_rules import METRICS, MONTH, YEAR


class PeriodKind(models.TextChoices):
    MONTH = MONTH, _("Month")
    YEAR = YEAR, _("Year")


METRIC_CHOICES = [(code, m.label) for code, m in METRICS.items()]


class _Subject(VersionedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "tickets.ResponsibleUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=30, blank=True, editable=False)
    metric = models.CharField(_("metric"), max_length=30, choices=METRIC_CHOICES)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class Target(_Subject):
    """A target of a business line (or one of its units or agents) for a month or a year;
    ``value`` empty = deliberately left blank."""

    period_kind = models.CharField(_("period"), max_length=5, choices=PeriodKind.choices)
    period = models.DateField(_("starts on"))  # the first day of the month or the year

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-period", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "subject", "metric", "period_kind", "period"],
                name="target_unique_period",
            )
        ]


class TargetActual(_Subject):
    """A month's actual of a metric the platform does not hold (e.g. the 4S revenue)."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("target actual")
        verbose_name_plural = _("target actuals")
        ordering = ["-month", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "subject", "metric", "month"],
                name="targetactual_unique_month",
            )
        ]
