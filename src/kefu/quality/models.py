"""KPI schemes, deduction scorecards, rankings with their rewards and penalties, and the monthly
penalty summary (月处罚汇总表) — issue 18 §2–§4 (§1.18, §1.19, §1.21, ESC-2, ESC-8, §9.8, §9.10).

A scorecard is one person's month: 100 points at the start, each ``ScoreEvent`` deducts (an
adjustment gives points back), never below 0. One fact is one event: ``fact_key`` is unique per
business line, so two workers reacting to the same complaint record one deduction. A signed
scorecard and a signed penalty summary never change again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class StaffRole(models.TextChoices):
    CS = "cs", _("Customer service staff")
    REPAIR = "repair", _("Repair staff")
    SECURITY = "security", _("Security staff")
    CLEANING = "cleaning", _("Cleaning staff")


class EvaluatorType(models.TextChoices):
    """PM-2's six evaluator types."""

    MANAGER = "manager", _("Direct manager")
    PEER = "peer", _("Peers")
    SUBORDINATE = "subordinate", _("Subordinates")
    SELF = "self", _("The appraisee")
    CUSTOMER = "customer", _("Customers served")
    EXPERT = "expert", _("External experts")


class IndicatorKind(models.TextChoices):
    FORMULA = "formula", _("Formula")
    RATING = "rating", _("Rating")


class KpiScheme(VersionedModel):
    """A month's KPI scheme for one staff role of a business line (KPI-4)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    staff_role = models.CharField(_("staff"), max_length=12, choices=StaffRole.choices)
    period = models.DateField(_("month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # versions: editing a scheme already used by an evaluation makes the next revision (the
    # evaluations keep the revision they were scored with); ``lineage`` is the first revision
    revision = models.PositiveIntegerField(_("scheme version"), default=1)
    lineage = models.ForeignKey(
        "self",
        verbose_name=_("first version"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        ordering = ["-period", "staff_role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "staff_role", "period", "name", "revision"],
                name="kpi_scheme_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class KpiIndicator(models.Model):
    scheme = models.ForeignKey(
        KpiScheme,
        verbose_name=_("KPI scheme"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    formula = models.CharField(_("formula or rating"), max_length=200, blank=True)
    target = models.CharField(_("target"), max_length=50, blank=True)
    weight = models.DecimalField(_("weight %"), max_digits=6, decimal_places=2)
    scoring_rule = models.CharField(_("scoring rule"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("KPI indicator")
        verbose_name_plural = _("KPI indicators")
        ordering = ["id"]


class KpiEvaluator(models.Model):
    scheme = models.ForeignKey(
        KpiScheme,
        verbose_name=_("KPI scheme"),
        on_delete=models.CASCADE,
        related_name="evaluators",
    )
    evaluator = models.CharField(_("evaluator"), max_length=12, choices=EvaluatorType.choices)
    weight = models.DecimalField(_("weight %"), max_digits=6, decimal_places=2)
    focus = models.CharField(_("what they assess"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("KPI evaluator")
        verbose_name_plural = _("KPI evaluators")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "evaluator"], name="kpi_evaluator_unique")
        ]


class Trigger(models.TextChoices):
    MANUAL = "manual", _("Recorded by a lead")
    RUDE_SERVICE = "rude_service", _("Valid complaint about service attitude")
    CARRIED_OVER = "carried_over", _("Task carried over from yesterday's work log")


class DeductionRule(TimestampedModel):
    """One rule of a deduction scorecard (§1.18): what is missed and the points it costs."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("rule"), max_length=100)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    unit = models.CharField(_("per"), max_length=30, blank=True)
    trigger = models.CharField(
        _("recorded"), max_length=15, choices=Trigger.choices, default=Trigger.MANUAL
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deduction rule")
        verbose_name_plural = _("deduction rules")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="deduction_rule_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CardStatus(models.TextChoices):
    OPEN = "open", _("Open")
    LEAD_SIGNED = "lead_signed", _("Signed by the lead")
    SIGNED = "signed", _("Signed off (frozen)")


class Scorecard(VersionedModel):
    """One person's deduction scorecard for one month (§9.8)."""

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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.DateField(_("month"))
    base = models.DecimalField(
        _("starting points"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    deducted = models.DecimalField(
        _("points deducted"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, default=Decimal("100"))
    status = models.CharField(
        _("status"), max_length=12, choices=CardStatus.choices, default=CardStatus.OPEN
    )
    lead_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by the lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period", "team", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="scorecard_user_period")
        ]
        indexes = [
            models.Index(fields=["team", "period", "score"], name="scorecard_team_period"),
            models.Index(fields=["department", "period"], name="scorecard_dept_period"),
            models.Index(fields=["business_line", "period"], name="scorecard_line_period"),
        ]


class ScoreEvent(models.Model):
    """One deduction (or an audited adjustment giving points back) on a scorecard."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="events"
    )
    rule = models.ForeignKey(
        DeductionRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("times"), default=1)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    is_adjustment = models.BooleanField(_("adjustment"), default=False)
    reason = models.CharField(_("reason"), max_length=300)
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("time"))
    # the fact this deduction stands for (e.g. a complaint's id): one fact, one penalty (RNK-7)
    fact_key = models.CharField(max_length=100, blank=True, default="")
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "fact_key"],
                condition=~Q(fact_key=""),
                name="score_event_one_fact",
            )
        ]


class RankingRun(VersionedModel):
    """A team's monthly composite ranking, published with the 绩效考核通报 (§9.10)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

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
    period = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    notice_date = models.DateField(_("notice published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ranked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["-period", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="ranking_team_period")
        ]


class RankingEntry(models.Model):
    run = models.ForeignKey(
        RankingRun, verbose_name=_("ranking"), on_delete=models.CASCADE, related_name="entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    reward_yuan = models.DecimalField(
        _("reward or penalty (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    plan_due = models.DateField(_("improvement plan due"), null=True, blank=True)
    reassignment_review = models.BooleanField(_("reassignment review"), default=False)
    is_last = models.BooleanField(_("last"), default=False)

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="ranking_entry_once")]


class LedgerReason(models.TextChoices):
    RANK_FIRST = "rank_first", _("First in the monthly ranking")
    RANK_LAST = "rank_last", _("Last in the monthly ranking")
    REPEAT_REPAIR = "repeat_repair", _("Lowest repeat-repair rate")
    PLEDGE = "pledge", _("Service pledge not kept")
    PEAK = "peak", _("Peak team incentive")
    OTHER = "other", _("Other reward or penalty")


class LedgerEntry(TimestampedModel):
    """A reward (+) or penalty (−) in yuan for one person in one month, for finance."""

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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.DateField(_("month"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=15, choices=LedgerReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_key = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["-period", "team", "user", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "source_key"], name="ledger_once")
        ]
        indexes = [models.Index(fields=["business_line", "period"], name="ledger_line_period")]


class PenaltyPolicy(models.Model):
    """The yuan per repeat and per malignant complaint charged to the responsible unit's head."""

    business_line = models.OneToOneField(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    repeat_yuan = models.DecimalField(
        _("per repeat complaint (yuan)"), max_digits=8, decimal_places=2, default=Decimal("50")
    )
    malignant_yuan = models.DecimalField(
        _("per malignant complaint (yuan)"), max_digits=8, decimal_places=2, default=Decimal("200")
    )
    finance_email = models.EmailField(
        _("finance's e-mail (gets the published summary as .xlsx)"), blank=True
    )

    class Meta:
        verbose_name = _("penalty policy")
        verbose_name_plural = _("penalty policies")


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CHECKED = "checked", _("Checked by the supervisor")
    SIGNED = "signed", _("Signed by company leadership")
    PUBLISHED = "published", _("Published")
    SENT = "sent", _("Copied to finance")


class PenaltySummary(VersionedModel):
    """The month's 月处罚汇总表 of a business line (ESC-2): draft → checked (a supervisor) →
    signed (company leadership, locked) → published → copied to finance."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT
    )
    stability_period = models.BooleanField(_("special stability period"), default=False)
    # the supervisor checks the tabulated draft (the "supervisor signs"), then company
    # leadership signs it (ESC-2): two people
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("copied to finance at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly penalty summary")
        verbose_name_plural = _("monthly penalty summaries")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "period"], name="penalty_summary_once")
        ]


class PenaltyRow(models.Model):
    summary = models.ForeignKey(
        PenaltySummary, verbose_name=_("summary"), on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.CharField(_("responsible unit"), max_length=100)
    head = models.CharField(_("head"), max_length=100, blank=True)
    repeat = models.PositiveIntegerField(_("repeat complaints"), default=0)
    malignant = models.PositiveIntegerField(_("malignant complaints"), default=0)
    amount_yuan = models.DecimalField(_("penalty (yuan)"), max_digits=10, decimal_places=2)
    applied = models.BooleanField(_("applied"), default=True)

    class Meta:
        verbose_name = _("penalty row")
        verbose_name_plural = _("penalty rows")
        ordering = ["-amount_yuan", "unit"]


from kefu.quality import models_cycle, models_delphi, models_kpi  # noqa: E402, F401
