"""Service levels, routing and the complaint workflow: SLA policies and clocks, breach events and
notifications; routing rules, team strategies and agents' working windows; complaint stages,
responsible units (责任单位) with hand-offs, and promises to customers as tasks."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class Clock(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class Level(models.IntegerChoices):
    WARNING = 0, _("Warning")
    BREACH = 1, _("Breached")
    SUPERVISOR = 2, _("Escalated to the supervisor")
    MANAGER = 3, _("Escalated to the manager")


# the names the template's default policies are stored under (tickets.sla.builtin_policies):
# pages show them as the translated description of their conditions
BUILTIN_NAME = re.compile(r"^[a-z_]+:[a-z_]+$")


def describe_conditions(
    *,
    ticket_type: str = "",
    priority: str = "",
    customer_tier: str = "",
    channel: str = "",
    category: str = "",
) -> str:
    """What a policy applies to, in the user's language: “投诉 · 紧急 · 电话” / “Complaint ·
    Urgent · Phone”; “所有工单” / “All tickets” stands for any ticket type."""
    from kefu.customers.models import Tier
    from kefu.tickets.models import Channel, Priority, TicketType

    def label(choices, value):
        return str(dict(choices.choices).get(value, value))

    parts = [label(TicketType, ticket_type) if ticket_type else str(_("All tickets"))]
    if priority:
        parts.append(label(Priority, priority))
    if customer_tier:
        parts.append(str(_("%(tier)s customers") % {"tier": label(Tier, customer_tier)}))
    if channel:
        parts.append(label(Channel, channel))
    if category:
        parts.append(category)
    return " · ".join(parts)


def policy_label(name: str) -> str:
    """A policy's name as pages show it: a default policy's stored code (``priority:normal``)
    becomes the description of its conditions; a name a person gave stays as it is."""
    if not BUILTIN_NAME.match(name or ""):
        return name
    from kefu.tickets import sla

    for rule in sla.builtin_policies("property", None, refunds=True):
        if rule.name == name:
            return describe_conditions(
                ticket_type=rule.ticket_type or "",
                priority=rule.priority or "",
                customer_tier=rule.customer_tier or "",
                channel=rule.channel or "",
                category=rule.category or "",
            )
    return name


class SlaPolicy(TimestampedModel):
    """First-response and resolution targets for tickets matching type × priority × customer tier
    × channel × category (empty = any). The most specific active policy of the line wins."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="sla_policies",
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    ticket_type = models.CharField(_("ticket type"), max_length=20, blank=True)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    customer_tier = models.CharField(_("customer tier"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    category = models.CharField(_("category name"), max_length=100, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution by end of working day N (0 = same day)"), null=True, blank=True
    )
    business_time = models.BooleanField(_("count business time"), default=True)
    warning_percent = models.PositiveSmallIntegerField(_("warning at (% of target)"), default=80)
    step_percent = models.PositiveSmallIntegerField(
        _("further escalation every (% of target)"), default=50
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["business_line", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="slapolicy_unique_name"),
            models.CheckConstraint(
                condition=Q(resolution_minutes__isnull=False) | Q(resolution_days__isnull=False),
                name="slapolicy_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def conditions_label(self) -> str:
        return describe_conditions(
            ticket_type=self.ticket_type,
            priority=self.priority,
            customer_tier=self.customer_tier,
            channel=self.channel,
            category=self.category,
        )

    @property
    def label(self) -> str:
        """The name shown: a default policy's code reads as its conditions, translated."""
        return self.conditions_label if BUILTIN_NAME.match(self.name or "") else self.name


class SlaClock(models.Model):
    """One running (or stopped) clock of a ticket. ``next_level``/``next_at`` tell the periodic
    job what fires next; both are null while paused, stopped, or after the last level."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,  # the unique (ticket, kind) leads with it
    )
    kind = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    policy_name = models.CharField(_("policy"), max_length=100, blank=True)
    target_seconds = models.PositiveIntegerField(_("target (seconds)"))
    business_time = models.BooleanField(_("count business time"), default=True)
    warning_percent = models.PositiveSmallIntegerField(_("warning at (% of target)"), default=80)
    step_percent = models.PositiveSmallIntegerField(default=50)
    started_at = models.DateTimeField(_("started at"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused (seconds)"), default=0)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    last_level = models.SmallIntegerField(null=True, blank=True)
    next_level = models.SmallIntegerField(null=True, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="slaclock_unique_kind")
        ]
        indexes = [models.Index(fields=["next_at"], name="slaclock_next")]


class SlaEvent(models.Model):
    """A warning or breach level reached by a clock; unique per ticket × clock × level, so the
    periodic job can run twice (or concurrently) and record each level once."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_events",
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    level = models.SmallIntegerField(_("level"), choices=Level.choices)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "clock", "level"], name="slaevent_unique_level"
            )
        ]


class Notification(models.Model):
    """An in-app notice for one user (SLA warnings and escalations, hand-offs, tasks)."""

    class Kind(models.TextChoices):
        SLA = "sla", _("Service level")
        HANDOFF_DONE = "handoff_done", _("Responsible unit reported done")
        TASK = "task", _("Task")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices, blank=True)
    level = models.SmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="notification_user")]


class NotifyProfile(models.Model):
    """Where a user gets notified besides the app: e-mail (the account's address) and SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notify_profile",
    )
    phone = models.CharField(_("mobile for SMS"), max_length=20, blank=True)
    email_enabled = models.BooleanField(_("notify by e-mail"), default=True)
    sms_enabled = models.BooleanField(_("notify by SMS"), default=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")


# -- routing -------------------------------------------------------------------------------


class Strategy(models.TextChoices):
    MANUAL = "manual", _("Manual assignment")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOAD = "least_load", _("Least open tickets")


class RoutingRule(TimestampedModel):
    """Send new tickets matching type / channel / category / a keyword to a team (CH-2:
    产品问题 vs 物流问题). Rules of a line are tried in ``position`` order; the first match wins."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    ticket_type = models.CharField(_("ticket type"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    category = models.CharField(_("category name"), max_length=100, blank=True)
    keywords = models.CharField(
        _("keywords (any of, separated by spaces or commas)"), max_length=300, blank=True
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["business_line", "position", "id"]

    def __str__(self) -> str:
        return self.name


class TeamRouting(models.Model):
    """How a team's new tickets get an assignee, and the round-robin pointer."""

    team = models.OneToOneField(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="routing",
    )
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.MANUAL
    )
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")


class AgentShift(models.Model):
    """An agent's working window (weekdays 0 = Monday … 6 = Sunday, local times); outside it the
    agent is off shift and routing skips them. No row: on shift whenever active."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="shift",
    )
    weekdays = models.JSONField(_("weekdays"), default=list)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")


# -- complaints ----------------------------------------------------------------------------


class Stage(models.TextChoices):
    ACCEPTED = "accepted", _("Accept and soothe (受理安抚)")
    CLARIFIED = "clarified", _("Clarify and judge (澄清判定)")
    SOLUTION = "solution", _("Agree a solution (方案协商)")
    FOLLOW_THROUGH = "follow_through", _("Follow through (跟进落实)")


class Validity(models.TextChoices):
    VALID = "valid", _("Valid")
    NOT_VALID = "not_valid", _("Not valid")


class ComplaintCase(VersionedModel):
    """The stage of a complaint ticket (CMP-1) and what each stage decided."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="complaint_case",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.ACCEPTED
    )
    validity = models.CharField(_("validity"), max_length=10, choices=Validity.choices, blank=True)
    explanation = models.TextField(_("explanation given to the customer"), blank=True)
    options = models.JSONField(_("options offered"), default=list, blank=True)
    agreed_option = models.CharField(_("option agreed"), max_length=300, blank=True)
    notes = models.TextField(_("follow-through notes"), blank=True)

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")


class UnitKind(models.TextChoices):
    STATION = "station", _("Station")
    CAMPUS = "campus", _("Campus")
    WORKSHOP = "workshop", _("Workshop")
    DEPARTMENT = "department", _("Department")


class ResponsibleUnit(TimestampedModel):
    """A unit complaints are handed to (责任单位: 站点, 校区, 车间, 部门) in a business line."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="responsible_units",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["business_line", "name"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Handoff(TimestampedModel):
    """A complaint handed to a responsible unit, with the unit's own deadline (CMP-5)."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="handoffs",
    )
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="handoffs"
    )
    due_at = models.DateTimeField(_("unit's deadline"))
    note = models.TextField(_("what to do"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    report = models.TextField(_("unit's report"), blank=True)

    class Meta:
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        ordering = ["id"]
        indexes = [models.Index(fields=["unit", "done_at", "due_at"], name="handoff_unit_open")]


class Task(TimestampedModel):
    """A promise to a customer (reply by a time, call back in 30 minutes: WL-4, FU-6) or the desk's
    re-contact after a unit reported done (CMP-5): an exact due time, an owner, done or not."""

    class Kind(models.TextChoices):
        PROMISE = "promise", _("Promise to the customer")
        RECONTACT = "recontact", _("Re-contact the customer")

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
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    handoff = models.OneToOneField(
        Handoff,
        verbose_name=_("hand-off"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recontact_task",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("what was promised"), max_length=200)
    due_at = models.DateTimeField(_("due at"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="kefu_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_at"], name="task_owner_due"),
            models.Index(fields=["team", "done_at", "due_at"], name="task_team_due"),
            models.Index(fields=["ticket", "id"], name="task_ticket"),
        ]

    def __str__(self) -> str:
        return self.title
