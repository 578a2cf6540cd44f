"""The customer archive (客户档案, spec ARC-1…12) and the customer's assets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class Tier(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    VIP = "vip", _("VIP")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Customer(VersionedModel):
    """One customer of one business line; the 客户档案基本资料表 fields (ARC-2) live here and in assets."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,  # customer_bl_created and the other line indexes lead with it
    )
    name = models.CharField(_("name"), max_length=100, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.NORMAL)
    source_channel = models.CharField(_("source channel"), max_length=20, blank=True)
    dedicated_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dedicated_customers",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # "|tag1|tag2|": the tag filter is a portable substring match (SQLite has no JSON contains)
    tag_index = models.CharField(max_length=500, blank=True, default="", editable=False)
    wanted_services = models.TextField(_("services wanted"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    first_visit_on = models.DateField(_("first visit"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["business_line", "-created_at"], name="customer_bl_created"),
            # the incremental export (GET /customers?updated_after=) pages by (updated_at, id)
            models.Index(fields=["business_line", "updated_at"], name="customer_bl_updated"),
            models.Index(fields=["updated_at"], name="customer_updated"),
            models.Index(fields=["business_line", "phone"], name="customer_bl_phone"),
            models.Index(fields=["business_line", "name"], name="customer_bl_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PhoneGram(models.Model):
    """Every 4-digit window of a customer's phones, so any 4+ digits find the customer by index."""

    # phonegram_unique (customer, gram) serves the lookups by customer
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    business_line_id = models.BigIntegerField()
    gram = models.CharField(max_length=4)

    class Meta:
        indexes = [models.Index(fields=["business_line_id", "gram"], name="phonegram_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "gram"], name="phonegram_unique")
        ]


class CustomerNote(TimestampedModel):
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="customer_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("note"))

    class Meta:
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        ordering = ["-id"]


class Vehicle(TimestampedModel):
    """车辆 (4S after-sales): 车型, 车号, 车种, 保养周期, 下一次保养期 (ARC-2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="vehicles"
    )
    model_name = models.CharField(_("vehicle model"), max_length=100)
    plate = models.CharField(_("plate number"), max_length=20, blank=True, db_index=True)
    kind = models.CharField(_("vehicle type"), max_length=50, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    maintenance_interval_days = models.PositiveIntegerField(
        _("maintenance interval (days)"), null=True, blank=True
    )
    next_maintenance_on = models.DateField(_("next maintenance"), null=True, blank=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.model_name} {self.plate}".strip()


class ServiceRecord(TimestampedModel):
    """在本公司维修保养记录: one visit's repair/maintenance items (ARC-2)."""

    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), on_delete=models.CASCADE, related_name="service_records"
    )
    serviced_on = models.DateField(_("service date"))
    items = models.TextField(_("repair/maintenance items"))
    mileage_km = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-serviced_on", "-id"]


class PropertyUnit(TimestampedModel):
    """物业: 楼栋 / 单元 / 房号 and 面积."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="units"
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("property unit")
        verbose_name_plural = _("property units")
        ordering = ["id"]

    def __str__(self) -> str:
        return "-".join(p for p in (self.building, self.unit, self.room) if p)


class BuyerAccount(TimestampedModel):
    """电商: the customer's account on a shop platform (淘宝/天猫/京东 …)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="buyer_accounts",
    )
    platform = models.CharField(_("platform"), max_length=30)
    platform_user_id = models.CharField(_("platform ID"), max_length=100)

    class Meta:
        verbose_name = _("buyer account")
        verbose_name_plural = _("buyer accounts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.platform}:{self.platform_user_id}"


class Shop(TimestampedModel):
    """电商: a shop of the business line on a platform (天猫, 淘宝, 京东 …); its orders are the
    customers' order assets (commerce works on them)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="shops",
    )
    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=30)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Order(TimestampedModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="orders"
    )
    order_no = models.CharField(_("order number"), max_length=40, db_index=True)
    platform = models.CharField(_("platform"), max_length=30, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("order status"), max_length=20, blank=True)
    placed_at = models.DateTimeField(_("placed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # commerce (issue 20): the shop, the lines, the later status times and the parcel
    shop = models.ForeignKey(
        Shop,
        verbose_name=_("shop"),
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
        blank=True,
    )
    buyer_id = models.CharField(_("buyer platform ID"), max_length=100, blank=True)
    lines = models.JSONField(_("order lines"), default=list, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    courier = models.CharField(_("courier"), max_length=40, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    warehouse_city = models.CharField(_("warehouse city"), max_length=40, blank=True)
    # the brand of the order's goods (a shop may sell several: the warehouse forecasts per brand,
    # PK-5); an order of several brands is kept under its main one, as the platform export lists it
    brand = models.CharField(_("brand"), max_length=60, blank=True, default="")
    buyer_online = models.BooleanField(_("buyer online"), default=False)
    # the platform's time of the latest status applied: an older update never overwrites it
    status_at = models.DateTimeField(_("status time"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "order_no"],
                condition=models.Q(shop__isnull=False),
                name="order_shop_order_no_unique",
            )
        ]
        indexes = [
            # the payment-reminder job reads the open unpaid orders of a shop by placing time
            models.Index(
                fields=["shop", "placed_at"],
                condition=models.Q(paid_at__isnull=True, closed_at__isnull=True),
                name="order_shop_unpaid_open",
            ),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed"),
        ]

    def __str__(self) -> str:
        return self.order_no


class Membership(TimestampedModel):
    """会员 / 学员: card number, balance and lesson hours."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="memberships"
    )
    card_no = models.CharField(_("card number"), max_length=40, db_index=True)
    balance = models.DecimalField(_("balance"), max_digits=12, decimal_places=2, default=0)
    lesson_hours = models.DecimalField(_("lesson hours"), max_digits=8, decimal_places=1, default=0)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.card_no


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not loaded")


class CustomerImport(models.Model):
    """One import of one workbook into one business line, committed batch by batch.

    ``loaded_through`` is the last sheet row whose batch is committed, written in that batch's
    transaction, so an import that was killed resumes after it when the same file is imported
    again; a file whose import is running (its heartbeat fresh) cannot be started a second time.
    """

    business_line = models.ForeignKey(
        "accounts.BusinessLine", verbose_name=_("business line"), on_delete=models.CASCADE
    )
    sha256 = models.CharField(_("file checksum"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    loaded_through = models.PositiveIntegerField(_("loaded through row"), default=0)
    created = models.PositiveIntegerField(_("customers created"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last progress"))
    # "host:pid" of the process importing, so a run whose process is gone is resumed at once
    owner = models.CharField(_("process"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "sha256"],
                condition=models.Q(status="running"),
                name="customerimport_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.get_status_display()})"
