"""Delphi surveys of a competency model (CE-1): two levels of indicators, the experts' importance
ratings (1–5) per indicator and round, and weights entered by hand where the panel decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel


class DelphiStudy(TimestampedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Delphi survey")
        verbose_name_plural = _("Delphi surveys")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class DelphiIndicator(models.Model):
    study = models.ForeignKey(
        DelphiStudy, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("first-level indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("indicator"), max_length=100)
    entered_weight = models.DecimalField(
        _("weight entered %"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Delphi indicator")
        verbose_name_plural = _("Delphi indicators")
        ordering = ["level", "id"]


class DelphiRating(models.Model):
    """One expert's importance rating (绝对重要 5 … 稍微重要 1) of one indicator in one round."""

    indicator = models.ForeignKey(
        DelphiIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    expert = models.CharField(_("expert"), max_length=50)
    score = models.PositiveSmallIntegerField(_("importance"))

    class Meta:
        verbose_name = _("Delphi rating")
        verbose_name_plural = _("Delphi ratings")
        ordering = ["round", "expert", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "round", "expert"], name="delphi_rating_once"
            )
        ]
