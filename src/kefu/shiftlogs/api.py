"""/api/v1/shiftlogs: the handover book, the management log and patrol reports (SR-3, LOG-6):
list and search, write, correct while pending, sign off, addenda, the daily review queue and
the .xlsx export. Handlers parse, call a service or selector, and return."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kefu.core.errors import PermissionDenied
from kefu.core.pagination import paginate
from kefu.shiftlogs import selectors, services
from kefu.shiftlogs.exports import XLSX
from kefu.shiftlogs.schemas import (
    Id,
    ShiftLogAddendumIn,
    ShiftLogAddendumOut,
    ShiftLogCategory,
    ShiftLogEntryCreateIn,
    ShiftLogEntryOut,
    ShiftLogEntryPageOut,
    ShiftLogEntryPatchIn,
    ShiftLogKind,
    ShiftLogReviewOut,
    ShiftLogSignIn,
    ShiftLogStatus,
)

router = Router(tags=["shiftlogs"])


def _entry(e, addenda=None) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "shift_date": e.shift_date,
        "shift": e.shift,
        "shift_label": e.get_shift_display(),
        "team": e.team_id,
        "team_name": e.team.name,
        "author": e.author_id,
        "author_name": e.author.name,
        "handed_to": e.handed_to_id,
        "area": e.area,
        "title": e.title,
        "body": e.body,
        "open_items": e.open_items,
        "status": e.status,
        "status_label": e.get_status_display(),
        "category": e.category,
        "category_label": e.get_category_display() if e.category else "",
        "review_note": e.review_note,
        "signed_by": e.signed_by_id,
        "signed_at": e.signed_at,
        "created_at": e.created_at,
        "version": e.version,
        "addenda": None
        if addenda is None
        else [
            {
                "id": a.pk,
                "author": a.author_id,
                "author_name": a.author.name,
                "body": a.body,
                "created_at": a.created_at,
            }
            for a in addenda
        ],
    }


def _filters(kind, status, category, team, date_from, date_to, q) -> selectors.EntryFilters:
    return selectors.EntryFilters.parse(
        {
            "kind": kind or "",
            "status": status or "",
            "category": category or "",
            "team": team or "",
            "from": date_from or "",
            "to": date_to or "",
            "q": q or "",
        }
    )


def _detail(request, pk):
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    return _entry(entry, selectors.addenda_of(entry))


@router.get("/entries", response=ShiftLogEntryPageOut, operation_id="shiftlog_entry_list")
def entry_list(
    request,
    kind: ShiftLogKind | None = None,
    status: ShiftLogStatus | None = None,
    category: ShiftLogCategory | None = None,
    team: Id | None = None,
    date_from: str | None = Query(None, alias="from", description="shift date on or after"),
    date_to: str | None = Query(None, alias="to", description="shift date on or before"),
    q: str | None = Query(None, max_length=100, description="Chinese keyword search"),
    cursor: str | None = None,
    limit: int | None = None,
):
    """Entries in the caller's scope, newest first; filter by log, status, category, team,
    shift dates and keywords."""
    filters = _filters(kind, status, category, team, date_from, date_to, q)
    qs = selectors.entry_list_for(user=request.user, filters=filters)
    page = paginate(qs, ordering="-id", cursor=cursor, limit=limit)
    return {"items": [_entry(e) for e in page.items], "next": page.next}


@router.post("/entries", response={201: ShiftLogEntryOut}, operation_id="shiftlog_entry_create")
def entry_create(request, payload: ShiftLogEntryCreateIn):
    """Write an entry for a shift of the caller's team (or ``team`` of their scope)."""
    entry = services.entry_write(actor=request.user, **payload.dict())
    return Status(201, _detail(request, entry.pk))


@router.get("/entries/{entry_id}", response=ShiftLogEntryOut, operation_id="shiftlog_entry_get")
def entry_get(request, entry_id: Id):
    """One entry with its addenda."""
    return _detail(request, entry_id)


@router.patch(
    "/entries/{entry_id}", response=ShiftLogEntryOut, operation_id="shiftlog_entry_update"
)
def entry_update(request, entry_id: Id, payload: ShiftLogEntryPatchIn):
    """Correct an entry awaiting sign-off (409 ``entry_signed`` once signed; 409 ``stale`` for
    an old ``version``)."""
    entry = selectors.entry_get_for(user=request.user, pk=entry_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    services.entry_update(actor=request.user, entry=entry, version=version, **fields)
    return _detail(request, entry_id)


@router.post(
    "/entries/{entry_id}/sign", response=ShiftLogEntryOut, operation_id="shiftlog_entry_sign"
)
def entry_sign(request, entry_id: Id, payload: ShiftLogSignIn):
    """The supervisor classifies the entry and signs it off (409 ``already_signed``)."""
    entry = selectors.entry_get_for(user=request.user, pk=entry_id)
    services.entry_sign(actor=request.user, entry=entry, **payload.dict())
    return _detail(request, entry_id)


@router.post(
    "/entries/{entry_id}/addenda",
    response={201: ShiftLogAddendumOut},
    operation_id="shiftlog_addendum_create",
)
def addendum_create(request, entry_id: Id, payload: ShiftLogAddendumIn):
    """Append a correction or a later note (a signed entry itself never changes)."""
    entry = selectors.entry_get_for(user=request.user, pk=entry_id)
    a = services.addendum_add(actor=request.user, entry=entry, body=payload.body)
    return Status(
        201,
        {
            "id": a.pk,
            "author": a.author_id,
            "author_name": a.author.name,
            "body": a.body,
            "created_at": a.created_at,
        },
    )


@router.get("/review", response=ShiftLogReviewOut, operation_id="shiftlog_review_queue")
def review_queue(request, cursor: str | None = None, limit: int | None = None):
    """The supervisor's daily review queue: entries awaiting sign-off, oldest first, with the
    counts of today's shifts and of earlier (overdue) days. Supervisors and above."""
    if not services.may_sign(request.user):
        raise PermissionDenied(_("Supervisors sign the shift's logs off."))
    page = paginate(
        selectors.review_queue_for(user=request.user), ordering="id", cursor=cursor, limit=limit
    )
    counts = selectors.review_counts_for(user=request.user)
    return {**counts, "items": [_entry(e) for e in page.items], "next": page.next}


@router.get(
    "/entries.xlsx",
    response={200: None},
    operation_id="shiftlog_export_xlsx",
    openapi_extra={
        "responses": {
            200: {
                "description": "The entries as an Excel workbook (Content-Disposition names it).",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def entries_export(
    request,
    kind: ShiftLogKind | None = None,
    status: ShiftLogStatus | None = None,
    category: ShiftLogCategory | None = None,
    team: Id | None = None,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    q: str | None = Query(None, max_length=100),
):
    """交接班记录 / 管理日志 / 巡查报告表 as .xlsx (the list's filters)."""
    filters = _filters(kind, status, category, team, date_from, date_to, q)
    name, data = services.entries_export(actor=request.user, filters=filters)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
