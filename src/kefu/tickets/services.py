"""Every write to tickets: intake, updates with optimistic concurrency, status, transfer, messages."""

from __future__ import annotations

import mimetypes
import os
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kefu.accounts.models import BusinessLine, Role, Team, User
from kefu.core import audit, events, line_settings, scope, search
from kefu.core.business_calendar import calendar_for, calendar_overrides
from kefu.core.db import insert_rows, next_id
from kefu.core.errors import Invalid, NotFound, StaleWrite
from kefu.customers.models import Customer, Order, PropertyUnit, Vehicle
from kefu.tickets import workflow
from kefu.tickets.due import compute_due
from kefu.tickets.filters import TicketFilters
from kefu.tickets.models import (
    Attachment,
    Category,
    Channel,
    Priority,
    SavedView,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketType,
)

NUMBER_DIGITS = 7
MAX_ID = 2**63 - 1
MAX_TITLE = 200
MAX_BODY = 20000
ASSIGNABLE_ROLES = (Role.AGENT, Role.LEAD)
UPDATABLE = (
    "title",
    "description",
    "type",
    "channel",
    "priority",
    "category",
    "team",
    "assignee",
    "status",
)
# images, pdf, office documents, text, csv, zip
ALLOWED_EXTENSIONS = frozenset(
    {
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "bmp",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "wps",
        "et",
        "txt",
        "csv",
        "zip",
    }
)


@transaction.atomic
def category_tree_create(*, business_line, tree: dict[str, list[str]]) -> list[Category]:
    """Create a two-level category tree {parent: [children]} for a business line."""
    created = []
    for parent_name, children in tree.items():
        parent, _ = Category.objects.get_or_create(
            business_line=business_line, parent=None, name=parent_name
        )
        created.append(parent)
        for child in children:
            node, _ = Category.objects.get_or_create(
                business_line=business_line, parent=parent, name=child
            )
            created.append(node)
    return created


# -- helpers -------------------------------------------------------------------------------


def publish(ticket: Ticket, name: str, **kwargs):
    """Publish a ticket's domain event — unless it is a practice ticket (the live drill, PK-3):
    nothing outside the tickets app hears of one, so no survey, callback, service-language
    finding, mail, webhook or closed month's stamp ever follows from a drill."""
    if ticket.is_practice:
        return None
    return events.publish(name, **kwargs)


def _pk(value) -> int | None:
    """The id of a model instance, an int or a numeric string; None for None or ""."""
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bool):
        raise ValueError
    pk = int(value)
    if not 1 <= pk <= MAX_ID:
        raise ValueError
    return pk


def _id_or_invalid(name: str, value) -> int | None:
    try:
        return _pk(value)
    except (TypeError, ValueError):
        raise Invalid(
            _("Some fields are not valid."), fields={name: _("Enter a valid id.")}
        ) from None


def _display(value) -> str:
    """How an event shows a value, in the site's language so the timeline reads the same."""
    if value is None or value == "":
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _label(choices: type[models.TextChoices], value: str) -> str:
    if value in choices.values:
        return _display(choices(value).label)
    return value


def _clean_title(title) -> str:
    title = (title or "").replace("\x00", "").strip() if isinstance(title, str) else ""
    if not title:
        raise Invalid(_("Enter a title."), fields={"title": _("Required.")})
    if len(title) > MAX_TITLE:
        raise Invalid(
            _("The title is too long."),
            fields={"title": _("Use at most %(n)d characters.") % {"n": MAX_TITLE}},
        )
    return title


def _clean_description(description) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise Invalid(_("Some fields are not valid."), fields={"description": _("Enter text.")})
    if len(description) > MAX_BODY:
        raise Invalid(
            _("The description is too long."),
            fields={"description": _("Use at most %(n)d characters.") % {"n": MAX_BODY}},
        )
    return description.replace("\x00", "").strip()


def _clean_choice(name: str, value, choices: type[models.TextChoices]) -> str:
    if value not in choices.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                name: _("Unknown value “%(value)s”; choose from %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)}
            },
        )
    return value


def _clean_type(line, value) -> str:
    value = _clean_choice("type", value, TicketType)
    enabled = line.ticket_types or TicketType.values
    if value not in enabled:
        raise Invalid(
            _("This business line does not handle this ticket type."),
            fields={
                "type": _("“%(type)s” is not enabled for %(line)s.")
                % {"type": TicketType(value).label, "line": line.name}
            },
        )
    return value


REFUND_TYPES = (TicketType.RETURN, TicketType.REFUND)


def refunds_enabled(line) -> bool:
    """§9.6: the line's ``refunds_enabled`` policy (on unless the line or its template, e.g. the
    education desk's 不退费, switches it off)."""
    return line.policy("refunds_enabled") is not False


def _check_refunds(line, value: str) -> None:
    """Refuse a return or refund ticket on a line whose refunds are switched off (§9.6)."""
    if value in REFUND_TYPES and not refunds_enabled(line):
        raise Invalid(
            _("%(line)s does not take returns or refunds: its refunds are switched off.")
            % {"line": line.name},
            fields={"type": _("Returns and refunds are switched off for this business line.")},
            code="refunds_disabled",
        )


def _clean_team(line, value, *, practice: bool = False) -> Team:
    """An active team of the line; a practice team only for a practice ticket and never else."""
    team_id = _id_or_invalid("team", value)
    team = (
        Team.objects.select_related("department")
        .filter(pk=team_id, business_line_id=line.pk, is_active=True, is_practice=practice)
        .first()
    )
    if team is None:
        raise Invalid(
            _("Choose an active team of the customer's business line."),
            fields={"team": _("Not a team of this business line.")},
        )
    return team


def line_teams(line) -> dict[int, Team]:
    """{id: team} of the line's active teams with their department, in id order; the copy of
    this process while the line's settings are unchanged (``line`` fresh from the database)."""

    def load() -> dict[int, Team]:
        # a practice team is never offered: no routing rule nor default sends a customer there
        teams = Team.objects.select_related("department").filter(
            business_line_id=line.pk, is_active=True, is_practice=False
        )
        return {team.pk: team for team in teams.order_by("id")}

    return line_settings.cached(line, "teams", load)


def _default_team(actor, line) -> Team:
    teams = line_teams(line)
    team = teams.get(actor.team_id) or next(iter(teams.values()), None)
    if team is None:
        raise Invalid(
            _("This business line has no active team to take the ticket."),
            fields={"team": _("Required.")},
        )
    return team


def _clean_category(line, value) -> Category | None:
    category_id = _id_or_invalid("category", value)
    if category_id is None:
        return None
    category = (
        Category.objects.select_related("parent")
        .filter(pk=category_id, business_line_id=line.pk, is_active=True)
        .first()
    )
    if category is None:
        raise Invalid(
            _("Choose an active category of the business line."),
            fields={"category": _("Not a category of this business line.")},
        )
    return category


def _clean_assignee(team: Team, value, ticket_id: int | None = None) -> User | None:
    user_id = _id_or_invalid("assignee", value)
    if user_id is None:
        return None
    user = User.objects.filter(
        pk=user_id, team_id=team.pk, is_active=True, role__in=ASSIGNABLE_ROLES
    ).first()
    if user is None:
        raise Invalid(
            _("The assignee must be an active agent or lead of the ticket's team."),
            fields={"assignee": _("Not a member of %(team)s.") % {"team": team.name}},
        )
    # the 上岗 gate (core.events guard): an agent without the queue's certification is refused
    events.publish(
        "ticket.assigning",
        object_id=team.pk,
        business_line_id=team.business_line_id,
        payload={"ticket": ticket_id, "assignees": [user.pk], "source": "manual"},
    )
    return user


def _clean_asset(customer: Customer, name: str, value, model: type[models.Model]):
    asset_id = _id_or_invalid(name, value)
    if asset_id is None:
        return None
    asset = model.objects.filter(pk=asset_id, customer_id=customer.pk).first()
    if asset is None:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("Not one of this customer's records.")},
        )
    return asset


def _check_customer(actor, customer) -> Customer:
    # read even when given an instance: the line's settings token must be fresh (core.line_settings)
    customer_id = customer.pk if isinstance(customer, Customer) else customer
    customer_id = _id_or_invalid("customer", customer_id)
    try:
        customer = Customer.objects.select_related("business_line").get(pk=customer_id)
    except Customer.DoesNotExist:
        customer = None
    in_scope = (
        customer is not None
        and customer.merged_into_id is None
        and (scope.is_admin(actor) or customer.business_line_id == actor.business_line_id)
    )
    if not in_scope:
        raise Invalid(
            _("Choose a customer of your business line."),
            fields={"customer": _("Unknown customer.")},
        )
    return customer


def _index(ticket: Ticket) -> None:
    ticket.search_text = search.segment(f"{ticket.title} {ticket.description}")
    Ticket.all_objects.filter(pk=ticket.pk).update(search_text=ticket.search_text)
    search.index_rows(Ticket, [(ticket.pk, ticket.search_text)])


def ticket_number(pk: int, created_at) -> str:
    """T + yymmdd of creation in Asia/Shanghai + the zero-padded id, e.g. T2611230000123."""
    day = timezone.localtime(created_at, timezone.get_default_timezone())
    return f"T{day:%y%m%d}{pk:0{NUMBER_DIGITS}d}"


# -- intake --------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    actor,
    title: str,
    type: str,
    channel: str,
    customer,
    description: str = "",
    priority: str = "normal",
    team=None,
    category=None,
    assignee=None,
    vehicle=None,
    property_unit=None,
    order=None,
) -> Ticket:
    """Record a contact as a ticket. ``actor`` becomes the first-ask owner (首问负责人) for good.

    The customer must be of the actor's business line (any for admins); team, category and
    assignee ids (or instances) must belong to that line; the team defaults to the actor's.
    """
    return _ticket_insert(
        actor=actor,
        customer=_check_customer(actor, customer),
        title=title,
        type=type,
        channel=channel,
        description=description,
        priority=priority,
        team=team,
        category=category,
        assignee=assignee,
        vehicle=vehicle,
        property_unit=property_unit,
        order=order,
    )


@transaction.atomic
def practice_ticket_create(
    *, actor, team, customer, title: str, description: str, trainee, type: str, now=None
) -> Ticket:
    """A practice ticket of the practice ``team`` (the live drill, PK-3), held by ``trainee``
    and owned first by ``actor`` (the trainer). It is a ticket like any other in the workbench
    (quick replies, customer panel, SLA clocks) but never counted, routed, sent or published
    (``Ticket.objects``, ``publish``, ``outbound.initial_state``)."""
    line = customer.business_line
    enabled = line.ticket_types or TicketType.values
    return _ticket_insert(
        actor=actor,
        customer=_check_customer(actor, customer),
        title=title,
        type=type if type in enabled else enabled[0],
        channel=Channel.IM,
        description=description,
        team=team,
        trainee=trainee,
        now=now,
    )


def _ticket_insert(
    *,
    actor,
    customer: Customer,
    title: str,
    type: str,
    channel: str,
    description: str = "",
    priority: str = "normal",
    team=None,
    category=None,
    assignee=None,
    vehicle=None,
    property_unit=None,
    order=None,
    now=None,
    trainee=None,
) -> Ticket:
    """``ticket_create`` once the customer is known to be in the actor's scope, read in this
    transaction with its business line; ``now``: the intake's moment when the caller took it.
    ``trainee``: a practice ticket of the practice ``team``, held by that trainee (the live
    drill; ``practice_ticket_create``)."""
    line = customer.business_line
    title = _clean_title(title)
    description = _clean_description(description)
    type = _clean_type(line, type)
    _check_refunds(line, type)
    channel = _clean_choice("channel", channel, Channel)
    priority = _clean_choice("priority", priority or Priority.NORMAL, Priority)
    category = _clean_category(line, category)
    if trainee is not None:
        team = _clean_team(line, team, practice=True)
    elif _pk_safe(team) is not None:
        team = _clean_team(line, team)
    else:
        # routing hook: the line's rules (category/keyword/channel → team) before the default
        from kefu.tickets.routing_services import route_team

        team = route_team(
            business_line=line,
            ticket_type=type,
            channel=channel,
            category=category,
            text=f"{title} {description}",
        ) or _default_team(actor, line)
    from kefu.tickets.routing_services import eligible_agents

    if trainee is not None:
        assignee = trainee  # the trainer chose them; the practice team has no members to route
    elif _pk_safe(assignee) is not None:
        assignee = _clean_assignee(team, assignee)
    elif (
        actor.team_id == team.pk
        and actor.role in ASSIGNABLE_ROLES
        and eligible_agents(team, [actor.pk])
    ):
        assignee = actor
    else:
        # routing hook: the team's strategy (round-robin, least load) or nobody (manual)
        from kefu.tickets.routing_services import pick_assignee

        assignee = pick_assignee(team=team)
    now = now or timezone.now()
    overrides = line_settings.cached(line, "calendar_days", lambda: calendar_overrides(line))
    calendar = calendar_for(line, overrides=overrides)
    # the id is taken first, so the number and the SLA deadline go into the one INSERT (a second
    # write would leave a dead row version and new index entries behind for every ticket)
    pk = next_id(Ticket)
    ticket = Ticket(
        pk=pk,
        number=ticket_number(pk, now),
        business_line=line,
        department=team.department,
        team=team,
        title=title,
        description=description,
        search_text=search.segment(f"{title} {description}"),
        type=type,
        channel=channel,
        priority=priority,
        status=Status.NEW,
        category=category,
        customer=customer,
        vehicle=_clean_asset(customer, "vehicle", vehicle, Vehicle),
        property_unit=_clean_asset(customer, "property_unit", property_unit, PropertyUnit),
        order=_clean_asset(customer, "order", order, Order),
        first_owner=actor,
        assignee=assignee,
        due_at=compute_due(line, priority, now, calendar),
        is_practice=team.is_practice,
    )
    from kefu.tickets.sla_services import line_rules, sla_plan, sla_start

    # the matching SLA policy's resolution deadline, when there is one, replaces that due time
    clocks = sla_plan(
        ticket=ticket,
        started_at=now,
        calendars={line.pk: calendar},
        rules=line_rules(line, cached=True),
    )
    ticket.created_at = now  # the intake's moment, the one its clocks start at
    insert_rows([ticket])
    sla_start(clocks=clocks)
    search.index_rows(Ticket, [(ticket.pk, ticket.search_text)])
    if customer.last_contact_at != ticket.created_at:  # a new caller's row already says so
        customer.last_contact_at = ticket.created_at
        customer.save(update_fields=["last_contact_at"])
    insert_rows([TicketEvent(ticket=ticket, actor=actor, kind=TicketEvent.Kind.CREATED)])
    audit.record(
        actor=actor,
        action="ticket.create",
        obj=ticket,
        changes={
            "number": ticket.number,
            "type": type,
            "team": team.pk,
            "assignee": assignee.pk if assignee else None,
            "customer": customer.pk,
        },
    )
    publish(
        ticket,
        "ticket.created",
        object_id=ticket.pk,
        business_line_id=line.pk,
        payload={
            "number": ticket.number,
            "title": title,
            "type": type,
            "channel": channel,
            "priority": priority,
            "status": ticket.status,
            "team": team.pk,
            "assignee": assignee.pk if assignee else None,
            "customer": customer.pk,
            "first_owner": actor.pk,
        },
        actor=actor,
        subject=ticket,
    )
    return ticket


def _pk_safe(value):
    """Like _pk, but an unparsable value counts as given (validation reports it later)."""
    try:
        return _pk(value)
    except (TypeError, ValueError):
        return value


@transaction.atomic
def ticket_create_for_caller(
    *, actor, customer_phone: str, customer_name: str, team=None, **ticket_fields
) -> Ticket:
    """Intake for a caller known only by phone: find the customer by phone in the business line
    (the team's, else the actor's) or create them, then ``ticket_create``."""
    from kefu.customers.services import customer_for_caller

    if _pk_safe(team) is not None:
        team_id = _id_or_invalid("team", team)
        team_obj = Team.objects.select_related("business_line").filter(pk=team_id).first()
        if team_obj is None or not (
            scope.is_admin(actor) or team_obj.business_line_id == actor.business_line_id
        ):
            raise Invalid(
                _("Choose an active team of the customer's business line."),
                fields={"team": _("Not a team of this business line.")},
            )
        line = team_obj.business_line
    else:
        # read in this transaction: its settings token must be fresh (core.line_settings)
        line = BusinessLine.objects.filter(pk=actor.business_line_id or 0).order_by()
        line = next(iter(line), None)  # no ORDER BY to compile, unlike first()
    if line is None:
        raise Invalid(_("Choose the team that takes the ticket."), fields={"team": _("Required.")})
    now = timezone.now()
    try:
        customer = customer_for_caller(
            actor=actor,
            business_line=line,
            name=customer_name,
            phone=customer_phone or "",
            contact_at=now,
        )
    except Invalid as exc:
        exc.fields = {f"customer_{k}": v for k, v in exc.fields.items()}
        raise
    # the customer was just read (or made) in this transaction, unmerged, of ``line``: in scope
    return _ticket_insert(actor=actor, customer=customer, team=team, now=now, **ticket_fields)


# -- updates -------------------------------------------------------------------------------


def _status_values(ticket: Ticket, target: str, now) -> dict:
    values: dict = {"status": target}
    if target == Status.RESOLVED:
        values.update(resolved_at=now, closed_at=None)
    elif target == Status.CLOSED:
        values.update(resolved_at=ticket.resolved_at or now, closed_at=now)
    else:
        values.update(resolved_at=None, closed_at=None)
    if workflow.is_reopen(ticket.status, target):
        values["reopen_count"] = ticket.reopen_count + 1
    return values


@transaction.atomic
def ticket_update(*, actor, ticket: Ticket, version: int, changes: dict) -> Ticket:
    """Change fields, transfer, assign or move the status of a ticket, optimistically.

    The caller obtained ``ticket`` through ``ticket_get_for`` (scope). ``version`` is the version
    the client saw: another write since then raises StaleWrite and changes nothing. The first-ask
    owner never changes; a transfer to another team drops an assignee who is not in it.
    """
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))},
            fields={name: _("Cannot be changed.") for name in sorted(unknown)},
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Some fields are not valid."), fields={"version": _("Enter a number.")})
    if ticket.version != version:
        raise StaleWrite()
    line = ticket.business_line
    now = timezone.now()
    values: dict = {}
    timeline: list[TicketEvent] = []

    def event(kind, field, before, after):
        timeline.append(
            TicketEvent(
                ticket=ticket,
                actor=actor,
                kind=kind,
                field=field,
                before=_display(before),
                after=_display(after),
            )
        )

    if "title" in changes:
        title = _clean_title(changes["title"])
        if title != ticket.title:
            values["title"] = title
            event(TicketEvent.Kind.FIELD, "title", ticket.title, title)
    if "description" in changes:
        description = _clean_description(changes["description"])
        if description != ticket.description:
            values["description"] = description
            event(TicketEvent.Kind.FIELD, "description", ticket.description, description)
    for name, choices in (("type", TicketType), ("channel", Channel), ("priority", Priority)):
        if name not in changes:
            continue
        value = (
            _clean_type(line, changes[name])
            if name == "type"
            else _clean_choice(name, changes[name], choices)
        )
        if name == "type" and value != ticket.type:
            _check_refunds(line, value)
        if value != getattr(ticket, name):
            values[name] = value
            event(
                TicketEvent.Kind.FIELD,
                name,
                _label(choices, getattr(ticket, name)),
                _label(choices, value),
            )
    if "priority" in values:
        values["due_at"] = compute_due(
            line, values["priority"], ticket.created_at, calendar_for(line)
        )
    if "category" in changes:
        category = _clean_category(line, changes["category"])
        if (category.pk if category else None) != ticket.category_id:
            values["category"] = category
            event(TicketEvent.Kind.FIELD, "category", ticket.category, category)
    team = ticket.team
    if "team" in changes:
        team = _clean_team(line, changes["team"], practice=ticket.is_practice)
        if team.pk != ticket.team_id:
            values.update(team=team, department=team.department)
            event(TicketEvent.Kind.TRANSFERRED, "team", ticket.team, team)
    assignee = ticket.assignee
    if "assignee" in changes:
        assignee = _clean_assignee(team, changes["assignee"], ticket.pk)
    elif "team" in values and assignee is not None and assignee.team_id != team.pk:
        assignee = None
    if (assignee.pk if assignee else None) != ticket.assignee_id:
        values["assignee"] = assignee
        event(TicketEvent.Kind.ASSIGNED, "assignee", ticket.assignee, assignee)
    if "status" in changes:
        target = _clean_choice("status", changes["status"], Status)
        if target != ticket.status:
            if not workflow.can_transition(ticket.status, target):
                raise Invalid(
                    _("A ticket cannot go from “%(from)s” to “%(to)s”.")
                    % {"from": Status(ticket.status).label, "to": Status(target).label},
                    fields={"status": _("Not allowed from the current status.")},
                    code="invalid_transition",
                )
            if target == Status.RESOLVED:
                # complaint stages (CMP-1): resolved only once a solution is agreed
                from kefu.tickets.complaints import complaint_resolve_check

                complaint_resolve_check(ticket, type=values.get("type", ticket.type))
            if target == Status.CLOSED:
                # a guard: subscribers may refuse the close (followups: a complaint closes only
                # after a successful callback)
                publish(
                    ticket,
                    "ticket.closing",
                    object_id=ticket.pk,
                    business_line_id=ticket.business_line_id,
                    payload={"before": ticket.status, "version": version},
                    actor=actor,
                    subject=ticket,
                )
            kind = (
                TicketEvent.Kind.REOPENED
                if workflow.is_reopen(ticket.status, target)
                else TicketEvent.Kind.STATUS
            )
            values.update(_status_values(ticket, target, now))
            event(kind, "status", _label(Status, ticket.status), _label(Status, target))
    if values.get("type") == TicketType.COMPLAINT and values.get("status", ticket.status) in (
        Status.RESOLVED,
        Status.CLOSED,
    ):
        # a resolved ticket retyped as a complaint would skip the complaint stages
        from kefu.tickets.complaints import complaint_resolve_check

        complaint_resolve_check(ticket, type=TicketType.COMPLAINT)
    if not values:
        if not Ticket.all_objects.filter(pk=ticket.pk, version=version).exists():
            raise StaleWrite()
        return ticket
    before = {name: getattr(ticket, Ticket._meta.get_field(name).attname) for name in values}
    status_before = ticket.status
    written = Ticket.all_objects.filter(pk=ticket.pk, version=version).update(
        **values, updated_at=now, version=F("version") + 1
    )
    if written == 0:
        raise StaleWrite()
    for name, value in values.items():
        setattr(ticket, name, value)
    ticket.version = version + 1
    ticket.updated_at = now
    if "title" in values or "description" in values:
        _index(ticket)
    TicketEvent.objects.bulk_create(timeline)
    audit.record(
        actor=actor,
        action="ticket.update",
        obj=ticket,
        changes=audit.diff(before, {k: getattr(v, "pk", v) for k, v in values.items()}),
    )
    # SLA hooks: 待客户 pauses the clocks, resolution stops them; new criteria retarget them
    from kefu.tickets import sla_services

    if "status" in values:
        sla_services.sla_status_changed(
            ticket=ticket, before=status_before, after=ticket.status, at=now
        )
    if {"type", "priority", "channel", "category"} & set(values):
        sla_services.sla_retarget(ticket=ticket)
    _publish_updated(actor, ticket, before, values)
    if "status" in values:
        # followups make the callback tasks on resolution and regrade a reopened complaint;
        # surveys invite the customer of a closed ticket (core.events subscribers)
        publish(
            ticket,
            "ticket.status_changed",
            object_id=ticket.pk,
            business_line_id=ticket.business_line_id,
            payload={"before": status_before, "after": ticket.status, "version": ticket.version},
            actor=actor,
            subject=ticket,
        )
    return ticket


def _event_value(value):
    """A field's value as a ``ticket.updated`` payload carries it: ids, codes, ISO times."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _publish_updated(actor, ticket: Ticket, before: dict, after: dict) -> None:
    changed = {
        name: None  # changed; the text stays in Kefu (a receiver reads the ticket)
        if name == "description"
        else [_event_value(before[name]), _event_value(value)]
        for name, value in after.items()
    }
    publish(
        ticket,
        "ticket.updated",
        object_id=ticket.pk,
        business_line_id=ticket.business_line_id,
        payload={"changed": changed, "version": ticket.version},
        actor=actor,
        subject=ticket,
    )


# -- messages and attachments --------------------------------------------------------------


def _clean_body(body) -> str:
    body = body.replace("\x00", "").strip() if isinstance(body, str) else ""
    if not body:
        raise Invalid(_("Write some text."), fields={"body": _("Required.")})
    if len(body) > MAX_BODY:
        raise Invalid(
            _("The text is too long."),
            fields={"body": _("Use at most %(n)d characters.") % {"n": MAX_BODY}},
        )
    return body


def touch(ticket: Ticket) -> None:
    """A reply, a note, an attachment or a delivery moves the ticket's ``updated_at`` (what
    ``GET /tickets?updated_after=`` exports by) without a version bump: nobody's open edit of the
    ticket turns stale for it."""
    now = timezone.now()
    Ticket.all_objects.filter(pk=ticket.pk).update(updated_at=now)
    ticket.updated_at = now


def _message(
    *, actor, ticket: Ticket, body, kind: str, event_kind: str, fields: dict | None = None
) -> TicketMessage:
    message = TicketMessage.objects.create(
        ticket=ticket, kind=kind, author=actor, body=_clean_body(body), **(fields or {})
    )
    TicketEvent.objects.create(ticket=ticket, actor=actor, kind=event_kind, message=message)
    touch(ticket)
    audit.record(
        actor=actor,
        action=f"ticket.{kind}",
        obj=ticket,
        changes={"message": message.pk},
    )
    payload = {"message": message.pk, "author": getattr(actor, "pk", None)}
    if kind == TicketMessage.Kind.REPLY:
        payload["delivery_status"] = message.delivery_status
    # knowledge checks what a reply says and counts its findings (a core.events subscriber)
    publish(
        ticket,
        "reply.created" if kind == TicketMessage.Kind.REPLY else "note.created",
        object_id=ticket.pk,
        business_line_id=ticket.business_line_id,
        payload=payload,
        actor=actor,
        subject=message,
    )
    return message


@transaction.atomic
def ticket_reply(*, actor, ticket: Ticket, body: str) -> TicketMessage:
    """A reply to the customer, sent by e-mail or SMS when the ticket's channel is one of them
    (``tickets.outbound``: queued now, sent by a job after commit; other channels record it).

    The first reply sets ``first_response_at`` (never moved later; it meets the SLA's
    first-response clock) and moves a 新建 ticket to 处理中, each with a version bump and an
    audit record. Service-language findings count against the agent (knowledge). The caller
    obtained ``ticket`` through ``ticket_get_for``."""
    from kefu.tickets import outbound

    body = _clean_body(body)
    # the row lock orders this reply after any write in flight; its state is what we update
    current = (
        Ticket.all_objects.select_for_update()
        .only("version", "status", "first_response_at")
        .get(pk=ticket.pk)
    )
    ticket.version, ticket.status = current.version, current.status
    ticket.first_response_at = current.first_response_at
    message = _message(
        actor=actor,
        ticket=ticket,
        body=body,
        kind=TicketMessage.Kind.REPLY,
        event_kind=TicketEvent.Kind.REPLY,
        fields=outbound.initial_state(ticket),
    )
    if ticket.first_response_at is None:
        at = message.created_at
        Ticket.all_objects.filter(pk=ticket.pk, version=ticket.version).update(
            first_response_at=at, updated_at=timezone.now(), version=F("version") + 1
        )
        ticket.first_response_at = at
        ticket.version += 1
        audit.record(
            actor=actor,
            action="ticket.update",
            obj=ticket,
            changes={"first_response_at": [None, at.isoformat()]},
        )
        _publish_updated(actor, ticket, {"first_response_at": None}, {"first_response_at": at})
        # SLA hook: the first reply meets the first-response clock
        from kefu.tickets.sla_services import sla_first_response

        sla_first_response(ticket=ticket, at=at)
    if ticket.status == Status.NEW:
        ticket_update(
            actor=actor,
            ticket=ticket,
            version=ticket.version,
            changes={"status": Status.IN_PROGRESS},
        )
    outbound.schedule(message)
    return message


@transaction.atomic
def ticket_note(*, actor, ticket: Ticket, body: str) -> TicketMessage:
    """An internal note (not shown to the customer). Caller holds scope (``ticket_get_for``)."""
    return _message(
        actor=actor,
        ticket=ticket,
        body=body,
        kind=TicketMessage.Kind.NOTE,
        event_kind=TicketEvent.Kind.NOTE,
    )


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@transaction.atomic
def attachment_add(*, actor, ticket: Ticket, upload, message=None) -> Attachment:
    """Attach a file: images, pdf, office documents, txt, csv or zip, at most the line's
    ``attachment_max_bytes``. The stored content type follows the extension, not the client."""
    name = get_valid_filename(os.path.basename(getattr(upload, "name", "") or ""))[:200]
    ext = _extension(name)
    if ext not in ALLOWED_EXTENSIONS:
        raise Invalid(
            _("This kind of file cannot be attached."),
            fields={
                "file": _("Allowed: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            },
        )
    limit = int(ticket.business_line.policy("attachment_max_bytes") or 0)
    if not upload.size:
        raise Invalid(_("The file is empty."), fields={"file": _("The file is empty.")})
    if limit and upload.size > limit:
        raise Invalid(
            _("The file is too large."),
            fields={"file": _("At most %(mb).1f MB.") % {"mb": limit / (1024 * 1024)}},
        )
    message_id = _id_or_invalid("message", message)
    if (
        message_id is not None
        and not TicketMessage.objects.filter(pk=message_id, ticket_id=ticket.pk).exists()
    ):
        raise Invalid(
            _("Some fields are not valid."),
            fields={"message": _("Not a message of this ticket.")},
        )
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(
        ticket=ticket,
        message_id=message_id,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex[:8]}-{name}", upload, save=False)
    attachment.save()
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.ATTACHMENT, after=name
    )
    touch(ticket)
    audit.record(
        actor=actor,
        action="ticket.attach",
        obj=ticket,
        changes={"attachment": attachment.pk, "name": name, "size": upload.size},
    )
    return attachment


# -- saved views ---------------------------------------------------------------------------


@transaction.atomic
def saved_view_save(*, user, name: str, query: str) -> SavedView:
    """Save (or overwrite by name) the user's list filter; the query must be valid filters."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Name the view."), fields={"name": _("Required.")})
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise Invalid(_("The name is too long."), fields={"name": _("Too long.")})
    query = (query or "").strip().lstrip("?")
    if len(query) > SavedView._meta.get_field("query").max_length:
        raise Invalid(_("Too many filters to save."), fields={"query": _("Too long.")})
    params = QueryDict(query)
    TicketFilters.parse({k: params.get(k, "") for k in params})
    view, _created = SavedView.objects.get_or_create(
        user=user, name=name, defaults={"query": query}
    )
    if not _created and view.query != query:
        view.query = query
        view.save(update_fields=["query", "updated_at"])
    return view


@transaction.atomic
def saved_view_delete(*, user, pk) -> None:
    """Delete one of the user's own saved views; NotFound for anyone else's."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    deleted, _rows = SavedView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound()
