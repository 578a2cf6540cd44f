"""Routing writes and decisions: rules per business line (edited by supervisors and above), each
team's assignment strategy, agents' working windows, and the choice made at intake.

Agents on leave (followups' ``UserAbsence``) or off shift (``AgentShift``) or inactive are never
chosen. The first-ask owner is the one who recorded the ticket whatever routing decides.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.absences import absent_user_ids
from kefu.accounts.models import Role, Team, User
from kefu.core import audit, events, line_settings, scope
from kefu.core.errors import Ineligible, Invalid, NotFound, PermissionDenied
from kefu.tickets import routing
from kefu.tickets.models import OPEN_STATUSES, Channel, Ticket, TicketType
from kefu.tickets.models_sla import AgentShift, RoutingRule, Strategy, TeamRouting

ASSIGNABLE_ROLES = (Role.AGENT, Role.LEAD)
RULE_FIELDS = (
    "name",
    "position",
    "ticket_type",
    "channel",
    "category",
    "keywords",
    "team",
    "is_active",
)


def _check_may_edit(actor, business_line_id: int) -> None:
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change routing."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line_id:
        raise NotFound()


# -- decisions -----------------------------------------------------------------------------


def route_team(
    *, business_line, ticket_type: str, channel: str, category, text: str
) -> Team | None:
    """The team the first matching active rule of the line names (None: no rule matched).

    Reads the line's rules and teams from this process's copy while its settings are unchanged
    (``business_line`` fresh from the database: core.line_settings)."""
    from kefu.tickets.services import line_teams

    teams = line_teams(business_line)
    rules = [
        rule
        for rule in line_settings.cached(
            business_line, "routing_rules", lambda: _rules(business_line)
        )
        if rule.team_id in teams
    ]
    if not rules:
        return None
    categories: tuple[str, ...] = ()
    if category is not None:
        categories = (category.name,) + ((category.parent.name,) if category.parent_id else ())
    match = routing.first_match(
        rules, ticket_type=ticket_type, channel=channel, categories=categories, text=text
    )
    return None if match is None else teams[match.team_id]


def _rules(business_line) -> list[routing.Rule]:
    return [
        routing.Rule(
            team_id=r.team_id,
            ticket_type=r.ticket_type,
            channel=r.channel,
            category=r.category,
            keywords=r.keywords,
            position=r.position,
            pk=r.pk,
        )
        for r in RoutingRule.objects.filter(business_line=business_line, is_active=True)
    ]


def available_agents(*, team: Team, at: dt.datetime | None = None) -> list[int]:
    """Ids of the team's active agents and leads who are neither on leave nor off shift at ``at``."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    ids = list(
        User.objects.filter(team=team, is_active=True, role__in=ASSIGNABLE_ROLES).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return []
    absent = absent_user_ids(ids, local.date())
    shifts = {
        s.user_id: routing.Shift(frozenset(s.weekdays), s.starts, s.ends)
        for s in AgentShift.objects.filter(user_id__in=ids)
    }
    return [
        pk for pk in ids if pk not in absent and (pk not in shifts or shifts[pk].on_shift(local))
    ]


def open_loads(user_ids) -> dict[int, int]:
    """{user id: open tickets assigned} for ``user_ids`` (zero included). One query."""
    loads = dict.fromkeys(user_ids, 0)
    rows = (
        Ticket.objects.filter(assignee_id__in=list(user_ids), status__in=OPEN_STATUSES)
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    for user_id, n in rows:
        loads[user_id] = n
    return loads


def eligible_agents(team: Team, user_ids, *, source: str = "routing", ticket_id=None) -> list[int]:
    """The ``user_ids`` the ``ticket.assigning`` guard lets take the team's tickets (the 上岗 gate
    of the training app): routing skips the others instead of refusing the ticket."""
    ids = list(user_ids)
    if not ids:
        return ids
    try:
        events.publish(
            "ticket.assigning",
            object_id=team.pk,
            business_line_id=team.business_line_id,
            payload={"ticket": ticket_id, "assignees": ids, "source": source},
        )
    except Ineligible as exc:
        return [pk for pk in ids if pk not in exc.user_ids]
    return ids


def pick_assignee(*, team: Team, at: dt.datetime | None = None) -> User | None:
    """The team's strategy picks an available agent (None for manual teams or nobody available).
    Round-robin advances the team's pointer under a row lock, so concurrent intakes alternate."""
    config = TeamRouting.objects.select_for_update().filter(team=team).first()
    if config is None or config.strategy == Strategy.MANUAL:
        return None
    candidates = eligible_agents(team, available_agents(team=team, at=at))
    if config.strategy == Strategy.ROUND_ROBIN:
        chosen = routing.round_robin(candidates, config.last_assignee_id)
    else:
        chosen = routing.least_load(open_loads(candidates))
    if chosen is None:
        return None
    config.last_assignee_id = chosen
    config.save(update_fields=["last_assignee"])
    return User.objects.get(pk=chosen)


# -- configuration -------------------------------------------------------------------------


def _clean_rule(business_line, values: dict) -> dict:
    bad: dict[str, str] = {}
    clean: dict = {}
    for name, choices in (("ticket_type", TicketType), ("channel", Channel)):
        if name in values:
            value = values[name] or ""
            if value and value not in choices.values:
                bad[name] = _("Unknown value “%(value)s”; choose from %(choices)s.") % {
                    "value": value,
                    "choices": ", ".join(choices.values),
                }
            clean[name] = value
    for name, size in (("name", 100), ("category", 100), ("keywords", 300)):
        if name in values:
            text = values[name] if isinstance(values[name], str) else ""
            clean[name] = text.strip()[:size]
    if "name" in clean and not clean["name"]:
        bad["name"] = _("Required.")
    if "position" in values:
        try:
            clean["position"] = int(values["position"])
            if not 0 <= clean["position"] <= 100000:
                raise ValueError
        except (TypeError, ValueError):
            bad["position"] = _("Enter a whole number.")
    if "is_active" in values:
        clean["is_active"] = bool(values["is_active"])
    if "team" in values:
        team_id = getattr(values["team"], "pk", values["team"])
        try:
            team = Team.objects.filter(
                pk=int(team_id), business_line=business_line, is_active=True, is_practice=False
            ).first()
        except (TypeError, ValueError):
            team = None
        if team is None:
            bad["team"] = _("Not a team of this business line.")
        clean["team"] = team
    if bad:
        raise Invalid(_("Some fields are not valid."), fields=bad)
    return clean


@transaction.atomic
def routing_rule_create(*, actor, business_line, **values) -> RoutingRule:
    """A new rule of the line: matching tickets go to ``team`` (supervisors and above)."""
    _check_may_edit(actor, business_line.pk)
    values.setdefault("name", "")
    if "team" not in values:
        raise Invalid(_("Choose the team."), fields={"team": _("Required.")})
    clean = _clean_rule(business_line, values)
    if not any(clean.get(k) for k in ("ticket_type", "channel", "category", "keywords")):
        raise Invalid(
            _("A rule needs at least one condition: type, channel, category or keywords."),
            fields={"keywords": _("Required.")},
        )
    rule = RoutingRule.objects.create(business_line=business_line, **clean)
    audit.record(
        actor=actor,
        action="routing.rule_create",
        obj=rule,
        changes={k: getattr(rule, k) for k in RULE_FIELDS},
    )
    return rule


@transaction.atomic
def routing_rule_update(*, actor, rule: RoutingRule, changes: dict) -> RoutingRule:
    _check_may_edit(actor, rule.business_line_id)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise Invalid(_("Some fields are not valid."), fields=dict.fromkeys(unknown, "?"))
    clean = _clean_rule(rule.business_line, changes)
    before = {k: getattr(rule, k) for k in clean}
    for name, value in clean.items():
        setattr(rule, name, value)
    diff = audit.diff(before, clean)
    if diff:
        rule.save(update_fields=[*clean, "updated_at"])
        audit.record(actor=actor, action="routing.rule_update", obj=rule, changes=diff)
    return rule


@transaction.atomic
def routing_rule_delete(*, actor, rule: RoutingRule) -> None:
    _check_may_edit(actor, rule.business_line_id)
    audit.record(actor=actor, action="routing.rule_delete", obj=rule, changes={"name": rule.name})
    rule.delete()


@transaction.atomic
def team_strategy_set(*, actor, team: Team, strategy: str) -> TeamRouting:
    """How ``team`` assigns its new tickets: manual, round-robin or least open load."""
    _check_may_edit(actor, team.business_line_id)
    if strategy not in Strategy.values:
        raise Invalid(
            _("Choose a strategy: %(choices)s.") % {"choices": ", ".join(Strategy.values)},
            fields={"strategy": _("Unknown value.")},
        )
    config, _created = TeamRouting.objects.get_or_create(team=team)
    if config.strategy != strategy:
        audit.record(
            actor=actor,
            action="routing.team_strategy",
            obj=team,
            business_line_id=team.business_line_id,
            changes={"strategy": [config.strategy, strategy]},
        )
        config.strategy = strategy
        config.save(update_fields=["strategy"])
    return config


@transaction.atomic
def agent_shift_set(*, actor, user: User, weekdays, starts: dt.time, ends: dt.time) -> AgentShift:
    """Set an agent's working window (weekdays 0–6 and local times); routing skips them outside."""
    _check_may_edit(actor, user.business_line_id or 0)
    if (
        not scope.is_admin(actor)
        and actor.role == Role.SUPERVISOR
        and (user.department_id != actor.department_id)
    ):
        raise NotFound()
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = [-1]
    if not days or any(not 0 <= d <= 6 for d in days):
        raise Invalid(
            _("Choose the weekdays (0 = Monday … 6 = Sunday)."), fields={"weekdays": _("Required.")}
        )
    if not isinstance(starts, dt.time) or not isinstance(ends, dt.time) or starts == ends:
        raise Invalid(_("Enter when the shift starts and ends."), fields={"starts": _("Required.")})
    shift, _created = AgentShift.objects.update_or_create(
        user=user, defaults={"weekdays": days, "starts": starts, "ends": ends}
    )
    audit.record(
        actor=actor,
        action="routing.shift_set",
        obj=user,
        business_line_id=user.business_line_id,
        changes={"weekdays": days, "starts": starts.isoformat(), "ends": ends.isoformat()},
    )
    return shift


def rules_for(user):
    """The routing rules of the user's line (all lines for admins), in order."""
    return (
        RoutingRule.objects.filter(scope.business_line_q(user))
        .select_related("team")
        .order_by("business_line_id", "position", "id")
    )


def rule_get_for(*, user, pk) -> RoutingRule:
    try:
        rule = rules_for(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        rule = None
    if rule is None:
        raise NotFound()
    return rule


def team_strategies_for(user) -> list[tuple[Team, str]]:
    """The teams of the user's line with their strategy (manual without a setting)."""
    teams = list(
        Team.objects.filter(scope.business_line_q(user), is_active=True)
        .select_related("routing")
        .order_by("id")
    )
    return [(t, t.routing.strategy if hasattr(t, "routing") else Strategy.MANUAL) for t in teams]
