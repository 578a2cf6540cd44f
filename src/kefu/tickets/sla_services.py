"""SLA writes: policies (edited by supervisors and above), clocks of each ticket (start, pause
while 待客户, resume, stop, retarget), and the idempotent periodic check that records warnings
and breaches and escalates assignee → team lead → supervisor → manager.

The arithmetic is in ``tickets.sla`` (pure); calendars come from ``core.business_calendar``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Role, User
from kefu.core import audit, line_settings, scope
from kefu.core.business_calendar import calendar_for
from kefu.core.calendar import BusinessCalendar
from kefu.core.db import insert_rows
from kefu.core.errors import Invalid, NotFound, PermissionDenied
from kefu.customers.models import Tier
from kefu.tickets import sla
from kefu.tickets.models import Channel, Priority, Status, Ticket, TicketType
from kefu.tickets.models_sla import Clock, Notification, SlaClock, SlaEvent, SlaPolicy
from kefu.tickets.notify import notify

# clocks handled per database round of the periodic check; bounds the memory of one run
CHECK_BATCH = 500
MAX_MINUTES = 60 * 24 * 365
POLICY_FIELDS = (
    "name",
    "position",
    "ticket_type",
    "priority",
    "customer_tier",
    "channel",
    "category",
    "first_response_minutes",
    "resolution_minutes",
    "resolution_days",
    "business_time",
    "warning_percent",
    "step_percent",
    "is_active",
)


# -- policies ------------------------------------------------------------------------------


def _rule(policy: SlaPolicy) -> sla.PolicyRule:
    return sla.PolicyRule(
        name=policy.name,
        resolution_minutes=policy.resolution_minutes,
        resolution_days=policy.resolution_days,
        first_response_minutes=policy.first_response_minutes,
        ticket_type=policy.ticket_type,
        priority=policy.priority,
        customer_tier=policy.customer_tier,
        channel=policy.channel,
        category=policy.category,
        business_time=policy.business_time,
        warning_percent=policy.warning_percent,
        step_percent=policy.step_percent,
        position=policy.position,
        pk=policy.pk,
    )


def line_rules(business_line, *, cached: bool = False) -> list[sla.PolicyRule]:
    """The line's active policies; the template defaults while the line has none of its own.

    ``cached``: from this process's copy while the line's settings are unchanged
    (``business_line`` must be fresh from the database: core.line_settings)."""

    def load() -> list[tuple[sla.PolicyRule, bool]]:
        policies = SlaPolicy.objects.filter(business_line=business_line)
        return [(_rule(p), p.is_active) for p in policies]

    rows = line_settings.cached(business_line, "sla_policies", load) if cached else load()
    if not rows:
        return sla.line_builtin_policies(business_line.policy, business_line.industry)
    return [rule for rule, is_active in rows if is_active]


def _facts(ticket: Ticket) -> sla.TicketFacts:
    categories: tuple[str, ...] = ()
    if ticket.category_id:
        category = ticket.category
        categories = (category.name,) + ((category.parent.name,) if category.parent_id else ())
    return sla.TicketFacts(
        type=ticket.type,
        priority=ticket.priority,
        tier=ticket.customer.tier,
        channel=ticket.channel,
        categories=categories,
    )


def _calendar(ticket: Ticket, business_time: bool, cache: dict | None = None) -> BusinessCalendar:
    if not business_time:
        return BusinessCalendar.always()
    if cache is None:
        return calendar_for(ticket.business_line)
    key = ticket.business_line_id
    if key not in cache:
        cache[key] = calendar_for(ticket.business_line)
    return cache[key]


def _check_may_edit(actor, business_line) -> None:
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change service levels."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line.pk:
        raise NotFound()


def _clean_policy(values: dict) -> dict:
    bad: dict[str, str] = {}
    clean: dict = {}
    for name in ("ticket_type", "priority", "customer_tier", "channel"):
        if name not in values:
            continue
        value = values[name] or ""
        choices = {
            "ticket_type": TicketType,
            "priority": Priority,
            "customer_tier": Tier,
            "channel": Channel,
        }[name]
        if value and value not in choices.values:
            bad[name] = _("Unknown value “%(value)s”; choose from %(choices)s.") % {
                "value": value,
                "choices": ", ".join(choices.values),
            }
        clean[name] = value
    for name in ("name", "category"):
        if name in values:
            text = values[name] if isinstance(values[name], str) else ""
            clean[name] = text.strip()[:100]
    if "name" in clean and not clean["name"]:
        bad["name"] = _("Required.")
    limits = {
        "first_response_minutes": (1, MAX_MINUTES),
        "resolution_minutes": (1, MAX_MINUTES),
        "resolution_days": (0, 365),
        "warning_percent": (1, 99),
        "step_percent": (1, 1000),
        "position": (0, 100000),
    }
    for name, (low, high) in limits.items():
        if name not in values:
            continue
        value = values[name]
        if value is None or value == "":
            if name in ("first_response_minutes", "resolution_minutes", "resolution_days"):
                clean[name] = None
                continue
            bad[name] = _("Required.")
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            bad[name] = _("Enter a whole number.")
            continue
        if isinstance(value, bool) or not low <= number <= high:
            bad[name] = _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
            continue
        clean[name] = number
    for name in ("business_time", "is_active"):
        if name in values:
            clean[name] = bool(values[name])
    if bad:
        raise Invalid(_("Some fields are not valid."), fields=bad)
    return clean


def _check_resolution(policy: SlaPolicy) -> None:
    if policy.resolution_minutes is None and policy.resolution_days is None:
        raise Invalid(
            _("Set a resolution target: minutes, or the working day it must be done by."),
            fields={"resolution_minutes": _("Required.")},
        )
    if policy.resolution_minutes is not None and policy.resolution_days is not None:
        raise Invalid(
            _("Set the resolution target either in minutes or in working days, not both."),
            fields={"resolution_days": _("Leave empty when minutes are set.")},
        )


def _check_unique_name(policy: SlaPolicy) -> None:
    taken = SlaPolicy.objects.filter(business_line_id=policy.business_line_id, name=policy.name)
    if policy.pk:
        taken = taken.exclude(pk=policy.pk)
    if taken.exists():
        raise Invalid(
            _("Another policy of this business line has this name."),
            fields={"name": _("Choose another name.")},
        )


@transaction.atomic
def sla_policies_seed(*, actor, business_line) -> int:
    """Copy the template defaults into editable policies of the line (existing names are kept).
    Property lines also get the 小修/大修 categories under their repair categories."""
    _check_may_edit(actor, business_line)
    rules = sla.line_builtin_policies(business_line.policy, business_line.industry)
    existing = set(
        SlaPolicy.objects.filter(business_line=business_line).values_list("name", flat=True)
    )
    new = [
        SlaPolicy(
            business_line=business_line,
            position=index * 10,
            **{
                name: getattr(rule, name)
                for name in POLICY_FIELDS
                if hasattr(rule, name) and name != "position"
            },
        )
        for index, rule in enumerate(rules)
        if rule.name not in existing
    ]
    # pressing the button twice (or two people at once) adds nothing twice: names are unique
    # per line and a concurrent insert of the same name is skipped
    SlaPolicy.objects.bulk_create(new, ignore_conflicts=True)
    after = set(
        SlaPolicy.objects.filter(business_line=business_line).values_list("name", flat=True)
    )
    new = [p for p in new if p.name in after - existing]
    line_settings.changed(business_line.pk)  # bulk_create sends no signal
    if business_line.industry == "property":
        from kefu.tickets.models import Category

        for parent in Category.objects.filter(
            business_line=business_line, parent=None, name__contains="报修"
        ):
            for name in (sla.MINOR_REPAIR, sla.MAJOR_REPAIR):
                Category.objects.get_or_create(
                    business_line=business_line, parent=parent, name=name
                )
    audit.record(
        actor=actor,
        action="sla.policies_seed",
        business_line_id=business_line.pk,
        changes={"created": [p.name for p in new]},
    )
    return len(new)


@transaction.atomic
def sla_policy_create(*, actor, business_line, **values) -> SlaPolicy:
    """A new policy of ``business_line`` (supervisors and above of that line)."""
    _check_may_edit(actor, business_line)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid(_("Some fields are not valid."), fields=dict.fromkeys(unknown, "?"))
    values.setdefault("name", "")
    policy = SlaPolicy(business_line=business_line, **_clean_policy(values))
    _check_resolution(policy)
    _check_unique_name(policy)
    policy.save()
    audit.record(
        actor=actor,
        action="sla.policy_create",
        obj=policy,
        changes={name: getattr(policy, name) for name in POLICY_FIELDS},
    )
    return policy


@transaction.atomic
def sla_policy_update(*, actor, policy: SlaPolicy, changes: dict) -> SlaPolicy:
    """Change a policy. Running clocks keep the targets they started with (a change applies to
    new tickets and to tickets whose type, priority, channel or category changes later)."""
    _check_may_edit(actor, policy.business_line)
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid(_("Some fields are not valid."), fields=dict.fromkeys(unknown, "?"))
    clean = _clean_policy(changes)
    before = {name: getattr(policy, name) for name in clean}
    for name, value in clean.items():
        setattr(policy, name, value)
    _check_resolution(policy)
    _check_unique_name(policy)
    diff = audit.diff(before, clean)
    if diff:
        policy.save(update_fields=[*clean, "updated_at"])
        audit.record(actor=actor, action="sla.policy_update", obj=policy, changes=diff)
    return policy


@transaction.atomic
def sla_policy_delete(*, actor, policy: SlaPolicy) -> None:
    _check_may_edit(actor, policy.business_line)
    audit.record(actor=actor, action="sla.policy_delete", obj=policy, changes={"name": policy.name})
    policy.delete()


# -- clocks --------------------------------------------------------------------------------


def _schedule(clock: SlaClock, calendar: BusinessCalendar) -> None:
    """Recompute the deadline and the next level to fire from the clock's state."""
    start, target, paused = clock.started_at, clock.target_seconds, clock.paused_seconds
    clock.due_at = sla.deadline(start, target, paused, calendar)
    running = clock.stopped_at is None and clock.paused_since is None
    upcoming = sla.next_level_at(
        start,
        target,
        paused,
        calendar,
        after_level=clock.last_level,
        warning_percent=clock.warning_percent,
        step_percent=clock.step_percent,
    )
    if running and upcoming is not None:
        clock.next_level, clock.next_at = upcoming
    else:
        clock.next_level, clock.next_at = None, None


def _set_ticket_due(ticket: Ticket, clocks: list[SlaClock]) -> None:
    for clock in clocks:
        if clock.kind == Clock.RESOLUTION and clock.due_at != ticket.due_at:
            ticket.due_at = clock.due_at
            Ticket.all_objects.filter(pk=ticket.pk).update(due_at=clock.due_at)


def _build_clocks(
    ticket: Ticket,
    started_at: dt.datetime,
    calendars: dict | None = None,
    rules: list[sla.PolicyRule] | None = None,
) -> list[SlaClock]:
    if rules is None:
        rules = line_rules(ticket.business_line)
    policy = sla.best_policy(rules, _facts(ticket))
    if policy is None:
        return []
    calendar = _calendar(ticket, policy.business_time, calendars)
    clocks = []
    for kind in (Clock.FIRST_RESPONSE, Clock.RESOLUTION):
        target = sla.target_seconds(policy, kind, started_at, calendar)
        if target is None:
            continue
        clock = SlaClock(
            ticket=ticket,
            kind=kind,
            policy_id=policy.pk,
            policy_name=policy.name,
            target_seconds=target,
            business_time=policy.business_time,
            warning_percent=policy.warning_percent,
            step_percent=policy.step_percent,
            started_at=started_at,
        )
        _schedule(clock, calendar)
        clocks.append(clock)
    return clocks


def sla_plan(
    *,
    ticket: Ticket,
    started_at: dt.datetime,
    calendars: dict | None = None,
    rules: list[sla.PolicyRule] | None = None,
) -> list[SlaClock]:
    """The clocks of a ticket about to be inserted (its id already taken), under the policy that
    matches it, unsaved; the resolution deadline becomes ``ticket.due_at`` so that the ticket's
    INSERT carries it. ``calendars`` ({business line id: calendar}) and ``rules``
    (``line_rules``) spare the queries of a caller that holds them."""
    clocks = _build_clocks(ticket, started_at, calendars, rules)
    for clock in clocks:
        if clock.kind == Clock.RESOLUTION:
            ticket.due_at = clock.due_at
    return clocks


def sla_start(*, clocks: list[SlaClock]) -> None:
    """Save the clocks ``sla_plan`` made, once their ticket is inserted, in its transaction."""
    insert_rows(clocks)


def _clocks(ticket: Ticket) -> list[SlaClock]:
    return list(SlaClock.objects.select_for_update().filter(ticket_id=ticket.pk))


def _save(clock: SlaClock) -> None:
    clock.save(
        update_fields=[
            "paused_since",
            "paused_seconds",
            "stopped_at",
            "due_at",
            "last_level",
            "next_level",
            "next_at",
            "target_seconds",
            "policy",
            "policy_name",
            "business_time",
            "warning_percent",
            "step_percent",
        ]
    )


def sla_pause(*, ticket: Ticket, at: dt.datetime) -> None:
    """待客户: running clocks stop counting until ``sla_resume``."""
    for clock in _clocks(ticket):
        if clock.stopped_at is None and clock.paused_since is None:
            clock.paused_since = at
            clock.next_level, clock.next_at = None, None
            _save(clock)


def _resume(clock: SlaClock, since: dt.datetime, at: dt.datetime, calendar) -> None:
    clock.paused_seconds += sla.counted_seconds(since, at, calendar)


def sla_resume(*, ticket: Ticket, at: dt.datetime) -> None:
    """Back from 待客户: the paused counted time moves every deadline later by exactly that much."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.paused_since is not None:
            calendar = _calendar(ticket, clock.business_time)
            _resume(clock, clock.paused_since, at, calendar)
            clock.paused_since = None
            _schedule(clock, calendar)
            _save(clock)
    _set_ticket_due(ticket, clocks)


def sla_stop(*, ticket: Ticket, kinds: tuple[str, ...], at: dt.datetime) -> None:
    """Stop clocks (first response on the first reply; both on resolution)."""
    for clock in _clocks(ticket):
        if clock.kind in kinds and clock.stopped_at is None:
            if clock.paused_since is not None:
                calendar = _calendar(ticket, clock.business_time)
                _resume(clock, clock.paused_since, at, calendar)
                clock.paused_since = None
            clock.stopped_at = at
            clock.next_level, clock.next_at = None, None
            _save(clock)


def sla_reopen(*, ticket: Ticket, at: dt.datetime) -> None:
    """A reopened ticket's resolution clock runs again; the time it spent resolved is not counted."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.kind == Clock.RESOLUTION and clock.stopped_at is not None:
            calendar = _calendar(ticket, clock.business_time)
            _resume(clock, clock.stopped_at, at, calendar)
            clock.stopped_at = None
            _schedule(clock, calendar)
            _save(clock)
    _set_ticket_due(ticket, clocks)


def sla_status_changed(*, ticket: Ticket, before: str, after: str, at: dt.datetime) -> None:
    """The ticket's status hook: pause on 待客户, resume when it leaves, stop on resolution,
    run again on reopen."""
    if before == Status.PENDING and after != Status.PENDING:
        sla_resume(ticket=ticket, at=at)
    if after == Status.PENDING:
        sla_pause(ticket=ticket, at=at)
    elif after in (Status.RESOLVED, Status.CLOSED):
        sla_stop(ticket=ticket, kinds=(Clock.FIRST_RESPONSE, Clock.RESOLUTION), at=at)
    elif before in (Status.RESOLVED, Status.CLOSED):
        sla_reopen(ticket=ticket, at=at)


def sla_first_response(*, ticket: Ticket, at: dt.datetime) -> None:
    """The first reply to the customer meets (or ends) the first-response clock."""
    sla_stop(ticket=ticket, kinds=(Clock.FIRST_RESPONSE,), at=at)


def sla_retarget(*, ticket: Ticket) -> None:
    """Type, priority, channel or category changed: apply the policy that matches now, keeping
    the start, the paused time, the stops and the levels already recorded."""
    current = {c.kind: c for c in _clocks(ticket)}
    fresh = _build_clocks(ticket, ticket.created_at)
    kept = []
    for new in fresh:
        old = current.pop(new.kind, None)
        if old is None:
            if new.kind == Clock.FIRST_RESPONSE and ticket.first_response_at is not None:
                new.stopped_at = ticket.first_response_at
            if new.kind == Clock.RESOLUTION and not ticket.is_open:
                new.stopped_at = ticket.resolved_at or timezone.now()
            calendar = _calendar(ticket, new.business_time)
            _schedule(new, calendar)
            new.save()
            kept.append(new)
            continue
        for name in ("policy_id", "policy_name", "target_seconds", "business_time"):
            setattr(old, name, getattr(new, name))
        old.warning_percent, old.step_percent = new.warning_percent, new.step_percent
        calendar = _calendar(ticket, old.business_time)
        _schedule(old, calendar)
        if old.paused_since is not None:
            old.next_level, old.next_at = None, None
        _save(old)
        kept.append(old)
    if current:
        SlaClock.objects.filter(pk__in=[c.pk for c in current.values()]).delete()
    _set_ticket_due(ticket, kept)


# -- the periodic check --------------------------------------------------------------------


def _recipients(ticket: Ticket, level: int) -> list[User]:
    """Whom a level notifies: the assignee (else the first-ask owner), the team's leads, the
    department's supervisors, the line's managers; a missing rung hands over to the next."""
    chain = [
        [ticket.assignee or ticket.first_owner],
        list(User.objects.filter(team_id=ticket.team_id, role=Role.LEAD, is_active=True)),
        list(
            User.objects.filter(
                department_id=ticket.department_id, role=Role.SUPERVISOR, is_active=True
            )
        ),
        list(
            User.objects.filter(
                business_line_id=ticket.business_line_id, role=Role.MANAGER, is_active=True
            )
        ),
    ]
    for rung in chain[level:]:
        users = [u for u in rung if u is not None and u.is_active]
        if users:
            return users
    return []


def _fire(clock_id: int, now: dt.datetime, calendars: dict) -> int:
    """Record every level of one clock that is due by ``now``; returns how many were new."""
    created = 0
    with transaction.atomic():
        clock = (
            SlaClock.objects.select_for_update(of=("self",))
            .select_related("ticket__business_line", "ticket__assignee", "ticket__first_owner")
            .filter(pk=clock_id)
            .first()
        )
        if clock is None:
            return 0
        ticket = clock.ticket
        calendar = _calendar(ticket, clock.business_time, calendars)
        while (
            clock.next_level is not None
            and clock.next_at is not None
            and clock.next_at <= now
            and clock.stopped_at is None
            and clock.paused_since is None
        ):
            level = clock.next_level
            # a practice ticket's clock runs for the trainee's eyes: nobody is escalated to
            recipients = [] if ticket.is_practice else _recipients(ticket, level)
            try:
                with transaction.atomic():
                    SlaEvent.objects.create(
                        ticket=ticket,
                        clock=clock.kind,
                        level=level,
                        escalated_to=recipients[0] if recipients else None,
                        due_at=clock.due_at,
                    )
            except IntegrityError:
                pass  # another run recorded this level
            else:
                created += 1
                notify(
                    recipients,
                    kind=Notification.Kind.SLA,
                    ticket=ticket,
                    clock=clock.kind,
                    level=level,
                )
                audit.record(
                    actor=None,
                    action="sla.level",
                    obj=ticket,
                    changes={
                        "clock": clock.kind,
                        "level": level,
                        "notified": [u.pk for u in recipients],
                    },
                )
            clock.last_level = level
            _schedule(clock, calendar)
        _save(clock)
    return created


def sla_check(*, now: dt.datetime | None = None) -> int:
    """The periodic job: record warnings and breaches whose time has come and escalate them.
    Idempotent (a level is unique per ticket × clock, and the clock moves past it); returns the
    number of levels newly recorded."""
    now = now or timezone.now()
    calendars: dict = {}
    created = 0
    last_id = 0
    while True:
        ids = list(
            SlaClock.objects.filter(
                next_at__lte=now, stopped_at__isnull=True, paused_since__isnull=True, pk__gt=last_id
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:CHECK_BATCH]
        )
        if not ids:
            return created
        for clock_id in ids:
            created += _fire(clock_id, now, calendars)
        last_id = ids[-1]


# -- reads ---------------------------------------------------------------------------------


def sla_states(
    *, ticket: Ticket, now: dt.datetime | None = None
) -> list[tuple[SlaClock, sla.ClockState]]:
    """Each clock of the ticket with what it shows now (targets, elapsed, remaining, paused)."""
    now = now or timezone.now()
    result = []
    calendars: dict = {}
    for clock in SlaClock.objects.filter(ticket_id=ticket.pk).order_by("kind"):
        calendar = _calendar(ticket, clock.business_time, calendars)
        state = sla.clock_state(
            clock=clock.kind,
            start=clock.started_at,
            target=clock.target_seconds,
            paused_seconds=clock.paused_seconds,
            paused_since=clock.paused_since,
            stopped_at=clock.stopped_at,
            now=now,
            calendar=calendar,
            warning_percent=clock.warning_percent,
        )
        result.append((clock, state))
    return result


def breached_q() -> Q:
    """Tickets with a recorded breach (for lists)."""
    return Q(sla_events__level__gte=sla.BREACH)
