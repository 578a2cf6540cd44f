"""The lesson desk (教育): students and their 专属客服, lesson hours as a ledger, lessons with
the 12-hour cancellation cut-off and the leader's exception, no-shows, and booking requests that
must never fail twice in a row (BK-1…BK-5, SR-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    NO_SHOW = "no_show", pgettext_lazy("lesson", "No-show")


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
    RECEIVED = "received", _("Received at the centre")
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


# -- 4S workshop booking (BK-10, SR-4, SR-5, CMP-10, RPR-3, SEG-7) ------------------------------


class Workshop(TimestampedModel):
    """A 4S line's workshop: its capacity (bays, mechanics, advisors), opening hours and the
    intake targets (TGT-1: 20 vehicles a day, 650 a month)."""

    business_line = models.OneToOneField(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    bays = models.PositiveSmallIntegerField(_("bays"), default=6)
    mechanics = models.PositiveSmallIntegerField(_("mechanics"), default=8)
    advisors = models.PositiveSmallIntegerField(_("service advisors"), default=3)
    opens = models.TimeField(_("opens"), default="08:30")
    closes = models.TimeField(_("closes"), default="17:30")
    day_target = models.PositiveSmallIntegerField(_("intake target a day"), default=20)
    month_target = models.PositiveIntegerField(_("intake target a month"), default=650)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")


class ServiceKind(models.TextChoices):
    FIRST_SERVICE = "first_service", _("First service (首保)")
    MAINTENANCE = "maintenance", _("Maintenance")
    REPAIR = "repair", _("Repair")
    BODYWORK = "bodywork", _("Body and paint")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Received at the desk")
    IN_REPAIR = "in_repair", _("In the workshop")
    READY = "ready", _("Ready for collection")
    DELIVERED = "delivered", pgettext_lazy("vehicle", "Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")


class Stage(models.TextChoices):
    BEFORE = "before", _("Before the repair")
    DURING = "during", _("During the repair")
    AFTER = "after", _("After the repair")


class Appointment(VersionedModel):
    """A 4S maintenance appointment (预约): a slot and a bay, the advisor, the estimate and the
    completion promised to the customer (estimate × 1.5), its updates and comebacks."""

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
    vehicle = models.ForeignKey(
        "customers.Vehicle",
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("service"), max_length=14, choices=ServiceKind.choices)
    start_at = models.DateTimeField(_("slot"))
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=4, decimal_places=2)
    quoted_ready_at = models.DateTimeField(_("promised ready at"))
    bay = models.PositiveSmallIntegerField(_("bay"))
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service advisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    comeback_of = models.ForeignKey(
        "self",
        verbose_name=_("comeback of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comebacks",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workshop appointment")
        verbose_name_plural = _("workshop appointments")
        ordering = ["start_at", "id"]
        indexes = [
            models.Index(fields=["business_line", "start_at"], name="appointment_line_start"),
            models.Index(fields=["team", "start_at"], name="appointment_team_start"),
            models.Index(fields=["business_line", "delivered_at"], name="appointment_delivered"),
        ]


class AppointmentUpdate(models.Model):
    """A message to the customer before, during or after the repair (SR-4); it leaves through
    the messaging outbox after the commit (the ``workshop.update`` event)."""

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="updates"
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=10, choices=AppointmentStatus.choices)
    text = models.CharField(_("message to the customer"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer update")
        verbose_name_plural = _("customer updates")
        ordering = ["id"]


class ActivityKind(models.TextChoices):
    RENEWAL = "renewal", _("Insurance renewal (续保)")
    STORE_EVENT = "store_event", _("In-store event")


class AfterSalesActivity(models.Model):
    """A 续保 sold or an in-store event held (SEG-7), counted by month with the 首保."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    happened_on = models.DateField(_("date"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    amount_yuan = models.DecimalField(
        _("premium (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("after-sales activity")
        verbose_name_plural = _("after-sales activities")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["business_line", "happened_on"], name="activity_line_day"),
        ]


class FlowKind(models.TextChoices):
    SUBSTITUTE = "substitute", _("Substitute teacher (long-term unbookable)")
    GROUP = "group", _("1-on-1 to group class")


class StudentFlow(VersionedModel):
    """BK-7 / BK-8: a student's substitute-teacher or 1-on-1 → group flow; the steps and who may
    take each are ``booking.flows.FLOWS``; ``state`` is the last step taken (or done)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
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
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="flows"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FlowKind.choices)
    state = models.CharField(_("step"), max_length=20)
    teacher = models.CharField(_("teacher"), max_length=60, blank=True)
    trial = models.ForeignKey(
        Lesson,
        verbose_name=_("trial lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("student flow")
        verbose_name_plural = _("student flows")
        ordering = ["-id"]
        indexes = [models.Index(fields=["student", "-id"], name="student_flow_student")]


class FlowStepLog(models.Model):
    """A step taken in a student flow: who took it, when and what they noted."""

    flow = models.ForeignKey(
        StudentFlow, verbose_name=_("flow"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=20)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("flow step")
        verbose_name_plural = _("flow steps")
        ordering = ["id"]
