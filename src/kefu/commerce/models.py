"""E-commerce operations (issue 20): 催付 campaigns and reminders, returns and two-key refunds.

Shops and orders are the archive's rows (``customers.Shop``, ``customers.Order``); this app works
on them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    IM = "im", _("IM (旺旺)")
    PHONE = "phone", _("Phone")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("commerce", "Waiting")
    SENT = "sent", _("Sent")
    CALLED = "called", _("Called")
    CANCELLED = "cancelled", _("Cancelled (paid or closed)")


class CallOutcome(models.TextChoices):
    PROMISED = "promised", _("Promised to pay")
    NO_INTENT = "no_intent", _("No intention")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class Campaign(TimestampedModel):
    """A 催付 campaign for one event (PAY-1): its team, scripts per channel and targets."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="reminder_campaigns",
    )
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("reminder team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_at = models.DateTimeField(pgettext_lazy("commerce", "starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    training_on = models.DateField(_("training on"), null=True, blank=True)
    sms_script = models.TextField(_("SMS script"), blank=True)
    im_script = models.TextField(_("IM script"), blank=True)
    phone_script = models.TextField(_("phone script"), blank=True)
    target_order_rate = models.DecimalField(
        _("target recovered-order rate (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    target_amount = models.DecimalField(
        _("target recovered amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # PK-7: the refund and returns teams' own targets, beside the reminder team's
    target_refunds = models.PositiveIntegerField(
        _("target refunds completed"), null=True, blank=True
    )
    target_returns_on_time = models.DecimalField(
        _("target returns processed in time (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    # PK-5: the orders the event is expected to bring (the sales forecast the warehouse plans
    # with, split per brand by the previous event's shares)
    forecast_orders = models.PositiveIntegerField(_("orders expected"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment-reminder campaign")
        verbose_name_plural = _("payment-reminder campaigns")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["business_line", "starts_at"], name="campaign_bl_start")]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """One reminder of one order on one channel (never two: the unique constraint)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    placed_at = models.DateTimeField(_("placed at"))
    due_at = models.DateTimeField(pgettext_lazy("commerce", "due at"))
    sent_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        pgettext_lazy("commerce", "outcome"), max_length=20, choices=CallOutcome.choices, blank=True
    )

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [
            models.UniqueConstraint(fields=["order", "channel"], name="reminder_one_per_channel")
        ]
        indexes = [
            # the phone work list: pending, amount descending, earlier order first
            models.Index(
                fields=["business_line", "channel", "-amount", "placed_at"],
                condition=models.Q(status="pending"),
                name="reminder_pending_list",
            ),
            models.Index(fields=["business_line", "sent_at"], name="reminder_bl_sent"),
            # the send run takes the oldest pending SMS and IM: read in id order from here, it
            # stops after its batch (with a million pending, the list index above made the
            # planner join and sort them all: 17 s instead of 36 ms)
            models.Index(
                fields=["id"],
                condition=models.Q(status="pending", channel__in=["sms", "im"]),
                name="reminder_send_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.channel}"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved, waiting for the parcel")
    SHIPPED_BACK = "shipped_back", _("Parcel on its way back")
    RECEIVED = "received", pgettext_lazy("commerce", "Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    REFUSED = "refused", pgettext_lazy("commerce", "Refused")
    DISPUTED = "disputed", _("Disputed")


OPEN_RETURN_STATUSES = ("requested", "approved", "shipped_back", "received", "inspected")


class Return(VersionedModel):
    """A return or exchange (RET-6): approve → return tracking no. → receive and inspect →
    refund, exchange or refusal (→ dispute); processed within 48 h of receipt, VIP 24 h."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    exchange = models.BooleanField(_("exchange"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    opened = models.BooleanField(_("opened"), default=False)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    vip = models.BooleanField(_("VIP"), default=False)
    rule = models.CharField(_("policy rule"), max_length=30, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_tracking_no = models.CharField(_("return tracking number"), max_length=60, blank=True)
    received_at = models.DateTimeField(
        pgettext_lazy("commerce", "received at"), null=True, blank=True
    )
    due_at = models.DateTimeField(_("process by"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    intact = models.BooleanField(_("intact"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    resolved_at = models.DateTimeField(
        pgettext_lazy("commerce", "resolved at"), null=True, blank=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("from ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        indexes = [
            models.Index(fields=["business_line", "status", "received_at"], name="return_sweep"),
        ]

    def __str__(self) -> str:
        return f"R{self.pk}"


class RefundStatus(models.TextChoices):
    REVIEW = "review", _("Customer review")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved by finance")
    REJECTED = "rejected", _("Rejected")


class Refund(VersionedModel):
    """A refund (RET-5): 客户审核 → 提交退款 → 财务审批. Granting it (approval) is a second person's
    key: nobody approves a refund they reviewed or submitted."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    ret = models.ForeignKey(
        Return,
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.REVIEW
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    priority = models.BooleanField(_("priority refund"), default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("from ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["business_line", "status"], name="refund_queue")]

    def __str__(self) -> str:
        return f"F{self.pk}"


# -- care notices, shipment checks, reviews, shop indicators (issue 20 §4) ---------------------


class CareKind(models.TextChoices):
    UNSHIPPED = "unshipped", _("Not shipped yet")
    SHIPPED = "shipped", _("Dispatched")
    DELIVERED = "delivered", pgettext_lazy("commerce", "Delivered")
    CONFIRM = "confirm", _("Confirm receipt")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("commerce", "Waiting")
    SENT = "sent", _("Sent")
    REFUSED = "refused", _("Not sent")
    CANCELLED = "cancelled", _("Cancelled")


class CareNotice(models.Model):
    """One care SMS of one order (CARE-1): never two of a kind (the unique constraint)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("notice"), max_length=12, choices=CareKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    due_at = models.DateTimeField(pgettext_lazy("commerce", "due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("care notice")
        verbose_name_plural = _("care notices")
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="care_notice_one_per_kind")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(status="pending"), name="care_notice_pending"
            ),
            models.Index(fields=["business_line", "due_at"], name="care_notice_bl_due"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.kind}"


class ShipmentCheck(models.Model):
    """The daily check of the previous day's shipments (CARE-2): an untraceable parcel gets an
    extended receipt time."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    order = models.OneToOneField(
        "customers.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="+"
    )
    shipped_on = models.DateField(_("shipped on"))
    traceable = models.BooleanField(_("traceable"))
    extended_days = models.PositiveSmallIntegerField(_("receipt time extended by (days)"))
    checked_at = models.DateTimeField(pgettext_lazy("commerce", "checked at"))

    class Meta:
        verbose_name = _("shipment check")
        verbose_name_plural = _("shipment checks")
        indexes = [models.Index(fields=["business_line", "shipped_on"], name="shipcheck_bl_day")]

    def __str__(self) -> str:
        return f"{self.order_id}@{self.shipped_on}"


class ReviewGrade(models.TextChoices):
    GOOD = "good", _("Positive")
    MEDIUM = "medium", _("Neutral (中评)")
    POOR = "poor", _("Negative (差评)")


class CashbackStatus(models.TextChoices):
    NONE = "none", _("Not eligible")
    ELIGIBLE = "eligible", _("Eligible, not paid")
    PAID = "paid", _("Paid")


class Review(VersionedModel):
    """A buyer's review of an order (CARE-1/3, SAT-7): replied to, 中差评 called back, 5 stars with
    a photo earn the cash-back; its DSR stars feed the shop's daily DSR."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    shop = models.ForeignKey(
        "customers.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.OneToOneField(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    grade = models.CharField(
        pgettext_lazy("commerce", "grade"), max_length=8, choices=ReviewGrade.choices
    )
    text = models.TextField(_("review"), blank=True)
    has_photo = models.BooleanField(_("with photo"), default=False)
    dsr_item = models.PositiveSmallIntegerField(_("DSR: item as described"), null=True)
    dsr_service = models.PositiveSmallIntegerField(_("DSR: service"), null=True)
    dsr_logistics = models.PositiveSmallIntegerField(_("DSR: logistics"), null=True)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    callback_id = models.BigIntegerField(_("callback task"), null=True, blank=True)
    cashback = models.CharField(
        _("cash-back"), max_length=10, choices=CashbackStatus.choices, default=CashbackStatus.NONE
    )
    cashback_amount = models.DecimalField(
        _("cash-back amount"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    cashback_paid_at = models.DateTimeField(_("cash-back paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["business_line", "-reviewed_at"], name="review_bl_time"),
            models.Index(
                fields=["business_line", "reviewed_at"],
                condition=models.Q(replied_at__isnull=True),
                name="review_unreplied",
            ),
        ]

    def __str__(self) -> str:
        return f"V{self.pk}"


class IndicatorRecord(models.Model):
    """A shop's DSR or after-sales indicator on one day (SAT-7), recorded by the daily job."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("customers.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    code = models.CharField(_("indicator"), max_length=20)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=3, null=True)

    class Meta:
        verbose_name = _("shop indicator")
        verbose_name_plural = _("shop indicators")
        constraints = [
            models.UniqueConstraint(fields=["shop", "day", "code"], name="indicator_one_per_day")
        ]
        indexes = [models.Index(fields=["business_line", "day"], name="indicator_bl_day")]

    def __str__(self) -> str:
        return f"{self.shop_id}/{self.day}/{self.code}"


# -- the returns team and logistics cases (issue 20 §3: RET-7, RET-9) ---------------------------


class Inspection(models.Model):
    """One parcel unpacked and inspected at the warehouse by the returns team (RET-9)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    ret = models.ForeignKey(
        Return,
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    warehouse = models.CharField(pgettext_lazy("commerce", "warehouse"), max_length=60)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("commerce", "inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unpacked_at = models.DateTimeField(_("unpacked at"))
    intact = models.BooleanField(_("intact"))
    damaged = models.BooleanField(_("damaged in transit"), default=False)
    note = models.TextField(_("inspection note"), blank=True)

    class Meta:
        verbose_name = _("unpack and inspection record")
        verbose_name_plural = _("unpack and inspection records")
        indexes = [models.Index(fields=["business_line", "unpacked_at"], name="inspection_bl_time")]

    def __str__(self) -> str:
        return f"I{self.pk}"


class ReshipReason(models.TextChoices):
    LOST = "lost", _("Parcel lost")
    SHORT = "short", _("Part missing")
    DAMAGED = "damaged", _("Goods damaged")
    WRONG = "wrong", _("Wrong goods sent")


class ReshipResult(models.TextChoices):
    PENDING = "pending", pgettext_lazy("commerce", "Not checked yet")
    CORRECT = "correct", _("Correct")
    WRONG = "wrong", _("Wrong")


class Reshipment(VersionedModel):
    """A 补发 (RET-9): goods sent again; 补发准确率 = correct ÷ all reshipments, turnaround =
    sent − requested."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "commerce.LogisticsCase",
        verbose_name=_("logistics case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reshipments",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ReshipReason.choices)
    items = models.CharField(_("goods"), max_length=200)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    tracking_no = models.CharField(
        pgettext_lazy("commerce", "tracking number"), max_length=60, blank=True
    )
    result = models.CharField(
        _("result"), max_length=10, choices=ReshipResult.choices, default=ReshipResult.PENDING
    )
    checked_at = models.DateTimeField(
        pgettext_lazy("commerce", "checked at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("reshipment")
        verbose_name_plural = _("reshipments")
        indexes = [
            models.Index(fields=["business_line", "requested_at"], name="reship_bl_requested"),
            models.Index(fields=["business_line", "sent_at"], name="reship_bl_sent"),
        ]

    def __str__(self) -> str:
        return f"B{self.pk}"


class CaseKind(models.TextChoices):
    LOST = "lost", _("Lost parcel")
    SHORT = "short", _("Short shipment")
    DAMAGED = "damaged", _("Damaged in transit")
    ANOMALY = "anomaly", _("Logistics anomaly")
    EXTEND = "extend", _("Receipt time extended (延长收货时间)")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Opened")
    CONFIRMED = "confirmed", _("Loss confirmed")
    WEIGHED = "weighed", _("Weight checked")
    QUERIED = "queried", _("Courier queried")
    REMEDIED = "remedied", _("Reshipped or refunded")
    CLAIMED = "claimed", _("Claimed from the courier")
    CLOSED = "closed", pgettext_lazy("commerce", "Closed")


class Remedy(models.TextChoices):
    RESHIP = "reship", _("Reship")
    REFUND = "refund", _("Refund")


class LogisticsCase(VersionedModel):
    """A logistics exception of an order (RET-7): a lost parcel is confirmed, reshipped or
    refunded first, then claimed from the courier; a short shipment's weight is checked, then
    the missing part reshipped or refunded; an anomaly is queried with the courier."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    courier = models.CharField(_("courier"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    weight_warehouse = models.DecimalField(
        _("weight at the warehouse (kg)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    weight_courier = models.DecimalField(
        _("weight at the courier (kg)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    remedy = models.CharField(_("remedy"), max_length=10, choices=Remedy.choices, blank=True)
    refund = models.ForeignKey(
        Refund, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim_amount = models.DecimalField(
        _("amount claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recovered_amount = models.DecimalField(
        _("amount recovered"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("notes"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    extend_days = models.PositiveSmallIntegerField(
        _("receipt time extended by (days)"), null=True, blank=True
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("from ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("logistics case")
        verbose_name_plural = _("logistics cases")
        indexes = [
            models.Index(fields=["business_line", "status", "opened_at"], name="lcase_bl_status"),
            models.Index(fields=["business_line", "opened_at"], name="lcase_bl_opened"),
        ]

    def __str__(self) -> str:
        return f"L{self.pk}"


class IndicatorWarning(models.Model):
    """A warning sent to the supervisors that a shop indicator came within the warning margin of
    an event's entry threshold, or fell below it (SAT-7): once per indicator and day."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("customers.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    code = models.CharField(_("indicator"), max_length=20)
    event = models.CharField(_("event"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=3)
    threshold = models.DecimalField(_("threshold"), max_digits=8, decimal_places=3)
    status = models.CharField(_("status"), max_length=8)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator warning")
        verbose_name_plural = _("indicator warnings")
        constraints = [
            models.UniqueConstraint(fields=["shop", "day", "code"], name="indicator_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}/{self.day}/{self.code}"


# -- platform disputes (CMP-11, 淘宝小二介入) ---------------------------------------------------


class DisputeStage(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating with the buyer")
    APPEALING = "appealing", _("Appeal pack submitted to the platform")
    CLOSED = "closed", pgettext_lazy("commerce", "Closed")


class DisputeOutcome(models.TextChoices):
    WON = "won", pgettext_lazy("dispute", "Won")
    LOST = "lost", pgettext_lazy("dispute", "Lost")
    WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")


class Dispute(VersionedModel):
    """A buyer's complaint to the platform about a refused return (客户维权, 淘宝小二介入; CMP-11):
    the negotiation with the buyer, logged contact by contact; then the appeal pack to the
    platform (进货凭证, 品牌授权, reasons, chat logs); then the outcome and the amount."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", on_delete=models.PROTECT, related_name="+"
    )
    ret = models.OneToOneField(
        Return, verbose_name=_("return"), on_delete=models.PROTECT, related_name="dispute"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    platform_case_no = models.CharField(_("platform case number"), max_length=60, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=DisputeStage.choices, default=DisputeStage.NEGOTIATING
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reasons = models.TextField(_("reasons of the appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appeal submitted at"), null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        pgettext_lazy("commerce", "outcome"),
        max_length=10,
        choices=DisputeOutcome.choices,
        blank=True,
    )
    amount = models.DecimalField(
        _("amount paid to the buyer"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("platform dispute")
        verbose_name_plural = _("platform disputes")
        indexes = [
            models.Index(fields=["business_line", "stage", "opened_at"], name="dispute_bl_stage"),
            models.Index(fields=["business_line", "opened_at"], name="dispute_bl_opened"),
        ]

    def __str__(self) -> str:
        return f"D{self.pk}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    IM = "im", _("IM (旺旺)")
    SMS = "sms", _("SMS")
    PLATFORM = "platform", _("Platform message")


class DisputeContact(models.Model):
    """One contact with the buyer in the negotiation: when, how, what was offered, the answer."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="contacts"
    )
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    offer = models.CharField(_("what was offered"), max_length=500)
    answer = models.CharField(_("the buyer's answer"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("negotiation contact")
        verbose_name_plural = _("negotiation contacts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id}@{self.at:%Y-%m-%d %H:%M}"


class EvidenceKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase proof (进货凭证)")
    BRAND = "brand", _("Brand authorisation (品牌授权)")
    CHAT = "chat", _("Chat log (聊天记录)")
    OTHER = "other", _("Other evidence")


def dispute_evidence_path(instance, filename: str) -> str:
    return f"commerce/disputes/{instance.dispute_id}/{filename}"


class DisputeEvidence(models.Model):
    """A file of the appeal pack (the attachment types and the line's size limit apply)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=dispute_evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("file size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal evidence")
        verbose_name_plural = _("appeal evidence")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class PrePackKind(models.TextChoices):
    JUHUASUAN = "juhuasuan", _("聚划算 deal")
    BESTSELLER = "bestseller", _("爆款 bestseller")
    BUNDLE = "bundle", _("热销套装 best-selling set")


class PrePack(VersionedModel):
    """PK-5: goods packed ahead of the event (聚划算 / 爆款 / 热销套装), the quantity planned and
    how many are packed so far."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("commerce", "event"),
        on_delete=models.CASCADE,
        related_name="prepacks",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PrePackKind.choices)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    item = models.CharField(_("item or set"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity planned"))
    packed = models.PositiveIntegerField(_("packed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pre-pack")
        verbose_name_plural = _("pre-packs")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "item"], name="prepack_one_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(packed__lte=models.F("quantity")), name="prepack_packed_le_qty"
            ),
        ]

    def __str__(self) -> str:
        return self.item


class CourierChoice(VersionedModel):
    """PK-5: the premium courier chosen for the event's parcels to a destination city."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("commerce", "event"),
        on_delete=models.CASCADE,
        related_name="couriers",
    )
    city = models.CharField(_("destination city"), max_length=40)
    courier = models.CharField(_("courier"), max_length=40)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("courier choice")
        verbose_name_plural = _("courier choices")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "city"], name="courier_one_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.courier}"
