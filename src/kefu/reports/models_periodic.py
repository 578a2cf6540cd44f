"""The archived daily, weekly and yearly reports (issue 22 §3): the weekly written feedback to
each department concerned (FU-10, RPT-4), the weekly meeting with its minutes, next-week plan and
corrective actions (RPT-5), and the signed year-end summary (RPT-2, RPT-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class FeedbackLetter(TimestampedModel):
    """The week's callback results and customer feedback, written to one responsible unit and
    archived with the figures as they were (FU-10)."""

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
    week = models.DateField(_("week"))  # the Monday
    text = models.TextField(_("written feedback"))
    snapshot = models.JSONField(_("frozen figures"), default=dict)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("weekly feedback letter")
        verbose_name_plural = _("weekly feedback letters")
        ordering = ["-week", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "week"], name="feedback_unique_week")
        ]
        indexes = [models.Index(fields=["business_line", "week"], name="feedback_line_week")]


class LetterMailStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NO_ADDRESS = "no_address", _("No e-mail address")


class FeedbackMail(TimestampedModel):
    """The e-mail of one weekly feedback letter to its unit (FU-10): one row per letter (and so
    per unit and week) whichever worker claims it first; a failed send, one left sending by a
    worker that died, or one that had no address is taken over by a conditional update."""

    letter = models.OneToOneField(
        FeedbackLetter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="mail"
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LetterMailStatus.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback letter e-mail")
        verbose_name_plural = _("feedback letter e-mails")
        indexes = [models.Index(fields=["status", "updated_at"], name="feedback_mail_status")]


class WeeklyMeeting(TimestampedModel):
    """A team's weekly meeting (Saturday 15:00 for the service hall, Monday morning for the CS
    group): the agenda frozen from the week's figures, minutes and the next week's plan."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("week"))  # the Monday of the week reviewed
    held_at = models.DateTimeField(_("held at"))
    agenda = models.JSONField(_("agenda"), default=dict)
    minutes = models.TextField(_("minutes"))
    plan = models.TextField(_("next week's plan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")
        ordering = ["-week", "team"]
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="meeting_unique_week")]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class CorrectiveAction(VersionedModel):
    """A corrective action agreed at a meeting, with its owner; checked at the next meeting."""

    meeting = models.ForeignKey(
        WeeklyMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    checked_in = models.ForeignKey(
        WeeklyMeeting,
        verbose_name=_("checked at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checked_actions",
    )
    check_note = models.CharField(_("check note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]


class YearSummary(TimestampedModel):
    """A business line's year, closed: the supervisor's written year-end summary, signed, with
    the year's figures frozen (RPT-2, RPT-3)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
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
        verbose_name = _("year-end summary")
        verbose_name_plural = _("year-end summaries")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "year"], name="year_summary_unique")
        ]
