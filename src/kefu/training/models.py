"""Training data (spec §1.22): requests through their flow, classes and enrolments, the question
bank, exams and attempts, practical scores (typing, quick replies, role-play), certifications
with their grants, and the gate of a queue or skill group (上岗)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel
from kefu.training import flow, needs


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
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classes",
    )
    plan = models.ForeignKey(
        "training.TrainingPlan",
        verbose_name=_("training plan"),
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


class Certification(VersionedModel):
    """What an agent must pass before 上岗: components with weights, minimums and must-pass
    flags, a threshold for the weighted total, and how long it stays valid. ``template`` names
    the ready certification it was made from (cert_templates.py), if any."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    components = models.JSONField(_("components"), default=list)
    threshold = models.DecimalField(_("pass threshold"), max_digits=5, decimal_places=2, default=60)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    template = models.CharField(_("template"), max_length=40, blank=True)
    training_days = models.PositiveSmallIntegerField(
        _("training before the exam (days)"), null=True, blank=True
    )

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
    closed_book = models.BooleanField(
        _("closed book (one question at a time, leaving the page logged)"), default=False
    )
    allow_back = models.BooleanField(_("may go back to an earlier question"), default=True)

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
    position = models.PositiveIntegerField(_("current question"), default=0)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "exam"], name="attempt_user_exam")]


class DepartureKind(models.TextChoices):
    HIDDEN = "hidden", _("Page hidden (another tab or window)")
    BLUR = "blur", _("Window lost focus")


class ExamDeparture(models.Model):
    """The candidate left the page of a closed-book attempt; the server stamps the time."""

    attempt = models.ForeignKey(
        ExamAttempt,
        verbose_name=_("exam attempt"),
        on_delete=models.CASCADE,
        related_name="departures",
    )
    at = models.DateTimeField(_("left at"))
    kind = models.CharField(_("how"), max_length=8, choices=DepartureKind.choices)
    position = models.PositiveIntegerField(_("question"), default=0)

    class Meta:
        verbose_name = _("page departure")
        verbose_name_plural = _("page departures")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["attempt", "at"], name="departure_attempt_at")]


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


# -- the course library and course development (TRN-1, TRN-2, TRN-3, TRN-10) -----------------


class CourseModule(VersionedModel):
    """A knowledge module of the library (TRN-2): 企业业务类知识, 客户服务类知识 with its areas
    (电话服务, 投诉处理, 电话营销) as sub-modules, 其他支撑类知识. An archived module keeps its
    courses but is offered for no new course or series."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("knowledge module")
        verbose_name_plural = _("knowledge modules")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="course_module_once")
        ]

    def __str__(self) -> str:
        return self.name


class CourseSeries(VersionedModel):
    """A series of courses taught in order (基础电话服务技巧系列, 营销五部曲 …), the micro-course
    programme; archived, it keeps its courses but takes no new ones."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    module = models.ForeignKey(
        CourseModule, verbose_name=_("module"), on_delete=models.PROTECT, related_name="series"
    )
    name = models.CharField(_("name"), max_length=100)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("course series")
        verbose_name_plural = _("course series")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="course_series_once")
        ]

    def __str__(self) -> str:
        return self.name


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CourseMethod(models.TextChoices):
    """TRN-10 and KB-7's ways of teaching."""

    THEORY = "theory", _("Theory")
    HANDS_ON = "hands_on", _("Hands-on")
    DISCUSSION = "discussion", _("Discussion")
    VISIT = "visit", _("Benchmarking visit")
    CASE_DRILL = "case_drill", _("Real-case drill")
    BRIEFING = "briefing", _("Cross-department briefing")


class Course(VersionedModel):
    """A course of the library: length (TRN-1), objectives, materials, owner, its own version
    (``revision``, raised whenever a published course's content changes) and status."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    module = models.ForeignKey(
        CourseModule, verbose_name=_("module"), on_delete=models.PROTECT, related_name="courses"
    )
    series = models.ForeignKey(
        CourseSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    series_position = models.PositiveSmallIntegerField(_("place in the series"), default=0)
    title = models.CharField(_("title"), max_length=200)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    method = models.CharField(
        _("teaching method"),
        max_length=12,
        choices=CourseMethod.choices,
        default=CourseMethod.THEORY,
    )
    objectives = models.TextField(_("objectives"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("course version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["module__position", "series_id", "series_position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "title"], name="course_title_once")
        ]
        indexes = [models.Index(fields=["business_line", "status"], name="course_line_status")]

    def __str__(self) -> str:
        return self.title


class ProjectState(models.TextChoices):
    SURVEY = "survey", _("Needs survey open")
    NEEDS_CHOSEN = "needs_chosen", _("Top needs chosen")
    BOUGHT = "bought", _("External course bought")
    TEAM_FORMED = "team_formed", _("Project team formed")
    WORKSHOP_HELD = "workshop_held", _("Internalisation workshop held")
    DEVELOPED = "developed", _("Developed, awaiting the trial lecture")
    TRIALLED = "trialled", _("Trial lecture given, awaiting the expert panel")
    ACCEPTED = "accepted", _("Accepted by the expert panel")
    FILED = "filed", _("Filed in the library")
    ROLLED_OUT = "rolled_out", _("Rolled out in early classes")


class CourseProject(VersionedModel):
    """One year's course development (TRN-3), from the needs survey to the roll-out."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"), max_length=14, choices=ProjectState.choices, default=ProjectState.SURVEY
    )
    top_needs = models.JSONField(_("top needs"), default=list, blank=True)
    external_course = models.CharField(_("external course bought"), max_length=200, blank=True)
    course_title = models.CharField(_("course title"), max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    objectives = models.TextField(_("objectives"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("expert group"), blank=True, related_name="+"
    )
    developers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("course-development group"),
        blank=True,
        related_name="+",
    )
    workshop_on = models.DateField(_("workshop date"), null=True, blank=True)
    trial_notes = models.TextField(_("trial lecture and revision"), blank=True)
    returned = models.PositiveSmallIntegerField(_("times returned for revision"), default=0)
    panel_note = models.CharField(_("expert panel's note"), max_length=300, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed in the library by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("course development project")
        verbose_name_plural = _("course development projects")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["business_line", "-year"], name="cproject_line_year")]

    def __str__(self) -> str:
        return self.title


class ProjectNeed(TimestampedModel):
    """A need named in the annual needs survey by one person."""

    project = models.ForeignKey(
        CourseProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="needs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("named by"), on_delete=models.CASCADE
    )
    topic = models.CharField(_("need"), max_length=100)

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "topic"], name="need_once")
        ]


# -- evaluation and trainers (TRN-5, SAT-6) ---------------------------------------------------


class ClassEvaluation(TimestampedModel):
    """The survey after a class: one attendee rates the course and the trainer (1–5), once."""

    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("training class"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    course_rating = models.PositiveSmallIntegerField(_("course rating"))
    trainer_rating = models.PositiveSmallIntegerField(_("trainer rating"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("class evaluation")
        verbose_name_plural = _("class evaluations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "user"], name="evaluate_once"),
            models.CheckConstraint(
                condition=models.Q(course_rating__gte=1, course_rating__lte=5)
                & models.Q(trainer_rating__gte=1, trainer_rating__lte=5),
                name="evaluation_ratings_1_to_5",
            ),
        ]


class TrainerCertificate(TimestampedModel):
    """An internal trainer's certification, e.g. the provincial 金讲台 (TRN-5)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.CASCADE,
        related_name="trainer_certificates",
    )
    name = models.CharField(_("certification"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("trainer certificate")
        verbose_name_plural = _("trainer certificates")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["business_line", "user"], name="trcert_line_user")]


# -- training plans (TRN-8, ACL-4) ------------------------------------------------------------


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Annual plan")
    MONTHLY = "monthly", _("Monthly plan")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting the director's approval")
    APPROVED = "approved", _("Approved")


class TrainingPlan(VersionedModel):
    """An annual or monthly training plan: drafted by a lead or supervisor, approved by the
    management-office director (a manager); its classes name it."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals and content"))
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("director's note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "-month", "-id"]
        indexes = [models.Index(fields=["business_line", "-year"], name="trplan_line_year")]

    def __str__(self) -> str:
        return self.title


# -- competitions (PK-4, TRN-9) ---------------------------------------------------------------


class CompetitionKind(models.TextChoices):
    CONTEST = "contest", _("Knowledge contest")
    ROLEPLAY = "roleplay", _("Role-play contest")
    INSTANT = "instant", _("Instant Q&A")


class CompetitionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("competition state", "Open")
    CLOSED = "closed", pgettext_lazy("competition state", "Closed")


class Competition(VersionedModel):
    """A skill competition with a leaderboard: a knowledge contest (an exam taken by many, ranked
    by score then time), a role-play scored by examiners on a form, or instant Q&A (the first
    correct answer of a round wins its point)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CompetitionKind.choices)
    exam = models.ForeignKey(
        Exam,
        verbose_name=_("exam"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competitions",
    )
    criteria = models.JSONField(_("scoring form"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=CompetitionState.choices, default=CompetitionState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["business_line", "-id"], name="competition_line")]

    def __str__(self) -> str:
        return self.title


class RoleplayScore(TimestampedModel):
    """One examiner's scoring form for one contestant of a role-play contest."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="roleplay_scores",
    )
    contestant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contestant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marks = models.JSONField(_("marks"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("role-play score")
        verbose_name_plural = _("role-play scores")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "contestant", "examiner"], name="roleplay_score_once"
            )
        ]


class QuizRound(TimestampedModel):
    """One question of an instant Q&A: the first correct answer wins the point."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveIntegerField(_("round"))
    question = models.CharField(_("question"), max_length=500)
    answer = models.CharField(_("answer"), max_length=200)
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("won by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("quiz round")
        verbose_name_plural = _("quiz rounds")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="quiz_round_once")
        ]


class QuizBuzz(models.Model):
    """An answer given in a round (right or wrong), stamped by the server."""

    round = models.ForeignKey(
        QuizRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="buzzes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("contestant"), on_delete=models.CASCADE
    )
    given = models.CharField(_("answer given"), max_length=200)
    correct = models.BooleanField(_("correct"))
    at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["at", "id"]


# -- half-year needs per person (TRN-8, 4S) ---------------------------------------------------


class NeedSource(models.TextChoices):
    NONE = "", _("No link")
    GAP = "gap", _("Competency gap")
    QA = "qa", _("QA finding")
    EXAM = "exam", _("Failed exam")


class NeedState(models.TextChoices):
    FILED = needs.FILED, _("Awaiting the lead's review")
    ACCEPTED = needs.ACCEPTED, _("Agreed")
    DECLINED = needs.DECLINED, _("Declined")


class HalfYearNeed(VersionedModel):
    """One training need of one person for a half-year: the topic, what it comes from (a
    competency gap, a QA finding or a failed exam) and the wished quarter; filed by the person
    or their lead, reviewed by the lead."""

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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"))
    topic = models.CharField(_("topic"), max_length=100)
    source = models.CharField(
        _("linked to"), max_length=4, choices=NeedSource.choices, blank=True, default=""
    )
    source_note = models.CharField(_("gap or finding"), max_length=200, blank=True)
    failed_attempt = models.ForeignKey(
        ExamAttempt,
        verbose_name=_("failed exam"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quarter = models.PositiveSmallIntegerField(_("wished quarter"))
    state = models.CharField(
        _("state"), max_length=8, choices=NeedState.choices, default=NeedState.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("half-year training need")
        verbose_name_plural = _("half-year training needs")
        ordering = ["user_id", "id"]
        indexes = [
            models.Index(fields=["business_line", "year", "half", "team"], name="trneed_half_team")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "year", "half", "topic"], name="trneed_one_topic_per_half"
            ),
            models.CheckConstraint(
                condition=models.Q(half__in=[1, 2]) & models.Q(quarter__gte=1, quarter__lte=4),
                name="trneed_half_quarter",
            ),
        ]

    def __str__(self) -> str:
        return self.topic


# -- the response-time test on a simulated chat (PK-3) ----------------------------------------


class ChatScript(TimestampedModel):
    """A response-time exam: the customer's scripted messages and the median threshold."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    messages = models.JSONField(_("customer messages"), default=list)
    threshold_seconds = models.PositiveIntegerField(_("median threshold (seconds)"), default=30)

    class Meta:
        verbose_name = _("response-time test")
        verbose_name_plural = _("response-time tests")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class ChatAttempt(TimestampedModel):
    """One sitting: ``turns`` holds each message the server sent, when, and the answer with its
    server-timed seconds; finished when the last message is answered."""

    script = models.ForeignKey(
        ChatScript, verbose_name=_("response-time test"), on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    turns = models.JSONField(_("messages and answers"), default=list)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    median_seconds = models.DecimalField(
        _("median response (seconds)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("response-time attempt")
        verbose_name_plural = _("response-time attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="chatattempt_user")]


class TypingSitting(TimestampedModel):
    """A typing test taken through the API (KPI-5, CE-1): the server hands out the passage and
    starts the clock; the seconds are the server's, from then to the typed text's arrival."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=100)
    passage = models.TextField(_("passage"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("typing sitting")
        verbose_name_plural = _("typing sittings")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="typingsitting_user")]


class QuickReplySitting(TimestampedModel):
    """The quick-reply exam taken through the API (PK-4 快捷必须熟练完整背出): the server draws
    the line's phrases and keeps them (``asked``: id, shortcut, title and the text as drawn), so
    a submission can change neither the phrases nor the expected text."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    asked = models.JSONField(_("phrases asked"), default=list)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    typed = models.JSONField(_("typed"), default=list, blank=True)
    matched = models.PositiveSmallIntegerField(_("matched"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("quick-reply sitting")
        verbose_name_plural = _("quick-reply sittings")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="quickreplysitting_user")]


# -- the live drill on a practice queue (PK-3) -------------------------------------------------


class DrillOutcome(models.TextChoices):
    REFUND = "refund", _("Refund")
    RESHIP = "reship", _("Reship")
    EXPLAIN = "explain", _("Explain the rule")
    ESCALATE = "escalate", _("Escalate")


class PracticeDrill(TimestampedModel):
    """A practice queue's tickets: each a customer's message and the handling it calls for. The
    queue is the training app's own; its tickets are never tickets, so never in a KPI."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    cases = models.JSONField(_("practice tickets"), default=list)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("live drill")
        verbose_name_plural = _("live drills")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class DrillRun(VersionedModel):
    """One trainee working the practice queue: ``work`` holds each closed ticket (case index,
    reply, handling, server-timed seconds); graded when the last is closed; the trainer's score
    is the certification's ``drill`` component."""

    drill = models.ForeignKey(
        PracticeDrill, verbose_name=_("live drill"), on_delete=models.CASCADE, related_name="runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    work = models.JSONField(_("tickets worked"), default=list)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("handled right"), null=True, blank=True)
    median_seconds = models.DecimalField(
        _("median handling (seconds)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField(
        _("trainer's score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # set for a run in the real workbench: the practice team whose practice tickets it works
    # (``DrillTicket``); empty for a run on this app's practice queue page
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("practice team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("drill run")
        verbose_name_plural = _("drill runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="drillrun_user")]


class DrillTicket(models.Model):
    """One real practice ticket (``tickets.Ticket.is_practice``) of a workbench drill run: the
    trainer's case ``case`` of the drill, worked by the trainee in the ticket workbench; its
    first-response and resolution times are the ticket's own clocks."""

    run = models.ForeignKey(
        DrillRun, verbose_name=_("drill run"), on_delete=models.CASCADE, related_name="tickets"
    )
    case = models.PositiveSmallIntegerField(_("case"))
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("practice ticket"),
        on_delete=models.PROTECT,
        related_name="drill_ticket",
    )

    class Meta:
        verbose_name = _("drill practice ticket")
        verbose_name_plural = _("drill practice tickets")
        ordering = ["run", "case"]
        constraints = [models.UniqueConstraint(fields=["run", "case"], name="drillticket_run_case")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.case}"
