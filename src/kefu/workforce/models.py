"""Workforce data: skill groups, interval history, forecasts, shift templates, agent profiles,
leave, roster runs with their assignments, and peak-event (双11) plans (spec §1.11–1.13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class QueueModel(models.TextChoices):
    ERLANG_C = "erlang-c", _("Erlang C")
    ERLANG_A = "erlang-a", _("Erlang A (callers abandon)")


class SkillGroup(TimestampedModel):
    """A skill group (售前 / 催付 / 售后 / 退款) with the queue settings used to size it."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="skill_groups",
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("teams"), blank=True, related_name="skill_groups"
    )
    ticket_types = models.JSONField(_("ticket types"), default=list, blank=True)
    queue_model = models.CharField(
        _("queue model"), max_length=10, choices=QueueModel.choices, default=QueueModel.ERLANG_C
    )
    aht_seconds = models.PositiveIntegerField(_("average handling time (s)"), default=180)
    service_level = models.FloatField(_("service-level target"), default=0.8)
    answer_seconds = models.PositiveIntegerField(_("answer within (s)"), default=20)
    shrinkage = models.FloatField(_("shrinkage"), default=0.3)
    max_occupancy = models.FloatField(_("maximum occupancy"), null=True, blank=True)
    patience_seconds = models.PositiveIntegerField(_("mean patience (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "code"], name="skillgroup_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class IntervalRecord(models.Model):
    """One imported interval of contact history (offered, handled, AHT)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    group = models.ForeignKey(
        SkillGroup,
        verbose_name=_("skill group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interval_records",
    )
    interval_start = models.DateTimeField(_("interval start"))
    offered = models.FloatField(_("offered"))
    handled = models.FloatField(_("handled"), default=0)
    aht_seconds = models.FloatField(_("average handling time (s)"), default=0)

    class Meta:
        verbose_name = _("interval record")
        verbose_name_plural = _("interval records")
        ordering = ["interval_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "group", "interval_start"], name="interval_unique_start"
            )
        ]
        indexes = [
            models.Index(fields=["business_line", "group", "interval_start"], name="interval_bl_g")
        ]


class ForecastSource(models.TextChoices):
    TICKETS = "tickets", _("Tickets and registered calls")
    IMPORT = "import", _("Imported interval data")


class Forecast(TimestampedModel):
    """Volume per interval over a horizon, its accuracy and the agents it requires."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="forecasts",
    )
    group = models.ForeignKey(
        SkillGroup,
        verbose_name=_("skill group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forecasts",
    )
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ForecastSource.choices)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"), default=30)
    start_date = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    weeks_fitted = models.PositiveSmallIntegerField(_("weeks of history"), default=8)
    trend_per_week = models.FloatField(_("trend per week"), default=0)
    wape = models.FloatField(_("WAPE on the hold-out week"), null=True, blank=True)
    uplift = models.JSONField(_("event uplift factors"), default=dict, blank=True)
    volumes = models.JSONField(_("volume per interval"), default=list)
    required = models.JSONField(_("required agents per interval"), default=list)
    aht_seconds = models.FloatField(_("average handling time (s)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["business_line", "-created_at"], name="forecast_bl")]

    def __str__(self) -> str:
        return f"{self.start_date} +{self.days}"


class ShiftKind(models.TextChoices):
    DAY = "day", _("Day")
    NIGHT = "night", _("Night")
    EARLY_CLASS = "early_class", _("Early class (training)")


class ShiftTemplate(TimestampedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="shift_templates",
    )
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=60)
    start_minute = models.PositiveSmallIntegerField(_("start (minute of day)"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    second_start_minute = models.PositiveSmallIntegerField(
        _("second part start (minute of day)"), null=True, blank=True
    )
    second_duration_minutes = models.PositiveSmallIntegerField(
        _("second part duration (minutes)"), default=0
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ShiftKind.choices, default="day")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["start_minute", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "code"], name="shift_unique_code")
        ]

    def __str__(self) -> str:
        return self.label or self.code

    @property
    def total_hours(self) -> float:
        return (self.duration_minutes + self.second_duration_minutes) / 60


class AgentProfile(TimestampedModel):
    """Rostering facts about one agent: skills, weekly hours, cost."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="workforce_profile",
    )
    groups = models.ManyToManyField(SkillGroup, verbose_name=_("skills"), related_name="agents")
    max_weekly_hours = models.FloatField(_("maximum weekly hours"), null=True, blank=True)
    cost_per_hour = models.DecimalField(
        _("cost per hour (yuan)"), max_digits=8, decimal_places=2, default=0
    )
    is_active = models.BooleanField(_("rostered"), default=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.user)


class LeaveKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    UNAVAILABLE = "unavailable", _("Unavailable")


class Leave(TimestampedModel):
    """Days an agent cannot be rostered: leave, or days they said they are unavailable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="workforce_leaves",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=LeaveKind.choices, default=LeaveKind.LEAVE
    )

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["user", "start_date"], name="leave_user_start")]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Solving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RosterRun(VersionedModel):
    """One roster over a period: its requirement snapshot, the solver's result and explanations."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="roster_runs",
    )
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"), default=30)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    time_limit_seconds = models.PositiveIntegerField(_("time limit (s)"), default=30)
    # {"group code": [[required per interval] per day]}
    requirement = models.JSONField(_("requirement"), default=dict)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    summary = models.JSONField(_("result"), default=dict, blank=True)
    # [{"day", "interval", "group", "required", "scheduled", "reason", "agents"}]
    explanations = models.JSONField(_("explanations"), default=list, blank=True)
    # {"group code": [[scheduled per interval] per day]}
    scheduled = models.JSONField(_("scheduled"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=200, blank=True)
    # while solving: the time by which the job must have stored its result; a run still solving
    # after it lost its worker (kill -9, OOM, a restart) and is marked failed by the reaper
    lease_until = models.DateTimeField(_("solving until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # ``message`` of a run whose worker stopped; shown in the reader's language
    WORKER_STOPPED = "worker-stopped"

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["business_line", "-start_date"], name="rosterrun_bl")]

    def __str__(self) -> str:
        return self.name

    @property
    def message_text(self) -> str:
        if self.message == self.WORKER_STOPPED:
            return _(
                "The job worker stopped while solving this roster. Press Retry to solve it again."
            )
        return self.message


class RosterAssignment(models.Model):
    """One agent's shift (or pinned day off, ``shift`` null) on one day of a roster."""

    run = models.ForeignKey(
        RosterRun, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="roster_assignments",
    )
    date = models.DateField(_("date"))
    shift = models.ForeignKey(
        ShiftTemplate,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.ForeignKey(
        SkillGroup,
        verbose_name=_("skill group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        verbose_name = _("roster assignment")
        verbose_name_plural = _("roster assignments")
        ordering = ["date", "user_id", "id"]
        indexes = [
            models.Index(fields=["run", "user", "date"], name="assign_run_user_date"),
            models.Index(fields=["user", "date"], name="assign_user_date"),
        ]


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the event")
    DURING = "during", _("During the event")
    AFTER = "after", _("After the event")


class PeakPlan(VersionedModel):
    """A peak-event plan (双11): dates and coverage, group sizes, borrowed staff, checklists."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="peak_plans",
    )
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    # [{"date": "2026-11-10", "hours": 24, "phase": "during"}]
    coverage = models.JSONField(_("coverage per day"), default=list)
    # {"before": {"售前": 6, …}, "during": {…}, "after": {…}}
    group_sizes = models.JSONField(_("group sizes"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("peak-event plan")
        verbose_name_plural = _("peak-event plans")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name


class TrainingStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_TRAINING = "in_training", _("In training")
    CERTIFIED = "certified", _("Certified")


class BorrowedStaff(TimestampedModel):
    """Someone lent from another department for the event (PK-1), with their training (PK-3/4)."""

    plan = models.ForeignKey(
        PeakPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="borrowed"
    )
    name = models.CharField(_("name"), max_length=50)
    #: their account on the plan's line, when they have one: the 上岗 status is looked up by it
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_department = models.CharField(_("from department"), max_length=100)
    group = models.CharField(_("group"), max_length=50)
    training_status = models.CharField(
        _("training"),
        max_length=12,
        choices=TrainingStatus.choices,
        default=TrainingStatus.NOT_STARTED,
    )

    class Meta:
        verbose_name = _("borrowed staff")
        verbose_name_plural = _("borrowed staff")
        ordering = ["id"]


class ChecklistItem(TimestampedModel):
    plan = models.ForeignKey(
        PeakPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="checklist"
    )
    phase = models.CharField(_("phase"), max_length=6, choices=Phase.choices)
    spec_ref = models.CharField(_("reference"), max_length=10, blank=True)
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("due"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["due_date", "id"]
