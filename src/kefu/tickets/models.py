"""Tickets (工单): service requests and complaints, their timeline, messages and attachments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import TimestampedModel, VersionedModel


class TicketType(models.TextChoices):
    CONSULT = "consult", _("Enquiry")
    COMPLAINT = "complaint", _("Complaint")
    REPAIR = "repair", _("Repair")
    RETURN = "return", _("Return/exchange")
    REFUND = "refund", _("Refund")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    IM = "im", _("Online/IM")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Walk-in")
    WEB = "web", _("Web form")
    LETTER = "letter", _("Letter")
    API = "api", _("API")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.PENDING)


class Category(models.Model):
    """A node of a business line's category tree (e.g. 物流问题 › 查件)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "parent", "name"], name="category_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class CountedTickets(models.Manager):
    """``Ticket.objects``: the tickets that count — every one but the practice tickets of the
    live drill (PK-3), so no KPI, report, SLA figure, forecast, sample, survey or callback that
    reads ``Ticket.objects`` can see one. The tickets app's own pages and writes use
    ``Ticket.all_objects`` (docs/training-practice-queue.md)."""

    def get_queryset(self):
        return super().get_queryset().filter(is_practice=False)


class Ticket(VersionedModel):
    # db_index=False on the foreign keys that lead a composite index of Meta.indexes (line,
    # department, team, customer, first owner, assignee): that index serves every lookup the
    # single-column one did, and each index less is one B-tree write less per intake (issue 24)
    number = models.CharField(_("number"), max_length=20, unique=True)
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    # department is denormalised from the team so that scope filters use one index
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    vehicle = models.ForeignKey(
        "customers.Vehicle",
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    property_unit = models.ForeignKey(
        "customers.PropertyUnit",
        verbose_name=_("property unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    order = models.ForeignKey(
        "customers.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    first_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first-ask owner"),
        on_delete=models.PROTECT,
        related_name="first_owned_tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,
    )
    due_at = models.DateTimeField(_("due at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    # copied from the team at creation (a column, so leaving practice out is one condition, not
    # a join); a practice ticket never moves to a real team nor a real one to a practice team
    is_practice = models.BooleanField(_("practice ticket"), default=False, editable=False)
    # jieba-segmented title + description, indexed by FTS5 / PostgreSQL full text (core.search)
    search_text = models.TextField(blank=True, editable=False)
    # on PostgreSQL its tsvector is a stored generated column, unknown to the ORM (migration 0006)
    SEARCH_VECTOR = "search_tsv"
    # the fields whose text ``search_text`` is cut from (core.search.resegment_containing)
    SEARCH_FIELDS = ("title", "description")

    objects = CountedTickets()
    all_objects = models.Manager()

    class Meta:
        # related managers, the admin, backups and restores see every row, practice ones too
        default_manager_name = "all_objects"
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business_line", "-created_at"], name="ticket_bl_created"),
            models.Index(fields=["department", "-created_at"], name="ticket_dept_created"),
            models.Index(fields=["team", "-created_at"], name="ticket_team_created"),
            models.Index(fields=["team", "status", "due_at"], name="ticket_team_status_due"),
            models.Index(fields=["assignee", "status", "due_at"], name="ticket_assignee_status"),
            # an agent's newest tickets, one branch of the scope's OR (core.pagination)
            models.Index(fields=["assignee", "-created_at"], name="ticket_assignee_created"),
            models.Index(fields=["first_owner", "-created_at"], name="ticket_owner_created"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created"),
            models.Index(fields=["status", "due_at"], name="ticket_status_due"),
            models.Index(fields=["-updated_at"], name="ticket_updated"),
            # the daily close and the weekly report (reports.daily): resolved in a day or week,
            # and open at a past close (unresolved, or resolved after it) without visiting every
            # ticket created before the close
            models.Index(fields=["business_line", "resolved_at"], name="ticket_bl_resolved"),
            # the home figures of a department / business line: counts by status, type, channel
            # and team, and open tickets by due time, read from the index alone (bench/README.md);
            # is_practice last, so leaving practice tickets out (Ticket.objects) stays index-only
            models.Index(
                fields=["department", "status", "team", "type", "channel", "due_at", "is_practice"],
                name="ticket_dept_breakdown",
            ),
            models.Index(
                fields=[
                    "business_line",
                    "status",
                    "team",
                    "type",
                    "channel",
                    "due_at",
                    "is_practice",
                ],
                name="ticket_bl_breakdown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


DELIVERY_STUCK_AFTER = dt.timedelta(minutes=15)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    """Where a reply to the customer stands. ``recorded``: the channel has no outbound (a phone
    call, a visit), ``not_sent``: the customer has no address or number for it."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RECORDED = "recorded", _("Recorded only")
    NOT_SENT = "not_sent", _("Not sent")


class TicketMessage(TimestampedModel):
    """A reply to the customer or an internal note."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to customer")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("text"))
    # delivery of a reply to the customer (tickets.outbound); empty for internal notes
    delivery_channel = models.CharField(
        _("sent by"), max_length=10, choices=DeliveryChannel.choices, blank=True
    )
    delivery_status = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryStatus.choices, blank=True
    )
    delivery_error = models.TextField(_("delivery problem"), blank=True)
    delivery_at = models.DateTimeField(_("delivery state since"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="message_ticket")]

    @property
    def delivery_retryable(self) -> bool:
        """A failed or unsent reply may be sent again; so may one queued or sending for longer
        than ``DELIVERY_STUCK_AFTER`` (its job was lost with a worker)."""
        if self.delivery_status in (DeliveryStatus.FAILED, DeliveryStatus.NOT_SENT):
            return True
        if self.delivery_status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
            return self.delivery_at is not None and (
                self.delivery_at < timezone.now() - DELIVERY_STUCK_AFTER
            )
        return False


class TicketEvent(models.Model):
    """One line of a ticket's timeline: who, when, what changed (before → after)."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("ticket event", "Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        FIELD = "field", _("Field changed")
        REPLY = "reply", _("Replied")
        NOTE = "note", _("Note added")
        ATTACHMENT = "attachment", _("File attached")
        REOPENED = "reopened", _("Reopened")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # event_ticket (ticket, id) leads with it
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket")]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.ticket_id}/{filename}"


class Attachment(TimestampedModel):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]


class SavedView(TimestampedModel):
    """A user's named ticket-list filter (the query string of the list page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedview_unique_name")
        ]


# service levels, routing and the complaint workflow live in their own module
from kefu.tickets import models_sla  # noqa: E402, F401
