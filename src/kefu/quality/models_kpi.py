"""KPI evaluations and the daily work log (issue 18 §2, KPI-2, PM-2, WL-1…3).

A ``KpiEvaluation`` scores one person against one version of a KPI scheme: one
``KpiEvaluationScore`` per evaluator type of that version (PM-2's six types), weighted as the
scheme says; empty until scored, so the page shows who has not scored yet.

A ``WorkLog`` is a person's day: what was done and tomorrow's plan, submitted to the group leader
(WL-1). Each planned item is a ``WorkTask`` due the next day; a task not done on its day is
carried over (WL-2: cause and new deadline), which costs the −2 carried-over rule of the
deduction template once (WL-3, §1.18).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel
from kefu.quality.models import EvaluatorType, KpiScheme


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Being scored")
    SIGNED = "signed", _("Signed")


class KpiEvaluation(VersionedModel):
    """``score`` is the total (live_rules.combined_score): the indicators the platform measures
    count with the score their live value earns, the evaluators' weighted score
    (``evaluators_score``) stands for the rest. While the evaluation is being scored the live
    values are read afresh at each look; signing freezes them (``live_frozen``) with the total,
    so a later change in the month's data does not move a signed score."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scheme = models.ForeignKey(
        KpiScheme,
        verbose_name=_("KPI scheme"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraisee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.DateField(_("month"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    evaluators_score = models.DecimalField(
        _("evaluators' weighted score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    # the live indicators as they stood when signed: [{"indicator", "figure", "weight", "value",
    # "numerator", "denominator", "target", "unit", "score"}], numbers as strings
    live_frozen = models.JSONField(_("live values when signed"), default=list, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("KPI evaluation")
        verbose_name_plural = _("KPI evaluations")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "person", "period"], name="kpi_evaluation_once"
            )
        ]
        indexes = [models.Index(fields=["business_line", "period"], name="kpi_eval_line_period")]


class KpiEvaluationScore(models.Model):
    evaluation = models.ForeignKey(
        KpiEvaluation,
        verbose_name=_("KPI evaluation"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    evaluator_type = models.CharField(
        _("evaluator type"), max_length=12, choices=EvaluatorType.choices
    )
    weight = models.DecimalField(_("weight %"), max_digits=6, decimal_places=2)
    # a colleague of the platform scores for themselves; customers and external experts have no
    # account, so a lead enters their score and ``evaluator_name`` says whose it is
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluator_name = models.CharField(_("evaluator"), max_length=100, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("KPI evaluator score")
        verbose_name_plural = _("KPI evaluator scores")
        ordering = ["evaluation_id", "id"]
        constraints = [
            # one row per type, except subordinates: each of a lead's agents scores on their own
            models.UniqueConstraint(
                fields=["evaluation", "evaluator_type"],
                condition=~models.Q(evaluator_type="subordinate"),
                name="kpi_evaluation_score_once",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"],
                condition=models.Q(evaluator_type="subordinate"),
                name="kpi_subordinate_once",
            ),
        ]
        indexes = [models.Index(fields=["evaluator", "scored_at"], name="kpi_score_evaluator")]


class WorkLog(VersionedModel):
    """One person's daily work log with tomorrow's plan, submitted to the group leader (WL-1)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("day"))
    content = models.TextField(_("work done today"))
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["author", "day"], name="worklog_once")]
        indexes = [models.Index(fields=["team", "-day"], name="worklog_team_day")]


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CARRIED = "carried_over", _("Carried over")


class WorkTask(TimestampedModel):
    """An item of a log's plan for the next day (``planned_for``); resolved by the next log."""

    log = models.ForeignKey(
        WorkLog, verbose_name=_("work log"), on_delete=models.CASCADE, related_name="plan"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("task"), max_length=200)
    planned_for = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    cause = models.CharField(_("why not done"), max_length=300, blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned task")
        verbose_name_plural = _("planned tasks")
        ordering = ["planned_for", "id"]
        indexes = [
            models.Index(fields=["owner", "planned_for", "status"], name="worktask_owner_day")
        ]
