"""The lesson desk (教育): students and their 专属客服, lesson hours as a ledger, lessons with
the 12-hour cancellation cut-off and the leader's exception, no-shows, and booking requests that
must never fail twice in a row (BK-1…BK-5, SR-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class Student(TimestampedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
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
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campus = models.CharField(_("campus"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["id"]
        indexes = [models.Index(fields=["team", "id"], name="student_team")]


class EntryKind(models.TextChoices):
    PURCHASE = "purchase", _("Hours purchased")
    DEDUCTION = "deduction", _("Hours deducted")
    RESTORATION = "restoration", _("Hours restored")


class HourEntry(models.Model):
    """One line of a student's hour ledger; the balance is always the sum of ``delta``."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    delta = models.DecimalField(_("change"), max_digits=6, decimal_places=2)
    lesson = models.ForeignKey(
        "Lesson",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["student", "-id"], name="hour_entry_student")]


class LessonKind(models.TextChoices):
    TEST = "test", _("Placement test")
    FIRST = "first", _("First lesson")
    REGULAR = "regular", _("Regular lesson")
    ADHOC = "adhoc", _("Ad-hoc lesson")
    TRIAL = "trial", _("Trial lesson")


class LessonStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    LATE_LEAVE = "late_leave", _("Short-notice leave, hours deducted")
    EXCUSED = "excused", _("Leave approved, hours restored")
    NO_SHOW = "no_show", _("No-show")


class Party(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    COMPANY = "company", _("Company event")


class LeaveReason(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")


class ExceptionStatus(models.TextChoices):
    NONE = "", _("None")
    PENDING = "pending", _("Waiting for a leader")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Lesson(VersionedModel):
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
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
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="lessons"
    )
    teacher = models.CharField(_("teacher"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=LessonKind.choices)
    start_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=LessonStatus.choices, default=LessonStatus.BOOKED
    )
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=Party.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    leave_reason = models.CharField(
        _("leave reason"), max_length=10, choices=LeaveReason.choices, blank=True
    )
    evidence = models.FileField(_("evidence"), upload_to="booking/evidence/%Y/%m", blank=True)
    exception = models.CharField(
        _("exception"), max_length=10, choices=ExceptionStatus.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["-start_at", "-id"]
        indexes = [
            models.Index(fields=["student", "-start_at"], name="lesson_student_start"),
            models.Index(fields=["team", "-start_at"], name="lesson_team_start"),
            models.Index(fields=["business_line", "exception"], name="lesson_line_exception"),
        ]


class BookingRequest(TimestampedModel):
    """A student's request for a lesson and whether it was met (BK-5): a second unmet request
    in a row needs an alternative, alerts the group leader and promises a 30-minute callback."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="requests"
    )
    wanted = models.CharField(_("wanted"), max_length=200)
    met = models.BooleanField(_("met"))
    alternative = models.CharField(_("alternative offered"), max_length=200, blank=True)
    leader_alerted = models.BooleanField(_("leader alerted"), default=False)
    callback_due_at = models.DateTimeField(_("callback due at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["student", "-id"], name="booking_request_student")]


class Step(models.TextChoices):
    RECEIVED = "received", _("Received")
    QUOTED = "quoted", _("Quote approved by the customer")
    DIAGNOSING = "diagnosing", _("Diagnosing")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    REPAIRING = "repairing", _("Repairing")
    QC = "qc", _("Quality check")
    READY = "ready", _("Ready for collection")
    COLLECTED = "collected", _("Collected")


class RepairOrder(VersionedModel):
    """A repair-centre job (维修中心, ESC-4): intake, warranty or an approved quote, the steps
    each sent to the customer, repeat repairs (RPR-2)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
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
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    device = models.CharField(_("device"), max_length=60)
    serial = models.CharField(_("serial number"), max_length=60)
    fault = models.CharField(_("fault"), max_length=60)
    accessories = models.CharField(_("accessories"), max_length=200, blank=True)
    purchased_on = models.DateField(_("purchased on"))
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    in_warranty = models.BooleanField(_("in warranty"))
    quote_yuan = models.DecimalField(
        _("quote (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    received_on = models.DateField(_("received on"))
    step = models.CharField(_("step"), max_length=14, choices=Step.choices, default=Step.RECEIVED)
    is_repeat = models.BooleanField(_("repeat repair"), default=False)
    escalated = models.BooleanField(_("handed to the manager"), default=False)
    repairer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("repairer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["serial", "fault", "-received_on"], name="repair_order_device"),
            models.Index(fields=["team", "-received_on"], name="repair_order_team"),
            models.Index(fields=["repairer", "received_on"], name="repair_order_repairer"),
        ]


class RepairStepLog(models.Model):
    """A step of a repair order and the message sent to the customer about it."""

    order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=14, choices=Step.choices)
    message = models.CharField(_("message to the customer"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("repair step")
        verbose_name_plural = _("repair steps")
        ordering = ["id"]
