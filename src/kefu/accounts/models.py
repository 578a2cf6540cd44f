"""Users, roles and the organisation: business line (业务线) → department (部门) → team (班组)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.line_settings import new_token
from kefu.core.models import TimestampedModel


class Industry(models.TextChoices):
    ECOMMERCE = "ecommerce", _("E-commerce")
    CALL_CENTER = "call_center", _("Call centre")
    PROPERTY = "property", _("Property management")
    AUTO = "auto", _("Car after-sales")
    EDUCATION = "education", _("Education")
    REPAIR = "repair", _("Repair centre")


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class BusinessLine(TimestampedModel):
    """A department's line of business, configured from an industry template (see templates.py)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    ticket_types = models.JSONField(_("ticket types"), default=list)
    policies = models.JSONField(_("policies"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # renewed whenever a routing rule, team, SLA policy or calendar day of the line changes, so
    # every process re-reads them (core.line_settings)
    settings_token = models.CharField(max_length=32, default=new_token, editable=False)

    class Meta:
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def policy(self, key: str):
        """A policy value of this line, falling back to the industry template default."""
        from kefu.accounts.templates import default_policies

        return self.policies.get(key, default_policies(self.industry).get(key))


class Department(TimestampedModel):
    business_line = models.ForeignKey(
        BusinessLine,
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Team(TimestampedModel):
    business_line = models.ForeignKey(
        BusinessLine,
        verbose_name=_("business line"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    # a practice team (the live drill, PK-3): its tickets are practice tickets, never routed a
    # customer and never counted (tickets.Ticket.is_practice); set by an administrator only
    is_practice = models.BooleanField(_("practice team"), default=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    business_line = models.ForeignKey(
        BusinessLine,
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    contact_access = models.CharField(
        _("contact data access"),
        max_length=10,
        choices=[
            ("", _("Role default")),
            ("masked", _("Masked only")),
            ("reveal", _("Masked, may reveal (audited)")),
            ("full", _("Always visible")),
        ],
        blank=True,
        default="",
    )
    failed_logins = models.PositiveIntegerField(_("failed sign-ins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class TokenScope(models.TextChoices):
    """What a token may do, within its user's role: ``read`` only GET, ``write`` the work
    (tickets, customers, callbacks …), ``admin`` also the administration (webhooks, SLA
    policies, routing, language rules)."""

    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")
    ADMIN = "admin", _("Full, administration included")


SCOPE_RANK = {TokenScope.READ: 1, TokenScope.WRITE: 2, TokenScope.ADMIN: 3}


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 is stored, so a leaked database leaks no token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    # tokens made before scopes existed were full tokens, and ``kefu token USER`` still makes one
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.ADMIN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SignInThrottle(models.Model):
    """Failed sign-ins counted per source (``ip:<address>``) and per unknown user name
    (``name:<username>``), so the sign-in page throttles a guessing source and answers an
    unknown name exactly like a known one (see ``accounts.backends``)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("failed sign-ins"), default=0)
    window_started_at = models.DateTimeField(_("counting since"))
    locked_until = models.DateTimeField(_("refused until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last attempt"), db_index=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return self.key
