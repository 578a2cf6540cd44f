"""The complaint workflow (CMP-1): 受理安抚 → 澄清判定 → 方案协商 → 跟进落实 as stages of a 投诉 ticket;
hand-off to a responsible unit (责任单位) with its own deadline and the desk's re-contact when the
unit reports done (CMP-5); promises to the customer as tasks with an exact due time (WL-4, FU-6).

Every stage change is a ticket event and an audit record. Callers obtained the ticket through
``ticket_get_for`` (scope).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import audit, events, scope
from kefu.core.business_calendar import calendar_for
from kefu.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.tickets import sla
from kefu.tickets.models import Ticket, TicketEvent, TicketType
from kefu.tickets.models_sla import (
    ComplaintCase,
    Handoff,
    Notification,
    ResponsibleUnit,
    Stage,
    Task,
    UnitKind,
    Validity,
)
from kefu.tickets.notify import notify

STAGES = (Stage.ACCEPTED, Stage.CLARIFIED, Stage.SOLUTION, Stage.FOLLOW_THROUGH)
MAX_TEXT = 5000
MAX_OPTIONS = 10
# a promise further ahead than this is a typing mistake
MAX_PROMISE_DAYS = 366


def _event(ticket: Ticket, actor, field: str, before: str, after: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        TicketEvent.objects.create(
            ticket=ticket,
            actor=actor,
            kind=TicketEvent.Kind.FIELD,
            field=field,
            before=str(before),
            after=str(after),
        )


def _text(name: str, value, *, required: bool = False, size: int = MAX_TEXT) -> str:
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid(_("Some fields are not valid."), fields={name: _("Required.")})
    if len(text) > size:
        raise Invalid(
            _("Some fields are not valid."),
            fields={name: _("Use at most %(n)d characters.") % {"n": size}},
        )
    return text


def complaint_case(ticket: Ticket) -> ComplaintCase:
    """The complaint's case (an unsaved one at 受理安抚 when nothing was recorded yet)."""
    case = ComplaintCase.objects.filter(ticket_id=ticket.pk).first()
    return case or ComplaintCase(ticket=ticket)


@transaction.atomic
def complaint_advance(
    *,
    actor,
    ticket: Ticket,
    stage: str,
    version: int | None = None,
    validity: str = "",
    explanation: str = "",
    options=None,
    agreed_option: str = "",
    notes: str = "",
) -> ComplaintCase:
    """Move a complaint to the next stage, in order, with what that stage decides:
    澄清判定 needs valid / not valid, and a not-valid decision the explanation given to the
    customer; 方案协商 needs the options offered and the one agreed; 跟进落实 may carry notes."""
    if ticket.type != TicketType.COMPLAINT:
        raise Invalid(
            _("Only complaints go through the complaint stages."),
            fields={"stage": _("Not a complaint.")},
        )
    if stage not in Stage.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={"stage": _("Choose from %(choices)s.") % {"choices": ", ".join(Stage.values)}},
        )
    case, _created = ComplaintCase.objects.select_for_update().get_or_create(ticket=ticket)
    if version is not None and version != case.version:
        raise StaleWrite()
    current = STAGES.index(Stage(case.stage))
    target = STAGES.index(Stage(stage))
    if target != current + 1:
        raise Invalid(
            _("A complaint goes through its stages in order: after “%(current)s” comes “%(next)s”.")
            % {
                "current": Stage(case.stage).label,
                "next": STAGES[current + 1].label if current + 1 < len(STAGES) else "—",
            },
            fields={"stage": _("Not the next stage.")},
            code="invalid_transition",
        )
    changes: dict = {"stage": [case.stage, stage]}
    fields = ["stage", "version", "updated_at"]
    if stage == Stage.CLARIFIED:
        if validity not in Validity.values:
            raise Invalid(
                _("Judge whether the complaint is valid."), fields={"validity": _("Required.")}
            )
        explanation = _text("explanation", explanation, required=validity == Validity.NOT_VALID)
        case.validity, case.explanation = validity, explanation
        fields += ["validity", "explanation"]
        changes.update(validity=validity, explanation=explanation)
    elif stage == Stage.SOLUTION:
        offered = [_text("options", o, size=300) for o in (options or []) if isinstance(o, str)]
        offered = [o for o in offered if o][:MAX_OPTIONS]
        if not offered:
            raise Invalid(
                _("Record the options offered to the customer."),
                fields={"options": _("Required.")},
            )
        agreed = _text("agreed_option", agreed_option, required=True, size=300)
        if agreed not in offered:
            raise Invalid(
                _("The agreed option must be one of the options offered."),
                fields={"agreed_option": _("Not among the options.")},
            )
        case.options, case.agreed_option = offered, agreed
        fields += ["options", "agreed_option"]
        changes.update(options=offered, agreed_option=agreed)
    elif stage == Stage.FOLLOW_THROUGH:
        case.notes = _text("notes", notes)
        fields.append("notes")
        changes["notes"] = case.notes
    before = case.stage
    case.stage = stage
    case.version += 1
    case.save(update_fields=fields)
    with translation.override(settings.LANGUAGE_CODE):
        _event(ticket, actor, "complaint_stage", Stage(before).label, Stage(stage).label)
    audit.record(actor=actor, action="complaint.stage", obj=ticket, changes=changes)
    if stage == Stage.CLARIFIED and not ticket.is_practice:  # a drill's complaint judges nobody
        events.publish(
            "complaint.judged",
            object_id=ticket.pk,
            business_line_id=ticket.business_line_id,
            payload={
                "validity": validity,
                "category": ticket.category_id,
                "first_owner": ticket.first_owner_id,
            },
            actor=actor,
            subject=ticket,
        )
    return case


def complaint_resolve_check(ticket: Ticket, *, type: str | None = None) -> None:
    """Refuse to resolve a complaint before its solution is agreed (CMP-1: 受理安抚 → 澄清判定
    → 方案协商 → 跟进落实). A complaint judged not valid may be resolved once the explanation
    given to the customer is recorded (澄清判定). Every path to 已解决 (page, API, bulk) goes
    through ``ticket_update``, which calls this."""
    if (type or ticket.type) != TicketType.COMPLAINT:
        return
    case = ComplaintCase.objects.filter(ticket_id=ticket.pk).first()
    stage = Stage(case.stage) if case else Stage.ACCEPTED
    if STAGES.index(stage) >= STAGES.index(Stage.SOLUTION):
        return
    if stage == Stage.CLARIFIED and case.validity == Validity.NOT_VALID:
        return
    raise Invalid(
        _(
            "A complaint is resolved only after a solution is agreed with the customer. It is "
            "at “%(stage)s”: move it through the complaint stages to “%(solution)s” first."
        )
        % {"stage": stage.label, "solution": Stage.SOLUTION.label},
        fields={
            "status": _("The complaint has not reached “%(solution)s”.")
            % {"solution": Stage.SOLUTION.label}
        },
        code="complaint_stage_required",
    )


# -- responsible units and hand-offs ------------------------------------------------------


@transaction.atomic
def unit_create(
    *, actor, business_line, name: str, kind: str, contact: str = ""
) -> ResponsibleUnit:
    """A responsible unit of the line (supervisors and above)."""
    if not scope.at_least(actor, scope.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor or manager can change this."))
    if not scope.is_admin(actor) and actor.business_line_id != business_line.pk:
        raise NotFound()
    name = _text("name", name, required=True, size=100)
    if kind not in UnitKind.values:
        raise Invalid(
            _("Some fields are not valid."),
            fields={
                "kind": _("Choose from %(choices)s.") % {"choices": ", ".join(UnitKind.values)}
            },
        )
    if ResponsibleUnit.objects.filter(business_line=business_line, name=name).exists():
        raise Invalid(_("This unit exists already."), fields={"name": _("Taken.")})
    unit = ResponsibleUnit.objects.create(
        business_line=business_line,
        name=name,
        kind=kind,
        contact=_text("contact", contact, size=200),
    )
    audit.record(actor=actor, action="unit.create", obj=unit, changes={"name": name, "kind": kind})
    return unit


@transaction.atomic
def handoff_create(*, actor, ticket: Ticket, unit, due_at: dt.datetime, note: str = "") -> Handoff:
    """Hand the complaint to a responsible unit of its line with the unit's own deadline."""
    try:
        unit_id = int(getattr(unit, "pk", unit))
    except (TypeError, ValueError):
        unit_id = 0
    unit = ResponsibleUnit.objects.filter(
        pk=unit_id, business_line_id=ticket.business_line_id, is_active=True
    ).first()
    if unit is None:
        raise Invalid(
            _("Choose a responsible unit of the ticket's business line."),
            fields={"unit": _("Unknown unit.")},
        )
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise Invalid(_("Enter the unit's deadline."), fields={"due_at": _("Required.")})
    if due_at <= timezone.now():
        raise Invalid(
            _("The unit's deadline must be in the future."), fields={"due_at": _("In the past.")}
        )
    handoff = Handoff.objects.create(
        ticket=ticket, unit=unit, due_at=due_at, note=_text("note", note), created_by=actor
    )
    _event(ticket, actor, "handoff", "", unit.name)
    audit.record(
        actor=actor,
        action="complaint.handoff",
        obj=ticket,
        changes={"unit": unit.pk, "due_at": due_at.isoformat()},
    )
    return handoff


def recontact_due(at: dt.datetime, business_line) -> dt.datetime:
    """When the desk must re-contact the customer: the end of the working day (CMP-4: the
    customer hears the same day a solution is obtained; after hours, the next working day)."""
    return sla.end_of_working_day(at, calendar_for(business_line))


@transaction.atomic
def handoff_report_done(*, actor, handoff: Handoff, report: str) -> Task:
    """The unit reports done: record its report and give the desk a task to re-contact the
    customer and confirm satisfaction (CMP-5), owned by the assignee (else the first-ask owner)."""
    handoff = (
        Handoff.objects.select_for_update().select_related("ticket", "unit").get(pk=handoff.pk)
    )
    if handoff.done_at is not None:
        raise Conflict(_("The unit has already reported this hand-off done."))
    report = _text("report", report, required=True)
    now = timezone.now()
    handoff.done_at, handoff.report = now, report
    handoff.save(update_fields=["done_at", "report", "updated_at"])
    ticket = handoff.ticket
    owner = ticket.assignee or ticket.first_owner
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Re-contact the customer: %(unit)s reported done") % {"unit": handoff.unit.name}
    task = Task.objects.create(
        business_line_id=ticket.business_line_id,
        department_id=ticket.department_id,
        team_id=ticket.team_id,
        ticket=ticket,
        handoff=handoff,
        kind=Task.Kind.RECONTACT,
        title=title[:200],
        due_at=recontact_due(now, ticket.business_line),
        owner=owner,
        created_by=actor,
    )
    _event(ticket, actor, "handoff", handoff.unit.name, _("done"))
    notify([owner], kind=Notification.Kind.HANDOFF_DONE, ticket=ticket, text=title)
    audit.record(
        actor=actor,
        action="complaint.handoff_done",
        obj=ticket,
        changes={"handoff": handoff.pk, "task": task.pk},
    )
    return task


# -- promises and tasks --------------------------------------------------------------------


@transaction.atomic
def promise_create(
    *,
    actor,
    ticket: Ticket,
    title: str,
    due_at: dt.datetime | None = None,
    minutes: int | None = None,
) -> Task:
    """A promise to the customer (reply by a time, call back in 30 minutes) becomes the actor's
    task due at exactly that time: ``due_at``, or ``minutes`` of wall-clock time from now."""
    title = _text("title", title, required=True, size=200)
    now = timezone.now()
    if minutes is not None:
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 1 <= minutes <= 60 * 24 * MAX_PROMISE_DAYS
        ):
            raise Invalid(
                _("Some fields are not valid."), fields={"minutes": _("Enter a whole number.")}
            )
        due_at = now + dt.timedelta(minutes=minutes)
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise Invalid(_("Say when the promise is due."), fields={"due_at": _("Required.")})
    if due_at <= now or due_at > now + dt.timedelta(days=MAX_PROMISE_DAYS):
        raise Invalid(
            _("A promise is due in the future, within a year."),
            fields={"due_at": _("Not a valid time.")},
        )
    task = Task.objects.create(
        business_line_id=ticket.business_line_id,
        department_id=ticket.department_id,
        team_id=ticket.team_id,
        ticket=ticket,
        kind=Task.Kind.PROMISE,
        title=title,
        due_at=due_at,
        owner=actor,
        created_by=actor,
    )
    _event(ticket, actor, "promise", "", f"{title} · {timezone.localtime(due_at):%Y-%m-%d %H:%M}")
    audit.record(
        actor=actor,
        action="ticket.promise",
        obj=ticket,
        changes={"task": task.pk, "title": title, "due_at": due_at.isoformat()},
    )
    return task


@transaction.atomic
def task_done(*, actor, task: Task) -> Task:
    """Mark a task done (its owner, or someone whose scope holds its team). Done once."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise Conflict(_("This task is done already."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at", "updated_at"])
    audit.record(
        actor=actor,
        action="task.done",
        obj=task,
        changes={"ticket": task.ticket_id, "late": task.done_at > task.due_at},
    )
    return task
