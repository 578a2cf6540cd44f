"""Training data (spec §1.22): requests through their flow, classes and enrolments, the question
bank, exams and attempts, practical scores (typing, quick replies, role-play), certifications
with their grants, and the gate of a queue or skill group (上岗)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel
from kefu.training import flow


class RequestState(models.TextChoices):
    REQUESTED = flow.REQUESTED, _("Awaiting review")
    APPROVED = flow.APPROVED, _("Approved, awaiting a trainer")
    REJECTED = flow.REJECTED, _("Rejected")
    ASSIGNED = flow.ASSIGNED, _("Trainer assigned")
    ARCHIVED = flow.ARCHIVED, _("Delivered and archived")


class TrainingRequest(VersionedModel):
    """培训需求: filed by anyone, reviewed by a lead or supervisor (never their own), given a
    trainer, archived with attendance, materials and evaluation (TRN-4)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    topic = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    wished_on = models.DateField(_("wished date"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.REQUESTED
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.CharField(_("decision reason"), max_length=300, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    materials = models.CharField(_("materials"), max_length=300, blank=True)
    evaluation = models.CharField(_("evaluation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["business_line", "state", "-id"], name="trreq_line_state")]

    def __str__(self) -> str:
        return self.topic


class TrainingClass(TimestampedModel):
    """A published class agents enrol in (capacity, waitlist); its category counts toward the
    yearly minimums (TRN-6) and its hours toward each person's record."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=50, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, default=1)
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request = models.ForeignKey(
        TrainingRequest,
        verbose_name=_("training request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classes",
    )

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["business_line", "-starts_at"], name="trclass_line_start")]

    def __str__(self) -> str:
        return self.title


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(TimestampedModel):
    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("training class"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="training_enrolments",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default="enrolled"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "user"], name="enrol_once")
        ]
        indexes = [models.Index(fields=["user", "status"], name="enrol_user_status")]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True or false")
    FILL = "fill", _("Fill in the blank")
    SHORT = "short", _("Short answer")


class Question(TimestampedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("question type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.CharField(_("answer"), max_length=500)
    points = models.PositiveIntegerField(_("points"), default=1)
    category = models.CharField(_("category"), max_length=50)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]
        indexes = [models.Index(fields=["business_line", "category"], name="question_line_cat")]


class Certification(TimestampedModel):
    """What an agent must pass before 上岗: components with weights, minimums and must-pass
    flags, a threshold for the weighted total, and how long it stays valid."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    components = models.JSONField(_("components"), default=list)
    threshold = models.DecimalField(_("pass threshold"), max_digits=5, decimal_places=2, default=60)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "code"], name="cert_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Exam(TimestampedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    blueprint = models.JSONField(_("blueprint"), default=dict)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=30)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=60)
    max_attempts = models.PositiveIntegerField(_("attempts allowed"), default=2)
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exams",
    )
    component = models.CharField(_("component"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ExamAttempt(TimestampedModel):
    """One sitting: the paper drawn with its recorded seed, the server's deadline, the answers
    and the score. A submission after the deadline is refused by the server."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="exam_attempts",
    )
    seed = models.BigIntegerField(_("seed"))
    questions = models.JSONField(_("questions"), default=list)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "exam"], name="attempt_user_exam")]


class ScoreKind(models.TextChoices):
    EXAM = "exam", _("Written exam")
    TYPING = "typing", _("Typing test")
    QUICK_REPLY = "quick_reply", _("Quick-reply exam")
    ROLEPLAY = "roleplay", _("Role-play")
    RESPONSE = "response", _("Response-time test")
    DRILL = "drill", _("Live drill")


class PracticalScore(TimestampedModel):
    """A scored component for a person (0–100): an exam, a typing test, a role-play …"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="training_scores",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ScoreKind.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"), default=False)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("practical score")
        verbose_name_plural = _("practical scores")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "kind", "-id"], name="score_user_kind")]


class CertificationGrant(TimestampedModel):
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.CASCADE,
        related_name="grants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    passed_at = models.DateTimeField(_("passed at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-passed_at"]
        indexes = [models.Index(fields=["user", "certification"], name="grant_user_cert")]


class GateRequirement(TimestampedModel):
    """A queue (a team that receives tickets) or a skill group (rosters) needs a certification."""

    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.CASCADE,
        related_name="gates",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    skill_group = models.ForeignKey(
        "workforce.SkillGroup",
        verbose_name=_("skill group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("queue requirement")
        verbose_name_plural = _("queue requirements")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, skill_group__isnull=True)
                | models.Q(team__isnull=True, skill_group__isnull=False),
                name="gate_one_target",
            ),
            models.UniqueConstraint(fields=["certification", "team"], name="gate_team_once"),
            models.UniqueConstraint(
                fields=["certification", "skill_group"], name="gate_group_once"
            ),
        ]

    @property
    def queue_code(self) -> str:
        return self.skill_group.code if self.skill_group_id else f"team-{self.team_id}"
