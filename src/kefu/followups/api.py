"""/api/v1/followups: callbacks and outcomes, the call and letter registers, 回访率, grades.

Handlers parse, call a service or selector, and return; scope comes from the selectors.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kefu.core.errors import Invalid
from kefu.core.pagination import paginate
from kefu.customers.selectors import shown_phone
from kefu.followups import selectors, services
from kefu.followups.exports import XLSX
from kefu.followups.schemas import (
    CallbackListQueryIn,
    CallbackOut,
    CallbackOutcomeIn,
    CallbackPageOut,
    CallCreateIn,
    CallOut,
    CallPageOut,
    GradedComplaintOut,
    GradeFlagIn,
    GradeMarkIn,
    GradeOut,
    Id,
    LetterCreateIn,
    LetterOut,
    LetterPageOut,
    RatesOut,
)
from kefu.tickets.selectors import ticket_get_for

router = Router(tags=["followups"])


def _page(qs, *, ordering: str, cursor: str | None, limit: int | None):
    try:
        return paginate(qs, ordering=ordering, cursor=cursor, limit=limit)
    except (TypeError, ValueError, OverflowError, DjangoValidationError):
        raise Invalid(_("The cursor is not valid."), fields={"cursor": _("Not a valid cursor.")})


def _callback(user, task, today) -> dict:
    return {
        "id": task.pk,
        "kind": task.kind,
        "kind_label": task.get_kind_display(),
        "sequence": task.sequence,
        "attempt": task.attempt,
        "status": task.status,
        "customer": task.customer_id,
        "customer_name": task.customer.name,
        "phone": shown_phone(user, task.customer.phone),
        "ticket": task.ticket_id,
        "ticket_number": task.ticket.number if task.ticket_id else None,
        "owner": task.owner_id,
        "window_start": task.window_start,
        "window_end": task.window_end,
        "overdue": task.is_open and task.window_end < today,
        "script": task.script,
        "outcome": task.outcome,
        "outcome_label": task.get_outcome_display() if task.outcome else "",
        "notes": task.notes,
        "done_at": task.done_at,
        "version": task.version,
    }


def _call(user, call) -> dict:
    return {
        "id": call.pk,
        "direction": call.direction,
        "direction_label": call.get_direction_display(),
        "started_at": call.started_at,
        "duration_seconds": call.duration_seconds,
        "result": call.result,
        "result_label": call.get_result_display(),
        "customer": call.customer_id,
        "customer_name": call.customer.name,
        "phone": shown_phone(user, call.customer.phone),
        "ticket": call.ticket_id,
        "callback": call.callback_id,
        "agent": call.agent_id,
        "team": call.team_id,
        "recording_ref": call.recording_ref,
        "notes": call.notes,
    }


def _letter(letter) -> dict:
    return {
        "id": letter.pk,
        "direction": letter.direction,
        "direction_label": letter.get_direction_display(),
        "kind": letter.kind,
        "kind_label": letter.get_kind_display(),
        "channel": letter.channel,
        "channel_label": letter.get_channel_display(),
        "sent_on": letter.sent_on,
        "tracking_number": letter.tracking_number,
        "subject": letter.subject,
        "customer": letter.customer_id,
        "customer_name": letter.customer.name,
        "ticket": letter.ticket_id,
        "callback": letter.callback_id,
        "agent": letter.agent_id,
        "team": letter.team_id,
        "notes": letter.notes,
    }


@router.get("/callbacks", response=CallbackPageOut)
def callback_list(
    request, query: Query[CallbackListQueryIn], cursor: str | None = None, limit: int | None = None
):
    """Callbacks in the caller's scope, newest first; filter by status, kind, owner, dates."""
    filters = selectors.CallbackFilters.parse(query.dict(exclude_none=True))
    qs = selectors.callback_list_for(user=request.user, filters=filters)
    page = _page(qs, ordering="-id", cursor=cursor, limit=limit)
    today = timezone.localdate()
    return {"items": [_callback(request.user, t, today) for t in page.items], "next": page.next}


@router.get("/callbacks/{callback_id}", response=CallbackOut, operation_id="callback_get")
def callback_detail(request, callback_id: Id):
    task = selectors.callback_get_for(user=request.user, pk=callback_id)
    return _callback(request.user, task, timezone.localdate())


@router.post("/callbacks/{callback_id}/outcome", response=CallbackOut)
def callback_outcome(request, callback_id: Id, payload: CallbackOutcomeIn):
    task = selectors.callback_get_for(user=request.user, pk=callback_id)
    task = services.callback_log_outcome(actor=request.user, task=task, **payload.dict())
    task = selectors.callback_get_for(user=request.user, pk=task.pk)
    return _callback(request.user, task, timezone.localdate())


@router.get("/calls", response=CallPageOut)
def call_list(
    request,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    customer: Id | None = None,
    direction: str | None = None,
    result: str | None = None,
    team: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The call register in the caller's scope, newest first, with the registers page's
    filters: ``from``/``to`` (days), ``direction`` (in/out), ``result``, ``team`` (an id) and
    ``q`` (``selectors.register_search``: words in the customer's name or the notes, a ticket
    number, a phone's digits)."""
    filters = {"direction": direction, "result": result, "team": team, "q": q}
    qs = selectors.call_list_for(
        user=request.user,
        start=selectors.parse_day("from", date_from),
        end=selectors.parse_day("to", date_to),
        customer=customer,
        filters=selectors.register_filters(filters, selectors.CALL_FILTERS),
    )
    page = _page(qs, ordering="-started_at", cursor=cursor, limit=limit)
    return {"items": [_call(request.user, c) for c in page.items], "next": page.next}


@router.post("/calls", response={201: CallOut})
def call_create(request, payload: CallCreateIn):
    call = services.call_record_create(actor=request.user, **payload.dict())
    call = selectors.call_list_for(user=request.user).get(pk=call.pk)
    return Status(201, _call(request.user, call))


@router.get("/letters", response=LetterPageOut)
def letter_list(
    request,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    customer: Id | None = None,
    direction: str | None = None,
    kind: str | None = None,
    channel: str | None = None,
    team: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """The letter register in the caller's scope, newest first, with the registers page's
    filters: ``from``/``to`` (days), ``direction`` (in/out), ``kind``, ``channel``, ``team``
    (an id) and ``q`` (``selectors.register_search``: a ticket number, a phone's digits, words
    in the customer's name, the subject, the tracking number or the notes)."""
    filters = {"direction": direction, "kind": kind, "channel": channel, "team": team, "q": q}
    qs = selectors.letter_list_for(
        user=request.user,
        start=selectors.parse_day("from", date_from),
        end=selectors.parse_day("to", date_to),
        customer=customer,
        filters=selectors.register_filters(filters, selectors.LETTER_API_FILTERS),
    )
    page = _page(qs, ordering="-id", cursor=cursor, limit=limit)
    return {"items": [_letter(x) for x in page.items], "next": page.next}


@router.post("/letters", response={201: LetterOut})
def letter_create(request, payload: LetterCreateIn):
    letter = services.letter_record_create(actor=request.user, **payload.dict())
    letter = selectors.letter_list_for(user=request.user).get(pk=letter.pk)
    return Status(201, _letter(letter))


@router.get("/rates", response=RatesOut, operation_id="callback_rates")
def rates(request, period: str | None = None):
    """回访率 = completed ÷ due per agent and team for a month (``period=2026-11``)."""
    figures = selectors.callback_rates(user=request.user, period=period)

    def row(r):
        return {
            "id": r.id,
            "name": r.name,
            "due": r.due,
            "completed": r.completed,
            "rate": r.rate,
            "target": r.target,
            "met": r.met,
        }

    return {
        "period": figures.period,
        "target": figures.target,
        "total": row(figures.total),
        "agents": [row(r) for r in figures.agents],
        "teams": [row(r) for r in figures.teams],
        "months": [row(r) for r in figures.months],
    }


@router.get("/complaints", response=list[GradedComplaintOut], operation_id="graded_complaint_list")
def graded_complaints(
    request, grade: Literal["repeat", "malignant"] = "repeat", period: str | None = None
):
    """The complaints that became repeat (重复) or malignant (恶性) in the month."""
    rows = selectors.graded_complaints_for(user=request.user, period=period, grade=grade)
    return [
        {
            "ticket": c.ticket_id,
            "number": c.ticket.number,
            "title": c.ticket.title,
            "customer_name": c.ticket.customer.name,
            "team": c.ticket.team.name,
            "grade": c.after,
            "rule": c.rule,
            "reason": c.reason,
            "changed_at": c.created_at,
        }
        for c in rows
    ]


def _grade(ticket) -> dict:
    row = selectors.grade_of(ticket)
    grade = row.grade if row else "ordinary"
    from kefu.followups.models import Grade

    return {
        "ticket": ticket.pk,
        "grade": grade,
        "grade_label": str(Grade(grade).label),
        "repeat_count": row.repeat_count if row else 0,
        "flags": row.flags if row else [],
    }


@router.get("/complaints/{ticket_id}/grade", response=GradeOut, operation_id="complaint_grade_get")
def grade_detail(request, ticket_id: Id):
    return _grade(ticket_get_for(user=request.user, pk=ticket_id))


@router.post(
    "/complaints/{ticket_id}/severe", response=GradeOut, operation_id="complaint_mark_severe"
)
def grade_mark_severe(request, ticket_id: Id, payload: GradeMarkIn):
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    services.complaint_mark_severe(actor=request.user, ticket=ticket, reason=payload.reason)
    return _grade(ticket)


@router.post("/complaints/{ticket_id}/flags", response=GradeOut, operation_id="complaint_flag_add")
def grade_flag(request, ticket_id: Id, payload: GradeFlagIn):
    ticket = ticket_get_for(user=request.user, pk=ticket_id)
    services.complaint_flag(actor=request.user, ticket=ticket, flag=payload.flag, note=payload.note)
    return _grade(ticket)


def _xlsx(request, register: str, date_from, date_to, filters: dict) -> HttpResponse:
    spec = selectors.CALL_FILTERS if register == "calls" else selectors.LETTER_API_FILTERS
    name, data = services.registers_export(
        actor=request.user,
        register=register,
        start=selectors.parse_day("from", date_from),
        end=selectors.parse_day("to", date_to),
        filters=selectors.register_filters(filters, spec),
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _xlsx_answer(what: str) -> dict:
    """The OpenAPI answer of an .xlsx export: a binary workbook, not JSON."""
    return {
        "responses": {
            200: {
                "description": f"{what} as an Excel workbook (Content-Disposition names the file).",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/calls.xlsx",
    response={200: None},
    operation_id="call_export_xlsx",
    openapi_extra=_xlsx_answer("The call register"),
)
def call_export(
    request,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    direction: str | None = None,
    result: str | None = None,
    team: str | None = None,
    q: str | None = None,
):
    """跟踪服务电话登记表 as .xlsx (phones masked per the caller's right), filtered like the
    call list."""
    filters = {"direction": direction, "result": result, "team": team, "q": q}
    return _xlsx(request, "calls", date_from, date_to, filters)


@router.get(
    "/letters.xlsx",
    response={200: None},
    operation_id="letter_export_xlsx",
    openapi_extra=_xlsx_answer("The letter register"),
)
def letter_export(
    request,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    direction: str | None = None,
    kind: str | None = None,
    channel: str | None = None,
    team: str | None = None,
    q: str | None = None,
):
    """跟踪服务信函登记表 as .xlsx, filtered like the letter list."""
    filters = {"direction": direction, "kind": kind, "channel": channel, "team": team, "q": q}
    return _xlsx(request, "letters", date_from, date_to, filters)
