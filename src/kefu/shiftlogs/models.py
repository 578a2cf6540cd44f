"""The shift's logs (SR-3, LOG-6): the handover book (交接班记录), the management log (管理日志)
and the patrol report (巡查报告表).

An entry is written for one shift of one day by an agent or a lead of a team; the supervisor
reviews the day's entries, classifies each and signs it off. A signed entry never changes
again: a correction is an addendum (``ShiftLogAddendum``) appended below it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class LogKind(models.TextChoices):
    HANDOVER = "handover", _("Handover book")
    MANAGEMENT = "management", _("Management log")
    PATROL = "patrol", _("Patrol report")


class Shift(models.TextChoices):
    MORNING = "morning", pgettext_lazy("shift", "Morning shift")
    AFTERNOON = "afternoon", pgettext_lazy("shift", "Afternoon shift")
    NIGHT = "night", pgettext_lazy("shift", "Night shift")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting sign-off")
    SIGNED = "signed", _("Signed off")


class Category(models.TextChoices):
    """How the supervisor classifies an entry when signing it (SR-3: 分类)."""

    ROUTINE = "routine", _("Routine")
    COMPLAINT = "complaint", _("Complaint")
    REPAIR = "repair", _("Repair need")
    SAFETY = "safety", _("Safety hazard")
    SERVICE = "service", _("Service quality")
    OTHER = "other", pgettext_lazy("category", "Other")


class ShiftLogEntry(VersionedModel):
    """One log entry of one shift. ``search_text`` holds the jieba-segmented text (core.search)."""

    SEARCH_FIELDS = ("title", "body", "open_items", "area")

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("log"), max_length=12, choices=LogKind.choices)
    shift_date = models.DateField(_("shift date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.CharField(_("area patrolled"), max_length=100, blank=True)
    title = models.CharField(_("summary"), max_length=200)
    body = models.TextField(_("what happened"))
    open_items = models.TextField(_("open items"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("shift log entry")
        verbose_name_plural = _("shift log entries")
        ordering = ["-shift_date", "-id"]
        constraints = [
            # the handover book has one page per team and shift (交接班: written per shift)
            models.UniqueConstraint(
                fields=["team", "shift_date", "shift"],
                condition=Q(kind="handover"),
                name="shiftlog_one_handover_per_shift",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(signed_at__isnull=False) & ~Q(category="")),
                name="shiftlog_signed_is_classified",
            ),
        ]
        indexes = [
            models.Index(fields=["business_line", "kind", "-shift_date"], name="shiftlog_line"),
            models.Index(fields=["department", "kind", "-shift_date"], name="shiftlog_dept"),
            models.Index(fields=["team", "kind", "-shift_date"], name="shiftlog_team"),
            models.Index(fields=["author", "kind", "-shift_date"], name="shiftlog_author"),
            models.Index(
                fields=["department", "shift_date"],
                condition=Q(status="pending"),
                name="shiftlog_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shift_date} {self.get_shift_display()}"

    @property
    def is_signed(self) -> bool:
        return self.status == EntryStatus.SIGNED


class ShiftLogAddendum(TimestampedModel):
    """A correction or a later note below an entry; never edited, never deleted (append-only)."""

    entry = models.ForeignKey(
        ShiftLogEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("addendum"))

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["created_at", "id"]
