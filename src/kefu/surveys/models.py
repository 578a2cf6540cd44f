"""Satisfaction surveys: questionnaires, campaigns, invitations (signed links), responses, answers
and CSI targets (spec §1.9 SAT-1…5, decision §9.12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE5 = "scale5", _("Scale 1–5")
    SCALE10 = "scale10", _("Scale 0–10")
    TEXT = "text", _("Text")


class Source(models.TextChoices):
    AFTER_CLOSE = "after_close", _("After the ticket closed")
    CAMPAIGN = "campaign", _("Campaign")
    CALLBACK = "callback", _("During a callback")


class Questionnaire(VersionedModel):
    """A survey of a business line; ``after_close`` marks the one sent when a ticket closes."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    name = models.CharField(_("name"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
    )
    after_close = models.BooleanField(_("send when a ticket closes"), default=False)
    link_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=14)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "name"], name="questionnaire_unique_name"
            )
        ]
        indexes = [models.Index(fields=["business_line", "status"], name="questionnaire_line")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    # e.g. 教学满意度 / 服务满意度 / 环境满意度: CSI is averaged per dimension
    dimension = models.CharField(_("dimension"), max_length=50, blank=True)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Campaign(TimestampedModel):
    """A scheduled survey (e.g. 物业满意度 in May and November) of the line's recent customers."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="survey_campaigns",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    name = models.CharField(_("name"), max_length=100)
    months = models.JSONField(_("months"), default=list)
    day = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    lookback_months = models.PositiveSmallIntegerField(
        _("customers with a ticket in the last (months)"), default=6
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["business_line", "id"]

    def __str__(self) -> str:
        return self.name


class SurveyInvitation(TimestampedModel):
    """One customer asked to answer one questionnaire, with the ticket's agent and team as they
    were when the invitation was made, so results stay with whoever served the customer."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    callback = models.ForeignKey(
        "followups.CallbackTask",
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    # the campaign's period ("2026-05"); empty for other sources
    period = models.CharField(_("period"), max_length=7, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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
    expires_at = models.DateTimeField(_("link expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_channels = models.CharField(_("sent by"), max_length=30, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(source="after_close"),
                name="invitation_unique_ticket",
            ),
            models.UniqueConstraint(
                fields=["campaign", "customer", "period"],
                condition=Q(source="campaign"),
                name="invitation_unique_campaign",
            ),
            models.UniqueConstraint(
                fields=["callback"],
                condition=Q(source="callback"),
                name="invitation_unique_callback",
            ),
        ]
        indexes = [
            models.Index(fields=["business_line", "-id"], name="invitation_line"),
            models.Index(fields=["team", "-id"], name="invitation_team"),
            models.Index(fields=["department", "-id"], name="invitation_dept"),
            models.Index(fields=["agent", "-id"], name="invitation_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} · {self.customer_id}"

    def sent_by(self) -> str:
        """``sent_channels`` in words (the page shows no codes): 邮件、短信（静默时段后发出）…"""
        words = {
            "email": _("e-mail"),
            "email:held": _("e-mail (goes out when the quiet hours end)"),
            "email:refused": _("e-mail not sent: the daily limit is reached"),
            "sms": _("SMS"),
            "sms:held": _("SMS (goes out when the quiet hours end)"),
            "sms:refused": _("SMS not sent: the daily limit is reached or the customer opted out"),
        }
        separator = str(pgettext_lazy("list separator", ", "))
        return separator.join(str(words.get(c, c)) for c in self.sent_channels.split(",") if c)


class SurveyResponse(models.Model):
    """The one answer to an invitation (unique): a second submission is refused."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="response",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    channel = models.CharField(_("answered"), max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-id"]


class SurveyAnswer(models.Model):
    """One answer to one question. Who/where/when are copied from the response so that the
    CSI aggregates are one indexed GROUP BY over this table."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    dimension = models.CharField(_("dimension"), max_length=50, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), null=True, blank=True)
    choices = models.JSONField(_("chosen"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["business_line", "answered_at"], name="answer_line_time"),
            models.Index(fields=["team", "answered_at"], name="answer_team_time"),
            models.Index(fields=["department", "answered_at"], name="answer_dept_time"),
            models.Index(fields=["agent", "answered_at"], name="answer_agent_time"),
        ]


class Figure(models.TextChoices):
    """The figure a target reads (decision §9.12)."""

    CSI = "csi", _("CSI (mean score ÷ maximum score)")
    SATISFIED = "satisfied", _("Satisfied rate (answers in the top two points)")
    NPS = "nps", _("NPS (% promoters − % detractors)")


class SurveyTarget(TimestampedModel):
    """A business line's targets (SAT-1), one per figure, each optional; absent row → the
    industry default (property: 业主满意率 ≥ 96 % is a satisfied-rate target, not a CSI)."""

    business_line = models.OneToOneField(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="survey_target",
    )
    csi = models.DecimalField(
        _("CSI target (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfied = models.DecimalField(
        _("satisfied-rate target (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    nps = models.DecimalField(
        _("NPS target"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("survey target")
        verbose_name_plural = _("survey targets")
