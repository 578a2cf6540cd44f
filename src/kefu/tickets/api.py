"""/api/v1/tickets: intake, the filtered list, one ticket, its timeline, replies, notes, files.

Handlers parse, call a service or selector, and return; scope comes from ``ticket_get_for``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from kefu.core.errors import Invalid, NotFound
from kefu.core.pagination import Page, clamp_limit, paginate
from kefu.tickets import selectors, services
from kefu.tickets.filters import TicketFilters
from kefu.tickets.models import TicketMessage
from kefu.tickets.schemas import (
    AttachmentOut,
    AttachmentPageOut,
    BulkUpdateIn,
    BulkUpdateOut,
    Id,
    MessageCreateIn,
    MessageOut,
    MessagePageOut,
    TicketCreateIn,
    TicketEventPageOut,
    TicketListQueryIn,
    TicketOut,
    TicketPageOut,
    TicketUpdateIn,
)

router = Router(tags=["tickets"])
CALLER_FIELDS = {"customer", "customer_phone", "customer_name"}


def _page(qs, *, ordering: str, cursor: str | None, limit: int | None, branches=()) -> Page:
    """core.pagination.paginate, where a cursor of another ordering is a 400, not a 500."""
    try:
        return paginate(qs, ordering=ordering, cursor=cursor, limit=limit, branches=branches)
    except (TypeError, ValueError, OverflowError, DjangoValidationError):
        if not cursor:
            raise
        msg = _("The cursor is not valid.")
        raise Invalid(msg, fields={"cursor": _("Not a valid cursor.")}) from None


@router.post("", response={201: TicketOut})
def ticket_create(request, payload: TicketCreateIn):
    fields = payload.dict(exclude=CALLER_FIELDS)
    if payload.customer is not None:
        ticket = services.ticket_create(actor=request.user, customer=payload.customer, **fields)
    elif payload.customer_phone:
        ticket = services.ticket_create_for_caller(
            actor=request.user,
            customer_phone=payload.customer_phone,
            customer_name=payload.customer_name or "",
            **fields,
        )
    else:
        msg = _("Give a customer id, or the caller's phone and name.")
        raise Invalid(msg, fields={"customer": _("Required.")})
    return Status(201, ticket)


@router.get("", response=TicketPageOut)
def ticket_list(
    request,
    query: Query[TicketListQueryIn],
    cursor: str | None = None,
    limit: int | None = None,
):
    """The tickets in the caller's scope, filtered, newest first unless ``ordering`` says.

    Incremental export: with ``updated_after`` (and no ``ordering``) the list is ordered by
    ``(updated_at, id)`` oldest change first, so a reader pages with ``cursor`` and polls again
    from the last ``updated_at`` it saw (replies, notes, attachments and status changes move it)."""
    clamp_limit(limit)
    params = query.dict(exclude_none=True)
    if params.get("updated_after") and not params.get("ordering"):
        params["ordering"] = "updated_at"
    filters = TicketFilters.parse(params)
    qs = selectors.ticket_list_for(user=request.user, filters=filters, description=True)
    branches = selectors.ticket_branches_for(user=request.user, filters=filters)
    return _page(qs, ordering=filters.ordering, cursor=cursor, limit=limit, branches=branches)


@router.post("/bulk", response=BulkUpdateOut, operation_id="ticket_bulk_update")
def ticket_bulk_update(request, payload: BulkUpdateIn):
    """Up to 100 tickets at once: each item goes through the same rules as a PATCH of that
    ticket (state machine, version, scope) in its own transaction; the answer (200) has one
    result per item: ``ok``, the ``status_code`` and ``error`` a PATCH would have answered, and
    the updated ``ticket``. More than 100 items, or an id twice, is a 400 that changes nothing."""
    from kefu.tickets.bulk import tickets_bulk_apply

    items = [item.dict(exclude_unset=True) for item in payload.items]
    results = tickets_bulk_apply(actor=request.user, items=items)
    return {"items": results}


@router.get("/{ticket_id}", response=TicketOut, operation_id="ticket_get")
def ticket_detail(request, ticket_id: Id):
    return selectors.ticket_row_for(user=request.user, pk=ticket_id)


@router.patch("/{ticket_id}", response=TicketOut)
def ticket_update(request, ticket_id: Id, payload: TicketUpdateIn):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.ticket_update(
        actor=request.user, ticket=ticket, version=version, changes=changes
    )


@router.get("/{ticket_id}/timeline", response=TicketEventPageOut)
def ticket_timeline(request, ticket_id: Id, cursor: str | None = None, limit: int | None = None):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    events = selectors.ticket_events_qs(ticket=ticket)
    return _page(events, ordering="id", cursor=cursor, limit=limit)


def _messages(request, ticket_id: int, kind: str, cursor: str | None, limit: int | None):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    messages = selectors.ticket_messages_qs(ticket=ticket, kind=kind)
    return _page(messages, ordering="id", cursor=cursor, limit=limit)


@router.get("/{ticket_id}/replies", response=MessagePageOut, operation_id="ticket_reply_list")
def reply_list(request, ticket_id: Id, cursor: str | None = None, limit: int | None = None):
    return _messages(request, ticket_id, TicketMessage.Kind.REPLY, cursor, limit)


@router.post("/{ticket_id}/replies", response={201: MessageOut}, operation_id="ticket_reply_create")
def reply_create(request, ticket_id: Id, payload: MessageCreateIn):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    message = services.ticket_reply(actor=request.user, ticket=ticket, body=payload.body)
    return Status(201, message)


@router.post(
    "/{ticket_id}/replies/{message_id}/retry",
    response=MessageOut,
    operation_id="ticket_reply_retry",
)
def reply_retry(request, ticket_id: Id, message_id: Id):
    """Send a failed (or unsent) reply again: 409 when it is sent or on its way, 400 while the
    customer has no address for its channel."""
    from kefu.tickets import outbound

    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    message = outbound.reply_get(ticket=ticket, pk=message_id)
    return outbound.reply_retry(actor=request.user, ticket=ticket, message=message)


@router.get("/{ticket_id}/notes", response=MessagePageOut, operation_id="ticket_note_list")
def note_list(request, ticket_id: Id, cursor: str | None = None, limit: int | None = None):
    return _messages(request, ticket_id, TicketMessage.Kind.NOTE, cursor, limit)


@router.post("/{ticket_id}/notes", response={201: MessageOut}, operation_id="ticket_note_create")
def note_create(request, ticket_id: Id, payload: MessageCreateIn):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    message = services.ticket_note(actor=request.user, ticket=ticket, body=payload.body)
    return Status(201, message)


@router.post(
    "/{ticket_id}/attachments",
    response={201: AttachmentOut},
    operation_id="ticket_attachment_create",
)
def attachment_create(
    request, ticket_id: Id, file: File[UploadedFile], message: Form[Id | None] = None
):
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    attachment = services.attachment_add(
        actor=request.user, ticket=ticket, upload=file, message=message
    )
    return Status(201, attachment)


@router.get(
    "/{ticket_id}/attachments",
    response=AttachmentPageOut,
    operation_id="ticket_attachment_list",
)
def attachment_list(request, ticket_id: Id, cursor: str | None = None, limit: int | None = None):
    """The ticket's files, oldest first; each is read with ``…/attachments/{id}/download``."""
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    return _page(ticket.attachments.all(), ordering="id", cursor=cursor, limit=limit)


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/{ticket_id}/attachments/{attachment_id}/download",
    response={200: None},
    operation_id="ticket_attachment_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its stored `Content-Type` and a "
                "`Content-Disposition: attachment` naming it (RFC 5987 `filename*` for Chinese "
                "names).",
                "content": {"application/octet-stream": _FILE, "*/*": _FILE},
            }
        }
    },
)
def attachment_download(request, ticket_id: Id, attachment_id: Id):
    """One file of the ticket (404 for a ticket outside the caller's scope, or a file of
    another ticket)."""
    ticket = selectors.ticket_get_for(user=request.user, pk=ticket_id)
    attachment = ticket.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
