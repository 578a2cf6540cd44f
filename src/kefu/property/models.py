"""The property office (物业): fee standards, unit possession, bills and payments, dunning letter
batches (催缴函/催收函) and repairs (居家/公共区域). Units themselves are the customer archive's
``customers.PropertyUnit`` rows; this app keeps what the office adds to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class FeeKind(models.TextChoices):
    PROPERTY = "property", _("Property management fee")
    PARKING = "parking", _("Parking fee")
    TEMP_PARKING = "temp_parking", _("Temporary parking fee")


class Basis(models.TextChoices):
    AREA_MONTH = "area_month", _("Per m² per month")
    MONTH = "month", _("Per month")


class FeeType(TimestampedModel):
    """A fee and its standard (FEE-5), reviewed once a year with the price authority."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=FeeKind.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=10, decimal_places=2)
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee standard")
        verbose_name_plural = _("fee standards")
        ordering = ["business_line", "code"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "code"], name="fee_type_code")
        ]

    def __str__(self) -> str:
        return self.name


class Possession(models.TextChoices):
    TAKEN = "taken", _("Taken possession")
    NOT_TAKEN = "not_taken", _("Not taken possession")


class ArrearsReason(models.TextChoices):
    """Why a household does not pay (ARC-12, FEE-1: refusal reasons counted)."""

    SERVICE = "service", _("Unhappy with the service")
    DISPUTE = "dispute", _("Dispute with the office (repairs, parking)")
    HARDSHIP = "hardship", _("Financial hardship")
    VACANT = "vacant", _("Flat empty, owner away")
    UNREACHABLE = "unreachable", _("Owner cannot be reached")
    OTHER = "other", _("Other")


class Occupancy(models.TextChoices):
    OWNER = "owner", _("Lived in by the owner")
    RENTED = "rented", _("Rented out")
    VACANT = "vacant", _("Standing empty")


class UnitProfile(TimestampedModel):
    """What the office keeps about a unit: possession, who lives there (a rented unit is on the
    rental-housing register, PM-X5), its building assistant and why it does not pay."""

    unit = models.OneToOneField(
        "customers.PropertyUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="office_profile",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    possession = models.CharField(
        _("possession"), max_length=12, choices=Possession.choices, default=Possession.TAKEN
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("building assistant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    arrears_reason = models.CharField(
        _("reason for not paying"), max_length=12, choices=ArrearsReason.choices, blank=True
    )
    occupancy = models.CharField(
        _("occupancy"), max_length=8, choices=Occupancy.choices, default=Occupancy.OWNER
    )

    class Meta:
        verbose_name = _("unit profile")
        verbose_name_plural = _("unit profiles")


class Bill(TimestampedModel):
    """One fee of one unit for one period (a month or a year)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="bills",
    )
    fee_type = models.ForeignKey(FeeType, verbose_name=_("fee"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.DateField(_("period"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid (yuan)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fee_type", "period"], name="bill_unit_period")
        ]
        indexes = [
            models.Index(fields=["business_line", "year", "fee_type"], name="bill_line_year"),
            models.Index(fields=["unit", "due_on"], name="bill_unit_due"),
        ]

    @property
    def outstanding(self):
        return self.amount - self.paid


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    TRANSFER = "transfer", pgettext_lazy("payment", "Transfer")
    MOBILE = "mobile", _("Mobile payment")


class Payment(models.Model):
    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["business_line", "paid_on"], name="payment_line_day")]


class LetterKind(models.TextChoices):
    DUNNING = "dunning", _("Dunning letter (arrears over a year)")
    COLLECTION = "collection", _("Collection letter (possession not taken)")


class LetterBatch(TimestampedModel):
    """A printed batch of 催缴函 or 催收函 (FEE-2), each letter entered in the letter register."""

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
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    as_of = models.DateField(_("as of"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")
        ordering = ["-created_at", "-id"]


class DunningLetter(models.Model):
    batch = models.ForeignKey(
        LetterBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="letters"
    )
    unit = models.ForeignKey(
        "customers.PropertyUnit", verbose_name=_("unit"), on_delete=models.CASCADE
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE
    )
    arrears = models.DecimalField(_("arrears (yuan)"), max_digits=12, decimal_places=2)
    oldest_due = models.DateField(_("oldest due date"))
    record = models.ForeignKey(
        "followups.LetterRecord",
        verbose_name=_("letter register entry"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dunning letter")
        verbose_name_plural = _("dunning letters")
        ordering = ["id"]


class RepairScope(models.TextChoices):
    HOME = "home", _("In the home")
    PUBLIC = "public", _("Public area")


class RepairSize(models.TextChoices):
    MINOR = "minor", _("Minor repair")
    MAJOR = "major", _("Major repair")


class RepairJob(VersionedModel):
    """A repair (SR-1, SR-2): 小修不过夜, 大修不过三, each job called back."""

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
    unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.CharField(_("where"), max_length=10, choices=RepairScope.choices)
    size = models.CharField(_("size"), max_length=10, choices=RepairSize.choices)
    description = models.CharField(_("description"), max_length=200)
    reported_at = models.DateTimeField(_("reported at"))
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_satisfied = models.BooleanField(_("satisfied with the repair"), null=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["business_line", "-reported_at"], name="repair_line_reported"),
            models.Index(fields=["team", "-reported_at"], name="repair_team_reported"),
        ]

    @property
    def on_time(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.due_at


class CashDay(models.Model):
    """A closed day of the office's cash (FEE-6): the cash payments recorded that day, the cash
    counted at closing and the amount handed over (上缴). Once closed, no cash payment may be
    dated that day."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    day = models.DateField(_("day"))
    recorded_yuan = models.DecimalField(_("cash recorded (yuan)"), max_digits=12, decimal_places=2)
    counted_yuan = models.DecimalField(_("cash counted (yuan)"), max_digits=12, decimal_places=2)
    handed_over_yuan = models.DecimalField(_("handed over (yuan)"), max_digits=12, decimal_places=2)
    difference_yuan = models.DecimalField(_("difference (yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("explanation"), max_length=200, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cash day")
        verbose_name_plural = _("cash days")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "day"], name="cash_day_line_day")
        ]


class DoorVisit(TimestampedModel):
    """A customer-service agent's visit to a household (SEG-11): at least 4 households per agent
    a month, the visit's note written into the owner's profile."""

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
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    visited_on = models.DateField(_("visited on"))
    note = models.CharField(_("note"), max_length=300)

    class Meta:
        verbose_name = _("door visit")
        verbose_name_plural = _("door visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["business_line", "visited_on"], name="door_visit_line_day"),
            models.Index(fields=["unit", "-visited_on"], name="door_visit_unit"),
        ]


class CommunityActivity(TimestampedModel):
    """PM-X5: the community's activities and events calendar, each with its place and the fee
    of the activity centre published with it (0 = free)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=60)
    fee_yuan = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["business_line", "starts_at"], name="community_activity_day")
        ]


class DocumentKind(models.TextChoices):
    """What a household's e-archive keeps (ARC-9)."""

    ANNOUNCEMENT = "announcement", _("Announcement")
    NOTICE = "notice", _("Household notice")
    REPORT = "report", _("Household report")
    FEE_RECORD = "fee_record", _("Fee record")
    OWNER_INFO = "owner_info", _("Owner information")


def household_document_path(instance, filename: str) -> str:
    return f"property/archive/{instance.business_line_id}/{instance.unit_id}/{filename}"


class HouseholdDocument(TimestampedModel):
    """A document in a household's e-archive (ARC-9): kept electronically for retrieval at any
    time, found through the catalogue by kind, building, household or title."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to=household_document_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("household document")
        verbose_name_plural = _("household documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business_line", "-created_at"], name="household_doc_line"),
            models.Index(fields=["unit", "-created_at"], name="household_doc_unit"),
        ]

    @property
    def file_type(self) -> str:
        """PDF, DOCX, CSV …: what the list shows of the file's name (the title names it)."""
        return self.name.rsplit(".", 1)[-1].upper() if "." in self.name else ""


class Tenancy(VersionedModel):
    """PM-X5: a rented unit's tenant in the rental-housing register (租户, lease dates, contact).
    The unit's latest tenancy that has not ended is its current one."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="tenancies",
    )
    tenant_name = models.CharField(_("tenant"), max_length=40, blank=True)
    phone = models.CharField(_("tenant's phone"), max_length=20, blank=True)
    lease_start = models.DateField(_("lease starts"), null=True, blank=True)
    lease_end = models.DateField(_("lease ends"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["-lease_start", "-id"]
        indexes = [
            models.Index(fields=["business_line", "moved_out_on"], name="tenancy_line_current"),
            models.Index(fields=["unit", "-id"], name="tenancy_unit"),
        ]


class CentrePer(models.TextChoices):
    HOUR = "hour", _("per hour")
    SESSION = "session", _("per session")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class CentreFee(VersionedModel):
    """PM-X5: the activity centre's published fees (table tennis room, gym card …), 0 = free."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    item = models.CharField(_("room or service"), max_length=40)
    price_yuan = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2)
    per = models.CharField(_("charged"), max_length=8, choices=CentrePer.choices)
    note = models.CharField(_("remarks"), max_length=100, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activity centre fee")
        verbose_name_plural = _("activity centre fees")
        ordering = ["business_line", "item"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "item"], name="centre_fee_item")
        ]
