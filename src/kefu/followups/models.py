"""Callbacks (回访): cadence policies, callback tasks, complaint grades, escalations, absences and
deputies, events, and the call and letter registers (跟踪服务电话/信函登记表)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class Kind(models.TextChoices):
    RESOLUTION_FIRST = "resolution_first", _("First callback after resolution")
    RESOLUTION_SECOND = "resolution_second", _("Second callback")
    EVENT_NOTICE = "event_notice", _("Event notice by phone")
    EVENT_LETTER = "event_letter", _("Event letter")
    MAINTENANCE = "maintenance", _("Maintenance reminder")
    INACTIVITY = "inactivity", _("Inactive customer")
    NO_SHOW = "no_show", _("No-show")
    REVIEW = "review", _("Medium or negative review")
    FIRST_LESSON = "first_lesson", _("After the first lesson")
    FIRST_CONTACT = "first_contact", _("First contact with a new customer")


class Outcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    UNREACHABLE = "unreachable", _("Not reached")
    REFUSED = "refused", _("Refused the callback")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    # reached, and the customer would not accept the solution (a failed callback, §9.9)
    REJECTED = "rejected_solution", _("Refused the solution")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Grade(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary complaint")
    REPEAT = "repeat", _("Repeat complaint")
    MALIGNANT = "malignant", _("Malignant complaint")


class Flag(models.TextChoices):
    MEDIA = "media", _("Media exposure")
    LEGAL = "legal", _("Threat of legal action")


class CadencePolicy(TimestampedModel):
    """One cadence rule of a business line; its numbers are days (see ``cadence.py``)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="cadence_policies",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    start_days = models.IntegerField(_("window opens (days)"))
    end_days = models.IntegerField(_("window closes (days)"))
    second_days = models.PositiveIntegerField(
        _("second reminder (days before)"), null=True, blank=True
    )
    working_days = models.BooleanField(_("count working days"), default=False)
    max_attempts = models.PositiveIntegerField(_("attempts when not reached"), default=3)
    retry_days = models.PositiveIntegerField(_("retry after (days)"), default=1)
    script = models.TextField(_("script"), blank=True)
    # the periodic job has made every task whose window opened up to this day: after downtime it
    # catches up from here (the inactivity callback, FU-6), never from the beginning of time
    checked_through = models.DateField(_("checked through"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("cadence policy")
        verbose_name_plural = _("cadence policies")
        ordering = ["business_line", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "kind"], name="cadence_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.business_line} · {self.get_kind_display()}"


class Event(TimestampedModel):
    """An event customers are invited to (free-inspection week, open day, evening talk)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="followup_events",
    )
    title = models.CharField(_("title"), max_length=200)
    happens_on = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    invited = models.ManyToManyField(
        "customers.Customer", verbose_name=_("invited customers"), related_name="+", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-happens_on", "-id"]

    def __str__(self) -> str:
        return f"{self.happens_on} {self.title}"


class UserAbsence(TimestampedModel):
    """A staff member's absence (leave, training): their callbacks go to their deputy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["user", "starts_on", "ends_on"], name="absence_user")]


class Deputy(TimestampedModel):
    """The supervisor's chosen substitute who takes an absent owner's callbacks (FU-12)."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="deputy_entry",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="deputy_for",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["id"]


class CallbackTask(VersionedModel):
    """One callback to make (回访任务): a window of days, an owner, a script and the outcome.

    Every attempt is its own row: an unreached call creates the next attempt (``previous``).
    ``due_on`` is the first attempt's window end and ``reached_at`` is set on the first attempt
    when any attempt reached the customer, so 回访率 counts callbacks, not dials.
    """

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
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="callback_tasks",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="callback_tasks",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    vehicle = models.ForeignKey(
        "customers.Vehicle",
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=1)
    # the ticket's reopen count when the task was made: a re-resolved ticket gets a new round
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous attempt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("until"))
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callback_tasks",
    )
    # set when a deputy took the task over: the absent owner it belonged to
    original_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    script = models.TextField(_("script"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reached_at = models.DateTimeField(_("customer reached at"), null=True, blank=True)
    issue_resolved_at = models.DateTimeField(_("issue resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback task")
        verbose_name_plural = _("callback tasks")
        ordering = ["window_end", "window_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "sequence", "round", "attempt"],
                condition=Q(ticket__isnull=False),
                name="callback_unique_ticket",
            ),
            models.UniqueConstraint(
                fields=["event", "customer", "kind", "attempt"],
                condition=Q(event__isnull=False),
                name="callback_unique_event",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "sequence", "window_start", "attempt"],
                condition=Q(ticket__isnull=True, event__isnull=True),
                name="callback_unique_customer_day",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "window_end"], name="callback_owner_due"),
            models.Index(fields=["team", "status", "window_end"], name="callback_team_due"),
            models.Index(fields=["business_line", "due_on"], name="callback_line_due"),
            models.Index(fields=["outcome", "done_at"], name="callback_outcome_done"),
            models.Index(fields=["customer", "-id"], name="callback_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id} · {self.window_start}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class ComplaintGrade(TimestampedModel):
    """The grade of a complaint ticket (一般 / 重复 / 恶性, decision §9.9)."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="complaint_grade",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    grade = models.CharField(
        _("grade"), max_length=10, choices=Grade.choices, default=Grade.ORDINARY
    )
    repeat_count = models.PositiveIntegerField(_("times repeated"), default=0)
    # the earlier complaint of the same customer on the same subject this one repeats (§9.9)
    repeat_of = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("repeats"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeat_grades",
    )
    # failed callbacks already counted towards a repeat, so the same failures count once
    failures_counted = models.PositiveIntegerField(default=0)
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        verbose_name = _("complaint grade")
        verbose_name_plural = _("complaint grades")


class GradeChange(models.Model):
    """One change of a complaint's grade with its reason (the monthly lists read these)."""

    class Rule(models.TextChoices):
        REOPENED = "reopened", _("Complaint reopened")
        FAILED_CALLBACKS = "failed_callbacks", _("Unresolved after failed callbacks")
        THIRD_REPEAT = "third_repeat", _("Repeated again")
        FLAG = "flag", _("Flag recorded")
        SUPERVISOR = "supervisor", _("Marked by a supervisor")
        SAME_SUBJECT = "same_subject", _("Same customer, same subject")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="grade_changes",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    before = models.CharField(_("before"), max_length=10, choices=Grade.choices)
    after = models.CharField(_("after"), max_length=10, choices=Grade.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["business_line", "after", "created_at"], name="grade_line_month"),
            models.Index(fields=["ticket", "-id"], name="grade_ticket"),
        ]


class Escalation(TimestampedModel):
    """An issue raised in a callback that is still unresolved after the allowed days (CMP-4)."""

    callback = models.OneToOneField(
        CallbackTask,
        verbose_name=_("callback"),
        on_delete=models.CASCADE,
        related_name="escalation",
    )
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
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-id"]


class SolutionNotice(TimestampedModel):
    """Tell the customer the solution the same day it is obtained (CMP-4, §9.2): made for the
    callback's owner when the issue raised in a callback gets its solution, due at the end of
    that business day. The 2-day escalation checks that it was done."""

    issue = models.OneToOneField(
        CallbackTask,
        verbose_name=_("callback"),
        on_delete=models.CASCADE,
        related_name="solution_notice",
    )
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
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
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
    solution = models.CharField(_("solution"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("solution notice")
        verbose_name_plural = _("solution notices")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_at"], name="notice_owner_due"),
            models.Index(fields=["team", "done_at", "due_at"], name="notice_team_due"),
        ]

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.done_at is None and self.due_at < timezone.now()


class EscalationLevel(models.TextChoices):
    LEAD = "lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")


class ManualEscalation(models.Model):
    """A ticket escalated by hand to the lead, supervisor or manager, or a difficult customer
    reported (ESC-4, ESC-6); the complaints page counts escalated complaints per level (ESC-5)."""

    class Reason(models.TextChoices):
        ESCALATION = "escalation", _("Escalated by hand")
        DIFFICULT = "difficult", _("Difficult customer")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="manual_escalations",
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Reason.choices)
    level = models.CharField(_("escalated to"), max_length=12, choices=EscalationLevel.choices)
    is_complaint = models.BooleanField(_("complaint"), default=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("manual escalation")
        verbose_name_plural = _("manual escalations")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["business_line", "created_at"], name="manualesc_line_time"),
            models.Index(fields=["ticket", "-id"], name="manualesc_ticket"),
        ]


class CustomerIntake(models.Model):
    """A new customer's intake (ARC-1, ARC-6): the archive must be complete within the line's
    days of the visit (default 2), and the customer is allocated to an agent, by load and skill,
    who makes the first contact within a week. ``load`` and ``skill`` are the figures the
    allocation read, so the page can say why this agent."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="intake",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # intake_line_archive and intake_line_alloc lead with it
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
        db_index=False,  # intake_team (team, -id) leads with it
    )
    visited_on = models.DateField(_("visit"))
    archive_due_on = models.DateField(_("archive due"))
    archive_done_at = models.DateTimeField(_("archive complete at"), null=True, blank=True)
    missing = models.JSONField(_("missing fields"), default=list, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    allocated_at = models.DateTimeField(_("allocated at"), null=True, blank=True)
    # the allocation's reasons: the agent's customers before this one, satisfied-callback %
    load = models.PositiveIntegerField(_("customers before"), null=True, blank=True)
    skill = models.PositiveSmallIntegerField(_("satisfied callbacks (%)"), null=True, blank=True)
    preassigned = models.BooleanField(_("agent given at intake"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("new customer")
        verbose_name_plural = _("new customers")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["business_line", "archive_done_at", "archive_due_on"],
                name="intake_line_archive",
            ),
            models.Index(fields=["business_line", "allocated_at"], name="intake_line_alloc"),
            models.Index(fields=["team", "-id"], name="intake_team"),
        ]


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class CallResult(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    UNREACHABLE = "unreachable", _("Not reached")
    BUSY = "busy", _("Busy")
    REFUSED = "refused", _("Refused")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class LetterKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    INVITATION = "invitation", _("Invitation")
    REPLY = "reply", _("Reply")
    DUNNING = "dunning", _("Dunning letter")
    CUSTOMER = "customer", _("Customer's letter")


class LetterDirection(models.TextChoices):
    """A letter's direction (the codes of ``Direction``; a letter is received or sent)."""

    RECEIVED = "in", _("Received letter")
    SENT = "out", _("Sent letter")


class LetterChannel(models.TextChoices):
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")


class CallRecord(models.Model):
    """One entry of the call register (跟踪服务电话登记表), inbound or outbound."""

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
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    result = models.CharField(_("result"), max_length=20, choices=CallResult.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="call_records",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback = models.ForeignKey(
        CallbackTask,
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recording_ref = models.CharField(_("recording reference"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call record")
        verbose_name_plural = _("call records")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["business_line", "-started_at"], name="call_line_started"),
            models.Index(fields=["team", "-started_at"], name="call_team_started"),
            models.Index(fields=["customer", "-started_at"], name="call_customer_started"),
            models.Index(fields=["agent", "-started_at"], name="call_agent_started"),
        ]


class LetterRecord(models.Model):
    """One entry of the letter register (跟踪服务信函登记表)."""

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
    # out: a letter Kefu sends (LOG-2); in: a customer's letter or mail received (issue 17)
    direction = models.CharField(
        _("direction"), max_length=3, choices=LetterDirection.choices, default=LetterDirection.SENT
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    channel = models.CharField(_("channel"), max_length=6, choices=LetterChannel.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    sent_on = models.DateField(_("sent on"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="letter_records",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback = models.ForeignKey(
        CallbackTask,
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter record")
        verbose_name_plural = _("letter records")
        ordering = ["-sent_on", "-id"]
        indexes = [
            models.Index(fields=["business_line", "-sent_on"], name="letter_line_sent"),
            models.Index(fields=["team", "-sent_on"], name="letter_team_sent"),
            models.Index(fields=["customer", "-sent_on"], name="letter_customer_sent"),
        ]
