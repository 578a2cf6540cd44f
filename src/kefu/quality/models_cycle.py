"""The performance-management cycle (PM-1, PM-3): a team's appraisal from plan to applied
results. One ``CycleMember`` per appraisee carries the feedback interview and the results; one
``CycleScore`` per appraisee and evaluator is the evaluation, empty until scored."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel
from kefu.quality.models import EvaluatorType


class CycleStage(models.TextChoices):
    PLAN = "plan", _("Plan")
    INDICATORS = "indicators", _("SMART indicators")
    BRIEFING = "briefing", _("Evaluator briefing")
    EVALUATION = "evaluation", _("Evaluation")
    FEEDBACK = "feedback", _("Feedback interviews")
    RESULTS = "results", _("Appraisal results")
    CLOSED = "closed", _("Closed (results applied)")


class AppraisalClass(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    IMPROVE = "improve", _("Needs improvement")
    POOR = "poor", _("Unsatisfactory")


class PersonnelAction(models.TextChoices):
    NONE = "none", _("None")
    PROMOTION = "promotion", _("Promotion")
    DISCIPLINE = "discipline", _("Discipline")


class AppraisalCycle(VersionedModel):
    """One team's appraisal cycle (PM-1), driven by its supervisor."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    stage = models.CharField(
        _("stage"), max_length=12, choices=CycleStage.choices, default=CycleStage.PLAN
    )
    goals = models.TextField(_("goals of the cycle"), blank=True)
    self_weight = models.DecimalField(
        _("self-evaluation weight %"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    manager_weight = models.DecimalField(
        _("direct manager's weight %"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    # PM-2's evaluator types of this cycle: [{"type", "weight", "name", "sample"}] (a name for
    # customers and external experts, whose scores a lead enters; for subordinates, how many of
    # the team's agents score the lead, 0 = all); empty: self + direct manager above
    evaluator_plan = models.JSONField(_("evaluators"), default=list, blank=True)
    briefing_on = models.DateField(_("briefing held on"), null=True, blank=True)
    briefing_place = models.CharField(_("place"), max_length=100, blank=True)
    briefing_notes = models.TextField(_("what the evaluators were told"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("results applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["department", "starts_on"], name="cycle_dept_start")]

    def __str__(self) -> str:
        return self.name


class CycleIndicator(models.Model):
    cycle = models.ForeignKey(
        AppraisalCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=100)
    measure = models.CharField(_("how it is measured"), max_length=200)
    target = models.CharField(_("target"), max_length=50)
    weight = models.DecimalField(_("weight %"), max_digits=6, decimal_places=2)
    due = models.DateField(_("due"))

    class Meta:
        verbose_name = _("cycle indicator")
        verbose_name_plural = _("cycle indicators")
        ordering = ["id"]


class CycleMember(models.Model):
    """An appraisee of a cycle: the weighted score, the PM-3 interview and the results."""

    cycle = models.ForeignKey(
        AppraisalCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraisee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    # PM-3 feedback interview
    appraisal_class = models.CharField(
        _("class"), max_length=10, choices=AppraisalClass.choices, blank=True
    )
    interview_at = models.DateTimeField(_("interview time"), null=True, blank=True)
    interview_place = models.CharField(_("place"), max_length=100, blank=True)
    interview_goal = models.CharField(_("goal of the interview"), max_length=300, blank=True)
    outline = models.TextField(_("interview outline"), blank=True)
    expected = models.TextField(_("what should have been done"), blank=True)
    achieved = models.TextField(_("what was done"), blank=True)
    reasons = models.TextField(_("why this result"), blank=True)
    how_to_improve = models.TextField(_("how to improve"), blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # results (PM-1 stage 6)
    pay_change_pct = models.DecimalField(
        _("pay change %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    personnel_action = models.CharField(
        _("promotion or discipline"), max_length=10, choices=PersonnelAction.choices, blank=True
    )
    bonus_yuan = models.DecimalField(
        _("bonus (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    improvement_plan = models.TextField(_("improvement plan for the next cycle"), blank=True)
    results_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appraisee")
        verbose_name_plural = _("appraisees")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "user"], name="cycle_member_once")]


class CycleScore(models.Model):
    """One evaluator's score of one appraisee (PM-2 type, KPI-2 weight); empty until scored.
    Subordinates are several rows of one type (each agent of the lead's team, or a sample): the
    type's score is their mean."""

    member = models.ForeignKey(
        CycleMember, verbose_name=_("appraisee"), on_delete=models.CASCADE, related_name="scores"
    )
    evaluator_type = models.CharField(
        _("evaluator type"), max_length=12, choices=EvaluatorType.choices
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluator_name = models.CharField(
        _("evaluator (customers, experts)"), max_length=100, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weight = models.DecimalField(_("weight %"), max_digits=5, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["member_id", "id"]
        constraints = [
            # one row per type, except subordinates: each of the lead's agents files their own
            models.UniqueConstraint(
                fields=["member", "evaluator_type"],
                condition=~models.Q(evaluator_type="subordinate"),
                name="cycle_score_once",
            ),
            models.UniqueConstraint(
                fields=["member", "evaluator"],
                condition=models.Q(evaluator_type="subordinate"),
                name="cycle_subordinate_once",
            ),
        ]
        indexes = [models.Index(fields=["evaluator", "scored_at"], name="cycle_score_evaluator")]
