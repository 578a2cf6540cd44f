"""The figures of closed months, computed once and kept (issue 22: the year-end summary under a
second at any size). A month's row is valid while its stamp equals the month's ``MonthStamp``:
a late change to a ticket or callback of a closed month (``reports.month_cache``) moves the
stamp of that month and of every later one, so the next reader counts them again."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthStamp(models.Model):
    """How many late changes touched a month (and the months after it) since it was first
    cached: a cached month is valid while its ``stamp`` equals this ``version``."""

    month = models.DateField(_("month"), unique=True)  # the first day
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("month stamp")
        verbose_name_plural = _("month stamps")
        ordering = ["month"]


class MonthFigures(models.Model):
    """The counts of one closed month within one scope (``scope``: ``all``, ``line:ID`` or
    ``dept:ID:line:ID`` — every viewer with that scope sees the same rows)."""

    scope = models.CharField(_("scope"), max_length=40)
    month = models.DateField(_("month"))  # the first day
    stamp = models.PositiveBigIntegerField(_("stamp"))
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("month figures")
        verbose_name_plural = _("month figures")
        ordering = ["scope", "month"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "month"], name="monthfigures_unique")
        ]
