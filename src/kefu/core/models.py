"""Base models and the audit log shared by every app."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@functools.lru_cache(maxsize=512)
def _choice_labels(field, language: str | None) -> dict:
    """{value: label} of a field's choices in ``language`` (the active one when called)."""
    return {value: str(label) for value, label in field.flatchoices}


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (the name Django calls)
        # get_status_display() and the like: Django rebuilds the choices dict on every call,
        # a twentieth of a list page's time; the labels of each language are built once
        value = getattr(self, field.attname)
        try:
            return _choice_labels(field, get_language()).get(value, value)
        except TypeError:  # an unhashable value (a list, a dict)
            return super()._get_FIELD_display(field)


class VersionedModel(TimestampedModel):
    """Optimistic concurrency: services update with version=expected and bump it (409 on 0 rows)."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """An append-only record of a change, a reveal, a sign-in or an export.

    Written only through ``core.audit.record``; the admin shows it read-only.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    business_line_id = models.BigIntegerField(_("business line"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class CalendarDay(TimestampedModel):
    """An administrator's decision about one date: a workday or a day off (holiday).

    It wins over the chinese_calendar package and over weekdays; it is how years the package
    does not cover are entered. Without a business line it applies to every line; a line's own
    day wins over the global one. Read through ``core.business_calendar``.
    """

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
        help_text=_("Empty: the day applies to every business line."),
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(
        _("workday"), help_text=_("Unticked: a holiday. Ticked: a workday, e.g. a make-up day.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "date"], name="calendar_day_unique_per_line"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(business_line__isnull=True),
                name="calendar_day_unique_global",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="calendar_day_date")]

    def __str__(self) -> str:
        label = _("%(date)s: workday") if self.is_workday else _("%(date)s: day off")
        return label % {"date": f"{self.date:%Y-%m-%d}"}


class FormSubmission(models.Model):
    """One create form's idempotency token (``core.idempotency``): the first POST claims it, a
    second POST with the same token (a double click, a refresh) is sent to the first result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(_("token"), max_length=64)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="core_formsubmission_once")
        ]

    def __str__(self) -> str:
        return self.token


class ApiIdempotencyKey(models.Model):
    """One ``Idempotency-Key`` of an API POST (``core.idempotency_api``): the first request
    claims it (unique per credential and key, so the claim holds across processes), a retry with
    the same key and body gets the first answer back. Kept 24 hours."""

    owner = models.CharField(_("owner"), max_length=80)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="core_api_idempotency_once")
        ]

    def __str__(self) -> str:
        return self.key


class ApiRateWindow(models.Model):
    """Requests of one API caller (a token, a signed-in user or an address) in one minute
    (``core.ratelimit`` without Redis): one row a caller and minute, counted up atomically."""

    caller = models.CharField(_("caller"), max_length=80)
    minute = models.BigIntegerField(_("minute"))
    hits = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("API rate window")
        verbose_name_plural = _("API rate windows")
        constraints = [
            models.UniqueConstraint(fields=["caller", "minute"], name="core_api_rate_window_once")
        ]
        indexes = [models.Index(fields=["minute"], name="core_api_rate_minute")]

    def __str__(self) -> str:
        return f"{self.caller}@{self.minute}"


class DomainEvent(models.Model):
    """One published domain event (``core.events``): the event log and transactional outbox.

    Written in the transaction of the change it describes; ``id`` orders the log (the cursor of
    ``kefu events list``), ``uid`` is the stable id receivers de-duplicate by.
    """

    uid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("event"), max_length=40)
    occurred_at = models.DateTimeField(_("time"))
    object_type = models.CharField(_("object type"), max_length=30)
    object_id = models.BigIntegerField(_("object id"))
    business_line_id = models.BigIntegerField(_("business line"), null=True, blank=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # PostgreSQL: the writing transaction's id, so a reader of the log skips events of
    # transactions still running (their ids may be lower than ones already committed)
    txid = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["business_line_id", "id"], name="event_line"),
            models.Index(fields=["object_type", "object_id", "id"], name="event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_type}#{self.object_id}"
