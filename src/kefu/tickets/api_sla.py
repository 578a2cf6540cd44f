"""/api/v1/sla: a ticket's SLA state, SLA policies, routing rules and team strategies, complaint
stages, responsible units and hand-offs, promises/tasks, and notifications.

Mounted in ``kefu/api.py`` with ``api.add_router("/sla", sla_router)``. Handlers parse, call a
service or selector, and return; scope comes from the selectors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from kefu.accounts.models import Team
from kefu.core import scope
from kefu.core.api_contract import code
from kefu.core.errors import NotFound
from kefu.core.pagination import paginate
from kefu.tickets import complaints, routing_services, sla_selectors, sla_services
from kefu.tickets.models import Channel, Priority, TicketType
from kefu.tickets.models_sla import (
    Clock,
    Notification,
    Stage,
    Strategy,
    Task,
    UnitKind,
    Validity,
)
from kefu.tickets.notify import notification_text, notifications_mark_read
from kefu.tickets.selectors import ticket_get_for

router = Router(tags=["sla"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ClockCode = code(Clock)
AnyType = code(TicketType, blank=True)  # "" matches every type
AnyPriority = code(Priority, blank=True)
AnyChannel = code(Channel, blank=True)
StrategyCode = code(Strategy)
StageCode = code(Stage)
ValidityOrBlank = code(Validity, blank=True)
UnitKindCode = code(UnitKind)
TaskKind = code(Task.Kind)
NotificationKind = code(Notification.Kind)


def _documented(choices, default):
    """A code the service checks (a wrong one is its 400 naming the field), listed as an enum
    in the document; "" matches any."""
    return Field(default, json_schema_extra={"enum": ["", *choices.values]})


class ClockOut(Schema):
    clock: ClockCode
    policy: str
    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    percent: int
    paused: bool
    stopped: bool
    warning: bool
    breached: bool
    due_at: datetime | None


class SlaEventOut(Schema):
    clock: ClockCode
    level: int
    escalated_to: int | None = Field(None, alias="escalated_to_id")
    created_at: datetime


class TicketSlaOut(Schema):
    ticket: int
    due_at: datetime
    clocks: list[ClockOut]
    events: list[SlaEventOut]


class PolicyOut(Schema):
    id: int
    business_line: int = Field(..., alias="business_line_id")
    name: str
    position: int
    ticket_type: AnyType
    priority: AnyPriority
    customer_tier: str
    channel: AnyChannel
    category: str
    first_response_minutes: int | None
    resolution_minutes: int | None
    resolution_days: int | None
    business_time: bool
    warning_percent: int
    step_percent: int
    is_active: bool


class PolicyPageOut(Schema):
    items: list[PolicyOut]
    next: str | None


class PolicyCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=100)
    position: int = 0
    ticket_type: str = _documented(TicketType, "")
    priority: str = _documented(Priority, "")
    customer_tier: str = ""
    channel: str = _documented(Channel, "")
    category: str = Field("", max_length=100)
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    resolution_days: int | None = None
    business_time: bool = True
    warning_percent: int = 80
    step_percent: int = 50
    is_active: bool = True


class PolicyUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100)
    position: int | None = None
    ticket_type: str | None = _documented(TicketType, None)
    priority: str | None = _documented(Priority, None)
    customer_tier: str | None = None
    channel: str | None = _documented(Channel, None)
    category: str | None = Field(None, max_length=100)
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    resolution_days: int | None = None
    business_time: bool | None = None
    warning_percent: int | None = None
    step_percent: int | None = None
    is_active: bool | None = None


class SeedOut(Schema):
    created: int


class RoutingRuleOut(Schema):
    """A routing rule: tickets matching type/channel/category/keywords go to ``team``."""

    id: int
    name: str
    position: int
    ticket_type: AnyType
    channel: AnyChannel
    category: str
    keywords: str
    team: int = Field(..., alias="team_id")
    is_active: bool


class RoutingRulePageOut(Schema):
    items: list[RoutingRuleOut]
    next: str | None


class RoutingRuleCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=100)
    position: int = 0
    ticket_type: str = _documented(TicketType, "")
    channel: str = _documented(Channel, "")
    category: str = Field("", max_length=100)
    keywords: str = Field("", max_length=300)
    team: Id
    is_active: bool = True


class RoutingRuleUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100)
    position: int | None = None
    ticket_type: str | None = _documented(TicketType, None)
    channel: str | None = _documented(Channel, None)
    category: str | None = Field(None, max_length=100)
    keywords: str | None = Field(None, max_length=300)
    team: Id | None = None
    is_active: bool | None = None


class StrategyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    strategy: StrategyCode


class StrategyOut(Schema):
    team: int
    strategy: StrategyCode


class ComplaintOut(Schema):
    ticket: int = Field(..., alias="ticket_id")
    stage: StageCode
    validity: ValidityOrBlank
    explanation: str
    options: list[str]
    agreed_option: str
    notes: str
    version: int


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: StageCode
    version: int | None = None
    validity: ValidityOrBlank = ""
    explanation: str = Field("", max_length=5000)
    options: list[str] = Field(default_factory=list, max_length=10)
    agreed_option: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)


class ResponsibleUnitOut(Schema):
    """A unit outside the desk (物业工程部, 维修站) that complaints are handed off to."""

    id: int
    name: str
    kind: UnitKindCode
    contact: str
    is_active: bool


class ResponsibleUnitPageOut(Schema):
    items: list[ResponsibleUnitOut]
    next: str | None


class ResponsibleUnitCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=100)
    kind: UnitKindCode
    contact: str = Field("", max_length=200)


class HandoffIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Id
    due_at: datetime
    note: str = Field("", max_length=5000)


class HandoffOut(Schema):
    id: int
    ticket: int = Field(..., alias="ticket_id")
    unit: int = Field(..., alias="unit_id")
    due_at: datetime
    note: str
    done_at: datetime | None
    report: str


class HandoffDoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    report: str = Field(..., max_length=5000)


class TaskOut(Schema):
    id: int
    ticket: int = Field(..., alias="ticket_id")
    kind: TaskKind
    title: str
    due_at: datetime
    done_at: datetime | None
    owner: int = Field(..., alias="owner_id")
    handoff: int | None = Field(None, alias="handoff_id")


class TaskPageOut(Schema):
    items: list[TaskOut]
    next: str | None


class PromiseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=200)
    due_at: datetime | None = None
    minutes: int | None = Field(None, ge=1, le=60 * 24 * 366)


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    ticket: int | None = Field(None, alias="ticket_id")
    clock: ClockCode | Literal[""]
    level: int | None
    text: str
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next: str | None
    unread: int


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[Id] | None = None


class ReadOut(Schema):
    marked: int


# -- SLA -----------------------------------------------------------------------------------


@router.get("/tickets/{ticket_id}", response=TicketSlaOut, operation_id="ticket_sla_get")
def ticket_sla(request, ticket_id: Id):
    """Targets, elapsed and remaining time, paused, warning and breached per clock."""
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    clocks = [
        ClockOut(
            clock=clock.kind,
            policy=clock.policy_name,
            target_seconds=state.target,
            elapsed_seconds=state.elapsed,
            remaining_seconds=state.remaining,
            percent=state.percent,
            paused=state.paused,
            stopped=state.stopped,
            warning=state.warning,
            breached=state.breached,
            due_at=state.due_at,
        )
        for clock, state in sla_services.sla_states(ticket=ticket)
    ]
    events = list(ticket.sla_events.order_by("id"))
    return {"ticket": ticket.pk, "due_at": ticket.due_at, "clocks": clocks, "events": events}


@router.get("/policies", response=PolicyPageOut)
def policy_list(request, cursor: str | None = None, limit: int | None = None):
    return paginate(
        sla_selectors.policies_for(request.user), ordering="id", cursor=cursor, limit=limit
    )


def _line(user, business_line: int | None = None):
    """The user's own line; an administrator (no line of their own) names one with the
    ``business_line`` query parameter (or there is only one)."""
    from kefu.accounts import lines

    if user.business_line is None and not lines.may_choose(user):
        raise NotFound()
    return lines.line_for(user, business_line)


@router.post("/policies", response={201: PolicyOut})
def policy_create(request, payload: PolicyCreateIn, business_line: int | None = None):
    policy = sla_services.sla_policy_create(
        actor=request.user, business_line=_line(request.user, business_line), **payload.dict()
    )
    return Status(201, policy)


@router.post("/policies/seed", response=SeedOut)
def policy_seed(request, business_line: int | None = None):
    """Copy the industry template's defaults into the line's editable policies (an
    administrator names the line with ``business_line``); a second call adds nothing."""
    created = sla_services.sla_policies_seed(
        actor=request.user, business_line=_line(request.user, business_line)
    )
    return {"created": created}


@router.patch("/policies/{policy_id}", response=PolicyOut)
def policy_update(request, policy_id: Id, payload: PolicyUpdateIn):
    policy = sla_selectors.policy_get_for(user=request.user, pk=policy_id)
    changes = payload.dict(exclude_unset=True)
    return sla_services.sla_policy_update(actor=request.user, policy=policy, changes=changes)


@router.delete("/policies/{policy_id}", response={204: None})
def policy_delete(request, policy_id: Id):
    policy = sla_selectors.policy_get_for(user=request.user, pk=policy_id)
    sla_services.sla_policy_delete(actor=request.user, policy=policy)
    return Status(204, None)


# -- routing -------------------------------------------------------------------------------


@router.get("/routing/rules", response=RoutingRulePageOut, operation_id="routing_rule_list")
def rule_list(request, cursor: str | None = None, limit: int | None = None):
    qs = routing_services.rules_for(request.user)
    return paginate(qs, ordering="id", cursor=cursor, limit=limit)


@router.post("/routing/rules", response={201: RoutingRuleOut}, operation_id="routing_rule_create")
def rule_create(request, payload: RoutingRuleCreateIn, business_line: int | None = None):
    rule = routing_services.routing_rule_create(
        actor=request.user, business_line=_line(request.user, business_line), **payload.dict()
    )
    return Status(201, rule)


@router.patch(
    "/routing/rules/{rule_id}", response=RoutingRuleOut, operation_id="routing_rule_update"
)
def rule_update(request, rule_id: Id, payload: RoutingRuleUpdateIn):
    rule = routing_services.rule_get_for(user=request.user, pk=rule_id)
    changes = payload.dict(exclude_unset=True)
    return routing_services.routing_rule_update(actor=request.user, rule=rule, changes=changes)


@router.post("/routing/teams/{team_id}", response=StrategyOut, operation_id="team_strategy_set")
def team_strategy(request, team_id: Id, payload: StrategyIn):
    """Set a team's assignment strategy: manual, round_robin or least_load."""
    team = Team.objects.filter(scope.business_line_q(request.user), pk=team_id).first()
    if team is None:
        raise NotFound()
    config = routing_services.team_strategy_set(
        actor=request.user, team=team, strategy=payload.strategy
    )
    return {"team": team.pk, "strategy": config.strategy}


# -- complaints ----------------------------------------------------------------------------


@router.get(
    "/tickets/{ticket_id}/complaint", response=ComplaintOut, operation_id="complaint_stage_get"
)
def complaint_get(request, ticket_id: Id):
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    case = complaints.complaint_case(ticket)
    case.ticket_id = ticket.pk
    return case


@router.post(
    "/tickets/{ticket_id}/complaint",
    response=ComplaintOut,
    operation_id="complaint_stage_advance",
)
def complaint_advance(request, ticket_id: Id, payload: StageIn):
    """Move the complaint to its next stage (accepted → clarified → solution → follow_through)."""
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    return complaints.complaint_advance(actor=request.user, ticket=ticket, **payload.dict())


@router.get("/units", response=ResponsibleUnitPageOut, operation_id="responsible_unit_list")
def unit_list(request, cursor: str | None = None, limit: int | None = None):
    return paginate(
        sla_selectors.units_for(request.user), ordering="id", cursor=cursor, limit=limit
    )


@router.post("/units", response={201: ResponsibleUnitOut}, operation_id="responsible_unit_create")
def unit_create(request, payload: ResponsibleUnitCreateIn, business_line: int | None = None):
    unit = complaints.unit_create(
        actor=request.user, business_line=_line(request.user, business_line), **payload.dict()
    )
    return Status(201, unit)


@router.post("/tickets/{ticket_id}/handoffs", response={201: HandoffOut})
def handoff_create(request, ticket_id: Id, payload: HandoffIn):
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    handoff = complaints.handoff_create(actor=request.user, ticket=ticket, **payload.dict())
    return Status(201, handoff)


@router.post("/handoffs/{handoff_id}/done", response={201: TaskOut})
def handoff_done(request, handoff_id: Id, payload: HandoffDoneIn):
    """The unit reported done: returns the desk's re-contact task."""
    handoff = sla_selectors.handoff_get_for(user=request.user, pk=handoff_id)
    task = complaints.handoff_report_done(
        actor=request.user, handoff=handoff, report=payload.report
    )
    return Status(201, task)


# -- promises and tasks --------------------------------------------------------------------


@router.post("/tickets/{ticket_id}/promises", response={201: TaskOut})
def promise_create(request, ticket_id: Id, payload: PromiseIn):
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    task = complaints.promise_create(actor=request.user, ticket=ticket, **payload.dict())
    return Status(201, task)


@router.get("/tasks", response=TaskPageOut)
def task_list(
    request,
    mine: bool = True,
    overdue: bool = False,
    done: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Open tasks by due time: the caller's own (``mine``) or all in scope; ``overdue`` only."""
    qs = sla_selectors.task_list_for(user=request.user, mine=mine, overdue=overdue, done=done)
    return paginate(qs, ordering="due_at", cursor=cursor, limit=limit)


@router.post("/tasks/{task_id}/done", response=TaskOut)
def task_done(request, task_id: Id):
    task = sla_selectors.task_get_for(user=request.user, pk=task_id)
    return complaints.task_done(actor=request.user, task=task)


# -- notifications -------------------------------------------------------------------------


@router.get("/notifications", response=NotificationPageOut)
def notification_list(request, cursor: str | None = None, limit: int | None = None):
    page = paginate(
        sla_selectors.notifications_for(request.user), ordering="-id", cursor=cursor, limit=limit
    )
    for note in page.items:
        note.text = notification_text(note)
    return {
        "items": page.items,
        "next": page.next,
        "unread": sla_selectors.unread_count(request.user),
    }


@router.post("/notifications/read", response=ReadOut, operation_id="notification_mark_read")
def notification_read(request, payload: ReadIn):
    return {"marked": notifications_mark_read(user=request.user, ids=payload.ids)}
