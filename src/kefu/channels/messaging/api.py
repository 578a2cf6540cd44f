"""/api/v1/channels: send an SMS or IM message, read the outbox, and the signed inbound webhook
of SMS and IM providers (``POST /channels/{channel}/inbound``, no token: an HMAC signature)."""

from __future__ import annotations

import json
import time
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kefu.channels.messaging import feeds, outbox, selectors, services, signing
from kefu.core import api_contract, scope
from kefu.core.errors import Invalid, PermissionDenied
from kefu.core.pagination import paginate

router = Router(tags=["channels"])


class SendIn(Schema):
    to: str
    text: str = ""
    #: a template of the line (policy ``sms_templates``) and its variables, instead of a text
    template: str = ""
    variables: dict[str, str] = {}
    channel: Literal["sms", "im"] = "sms"
    kind: Literal["message", "reply", "notice", "reminder"] = "message"
    business_line: int | None = None


class MessageSentOut(Schema):
    id: int
    status: str
    parts: int


class OutboundOut(Schema):
    id: int
    channel: str
    kind: str
    recipient: str
    text: str
    parts: int
    status: str
    status_label: str
    provider_id: str
    error: str
    ticket: int | None
    created_at: str


class OutboundPageOut(Schema):
    items: list[OutboundOut]
    next: str | None


class MessageInboundOut(Schema):
    id: int
    status: Literal["stored", "duplicate", "receipt"]
    ticket: int | None = None
    number: str | None = None


def _out(row) -> dict:
    from kefu.core.masking import mask_phone

    return {
        "id": row.pk,
        "channel": row.channel,
        "kind": row.kind,
        "recipient": mask_phone(row.recipient) if row.channel == "sms" else row.recipient,
        "text": row.text,
        "parts": row.parts,
        "status": row.status,
        "status_label": row.get_status_display(),
        "provider_id": row.provider_id,
        "error": row.error,
        "ticket": row.ticket_id,
        "created_at": row.created_at.isoformat(),
    }


@router.post("/send", response={201: MessageSentOut}, operation_id="channel_message_send")
def send(request, payload: SendIn):
    """Send an SMS (signature, parts, quota, quiet hours, opt-out applied) or an IM message:
    ``{"id", "status", "parts"}``; status ``sent``, ``held`` (quiet hours), ``refused`` or
    ``failed``. Supervisors and above."""
    if not scope.at_least(request.user, "supervisor"):
        raise PermissionDenied()
    line = selectors.line_for(request.user, payload.business_line)
    row = outbox.send(
        to=payload.to,
        text=payload.text,
        channel=payload.channel,
        kind=payload.kind,
        business_line=line,
        actor=request.user,
        template=payload.template,
        variables=payload.variables,
    )
    return Status(201, {"id": row.pk, "status": row.status, "parts": row.parts})


@router.get("/outbox", response=OutboundPageOut, operation_id="channel_outbox_list")
def outbox_list(request, cursor: str | None = None, limit: int | None = None):
    """The outbox of the caller's business line, newest first."""
    page = paginate(
        selectors.outbox_for(request.user), ordering="-created_at", cursor=cursor, limit=limit
    )
    return {"items": [_out(r) for r in page.items], "next": page.next}


@router.post(
    "/{channel}/inbound",
    response={200: MessageInboundOut, 201: MessageInboundOut},
    auth=None,
    operation_id="channel_inbound",
    openapi_extra={api_contract.SIGNED_MARK: True},
)
def inbound(request, channel: Literal["sms", "im", "feed"]):
    """A provider's webhook: a message or a delivery receipt. Headers ``X-Kefu-Timestamp`` (Unix
    seconds) and ``X-Kefu-Signature`` (hex HMAC-SHA256 of ``timestamp + "." + body`` with
    ``KEFU_INBOUND_SECRET``): a bad signature is 401 ``bad_signature``, a timestamp more than
    5 minutes away 401 ``replayed``. Body: ``{"id", "from", "text", "business_line" (code),
    "conversation"?, "name"?, "phone"?, "platform"?, "auto"?, "to"? (the line's IM account
    written to: its mapped queue takes the ticket)}`` or ``{"type": "receipt", "id",
    "delivered", "error"?}``. The same ``id`` twice is stored once (200 ``duplicate``).
    ``feed``: a fed complaint (CMP-6) ``{"source": "96860" | "12345" | "visit",
    "business_line", "id", "phone", "text", "name"?, "address"?, "station"? (a team's name),
    "department"? (the responsible department's name), "at"?}``: it opens a complaint ticket and
    notifies the station head (else the department's supervisors), once per source and id."""
    body = request.body
    problem = signing.check(
        getattr(settings, "KEFU_INBOUND_SECRET", ""),
        request.headers.get("X-Kefu-Timestamp", ""),
        body,
        request.headers.get("X-Kefu-Signature", ""),
        now=time.time(),
    )
    if problem is not None:
        message = (
            _("The signature of this request is not valid.")
            if problem == "bad_signature"
            else _("This request is too old or from the future: refused as a replay.")
        )
        from django.http import JsonResponse

        # the API's error body (kefu/api.py error_body), which this lower app may not import
        return JsonResponse(
            {"error": {"code": problem, "message": message, "fields": {}}}, status=401
        )
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Invalid(_("The body is not JSON."))
    if not isinstance(data, dict):
        raise Invalid(_("The body is not a JSON object."))
    if data.get("type") == "receipt":
        n = outbox.receipt(
            provider_id=str(data.get("id") or ""),
            delivered=bool(data.get("delivered")),
            error=str(data.get("error") or ""),
        )
        return Status(200, {"id": n, "status": "receipt"})
    line = outbox.line_by_code(data.get("business_line"))
    if channel == "feed":
        complaint, created = feeds.receive(
            line=line, source=str(data.get("source") or ""), row=data, via="webhook"
        )
        ticket = complaint.ticket
        return Status(
            201 if created else 200,
            {
                "id": complaint.pk,
                "status": "stored" if created else "duplicate",
                "ticket": ticket.pk if ticket else None,
                "number": ticket.number if ticket else None,
            },
        )
    message, created = services.receive(
        line=line,
        channel=channel,
        provider_id=str(data.get("id") or ""),
        sender=str(data.get("from") or ""),
        text=data.get("text") if isinstance(data.get("text"), str) else "",
        conversation=str(data.get("conversation") or ""),
        name=str(data.get("name") or ""),
        phone=str(data.get("phone") or ""),
        platform=str(data.get("platform") or ""),
        from_robot=bool(data.get("auto")),
        to_account=str(data.get("to") or ""),
    )
    ticket = message.ticket
    return Status(
        201 if created else 200,
        {
            "id": message.pk,
            "status": "stored" if created else "duplicate",
            "ticket": ticket.pk if ticket else None,
            "number": ticket.number if ticket else None,
        },
    )
