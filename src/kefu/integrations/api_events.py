"""/api/v1/events: the domain event log for integrators (what webhooks deliver, polled instead).

The same page as ``kefu events list --json`` (``core.events.log_page``): ``{"items": [{"id",
"type", "occurred_at", "object_type", "object_id", "business_line", "payload", "cursor"}],
"next"}``, oldest first, limited to the caller's business line (every line for an
administrator). Mounted in ``kefu/api.py``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kefu.core import scope
from kefu.core.errors import Invalid
from kefu.core.events import MAX_PAGE, BadCursor, log_page

router = Router(tags=["events"])


class EventOut(Schema):
    id: str = Field(..., description="The event's stable id (a UUID): de-duplicate by it.")
    type: str = Field(..., examples=["ticket.created"])
    occurred_at: str = Field(
        ...,
        description="When it happened, UTC, to the microsecond (as webhooks send it).",
        json_schema_extra={"format": "date-time"},
        examples=["2026-11-23T01:30:00.123456Z"],
    )
    object_type: str = Field(..., examples=["ticket"])
    object_id: int
    business_line: int | None
    payload: dict[str, Any]
    cursor: str = Field(..., description="Pass as `after` to read the events after this one.")


class EventPageOut(Schema):
    items: list[EventOut]
    next: str | None = Field(
        ...,
        description="The cursor of the next page, or null when there is nothing more now: poll "
        "again later with `after` = the last item's `cursor`.",
    )


class EventListQueryIn(Schema):
    after: str | None = Field(
        None,
        max_length=30,
        description="A `cursor` of an earlier answer; from the start of the log without it.",
    )
    limit: int = Field(100, ge=1, le=MAX_PAGE, description="At most this many events.")


def _lines(user) -> list[int] | None:
    """The business lines whose events ``user`` reads: None (all) for an administrator."""
    if scope.is_admin(user):
        return None
    return [user.business_line_id] if getattr(user, "business_line_id", None) else []


@router.get("", response=EventPageOut, operation_id="event_list")
def event_list(request, query: Query[EventListQueryIn]):
    """Domain events after the cursor ``after``, oldest first (ticket.created, ticket.updated,
    reply.created, customer.merged …; payloads carry ids and codes, never contact data)."""
    try:
        return log_page(
            after=query.after, limit=query.limit, business_line_ids=_lines(request.user)
        )
    except BadCursor:
        msg = _("The cursor is not valid.")
        raise Invalid(msg, fields={"after": _("Not a valid cursor.")}) from None
