"""Quality inspection (质检): versioned inspection forms, monthly samples, reviews, appeals,
calibration sessions, inspected subjects (outsourced vendors, cleaning zones, the four zeros) and
the lead's corrective actions of the month-end service-quality review (SAT-5, SAT-8, SAT-9,
PM-X2, SCH-6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class Target(models.TextChoices):
    CONTACT = "contact", _("Agent's contacts")
    VENDOR = "vendor", _("Outsourced vendor")
    ZONE = "zone", _("Cleaning zone")
    FOUR_ZEROS = "four_zeros", _("Four zeros")


class Mode(models.TextChoices):
    POINTS = "points", _("Points awarded")
    DEDUCTIONS = "deductions", _("Points deducted")


class FormStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Replaced by a newer version")


class InspectionForm(TimestampedModel):
    """One version of an inspection form. A form that has been used is never edited: a change
    makes the next version (same ``code``) and retires this one."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.SlugField(_("code"), max_length=40)
    number = models.PositiveIntegerField(_("version number"), default=1)
    name = models.CharField(_("name"), max_length=100)
    target = models.CharField(_("inspects"), max_length=12, choices=Target.choices)
    mode = models.CharField(_("scoring"), max_length=12, choices=Mode.choices)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, default=80)
    status = models.CharField(
        _("status"), max_length=10, choices=FormStatus.choices, default=FormStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inspection form")
        verbose_name_plural = _("inspection forms")
        ordering = ["business_line", "code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "code", "number"], name="qa_form_unique_version"
            ),
            models.UniqueConstraint(
                fields=["business_line", "code"],
                condition=Q(status="active"),
                name="qa_form_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class FormCategory(models.Model):
    form = models.ForeignKey(
        InspectionForm,
        verbose_name=_("inspection form"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("form category")
        verbose_name_plural = _("form categories")
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.name


class FormItem(models.Model):
    category = models.ForeignKey(
        FormCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("item"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    critical = models.BooleanField(_("critical (fails the review)"), default=False)
    allow_na = models.BooleanField(_("may be not applicable"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("form item")
        verbose_name_plural = _("form items")
        ordering = ["category", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SubjectKind(models.TextChoices):
    VENDOR = "vendor", _("Outsourced vendor")
    ZONE = "zone", _("Cleaning zone")
    SITE = "site", _("Site (four zeros)")


class Subject(TimestampedModel):
    """Something inspected that is not an agent's contact: an outsourced cleaning, greening or
    pest-control vendor (SAT-9, PM-X2), a cleaning zone with its fixed person, post and duties
    (定人、定岗、定工作内容, SCH-6, inspected weekly), or a site rated on the four zeros (SAT-8)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
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
    kind = models.CharField(_("kind"), max_length=10, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=100)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fixed person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    every_days = models.PositiveSmallIntegerField(_("inspected every (days)"), default=7)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspected subject")
        verbose_name_plural = _("inspected subjects")
        ordering = ["business_line", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Sample(TimestampedModel):
    """A month's QA sample of a business line; the seed reproduces the random draw."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.DateField(_("month"))
    seed = models.BigIntegerField(_("seed"))
    per_agent = models.PositiveSmallIntegerField(_("random contacts per agent"), default=5)
    form = models.ForeignKey(
        InspectionForm,
        verbose_name=_("inspection form"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monthly sample")
        verbose_name_plural = _("monthly samples")
        ordering = ["-period", "business_line"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "period"], name="qa_sample_month")
        ]

    def __str__(self) -> str:
        return f"{self.business_line_id} {self.period:%Y-%m}"


class Source(models.TextChoices):
    RANDOM = "random", _("Random draw")
    REPEAT = "repeat_complaint", _("Repeat complaint")
    MALIGNANT = "malignant_complaint", _("Malignant complaint")
    DISSATISFIED = "dissatisfied_callback", _("Dissatisfied callback")
    INSPECTION = "inspection", _("Inspection round")


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("To score")
    COMPLETED = "completed", _("Scored")
    APPEALED = "appealed", _("Appealed")
    DECIDED = "decided", _("Appeal decided")


class Review(VersionedModel):
    """One QA review: a sampled contact of an agent (or a subject's inspection), its reviewer
    (never of the agent's team), the answers and the score."""

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
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample = models.ForeignKey(
        Sample,
        verbose_name=_("monthly sample"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    form = models.ForeignKey(
        InspectionForm,
        verbose_name=_("inspection form"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("why reviewed"), max_length=24, choices=Source.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="qa_reviews",
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name=_("inspected subject"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    callback = models.ForeignKey(
        "followups.CallbackTask",
        verbose_name=_("callback task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    call = models.ForeignKey(
        "followups.CallRecord",
        verbose_name=_("registered call"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    language_flags = models.PositiveIntegerField(_("service-language flags"), default=0)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="qa_reviews_given",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    failed = models.BooleanField(_("failed on a critical item"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    completed_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    period = models.DateField(_("month"))

    class Meta:
        verbose_name = _("QA review")
        verbose_name_plural = _("QA reviews")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "agent", "ticket", "callback", "call"],
                name="qa_review_unique_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status", "-id"], name="qa_review_reviewer"),
            models.Index(fields=["agent", "-id"], name="qa_review_agent"),
            models.Index(fields=["business_line", "period"], name="qa_review_line_month"),
            models.Index(fields=["team", "-id"], name="qa_review_team"),
        ]

    def __str__(self) -> str:
        return f"QA {self.pk}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    UPHELD = "upheld", _("Review upheld")
    CHANGED = "changed", _("Score changed")


class Appeal(TimestampedModel):
    """The agent's one appeal (申诉) of a review, decided by a second reviewer by a deadline."""

    review = models.OneToOneField(
        Review, verbose_name=_("QA review"), on_delete=models.CASCADE, related_name="appeal"
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second reviewer"),
        on_delete=models.PROTECT,
        related_name="qa_appeals_to_decide",
    )
    deadline = models.DateField(_("decide by"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    decision_note = models.TextField(_("decision"), blank=True)
    score_before = models.DecimalField(_("score before"), max_digits=5, decimal_places=2)
    score_after = models.DecimalField(
        _("score after"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["decider", "status"], name="qa_appeal_decider")]

    def __str__(self) -> str:
        return f"appeal {self.review_id}"


class CalibrationSession(TimestampedModel):
    """Reviewers score the same ticket on the same form; the page shows their spread."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    form = models.ForeignKey(
        InspectionForm,
        verbose_name=_("inspection form"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class CalibrationSheet(models.Model):
    session = models.ForeignKey(
        CalibrationSession,
        verbose_name=_("calibration session"),
        on_delete=models.CASCADE,
        related_name="sheets",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    failed = models.BooleanField(_("failed on a critical item"), default=False)
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calibration score")
        verbose_name_plural = _("calibration scores")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "reviewer"], name="qa_calibration_once")
        ]


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("corrective action", "Open")
    DONE = "done", pgettext_lazy("corrective action", "Done")


class CorrectiveAction(TimestampedModel):
    """A lead's corrective action for an advisor after the month-end service-quality review
    (SAT-5), tracked to done."""

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
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.DateField(_("month"))
    analysis = models.TextField(_("analysis"))
    action = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["business_line", "period"], name="qa_action_line_month")]

    def __str__(self) -> str:
        return self.action
